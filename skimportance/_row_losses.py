"""Per-row terms of the scorers that are means over rows, for row-level tests.

Log loss, the Brier score, squared and absolute error, R² and accuracy are
weighted means over rows: ``score = offset + sign * average(terms, weights)``
with one term per row (R²: the squared error scaled by the spread of y, its
offset 1; accuracy: 1 for a correct row). A row's importance is then its own
drop in score, ``sign * (term without permutation - term permuted)``, and the
importance of a (group, repeat) is the weighted mean of its rows' drops: the
same number as the scorer's drop.

:class:`RowAccumulator` takes the place of the segment scorer in the engine:
it scores every segment from its row terms and adds each segment's row drops
to its group's running sum (memory: n_groups x n_rows). It is used only when
the row terms reproduce the real scorer on the unpermuted rows.

The registry ``ROW_TERMS`` maps a metric function to the function that gives
its per-row terms; a scorer whose metric is not there (``roc_auc``, custom
callables) has no row-level test.
"""

import numbers

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    brier_score_loss,
    log_loss,
    mean_absolute_error,
    mean_squared_error,
    r2_score,
)

from ._compat import (
    _check_response_method,
    _get_response_values,
    _Scorer,
    _validate_binary_probabilistic_prediction,
    _validate_multiclass_probabilistic_prediction,
)
from ._scoring import _ResponseProxy, _SegmentKey

__all__ = ["ROW_TERMS", "RowAccumulator", "row_accumulator"]


# --------------------------------------------------------------------------
# per-row terms: f(y, base_pred, kwargs) -> (offset, terms(pred (k, n, ...)))
# --------------------------------------------------------------------------
def _as_k(P, n):
    """Predictions of k segments as (k, n) or (k, n, c); None if not that."""
    P = np.asarray(P)
    if P.ndim >= 2 and P.shape[1] == n:
        return P
    return None


def _expand_binary(P):
    """(k, n) positive-class probabilities -> (k, n, 2), as sklearn does."""
    if P.ndim == 3 and P.shape[2] == 1:
        P = P[:, :, 0]
    if P.ndim == 2:
        P = np.stack((1 - P, P), axis=2)
    return P


def _log_loss_terms(y, base, sample_weight, kwargs):
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


def _brier_terms(y, base, sample_weight, kwargs):
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


def _error_terms(power):
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


def _r2_terms(y, base, sample_weight, kwargs):
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


def _accuracy_terms(y, base, sample_weight, kwargs):
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


ROW_TERMS = {
    log_loss: _log_loss_terms,
    brier_score_loss: _brier_terms,
    mean_squared_error: _error_terms(2),
    mean_absolute_error: _error_terms(1),
    r2_score: _r2_terms,
    accuracy_score: _accuracy_terms,
}
"""Metric -> builder ``(y, baseline predictions, sample_weight, kwargs) ->
(offset, terms)`` or None, where ``terms(predictions of k segments)`` returns
the (k, n_rows) per-row terms with ``metric = offset + average(terms)``."""


# --------------------------------------------------------------------------
# the accumulator that replaces the segment scorer
# --------------------------------------------------------------------------
def _predictions(scorer, responder, responses, k):
    """The scorer's view of the responses (sklearn's response handling)."""
    key = _SegmentKey(len(next(iter(responses.values()))))
    proxy = _ResponseProxy(responder, key, responses)
    method = _check_response_method(proxy, scorer._response_method).__name__
    if method not in responses:
        raise ValueError(f"{method} was not computed")
    kind = responder.estimator_type
    pos_label = None if kind == "regressor" else scorer._get_pos_label()
    y_pred, _ = _get_response_values(
        proxy, key, response_method=method, pos_label=pos_label
    )
    y_pred = np.asarray(y_pred)
    return y_pred.reshape((k, -1) + y_pred.shape[1:])


class RowAccumulator:
    """Score segments from their row terms, summing each group's row drops.

    Parameters
    ----------
    name : str
        The scorer's key in the engine's results.
    scorer : scikit-learn scorer
    responder : object
    terms : callable
        Per-row terms of k segments (see ``ROW_TERMS``).
    base_terms : ndarray of shape (n_rows,)
    baseline : float
        The scorer's value on the unpermuted rows.
    sample_weight : ndarray or None
    n_groups, n_repeats : int
    """

    def __init__(
        self,
        name,
        scorer,
        responder,
        terms,
        base_terms,
        baseline,
        sample_weight,
        n_groups,
        n_repeats,
    ):
        self.name = name
        self.scorer = scorer
        self.responder = responder
        self.terms = terms
        self.base_terms = base_terms
        self.baseline = baseline
        self.sample_weight = sample_weight
        self.n_repeats = n_repeats
        self.sums = np.zeros((n_groups, base_terms.shape[0]))

    def __call__(self, block, responses, seg_ids):
        k = len(seg_ids)
        P = _predictions(self.scorer, self.responder, responses, k)
        drops = self.scorer._sign * (self.base_terms[np.newaxis] - self.terms(P))
        importances = np.average(drops, axis=1, weights=self.sample_weight)
        for i, s in enumerate(seg_ids):
            self.sums[s // self.n_repeats] += drops[i]
        return [{self.name: self.baseline - imp} for imp in importances]

    def row_importances(self):
        """Each row's drop in score, averaged over repeats: (n_groups, n_rows)."""
        return self.sums / self.n_repeats


def row_accumulator(
    scorers, responder, methods, X, y, sample_weight, baseline, n_groups, n_repeats
):
    """A :class:`RowAccumulator` for the one scorer, or None when the scorer is
    not a mean over rows or its row terms do not reproduce it on X."""
    if _validate_multiclass_probabilistic_prediction is None:  # pragma: no cover
        return None
    if _Scorer is None or len(scorers) != 1 or not methods:
        return None
    ((name, scorer),) = scorers.items()
    base_value = baseline.get(name)
    if type(scorer) is not _Scorer or not isinstance(base_value, numbers.Real):
        return None
    builder = ROW_TERMS.get(getattr(scorer, "_score_func", None))
    if builder is None or y is None:
        return None
    try:
        responses = responder(X, tuple(methods))
        base_pred = _predictions(scorer, responder, responses, 1)
        built = builder(np.asarray(y), base_pred[0], sample_weight, scorer._kwargs)
        if built is None:
            return None
        offset, terms = built
        base_terms = terms(base_pred)[0]
        value = scorer._sign * (offset + np.average(base_terms, weights=sample_weight))
    except (AttributeError, ValueError, TypeError, IndexError):
        return None
    if not np.isclose(value, float(base_value), rtol=1e-6, atol=1e-9):
        return None
    return RowAccumulator(
        name,
        scorer,
        responder,
        terms,
        base_terms,
        float(base_value),
        None if sample_weight is None else np.asarray(sample_weight, dtype=float),
        n_groups,
        n_repeats,
    )
