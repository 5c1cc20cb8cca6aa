"""Each row's drop in score, for the row-level test (the row accumulator).

The metrics with row terms in their record
(:data:`skimportance._scoring.records.ROW_METRIC_LABELS`: log loss, Brier
score, accuracy, R², squared error, absolute error) are weighted means over
rows: ``score = offset + sign * average(terms, weights)`` with one term per row
(R²: the squared error scaled by the spread of y, its offset 1; accuracy: 1 for
a correct row). A row's importance is then its own drop in score, ``sign *
(term without permutation - term permuted)``, and the importance of a (group,
repeat) is the weighted mean of its rows' drops: the same number as the
scorer's drop.

:class:`RowAccumulator` takes the place of the segment scorer in the engine:
it scores every segment from its row terms and adds each segment's row drops
to its group's running sum (memory: n_groups x n_rows). It is used only when
the row terms reproduce the real scorer on the unpermuted rows.

The per-row terms of each metric are in its record
(:data:`skimportance._scoring.records.METRICS`; ``ROW_TERMS`` is the view
metric -> row-terms builder); a scorer whose metric has none (``roc_auc``,
root mean squared error, custom callables) has no row-level test.
"""

import numbers

import numpy as np

from .._utils.compat import (
    _check_response_method,
    _get_response_values,
    _Scorer,
    _validate_multiclass_probabilistic_prediction,
)
from .records import ROW_TERMS
from .scorers import ResponseProxy, SegmentKey

__all__ = ["ROW_TERMS", "RowAccumulator", "row_accumulator"]


# --------------------------------------------------------------------------
# the accumulator that replaces the segment scorer
# --------------------------------------------------------------------------
def _predictions(scorer, responder, responses, k):
    """The scorer's view of the responses (sklearn's response handling)."""
    key = SegmentKey(len(next(iter(responses.values()))))
    proxy = ResponseProxy(responder, key, responses)
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
