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
  rows, not the repeats, carry the sampling uncertainty.
* **split-level** (``test_ == "split"``), for other scorers (``roc_auc``,
  custom callables) with several splits: Nadeau and Bengio's corrected
  resampled t-test over the per-split mean importances. With one split there
  is no valid test for such a scorer: p-values and intervals are NaN
  (``test_`` is None).

Intervals are two-sided at level ``1 - 2 * alpha``: their lower end is the
one-sided ``1 - alpha`` confidence bound, so an input passes the unadjusted
test exactly when its interval lies above zero.
"""

import numpy as np
from scipy import stats

__all__ = [
    "MULTIPLE_TESTING",
    "adjust_pvalues",
    "row_level_test",
    "split_level_test",
]

MULTIPLE_TESTING = ("none", "holm", "fdr_bh")


def _pvalues(mean, se, df):
    """One-sided p-values of mean / se with a t reference (se may be 0)."""
    pvalues = np.empty(mean.shape[0])
    flat = se <= 1e-12 * np.maximum(1.0, np.abs(mean))
    # no spread: certain when positive, no evidence otherwise
    pvalues[flat] = np.where(mean[flat] > 0, 0.0, 1.0)
    pvalues[~flat] = stats.t.sf(mean[~flat] / se[~flat], df=df)
    return pvalues


def _interval(mean, se, df, alpha):
    q = stats.t.ppf(1 - alpha, df=df)
    return np.column_stack([mean - q * se, mean + q * se])


def row_level_test(row_importances, row_weights, row_index, alpha=0.05):
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

    Returns
    -------
    mean : ndarray of shape (n_groups,)
        Mean over splits of the weighted mean over rows (equal to the mean of
        the split-and-repeat importances).
    se : ndarray of shape (n_groups,)
    pvalues : ndarray of shape (n_groups,)
    ci : ndarray of shape (n_groups, 2)
    """
    n_splits = len(row_importances)
    n_groups = row_importances[0].shape[0]
    size = 1 + max(int(np.max(idx)) for idx in row_index if len(idx))
    influence = np.zeros((n_groups, size))
    means = np.empty((n_splits, n_groups))
    n_total = 0
    for s, (D, w, idx) in enumerate(zip(row_importances, row_weights, row_index)):
        D = np.asarray(D, dtype=float)
        n = D.shape[1]
        w = np.ones(n) if w is None else np.asarray(w, dtype=float)
        share = w / w.sum()
        means[s] = D @ share
        # small-sample factor n / (n - 1), as in the usual standard error
        factor = np.sqrt(n / (n - 1)) if n > 1 else 0.0
        contribution = (D - means[s][:, np.newaxis]) * share * factor / n_splits
        np.add.at(influence.T, np.asarray(idx), contribution.T)
        n_total += n
    mean = means.mean(axis=0)
    se = np.sqrt(np.sum(influence**2, axis=1))
    df = max(1, n_total - n_splits)
    return mean, se, _pvalues(mean, se, df), _interval(mean, se, df, alpha)


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
