"""Multiple-testing control: one record per option of ``multiple_testing``.

An option is an :class:`Adjustment`: its name, how the report's rule line
names it and a function from the sorted finite p-values to their
adjusted values. Adding an option (e.g. Storey's adaptive BH) is one record
in ``ADJUSTMENTS``: the parameter constraints of the selector and of
``interaction_importance``, the report and the benchmarks read the names
from ``MULTIPLE_TESTING``.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["ADJUSTMENTS", "MULTIPLE_TESTING", "Adjustment", "adjust_pvalues"]


@dataclass(frozen=True)
class Adjustment:
    """One multiple-testing option.

    ``adjust(p)`` takes the m finite p-values sorted ascending (stable) and
    returns their adjusted values in that order; None leaves them unchanged.
    """

    name: str
    controls: str
    adjust: Callable | None


def _holm(p):
    """Holm's step-down: the i-th smallest of m becomes ``(m - i + 1) p``,
    made non-decreasing in that order, capped at 1."""
    m = p.size
    rank = np.arange(1, m + 1)
    return np.maximum.accumulate(np.minimum(1.0, (m - rank + 1) * p))


def _benjamini_hochberg(p):
    """Benjamini-Hochberg's step-up: ``m / i * p``, made non-increasing from
    the largest down, capped at 1."""
    m = p.size
    rank = np.arange(1, m + 1)
    adjusted = np.minimum.accumulate((m / rank * p)[::-1])[::-1]
    return np.minimum(1.0, adjusted)


ADJUSTMENTS = (
    Adjustment(
        "none", "each input tested at alpha (no multiple-testing correction)", None
    ),
    Adjustment("holm", "Holm's correction (family-wise error at alpha)", _holm),
    Adjustment(
        "fdr_bh",
        "Benjamini-Hochberg (false discovery rate at alpha)",
        _benjamini_hochberg,
    ),
)
MULTIPLE_TESTING = tuple(a.name for a in ADJUSTMENTS)
_BY_NAME = {a.name: a for a in ADJUSTMENTS}


def adjust_pvalues(pvalues, method="none"):
    """Adjusted p-values for ``method``, one of ``MULTIPLE_TESTING``:
    ``"none"``, ``"holm"`` (family-wise error, Holm's step-down) or
    ``"fdr_bh"`` (false discovery rate, Benjamini-Hochberg step-up). NaN
    p-values stay NaN and do not count among the tests; ties keep their order
    (stable sort).

    An input is kept when its adjusted p-value is below ``alpha``.
    """
    pvalues = np.asarray(pvalues, dtype=float)
    if method not in _BY_NAME:
        raise ValueError(
            f"multiple_testing={method!r}; use one of {list(MULTIPLE_TESTING)}."
        )
    adjust = _BY_NAME[method].adjust
    if adjust is None:
        return pvalues.copy()
    out = np.full(pvalues.shape, np.nan)
    finite = np.flatnonzero(~np.isnan(pvalues))
    if finite.size == 0:
        return out
    order = finite[np.argsort(pvalues[finite], kind="stable")]
    out[order] = adjust(pvalues[order])
    return out
