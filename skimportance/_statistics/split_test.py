"""The split-level test (``test_ == "split"``): Nadeau and Bengio's
corrected resampled t-test over the splits' mean importances, for scorers
that are not means over rows (``roc_auc``, custom callables)."""

import numpy as np

from .reference import t_interval, t_pvalues

__all__ = ["split_level_test"]


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
    return t_pvalues(mean, se, df), t_interval(mean, se, df, alpha)
