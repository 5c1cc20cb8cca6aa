"""The default continuous model of the conditional sampler: per group, ridge
(linear) or additive splines, whichever predicts held-out rows better.

:class:`SplineRidgeAll` regresses every column (or group) on additive
quadratic splines of the other columns: each continuous column ``z``
contributes ``z``, ``z**2`` and ``max(z - k, 0)**2`` at its knots ``k`` (the
15%, 50% and 85% quantiles), a categorical column ``z`` only. As in
:class:`~skimportance._methods.ridge.RidgeAll`, one eigendecomposition of the
features' Gram matrix serves every group and every penalty: the ridge
coefficients on the features ``O`` outside a group's block ``B`` are
``(T_OO - T_OB T_BB^-1 T_BO) F_O'z / n`` with ``T = (F'F/n + alpha I)^-1``.

:class:`DefaultContinuous` holds both and chooses per group: splines only where
they beat ridge on the held-out rows by more than twice the standard error of
the paired difference of squared errors (and by at least 1%), so linear
dependence keeps ridge and its numbers.
"""

import functools

import numpy as np
from threadpoolctl import ThreadpoolController

from .ridge import RidgeAll, _Eigen

__all__ = ["DefaultContinuous", "SplineRidgeAll", "splines_better"]

#: quantiles of each column at which its knots are placed
QUANTILES = (0.15, 0.5, 0.85)
#: spline terms of a continuous column besides itself: z**2 and one per knot
TERMS = 1 + len(QUANTILES)
#: "auto" considers splines up to this many spline features (Gram of that size)
MAX_FEATURES = 1500


def _one_blas_thread(method):
    """Run ``method`` with one BLAS thread: its matrices are small (at most
    ``MAX_FEATURES`` across), where threads cost more than they bring (10-40x
    slower factorisations on a busy 2-core machine)."""

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
    than ridge's by more than 2 standard errors of the paired difference of
    squared errors, and by at least 1% of ridge's mean squared error: one
    answer for the group (squared errors summed over its columns), or with
    ``per_column`` one per column."""
    k = 1 if resid_ridge is None else np.shape(resid_ridge)[1]
    if resid_ridge is None or resid_splines is None or len(resid_ridge) < 5:
        return np.zeros(k, dtype=bool) if per_column else False
    lin, spl = np.square(resid_ridge), np.square(resid_splines)
    if not per_column:
        lin, spl = lin.sum(axis=1, keepdims=True), spl.sum(axis=1, keepdims=True)
    gain = lin - spl
    se = gain.std(axis=0, ddof=1) / np.sqrt(len(gain))
    better = gain.mean(axis=0) > np.maximum(2.0 * se, 0.01 * lin.mean(axis=0))
    return better if per_column else bool(better[0])


class SplineRidgeAll:
    """Ridge regressions of every group of standardised columns on additive
    quadratic splines of the other columns, from one eigendecomposition.

    Parameters
    ----------
    Z : ndarray of shape (n_samples, p)
        Standardised training rows.
    hinge_cols : array-like of int
        Columns that get spline terms (the continuous ones); the others enter
        linearly.
    alphas : ndarray of float
        Penalties, chosen per group on the held-out rows ``val``.
    val : ndarray of bool
        Held-out rows (:attr:`RidgeAll.val`); none: the first penalty.
    """

    def __init__(self, Z, hinge_cols, alphas, val):
        self.alphas = alphas
        self.hinge_cols = np.asarray(hinge_cols, dtype=int)
        p = Z.shape[1]
        ranks = np.round(np.array(QUANTILES) * (len(Z) - 1)).astype(int)
        ordered = np.sort(Z[:, self.hinge_cols], axis=0)
        self.knots = ordered[ranks].T
        self.low, self.high = ordered[0], ordered[-1]
        # owner[k]: the column that feature k describes
        self.owner = np.concatenate([np.arange(p), np.repeat(self.hinge_cols, TERMS)])
        # sums over all rows and over the held-out ones, then standardised
        # and centred in closed form (no standardised copy of the features)
        S, self.val = self._raw(Z), np.asarray(val, dtype=bool)
        S_val, Z_val = S[self.val], Z[self.val]
        n, n_val = len(S), int(self.val.sum())
        sums = [(n, S.sum(axis=0), S.T @ S, S.T @ Z, Z.sum(axis=0))]
        sums.append((n_val, S_val.sum(axis=0), S_val.T @ S_val, S_val.T @ Z_val))
        sums[1] += (Z_val.sum(axis=0),)
        self.f_mean = sums[0][1] / n
        var = np.diag(sums[0][2]) / n - self.f_mean**2
        self.f_scale = np.sqrt(np.where(var > 1e-12, var, 1.0))
        self.F_val, self.Z_val = (S_val - self.f_mean) / self.f_scale, Z_val
        self.all = self._part(*sums[0])
        self.fit_part = None
        if n_val:
            self.fit_part = self._part(*(a - b for a, b in zip(*sums)))

    def _part(self, n, total, gram, cross, z_total):
        """Gram matrix and ``F'Z / n`` of the standardised features from the
        raw sums of ``n`` rows."""
        mu, scale = self.f_mean, self.f_scale
        outer = np.outer(total, mu)
        gram = (gram - outer - outer.T + n * np.outer(mu, mu)) / n
        cross = (cross - np.outer(mu, z_total)) / n
        return _Inverse(gram / np.outer(scale, scale), cross / scale[:, None])

    def _raw(self, Z):
        """``z``, then per continuous column ``u**2`` for ``u = z`` and
        ``u = max(z - k, 0)``; beyond the training range each term goes on
        along its tangent (linear extrapolation)."""
        p, c = Z.shape[1], len(self.hinge_cols)
        inside = np.clip(Z[:, self.hinge_cols], self.low, self.high)
        beyond = 2.0 * (Z[:, self.hinge_cols] - inside)  # 0 inside the range
        out = np.empty((len(Z), p + c * TERMS))
        out[:, :p] = Z
        terms = out[:, p:].reshape(len(Z), c, TERMS)
        terms[:, :, 0] = inside
        np.subtract(inside[:, :, None], self.knots[None], out=terms[:, :, 1:])
        np.maximum(terms[:, :, 1:], 0.0, out=terms[:, :, 1:])
        terms *= terms + beyond[:, :, None]  # u * (u + 2 (z - clipped z))
        return out

    def features(self, Z):
        """The standardised spline features of rows ``Z``."""
        return (self._raw(Z) - self.f_mean) / self.f_scale

    @staticmethod
    def _solve(part, alpha, cols, blocks):
        """Coefficients (features x len(cols)) of each column ``cols[i]`` on
        the features outside ``blocks[i]`` (one block for all, or one each)."""
        theta = part.theta(alpha)
        u = part.cross[:, cols].copy()
        if len(blocks) == 1:  # one group: one block
            block = blocks[0]
            u[block] = 0.0
            a = theta @ u
            inv_a = np.linalg.solve(theta[np.ix_(block, block)], a[block])
            coef = a - theta[:, block] @ inv_a
            coef[block] = 0.0
            return coef
        idx = np.array(blocks)  # single columns: blocks of one size, (k, b)
        k = np.arange(len(cols))[:, None]
        u[idx, k] = 0.0
        a = theta @ u
        block_theta = theta[idx[:, :, None], idx[:, None, :]]
        inv_a = np.linalg.solve(block_theta, a[idx, k][..., None])[..., 0]
        coef = a - np.einsum("fkb,kb->fk", theta[:, idx], inv_a)
        coef[idx, k] = 0.0
        return coef

    def _held_out(self, cols, blocks):
        """The penalty chosen per column on the held-out rows (jointly for a
        group: one block) and the held-out residuals there (None and the first
        penalty without held-out rows)."""
        k = len(cols)
        if self.fit_part is None:
            return np.full(k, self.alphas[0]), None
        resids = np.array(
            [
                self.Z_val[:, cols]
                - self.F_val @ self._solve(self.fit_part, a, cols, blocks)
                for a in self.alphas
            ]
        )
        errors = np.mean(resids**2, axis=1)  # (alphas, k)
        if len(blocks) == 1:  # a group: one penalty for its columns
            errors = np.repeat(errors.mean(axis=1, keepdims=True), k, axis=1)
        best = np.argmin(errors, axis=0)
        return self.alphas[best], resids[best, :, np.arange(k)].T

    def _refit(self, cols, blocks, alphas):
        """Coefficients on all rows at the chosen penalties."""
        coef = np.empty((len(self.owner), len(cols)))
        for a in np.unique(alphas):
            idx = np.flatnonzero(alphas == a)
            sub = blocks if len(blocks) == 1 else [blocks[i] for i in idx]
            coef[:, idx] = self._solve(self.all, a, [cols[i] for i in idx], sub)
        return coef

    def coef(self, cols, others, accept=None):
        """Coefficients of ``Z[:, cols]`` on the features of ``others`` (rows:
        all features, zero inside the group) and the held-out residuals at
        the chosen penalty (None without held-out rows). With ``accept``, a
        function of those residuals: coefficients None unless it says True."""
        cols = list(cols)
        blocks = [np.flatnonzero(~np.isin(self.owner, others))]
        alphas, resid = self._held_out(cols, blocks)
        if accept is not None and not accept(resid):
            return None, resid
        return self._refit(cols, blocks, alphas), resid

    def singles(self, cols, accept=None):
        """Each column in ``cols`` on the features of all the other columns:
        ``(kept, coef, resid)``, the columns fitted (with ``accept``, a function
        of the held-out residuals giving one bool per column: those it keeps),
        their coefficients, shape (features, len(kept)), and every column's
        held-out residuals, shape (n_held_out, len(cols)) (or None)."""
        cols = list(cols)
        blocks = [np.flatnonzero(self.owner == j) for j in cols]
        alphas, resid = self._held_out(cols, blocks)
        keep = np.ones(len(cols), dtype=bool)
        if accept is not None:
            keep = np.asarray(accept(resid), dtype=bool)
        idx = np.flatnonzero(keep)
        kept = [cols[i] for i in idx]
        if not kept:
            return kept, np.empty((len(self.owner), 0)), resid
        coef = self._refit(kept, [blocks[i] for i in idx], alphas[idx])
        return kept, coef, resid


class _Inverse:
    """``Theta = (gram + alpha I)^-1`` per penalty, from one
    eigendecomposition (made when first needed), and ``cross = F'Z/n``."""

    def __init__(self, gram, cross):
        self.gram, self.cross, self._eigen = gram, cross, None

    def theta(self, alpha):
        if self._eigen is None:
            self._eigen = _Eigen(None, self.gram)
        return self._eigen.theta(alpha)


class SplineGroup:
    """A group's spline model: ``predict(Z)`` gives its standardised columns."""

    def __init__(self, splines, coef):
        self.splines, self.coef = splines, coef

    def predict(self, Z):
        return self.splines.features(Z) @ self.coef


class DefaultContinuous:
    """The default continuous models of one fit of the conditional sampler.

    Parameters
    ----------
    Z : ndarray of shape (n_samples, p)
        Standardised training rows.
    hinge_cols : array-like of int
        Continuous columns (they get spline terms).
    alphas : ndarray of float
        Penalties.
    mode : {"auto", "ridge", "splines"}
        "auto": per group the better on held-out rows; else that model.
    """

    @_one_blas_thread
    def __init__(self, Z, hinge_cols, alphas, mode):
        self.mode = mode
        self.ridge = RidgeAll(Z, alphas)
        self.splines = None
        size = Z.shape[1] + len(hinge_cols) * TERMS
        wanted = mode == "splines" or (
            mode == "auto" and self.ridge.val.any() and size <= MAX_FEATURES
        )
        if wanted and len(hinge_cols):
            self.splines = SplineRidgeAll(Z, hinge_cols, alphas, self.ridge.val)
        self.single_coef = None  # ridge, (p, p)
        self.single_splines = None  # (columns, coefficients) of spline singles

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
        if self.mode == "splines":
            coef, _ = self.splines.coef(cols, others)
            return SplineGroup(self.splines, coef), "splines"
        beta, resid_ridge = self.ridge.coef(cols, others, with_resid=True)
        coef, _ = self.splines.coef(
            cols, others, accept=lambda r: splines_better(resid_ridge, r)
        )
        if coef is not None:
            return SplineGroup(self.splines, coef), "splines"
        return beta, "ridge"

    @_one_blas_thread
    def fit_singles(self, cols):
        """Fit the single-column groups ``cols``; returns those modelled by
        splines (the others: ridge)."""
        coef, resid = self.ridge.singles(with_resid=True)
        self.single_coef = coef
        if self.splines is None:
            return []
        cols = [c for c in cols if c in set(self.splines.hinge_cols)]
        accept = None
        if self.mode == "auto":

            def accept(r):
                lin = None if resid is None else resid[:, cols]
                return splines_better(lin, r, per_column=True)

        cols, spline_coef, _ = self.splines.singles(cols, accept)
        if cols:
            self.single_splines = (np.asarray(cols), spline_coef)
        return cols

    def predict_singles(self, Z):
        """Standardised predictions of every single column, shape (n, p)."""
        out = Z @ self.single_coef
        if self.single_splines is not None:
            cols, coef = self.single_splines
            out[:, cols] = self.splines.features(Z) @ coef
        return out
