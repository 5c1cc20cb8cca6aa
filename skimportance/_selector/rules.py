"""Selection rules: significance, thresholds, and the count caps.

Permutation importance can be negative: permuting a feature the model does not
use may, by chance, improve the held-out score. Unlike scikit-learn's
``SelectFromModel`` and ``RFE``, which take the absolute value (or the square)
of importances, these rules never reward a negative importance: a feature is
kept by a threshold or by the test only when its mean importance is positive.
"""

import numbers
import re

import numpy as np
from scipy import stats

from .._statistics import split_level_test

__all__ = [
    "forced_features",
    "importance_pvalues",
    "resolve_threshold",
    "rfe_importance",
    "support_mask",
]


def importance_pvalues(importances, n_splits, test_train_ratio=0.0):
    """One-sided p-values of the split-level test (see
    :func:`skimportance._statistics.split_test.split_level_test`); NaN with one
    split."""
    return split_level_test(importances, n_splits, test_train_ratio)[0]


_SCALED = re.compile(
    r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*\*\s*(mean|median)\s*$"
)


def resolve_threshold(threshold, importances):
    """The importance threshold for a float or a "mean"/"median"/"1.5*mean" string.

    Returns None for ``threshold=None`` (significance decides).
    """
    if threshold is None:
        return None
    if isinstance(threshold, str):
        text = threshold.strip()
        if text == "mean":
            return float(np.mean(importances))
        if text == "median":
            return float(np.median(importances))
        match = _SCALED.match(text)
        if match is None:
            raise ValueError(
                f"Invalid threshold {threshold!r}: use a number, 'mean', 'median' "
                "or a scaled one such as '1.25*mean' or '0.5*median'."
            )
        scale, reference = float(match.group(1)), match.group(2)
        base = np.mean(importances) if reference == "mean" else np.median(importances)
        return float(scale * base)
    if isinstance(threshold, numbers.Real) and not isinstance(threshold, bool):
        if np.isnan(threshold):
            raise ValueError("threshold is NaN: pass a number, a string or None.")
        return float(threshold)
    raise ValueError(f"Invalid threshold {threshold!r}.")


def support_mask(
    importances_mean,
    pvalues,
    *,
    threshold=None,
    alpha=0.05,
    max_features=None,
    min_features_to_select=1,
    return_forced=False,
):
    """Which features to keep.

    1. Candidates: positive mean importance and, with ``threshold=None``,
       p-value < ``alpha`` (pass adjusted p-values for multiple-testing
       control; a NaN p-value never passes); with a threshold,
       importance >= threshold.
    2. ``max_features``: keep at most that many candidates, best first.
    3. ``min_features_to_select``: if fewer remain, add the best of the rest
       (the one rule that can keep a feature that failed the rule, even one
       of non-positive importance: the selector warns and names them).

    Ties are broken by feature order. With ``return_forced=True``, also
    returns the indices added by ``min_features_to_select``.
    """
    importances_mean = np.asarray(importances_mean, dtype=float)
    n_features = importances_mean.shape[0]
    cut = resolve_threshold(threshold, importances_mean)
    keep = importances_mean > 0
    if cut is None:
        with np.errstate(invalid="ignore"):
            keep &= np.asarray(pvalues, dtype=float) < alpha
    else:
        keep &= importances_mean >= cut
    order = np.argsort(-importances_mean, kind="stable")
    if max_features is not None and keep.sum() > max_features:
        ranked = [j for j in order if keep[j]]
        keep[:] = False
        keep[ranked[:max_features]] = True
    k = min(min_features_to_select, n_features)
    if max_features is not None:
        k = min(k, max_features)
    forced = []
    if keep.sum() < k:
        for j in order:
            if keep.sum() >= k:
                break
            if not keep[j]:
                keep[j] = True
                forced.append(int(j))
    if return_forced:
        return keep, forced
    return keep


def forced_features(importances_mean, pvalues, forced, names, adjusted=None):
    """Text naming the inputs that ``min_features_to_select`` kept."""
    parts = []
    for j in forced:
        text = f"p={pvalues[j]:.3g}"
        if adjusted is not None and not np.isnan(pvalues[j]):
            text += f", adjusted {adjusted[j]:.3g}"
        parts.append(f"{names[j]} (importance {importances_mean[j]:+.4g}, {text})")
    return ", ".join(parts)


def rfe_importance(estimator):
    """``importance_getter`` for RFE/RFECV under which a negative importance
    ranks lowest.

    ``RFE`` and ``RFECV`` square the importances they read (scikit-learn's
    ``transform_func="square"``), so a large negative permutation importance
    (permuting the input improved the score) would rank as important. This
    returns the ranks of ``estimator.feature_importances_`` instead (1 for the
    lowest, ties averaged): positive numbers in the order of the importances,
    which squaring keeps.

    Parameters
    ----------
    estimator : fitted estimator with ``feature_importances_``
        For example a fitted :class:`KerasImportanceSelector`.

    Returns
    -------
    ranks : ndarray of shape (n_features,)

    Examples
    --------
    >>> from sklearn.feature_selection import RFE
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skimportance import KerasImportanceSelector, rfe_importance
    >>> rfe = RFE(KerasImportanceSelector(LogisticRegression(), cv=3),
    ...           n_features_to_select=2, importance_getter=rfe_importance)
    """
    importances = np.asarray(estimator.feature_importances_, dtype=float)
    return stats.rankdata(importances)
