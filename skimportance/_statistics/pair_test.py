"""The pair test of ``interaction_importance``: two-sided, over rows.

Each evaluated row gives one observation of a pair's shared importance
(``I_j + I_k - I_jk``): a (weighted) t-test over the rows, two-sided (a
negative value, inputs standing in for each other, is a finding too). The
no-spread rule and the degrees of freedom are the row-level test's: a
standard error at rounding level (:data:`~.reference.FLAT` of the largest
row drop) is no evidence (p = 1), and the reference has the weighted
variance's degrees of freedom less one, ``(sum w**2)**2 / sum w**4 - 1``
(``n - 1`` when the rows weigh the same).
"""

import numpy as np
from scipy import stats

from .reference import FLAT

__all__ = ["pair_row_test"]


def pair_row_test(rows, weights=None):
    """Two-sided t-test over rows of each pair's shared importance.

    Parameters
    ----------
    rows : ndarray of shape (n_pairs, n_rows)
        Each row's shared importance, averaged over the repeats.
    weights : ndarray of shape (n_rows,) or None
        The rows' sample weights (None: equal).

    Returns
    -------
    mean : ndarray of shape (n_pairs,)
        The weighted mean over rows.
    pvalues : ndarray of shape (n_pairs,)
    """
    n = rows.shape[1]
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    share = w / w.sum()
    mean = rows @ share
    var = ((rows - mean[:, None]) ** 2) @ (share**2) * n / (n - 1)
    se = np.sqrt(var)
    scale = np.max(np.abs(rows), axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = mean / se
    df = np.sum(w**2) ** 2 / np.sum(w**4) - 1
    p = 2 * stats.t.sf(np.abs(t), df=df)
    # no spread at all (a model that ignores one input): no evidence
    p = np.where(se <= FLAT * np.maximum(scale, np.finfo(float).tiny), 1.0, p)
    return mean, p
