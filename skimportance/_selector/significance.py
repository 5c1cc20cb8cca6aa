"""Tests, confidence intervals and multiple-testing control for importances.

Two tests of H0: importance <= 0 against > 0, one-sided:

* **row-level** (``test_ == "row"``), for scorers that are means over rows
  (log loss, Brier, squared/absolute error, R², accuracy): each held-out row's
  drop in score, averaged over the repeats, is one observation. Across CV
  splits the estimate is cross-fitted: a row's drop comes from the network
  that did not train on it, the importance is the mean of the per-split
  (weighted) means of the rows, and its variance is the sum over rows of the
  squared influence of each row (Williamson, Gilbert, Simon & Carone, JASA
  2023; per-sample tests of permutation importance: Chamma, Engemann &
  Thirion, NeurIPS 2023). It is valid in ``cv="prefit"`` mode too, where the
  rows, not the repeats, carry the sampling uncertainty. In CV mode the
  selector's default (``cv_test="fold"``) allows for the correlation between
  the folds (:mod:`.folds`). The t reference has the degrees of freedom of
  the weighted variance (the rows when they weigh the same; the clusters
  with ``groups``).
* **split-level** (``test_ == "split"``), for other scorers (``roc_auc``,
  custom callables) with several splits: Nadeau and Bengio's corrected
  resampled t-test over the per-split mean importances. With one split there
  is no valid test for such a scorer: p-values and intervals are NaN
  (``test_`` is None).

Intervals are two-sided at level ``1 - 2 * alpha``: their lower end is the
one-sided ``1 - alpha`` confidence bound, so an input passes the unadjusted
test exactly when its interval lies above zero (in CV mode with
``variance="fold"``, whose test weighs the folds differently, except near
that boundary).
"""

import numpy as np
from scipy import stats

from .folds import CV_TESTS, fold_test

__all__ = [
    "CV_TESTS",
    "FLAT",
    "MULTIPLE_TESTING",
    "adjust_pvalues",
    "row_level_test",
    "split_level_test",
    "split_moments",
]

MULTIPLE_TESTING = ("none", "holm", "fdr_bh")
# a standard error below this share of the loss's scale is rounding noise
FLAT = 1e-9


def _pvalues(mean, se, df, scale=None):
    """One-sided p-values of mean / se with a t reference.

    A standard error at rounding level of the loss's ``scale`` (per group:
    the larger of the score's magnitude and the largest row drop) means no
    spread: no evidence when the mean is at rounding level too (p = 1), and
    no meaningful p-value otherwise (NaN). A NaN ``se`` gives NaN.
    """
    mean, se = np.asarray(mean, float), np.asarray(se, float)
    if scale is None:
        scale = np.maximum(1.0, np.abs(mean))
    tol = FLAT * np.asarray(scale, float)
    pvalues = np.full(mean.shape[0], np.nan)
    flat = se <= tol
    pvalues[flat & (mean <= tol)] = 1.0
    ok = ~flat & np.isfinite(se)
    pvalues[ok] = stats.t.sf(mean[ok] / se[ok], df=df)
    return pvalues


def _interval(mean, se, df, alpha):
    q = stats.t.ppf(1 - alpha, df=df)
    return np.column_stack([mean - q * se, mean + q * se])


def _keys(row_index, clusters):
    """Per split, the integer key each row's influence is summed under: its
    cluster (``clusters``: per split, the rows' group labels) or its row."""
    if clusters is None:
        return [np.asarray(idx, dtype=np.intp) for idx in row_index]
    labels = np.concatenate([np.asarray(c) for c in clusters])
    _, codes = np.unique(labels, return_inverse=True)
    bounds = np.cumsum([0] + [len(c) for c in clusters])
    return [codes[a:b] for a, b in zip(bounds[:-1], bounds[1:])]


def split_moments(row_importances, row_weights, row_index, clusters=None):
    """Per split: the (weighted) mean of the rows' drops, its row-level
    variance and the rows' influence on the cross-fitted mean.

    Returns
    -------
    means, split_var : ndarray of shape (n_splits, n_groups)
        Each split's mean and the row-level variance of that mean (the
        influence summed by cluster with ``clusters``; with the small-sample
        factor ``units / (units - 1)``).
    influence : ndarray of shape (n_groups, n_units)
        Each row's (cluster's) influence on the mean over splits.
    units : ndarray of shape (3, n_splits)
        Per split: Kish's effective number of rows (with ``clusters``: the
        number of clusters); the number of rows (clusters); the degrees of
        freedom of the split's variance, ``(sum w**2)**2 / sum w**4``
        (Satterthwaite's for a variance weighted by ``w**2``: the number of
        rows when they weigh the same, fewer than Kish's under skewed
        weights; the clusters with ``clusters``).
    largest : float
        The largest row drop in magnitude (the loss's scale).
    """
    n_splits = len(row_importances)
    n_groups = row_importances[0].shape[0]
    keys = _keys(row_index, clusters)
    size = 1 + max(int(np.max(k)) for k in keys if len(k))
    influence = np.zeros((n_groups, size))
    means = np.empty((n_splits, n_groups))
    split_var = np.empty((n_splits, n_groups))
    units = np.empty((3, n_splits))
    largest = 0.0
    for s, (D, w, key) in enumerate(zip(row_importances, row_weights, keys)):
        D = np.asarray(D, dtype=float)
        n = D.shape[1]
        w = np.ones(n) if w is None else np.asarray(w, dtype=float)
        share = w / w.sum()
        means[s] = D @ share
        largest = max(largest, float(np.max(np.abs(D), initial=0.0)))
        count = len(np.unique(key))
        # small-sample factor count / (count - 1), as in the usual standard error
        factor = np.sqrt(count / (count - 1)) if count > 1 else 0.0
        contribution = (D - means[s][:, np.newaxis]) * share * factor
        summed = np.zeros((n_groups, size))
        np.add.at(summed.T, key, contribution.T)
        split_var[s] = np.sum(summed**2, axis=1)
        influence += summed / n_splits
        # Kish's effective number of rows, and the variance's degrees of
        # freedom (of clusters: their count)
        kish = w.sum() ** 2 / np.sum(w**2)
        df_var = np.sum(w**2) ** 2 / np.sum(w**4)
        if clusters is not None:
            kish = df_var = count
        units[:, s] = kish, count, df_var
    return means, split_var, influence, units, largest


def row_level_test(
    row_importances,
    row_weights,
    row_index,
    alpha=0.05,
    *,
    variance="row",
    clusters=None,
    scale=None,
    moments=None,
):
    """Cross-fitted row-level test of each group's importance.

    Parameters
    ----------
    row_importances : list of ndarray of shape (n_groups, n_rows_s)
        Per split: each evaluated row's drop in score, averaged over repeats.
    row_weights : list of ndarray of shape (n_rows_s,) or None
        Per split: the rows' sample weights (None: equal).
    row_index : list of ndarray of shape (n_rows_s,)
        Per split: the rows' positions in X; a row evaluated in several splits
        (repeated CV) counts as one observation in the variance.
    alpha : float, default=0.05
        Level of the one-sided bound (the interval is ``1 - 2 * alpha``).
    variance : {"row", "fold"}, default="row"
        ``"row"``: the variance of the rows' influence alone. ``"fold"``:
        the folds' row-level z-scores combined with their estimated
        correlation (:func:`~.folds.fold_test`); the same as ``"row"`` with
        one split.
    clusters : list of ndarray of shape (n_rows_s,) or None
        Per split: the rows' group labels; the influence is summed by group
        (cluster-robust) and the reference has one degree per group.
    scale : float or None
        The loss's scale (e.g. the baseline score's magnitude), for the
        check that the standard error is not rounding noise.
    moments : tuple or None, default=None
        :func:`split_moments` of these rows, when the caller has them already
        (None: computed here).

    Returns
    -------
    mean : ndarray of shape (n_groups,)
        Mean over splits of the weighted mean over rows (equal to the mean of
        the split-and-repeat importances).
    se : ndarray of shape (n_groups,)
    pvalues : ndarray of shape (n_groups,)
        NaN where no test is valid (a split with fewer than two rows or
        clusters, or no spread with a positive mean).
    ci : ndarray of shape (n_groups, 2)
    """
    n_splits = len(row_importances)
    n_groups = row_importances[0].shape[0]
    if moments is None:
        moments = split_moments(row_importances, row_weights, row_index, clusters)
    means, split_var, influence, units, largest = moments
    too_few = bool(np.any(units[1] < 2))
    n_eff = float(np.sum(units[2]))
    mean = means.mean(axis=0)
    se = np.sqrt(np.sum(influence**2, axis=1))
    df = max(1.0, n_eff - n_splits)
    if too_few:
        se = np.full(n_groups, np.nan)
    loss_scale = max(largest, 0.0 if scale is None else abs(float(scale)))
    loss_scale = np.maximum(loss_scale, np.abs(mean))
    pvalues = _pvalues(mean, se, df, loss_scale)
    ci = _interval(mean, se, df, alpha)
    if variance == "fold" and n_splits > 1 and not too_few:
        tested = np.isfinite(pvalues) & (se > FLAT * loss_scale)
        centre, se_f, df_f, rho = fold_test(means[:, tested], split_var[:, tested])
        pvalues[tested] = _pvalues(centre, se_f, df_f, loss_scale[tested])
        # the interval of the importance itself: the row variance with the
        # same correlation between the folds (weights w_k of the row test)
        v = split_var[:, tested]
        weights = np.sqrt(v / v.sum(axis=0))
        se[tested] *= np.sqrt(1.0 + rho * (weights.sum(axis=0) ** 2 - 1.0))
        ci[tested] = _interval(mean[tested], se[tested], df_f, alpha)
    return mean, se, pvalues, ci


def split_level_test(importances, n_splits, test_train_ratio=0.0, alpha=0.05):
    """Nadeau and Bengio's corrected resampled t-test over split means.

    Each split trains its own network and measures it on its own held-out
    rows: the repeats of a split are averaged first and the per-split means
    are tested with a one-sample t-test (df = n_splits - 1) whose variance term
    ``s**2 / n_splits`` becomes ``s**2 * (1 / n_splits + n_test / n_train)``,
    for the overlap of the training sets (Machine Learning 52, 2003). With
    fewer than two splits there is no valid test: NaN.

    Parameters
    ----------
    importances : ndarray of shape (n_groups, n_splits * n_repeats)
        Split-major.
    n_splits : int
    test_train_ratio : float, default=0.0
        Mean ratio of held-out to training rows over the splits.
    alpha : float, default=0.05

    Returns
    -------
    pvalues : ndarray of shape (n_groups,)
    ci : ndarray of shape (n_groups, 2)
    """
    importances = np.asarray(importances, dtype=float)
    n_groups, n_total = importances.shape
    if n_splits < 2:
        return np.full(n_groups, np.nan), np.full((n_groups, 2), np.nan)
    values = importances.reshape(n_groups, n_splits, n_total // n_splits).mean(axis=2)
    mean = values.mean(axis=1)
    se = values.std(axis=1, ddof=1) * np.sqrt(1.0 / n_splits + test_train_ratio)
    df = n_splits - 1
    return _pvalues(mean, se, df), _interval(mean, se, df, alpha)


def adjust_pvalues(pvalues, method="none"):
    """Adjusted p-values: ``"none"``, ``"holm"`` (family-wise error, Holm's
    step-down) or ``"fdr_bh"`` (false discovery rate, Benjamini-Hochberg
    step-up). NaN p-values stay NaN and do not count among the tests.

    An input is kept when its adjusted p-value is below ``alpha``.
    """
    pvalues = np.asarray(pvalues, dtype=float)
    if method == "none":
        return pvalues.copy()
    if method not in MULTIPLE_TESTING:
        raise ValueError(
            f"multiple_testing={method!r}; use one of {list(MULTIPLE_TESTING)}."
        )
    out = np.full(pvalues.shape, np.nan)
    finite = np.flatnonzero(~np.isnan(pvalues))
    m = finite.size
    if m == 0:
        return out
    order = finite[np.argsort(pvalues[finite], kind="stable")]
    p = pvalues[order]
    rank = np.arange(1, m + 1)
    if method == "holm":
        adjusted = np.maximum.accumulate(np.minimum(1.0, (m - rank + 1) * p))
    else:
        adjusted = np.minimum.accumulate((m / rank * p)[::-1])[::-1]
        adjusted = np.minimum(1.0, adjusted)
    out[order] = adjusted
    return out
