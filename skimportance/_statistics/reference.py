"""The t reference of every test here: one-sided p-values and intervals.

A standard error at rounding level of the loss's scale (``FLAT`` of it) is
no spread, not evidence: :func:`t_pvalues` gives 1 when the mean is at
rounding level too, NaN otherwise. Every test of the layer uses this one
rule (the pair test of interactions too).
"""

import numpy as np
from scipy import stats

__all__ = ["FLAT", "t_interval", "t_pvalues"]

# a standard error below this share of the loss's scale is rounding noise
FLAT = 1e-9


def t_pvalues(mean, se, df, scale=None):
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


def t_interval(mean, se, df, alpha):
    """Two-sided interval ``mean -+ t_(1 - alpha, df) * se``: its lower end
    is the one-sided ``1 - alpha`` bound."""
    q = stats.t.ppf(1 - alpha, df=df)
    return np.column_stack([mean - q * se, mean + q * se])
