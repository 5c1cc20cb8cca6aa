"""The row-level test of each group's importance (``test_ == "row"``).

For scorers that are means over rows (log loss, Brier, squared/absolute
error, R², accuracy): each held-out row's drop in score, averaged over the
repeats, is one observation. Across CV splits the estimate is cross-fitted:
a row's drop comes from the network that did not train on it, the importance
is the mean of the per-split (weighted) means of the rows, and its variance
is the sum over rows of the squared influence of each row (Williamson,
Gilbert, Simon & Carone, JASA 2023; per-sample tests of permutation
importance: Chamma, Engemann & Thirion, NeurIPS 2023). It is valid in
``cv="prefit"`` mode too, where the rows, not the repeats, carry the sampling
uncertainty. In CV mode the selector's default (``cv_test="fold"``) allows
for the correlation between the folds (:mod:`.fold_test`). The t reference
has the degrees of freedom of the weighted variance (the rows when they
weigh the same; the clusters with ``groups``).

Intervals are two-sided at level ``1 - 2 * alpha``: their lower end is the
one-sided ``1 - alpha`` confidence bound, so an input passes the unadjusted
test exactly when its interval lies above zero (with ``variance="fold"``,
whose test weighs the folds differently, except near that boundary).
"""

import numpy as np

from .fold_test import fold_test
from .reference import FLAT, t_interval, t_pvalues

__all__ = ["row_level_test", "split_moments"]


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
        correlation (:func:`~.fold_test.fold_test`); the same as ``"row"`` with
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
    pvalues = t_pvalues(mean, se, df, loss_scale)
    ci = t_interval(mean, se, df, alpha)
    if variance == "fold" and n_splits > 1 and not too_few:
        tested = np.isfinite(pvalues) & (se > FLAT * loss_scale)
        centre, se_f, df_f, rho = fold_test(means[:, tested], split_var[:, tested])
        pvalues[tested] = t_pvalues(centre, se_f, df_f, loss_scale[tested])
        # the interval of the importance itself: the row variance with the
        # same correlation between the folds (weights w_k of the row test)
        v = split_var[:, tested]
        weights = np.sqrt(v / v.sum(axis=0))
        se[tested] *= np.sqrt(1.0 + rho * (weights.sum(axis=0) ** 2 - 1.0))
        ci[tested] = t_interval(mean[tested], se[tested], df_f, alpha)
    return mean, se, pvalues, ci
