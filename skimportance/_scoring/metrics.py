"""The fast metrics registry: scorers computed for all segments at once.

How to add a scorer
-------------------
Any scikit-learn scorer works without registration: the engine hands it a
stand-in estimator answering from stored responses (``_scorers``), one
segment (one permuted copy) at a time. A scorer built on a metric registered
in :data:`FAST_METRICS` (keyed by the metric function, e.g. ``log_loss``) runs
faster, and may get the row-level test:

* ``segments(y, P, sample_weight) -> ndarray (k,) or None``: the metric of
  each of k stacked segments ``P`` of shape (k, n[, c]) at once, reproducing
  scikit-learn's computation. None when it cannot (the scorer runs then).
  Used only when it equals the real scorer on the baseline of the call
  (``rtol=1e-9``, :class:`skimportance._scoring.segment_scorer.SegmentScorer`).
* ``row_terms(y, base, sample_weight, kwargs) -> (offset, terms) or None``:
  for a metric that is a weighted mean over rows, its per-row terms
  (``metric = offset + average(terms(P), weights)``, see ``_row_terms``). It
  gives the row-level test and each row's drop in score. Used only when it
  reproduces the scorer on the unpermuted rows (``rtol=1e-6``,
  ``_row_losses.row_accumulator``).

To add a metric: write either function (segments here, row terms in
``row_terms.py``), add a :class:`FastMetric` entry below, and add a test in
``tests/test_scoring.py`` that compares it with the scorer on a few inputs.
Scorer keyword arguments are handed to ``row_terms``; ``segments`` runs only
for a scorer without keywords (log loss: ``labels`` too).
"""

import functools
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    brier_score_loss,
    log_loss,
    mean_absolute_error,
    mean_squared_error,
    r2_score,
)
from sklearn.preprocessing import LabelBinarizer

from .._utils.compat import _Scorer
from . import row_terms

__all__ = ["FAST_METRICS", "ROW_TERMS", "FastMetric", "segment_metric"]


# --------------------------------------------------------------------------
# vectorised metrics (all segments at once), following scikit-learn's code
# --------------------------------------------------------------------------
def _float_dtype(*arrays):
    floats = [a.dtype for a in arrays if a is not None and a.dtype.kind == "f"]
    return np.result_type(*floats) if floats else np.dtype(np.float64)


_LAST_Y = [None]  # (copy of y, labels, (n_classes, class indices)) of the last call


def _true_class_index(y, labels=None):
    """Number of classes and the index of each row's class among them.

    The classes are ``labels`` when given (sorted, as scikit-learn's log_loss
    sorts them), else those of y; None when y holds a value not in labels.
    Cached for the last (y, labels), compared by value (every block of a run
    is scored against the same y; a copy is kept, so a y changed in place
    misses). The entry is one tuple, replaced whole, so threads cannot mix
    entries.
    """
    y = np.asarray(y)
    labels = None if labels is None else np.asarray(labels)
    cached = _LAST_Y[0]
    if (
        cached is None
        or cached[0].shape != y.shape
        or cached[0].dtype != y.dtype
        or not np.array_equal(cached[0], y)
        or (cached[1] is None) != (labels is None)
        or (labels is not None and not np.array_equal(cached[1], labels))
    ):
        classes = LabelBinarizer().fit(y if labels is None else labels).classes_
        index = np.searchsorted(classes, y)
        found = classes[np.minimum(index, classes.shape[0] - 1)]
        valid = np.array_equal(found, y)
        result = (classes.shape[0], index) if valid else None
        cached = (y.copy(), None if labels is None else labels.copy(), result)
        _LAST_Y[0] = cached
    return cached[2]


def _vec_log_loss(y, P, sample_weight, labels=None):
    """scikit-learn's log_loss for each of the k segments of P (k, n[, c]).

    sklearn sums ``xlogy(T, P)`` over the classes of a one-hot ``T``; the terms
    of the other classes are exactly 0, so gathering the true class's clipped
    probability gives the same numbers with a fraction of the work.
    """
    P = np.asarray(P)
    if P.dtype not in (np.float32, np.float64):
        P = P.astype(np.float64)
    if P.max() > 1 or P.min() < 0:
        return None
    known = _true_class_index(y, labels)
    if known is None:
        return None
    n_classes, true_idx = known
    if n_classes < 2:
        return None
    one = P.dtype.type(1)
    if P.ndim == 3 and P.shape[2] == 1:
        P = P[:, :, 0]
    if P.ndim == 2:  # probability of the positive (last) class, binary only
        if n_classes != 2:
            return None
        p_true = np.where(true_idx[np.newaxis] == 1, P, one - P)
    elif P.shape[2] == n_classes:
        p_true = np.take_along_axis(
            P,
            np.broadcast_to(true_idx[np.newaxis, :, np.newaxis], P.shape[:2] + (1,)),
            axis=2,
        )[:, :, 0]
    else:
        return None
    eps = np.finfo(P.dtype).eps
    p_true = np.clip(p_true, eps, one - eps)
    loss = -np.log(p_true)
    return np.average(loss, axis=1, weights=sample_weight)


def _as_2d_pred(y, P):
    """Return (y, P) with y 1-D and P of shape (k, n), or None."""
    y = np.asarray(y)
    if y.ndim != 1:
        return None
    P = np.asarray(P)
    if P.ndim == 3 and P.shape[2] == 1:
        P = P[:, :, 0]
    if P.ndim != 2 or P.shape[1] != y.shape[0]:
        return None
    return y, P


def _vec_r2(y, P, sample_weight):
    yp = _as_2d_pred(y, P)
    if yp is None or yp[0].shape[0] < 2 or yp[0].dtype.kind not in "biuf":
        return None
    y, P = yp
    sw = None if sample_weight is None else np.asarray(sample_weight)
    dtype = _float_dtype(y, P, sw)
    y = y.astype(dtype, copy=False)
    P = P.astype(dtype, copy=False)
    weight = 1.0
    if sw is not None:
        sw = sw.astype(dtype, copy=False)
        weight = sw
    numerator = np.sum(weight * (y - P) ** 2, axis=1)
    denominator = np.sum(weight * (y - np.average(y, weights=sw)) ** 2)
    out = np.ones(P.shape[0], dtype=dtype)
    nonzero_num = numerator != 0
    if denominator != 0:
        out[nonzero_num] = 1 - numerator[nonzero_num] / denominator
    else:
        out[nonzero_num] = 0.0
    return out


def _vec_mse(y, P, sample_weight):
    yp = _as_2d_pred(y, P)
    if yp is None or yp[0].dtype.kind not in "biuf":
        return None
    y, P = yp
    sw = None if sample_weight is None else np.asarray(sample_weight)
    dtype = _float_dtype(y, P, sw)
    err = (y.astype(dtype, copy=False) - P.astype(dtype, copy=False)) ** 2
    return np.average(err, axis=1, weights=sw)


def _vec_accuracy(y, P, sample_weight):
    yp = _as_2d_pred(y, P)
    if yp is None:
        return None
    y, P = yp
    numeric = "biuf"
    if (y.dtype.kind in numeric) != (P.dtype.kind in numeric):
        return None
    return np.average(P == y[np.newaxis], axis=1, weights=sample_weight)


# --------------------------------------------------------------------------
# the registry
# --------------------------------------------------------------------------
class FastMetric(NamedTuple):
    """The fast routes of one metric (either may be None)."""

    segments: Callable | None = None
    row_terms: Callable | None = None


FAST_METRICS = {
    log_loss: FastMetric(_vec_log_loss, row_terms.log_loss_terms),
    brier_score_loss: FastMetric(row_terms=row_terms.brier_terms),
    mean_squared_error: FastMetric(_vec_mse, row_terms.error_terms(2)),
    mean_absolute_error: FastMetric(row_terms=row_terms.error_terms(1)),
    r2_score: FastMetric(_vec_r2, row_terms.r2_terms),
    accuracy_score: FastMetric(_vec_accuracy, row_terms.accuracy_terms),
}
"""Metric function -> :class:`FastMetric`; see the module docstring."""

#: metric -> row-terms builder, for the metrics that have one
ROW_TERMS = {
    metric: fast.row_terms
    for metric, fast in FAST_METRICS.items()
    if fast.row_terms is not None
}


def segment_metric(scorer):
    """The vectorised metric of a scikit-learn scorer, or None."""
    if _Scorer is None or type(scorer) is not _Scorer:
        return None
    fast = FAST_METRICS.get(scorer._score_func)
    metric = None if fast is None else fast.segments
    if not scorer._kwargs:
        return metric
    if metric is _vec_log_loss and set(scorer._kwargs) == {"labels"}:
        return functools.partial(_vec_log_loss, labels=scorer._kwargs["labels"])
    return None
