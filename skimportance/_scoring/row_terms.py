"""Per-row terms of the metrics that are weighted means over rows.

Each builder ``(y, baseline predictions, sample_weight, scorer kwargs)`` returns
``(offset, terms)`` or None (keywords it does not reproduce, a y it cannot
handle), where ``terms(predictions of k segments)`` gives the (k, n_rows) terms
with ``metric = offset + average(terms, weights)``. They are registered in
the metric records (:data:`skimportance._scoring.records.METRICS`) and used by
:mod:`skimportance._scoring.row_accumulator`.
"""

import numpy as np

from .._utils.compat import (
    _validate_binary_probabilistic_prediction,
    _validate_multiclass_probabilistic_prediction,
)

__all__ = [
    "accuracy_terms",
    "brier_terms",
    "error_terms",
    "log_loss_terms",
    "r2_terms",
]


def _expand_binary(P):
    """(k, n) positive-class probabilities -> (k, n, 2), as sklearn does."""
    if P.ndim == 3 and P.shape[2] == 1:
        P = P[:, :, 0]
    if P.ndim == 2:
        P = np.stack((1 - P, P), axis=2)
    return P


def log_loss_terms(y, base, sample_weight, kwargs):
    if set(kwargs) - {"labels"}:
        return None
    base = np.asarray(base)
    if base.dtype.kind != "f":
        base = base.astype(np.float64)
    T, _ = _validate_multiclass_probabilistic_prediction(
        y, base, sample_weight, kwargs.get("labels")
    )
    T = np.asarray(T, dtype=bool)
    if not np.all(T.sum(axis=1) == 1):
        return None
    true_idx = np.argmax(T, axis=1)

    def terms(P):
        P = np.asarray(P)
        if P.dtype.kind != "f":
            P = P.astype(np.float64)
        if P.ndim == 3 and P.shape[2] == 1:
            P = P[:, :, 0]
        if P.ndim == 2:  # probability of the second class, binary only
            if T.shape[1] != 2 or P.shape[1] != T.shape[0]:
                raise ValueError("predictions do not match the classes")
            p_true = np.where(true_idx[np.newaxis] == 1, P, 1 - P)
        else:
            if P.shape[1:] != T.shape:
                raise ValueError("predictions do not match the classes")
            index = np.broadcast_to(
                true_idx[np.newaxis, :, np.newaxis], P.shape[:2] + (1,)
            )
            p_true = np.take_along_axis(P, index, axis=2)[:, :, 0]
        eps = np.finfo(P.dtype).eps
        return -np.log(np.clip(p_true, eps, 1 - eps), dtype=np.float64)

    return 0.0, terms


def brier_terms(y, base, sample_weight, kwargs):
    if set(kwargs) - {"pos_label", "labels", "scale_by_half"}:
        return None
    base = np.asarray(base, dtype=np.float64)
    if base.ndim == 1 or base.shape[1] == 1:
        T, _ = _validate_binary_probabilistic_prediction(
            y, base.ravel(), sample_weight, kwargs.get("pos_label")
        )
    else:
        T, _ = _validate_multiclass_probabilistic_prediction(
            y, base, sample_weight, kwargs.get("labels")
        )
    T = np.asarray(T, dtype=np.float64)
    half = kwargs.get("scale_by_half", "auto")
    if half == "auto":
        half = base.ndim == 1 or base.shape[1] < 3
    scale = 0.5 if half else 1.0

    def terms(P):
        P = _expand_binary(np.asarray(P, dtype=np.float64))
        return scale * np.sum((T[np.newaxis] - P) ** 2, axis=2)

    return 0.0, terms


def _regression_y(y):
    y = np.asarray(y)
    if y.dtype.kind not in "biuf":
        return None
    y = y.astype(np.float64)
    return y[:, np.newaxis] if y.ndim == 1 else y


def _regression_pred(P, y2):
    P = np.asarray(P, dtype=np.float64)
    if P.ndim == 2:
        P = P[:, :, np.newaxis]
    if P.shape[1:] != y2.shape:
        raise ValueError("predictions do not match y")
    return P


def _uniform_average(kwargs):
    """Whether a regression metric's keywords ask for its default average
    over outputs (the only one written as row terms here)."""
    if set(kwargs) - {"multioutput"}:
        return False
    return kwargs.get("multioutput", "uniform_average") == "uniform_average"


def error_terms(power):
    def build(y, base, sample_weight, kwargs):
        if not _uniform_average(kwargs):
            return None
        y2 = _regression_y(y)
        if y2 is None:
            return None

        def terms(P):
            err = np.abs(_regression_pred(P, y2) - y2[np.newaxis])
            return np.mean(err**power, axis=2)

        return 0.0, terms

    return build


def r2_terms(y, base, sample_weight, kwargs):
    if not _uniform_average(kwargs):
        return None
    y2 = _regression_y(y)
    if y2 is None or y2.shape[0] < 2:
        return None
    w = np.ones(y2.shape[0]) if sample_weight is None else np.asarray(sample_weight)
    w = w.astype(np.float64)
    centre = np.average(y2, axis=0, weights=w)
    denominator = np.sum(w[:, np.newaxis] * (y2 - centre) ** 2, axis=0)
    if np.any(denominator == 0):
        return None
    # R² = 1 - mean over outputs of sum_i w_i e_ij² / d_j
    #    = 1 - average_i( sum_j e_ij² * W / d_j / n_outputs )
    scale = w.sum() / denominator / y2.shape[1]

    def terms(P):
        err = (_regression_pred(P, y2) - y2[np.newaxis]) ** 2
        return -np.sum(err * scale, axis=2)

    return 1.0, terms


def accuracy_terms(y, base, sample_weight, kwargs):
    y = np.asarray(y)
    if kwargs or y.ndim != 1:
        return None

    def terms(P):
        P = np.asarray(P)
        if P.ndim == 3 and P.shape[2] == 1:
            P = P[:, :, 0]
        if P.ndim != 2 or (P.dtype.kind in "biuf") != (y.dtype.kind in "biuf"):
            raise ValueError("predictions are not labels")
        return (P == y[np.newaxis]).astype(np.float64)

    return 0.0, terms
