"""Vectorised metrics: a metric of all segments (permuted copies) at once.

Each ``vec_*(y, P, sample_weight) -> ndarray (k,) or None`` gives the metric
of each of k stacked segments ``P`` of shape (k, n[, c]), reproducing
scikit-learn's computation, or None when it cannot (the scorer runs then).
They are registered in the metric records
(:data:`skimportance._scoring.records.METRICS`), which say when each is used.
"""

import numpy as np
from sklearn.preprocessing import LabelBinarizer

__all__ = ["vec_accuracy", "vec_log_loss", "vec_mse", "vec_r2"]


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


def vec_log_loss(y, P, sample_weight, labels=None):
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


def vec_r2(y, P, sample_weight):
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


def vec_mse(y, P, sample_weight):
    yp = _as_2d_pred(y, P)
    if yp is None or yp[0].dtype.kind not in "biuf":
        return None
    y, P = yp
    sw = None if sample_weight is None else np.asarray(sample_weight)
    dtype = _float_dtype(y, P, sw)
    err = (y.astype(dtype, copy=False) - P.astype(dtype, copy=False)) ** 2
    return np.average(err, axis=1, weights=sw)


def vec_accuracy(y, P, sample_weight):
    yp = _as_2d_pred(y, P)
    if yp is None:
        return None
    y, P = yp
    numeric = "biuf"
    if (y.dtype.kind in numeric) != (P.dtype.kind in numeric):
        return None
    return np.average(P == y[np.newaxis], axis=1, weights=sample_weight)
