"""The default continuous model of the conditional sampler: per group, ridge
(linear) or additive splines, whichever predicts held-out rows better.

The spline model of a column (or group) is a ridge regression on the other
columns and on quadratic spline terms of its *partners*: each continuous
column ``z`` has the terms ``z**2`` and ``max(z - k, 0)**2`` at knots ``k``
(its 15%, 50% and 85% quantiles; tangent beyond the training range). The
partners are the columns outside the group whose terms correlate with the
group's ridge residuals (a Bonferroni-corrected screen at 1% over all the
terms; at most :data:`MAX_PARTNERS`, the strongest): a column with no partner
keeps ridge at no extra cost, and the spline fit does not pay for the terms of
inputs it does not depend on.

:class:`DefaultContinuous` holds both and chooses per group: splines only where
they beat ridge on the held-out rows by more than twice the standard error of
the paired difference of squared errors (and by at least 1%), or by 20% or more
of ridge's error, so linear dependence keeps ridge and its numbers.
"""

import functools

import numpy as np
from scipy.stats import norm
from threadpoolctl import ThreadpoolController

from .ridge import RidgeAll

__all__ = ["DefaultContinuous", "SplineRidge", "SplineTerms", "splines_better"]

#: quantiles of each column at which its knots are placed
QUANTILES = (0.15, 0.5, 0.85)
#: spline terms of a continuous column besides itself: z**2 and one per knot
TERMS = 1 + len(QUANTILES)
#: the most partners a spline model takes (the strongest in the screen)
MAX_PARTNERS = 5
#: family-wise level of the screen for partners (Bonferroni over the terms)
SCREEN_LEVEL = 0.01
#: "auto" considers splines for at most this many continuous columns
MAX_COLUMNS = 300


def _one_blas_thread(method):
    """Run ``method`` with one BLAS thread: its matrices are small, where
    threads cost more than they bring (10-40x slower factorisations on a busy
    2-core machine)."""

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        with _controller().limit(limits=1, user_api="blas"):
            return method(*args, **kwargs)

    return wrapper


@functools.cache
def _controller():
    """The thread pools of the loaded libraries, found once (a scan costs ms)."""
    return ThreadpoolController()


def splines_better(resid_ridge, resid_splines, per_column=False):
    """Whether the splines' held-out residuals (rows, columns) are smaller
    than ridge's: a mean squared error lower by more than 2 standard errors of
    the paired difference of squared errors and by at least 1%, or lower by
    20% or more (a few extreme rows can make that standard error large). One
    answer for the group (squared errors summed over its columns), or with
    ``per_column`` one per column."""
    k = 1 if resid_ridge is None else np.shape(resid_ridge)[1]
    if resid_ridge is None or resid_splines is None or len(resid_ridge) < 5:
        return np.zeros(k, dtype=bool) if per_column else False
    lin, spl = np.square(resid_ridge), np.square(resid_splines)
    if not per_column:
        lin, spl = lin.sum(axis=1, keepdims=True), spl.sum(axis=1, keepdims=True)
    gain, mse = (lin - spl).mean(axis=0), lin.mean(axis=0)
    se = (lin - spl).std(axis=0, ddof=1) / np.sqrt(len(lin))
    better = (gain > np.maximum(2.0 * se, 0.01 * mse)) | (gain >= 0.2 * mse)
    return better if per_column else bool(better[0])


class SplineTerms:
    """The quadratic spline terms of the columns ``cols`` of ``Z``,
    standardised on ``Z`` (those rows' terms: :attr:`train`): per column
    ``u**2`` for ``u = z`` and ``u = max(z - k, 0)`` at its knots ``k``;
    beyond the training range each term goes on along its tangent (linear
    extrapolation). Terms are ordered term-major: term ``t`` of position ``i``
    is at ``t * len(cols) + i``."""

    def __init__(self, Z, cols):
        self.cols = np.asarray(cols, dtype=int)
        ranks = np.round(np.array(QUANTILES) * (len(Z) - 1)).astype(int)
        ordered = np.sort(Z[:, self.cols], axis=0)
        self.knots = ordered[ranks]  # (knots, columns)
        self.low, self.high = ordered[0], ordered[-1]
        raw = self._raw(Z, np.arange(len(self.cols)))
        self.mean = raw.mean(axis=0)  # (TERMS, columns)
        scale = raw.std(axis=0)
        self.scale = np.where(scale > 1e-12, scale, 1.0)
        raw -= self.mean
        raw /= self.scale
        self.train = raw.reshape(len(Z), -1)

    def _raw(self, Z, pos):
        """Terms of shape (n, TERMS, len(pos))."""
        x = Z[:, self.cols[pos]]
        inside = np.clip(x, self.low[pos], self.high[pos])
        beyond = 2.0 * (x - inside)  # 0 inside the range
        terms = np.empty((len(Z), TERMS, len(pos)))
        terms[:, 0] = inside
        np.subtract(inside[:, None], self.knots[:, pos][None], out=terms[:, 1:])
        np.maximum(terms[:, 1:], 0.0, out=terms[:, 1:])
        terms *= terms + beyond[:, None]  # u * (u + 2 (z - clipped z))
        return terms

    def index(self, pos):
        """Where the terms of positions ``pos`` are among all the terms."""
        return (np.arange(TERMS)[:, None] * len(self.cols) + pos[None]).ravel()

    def transform(self, Z, pos):
        """Standardised terms of the columns ``self.cols[pos]``, shape
        (n, TERMS * len(pos)), term-major."""
        pos = np.asarray(pos, dtype=int)
        terms = self._raw(Z, pos)
        terms -= self.mean[:, pos]
        terms /= self.scale[:, pos]
        return terms.reshape(len(Z), -1)


class SplineRidge:
    """Spline models of groups of standardised columns: ridge on the other
    columns and on the spline terms of their partners (see the module).

    Parameters
    ----------
    Z : ndarray of shape (n_samples, p)
        Standardised training rows.
    hinge_cols : array-like of int
        Columns that have spline terms (the continuous ones).
    alphas : ndarray of float
        Penalties, chosen per group on the held-out rows ``val``.
    val : ndarray of bool
        Held-out rows (:attr:`RidgeAll.val`); none: the first penalty.
    resid : ndarray of shape (n_samples, p) or None
        Every column's ridge residuals on the others, for the screen; None:
        every continuous column outside a group is a partner.
    """

    def __init__(self, Z, hinge_cols, alphas, val, resid=None):
        self.terms = SplineTerms(Z, hinge_cols)
        self.Z, self.N = Z, self.terms.train
        self.alphas, self.val = alphas, np.asarray(val, dtype=bool)
        self.scores = None
        if resid is not None:
            n, c = len(Z), len(self.terms.cols)
            r = resid - resid.mean(axis=0)
            r /= np.maximum(r.std(axis=0), 1e-12)
            corr = (self.N.T @ r) / n  # (terms, p)
            self.scores = np.abs(corr).reshape(TERMS, c, -1).max(axis=0) * np.sqrt(n)
            self.threshold = norm.isf(SCREEN_LEVEL / (2 * TERMS * max(1, c - 1)))

    def partners(self, cols, others):
        """Positions (in ``terms.cols``) of the partners of ``cols`` among
        ``others``, strongest first."""
        pos = np.flatnonzero(np.isin(self.terms.cols, others))
        if self.scores is None:
            return pos
        score = self.scores[pos][:, cols].max(axis=1)
        order = np.argsort(-score, kind="stable")
        order = order[score[order] > self.threshold][:MAX_PARTNERS]
        return pos[order]

    def screened(self, cols):
        """The columns among ``cols`` (single-column groups) that may have a
        partner: continuous, and (with a screen) a score above its threshold
        in some other column's terms."""
        cols = [j for j in cols if j in set(self.terms.cols)]
        if self.scores is None or not cols:
            return cols
        scores = self.scores[:, cols].copy()
        own = np.searchsorted(self.terms.cols, cols)  # each column's own terms
        scores[own, np.arange(len(cols))] = 0.0
        return [j for j, hit in zip(cols, (scores > self.threshold).any(0)) if hit]

    def coef(self, cols, others, accept=None):
        """The spline model of ``Z[:, cols]`` from ``others``: ``(model,
        resid)``, a :class:`SplineGroup` (None without partners, or when
        ``accept``, a function of the held-out residuals, says False) and
        the held-out residuals at the chosen penalty (None without held-out
        rows or partners)."""
        pos = self.partners(cols, others)
        if not len(pos):
            return None, None
        D = np.concatenate([self.Z[:, others], self.N[:, self.terms.index(pos)]], 1)
        Y = self.Z[:, cols]
        alpha, resid = self.alphas[0], None
        if self.val.any():
            fit = ~self.val
            gram, cross = _moments(D[fit], Y[fit])
            D_val, Y_val = D[self.val], Y[self.val]
            resids = [Y_val - D_val @ _ridge(gram, cross, a) for a in self.alphas]
            best = int(np.argmin([np.mean(r**2) for r in resids]))
            alpha, resid = self.alphas[best], resids[best]
        if accept is not None and not accept(resid):
            return None, resid
        beta = _ridge(*_moments(D, Y), alpha)
        return SplineGroup(self.terms, np.asarray(others), pos, beta), resid


def _moments(D, Y):
    n = max(1, len(D))
    return D.T @ D / n, D.T @ Y / n


def _ridge(gram, cross, alpha):
    return np.linalg.solve(gram + alpha * np.eye(len(gram)), cross)


class SplineGroup:
    """A group's spline model: ``predict(Z)`` gives its standardised columns."""

    def __init__(self, terms, others, pos, coef):
        self.terms, self.others, self.pos, self.coef = terms, others, pos, coef

    def predict(self, Z):
        D = np.concatenate(
            [Z[:, self.others], self.terms.transform(Z, self.pos)], axis=1
        )
        return D @ self.coef


class DefaultContinuous:
    """The default continuous models of one fit of the conditional sampler.

    Parameters
    ----------
    Z : ndarray of shape (n_samples, p)
        Standardised training rows.
    hinge_cols : array-like of int
        Continuous columns (they have spline terms).
    alphas : ndarray of float
        Penalties.
    mode : {"auto", "ridge", "splines"}
        "auto": per group ridge, or splines where the screen finds partners
        and they predict the held-out rows better; "splines": splines
        wherever the screen finds partners; "ridge": ridge.
    """

    @_one_blas_thread
    def __init__(self, Z, hinge_cols, alphas, mode):
        self.mode = mode
        self.ridge = RidgeAll(Z, alphas)
        self.single_coef = self.single_resid = self.splines = None
        wanted = mode == "splines" or (
            mode == "auto" and self.ridge.val.any() and len(hinge_cols) <= MAX_COLUMNS
        )
        if wanted and len(hinge_cols):
            self._singles()
            resid = Z - Z @ self.single_coef  # on all rows, for the screen
            self.splines = SplineRidge(Z, hinge_cols, alphas, self.ridge.val, resid)
        self.single_splines = {}  # column: SplineGroup

    def _singles(self):
        if self.single_coef is None:
            fit = self.ridge.singles(with_resid=True)
            self.single_coef, self.single_resid = fit

    def group(self, cols, others):
        """``(model, name)`` of a group's continuous columns: ``"single"``
        (one column: see :meth:`fit_singles`), ridge coefficients (ndarray)
        or a :class:`SplineGroup`; name "ridge" or "splines"."""
        if len(cols) == 1:
            return "single", None
        if self.splines is None:
            return self.ridge.coef(cols, others), "ridge"
        return self._group(cols, others)

    @_one_blas_thread
    def _group(self, cols, others):
        accept = None
        if self.mode == "auto":
            beta, resid_ridge = self.ridge.coef(cols, others, with_resid=True)

            def accept(r):
                return splines_better(resid_ridge, r)

        model, _ = self.splines.coef(cols, others, accept)
        if model is not None:
            return model, "splines"
        return (beta if accept else self.ridge.coef(cols, others)), "ridge"

    @_one_blas_thread
    def fit_singles(self, cols):
        """Fit the single-column groups ``cols``; returns those modelled by
        splines (the others: ridge, :attr:`single_coef`)."""
        self._singles()
        if self.splines is None:
            return []
        p = self.single_coef.shape[0]
        for j in self.splines.screened(cols):
            accept = None
            if self.mode == "auto":
                lin = None if self.single_resid is None else self.single_resid[:, [j]]

                def accept(r, lin=lin):
                    return splines_better(lin, r)

            others = np.delete(np.arange(p), j)
            model, _ = self.splines.coef([j], others, accept)
            if model is not None:
                self.single_splines[j] = model
        return list(self.single_splines)

    def predict_singles(self, Z):
        """Standardised predictions of every single column, shape (n, p)."""
        out = Z @ self.single_coef
        for j, model in self.single_splines.items():
            out[:, j] = model.predict(Z)[:, 0]
        return out
