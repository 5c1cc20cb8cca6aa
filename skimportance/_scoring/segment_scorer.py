"""Scoring the segments of a stacked block: the baseline, then every
permuted copy, through the fast metrics where they reproduce the scorer."""

import numbers
import warnings

import numpy as np

from .._utils.compat import (
    _check_response_method,
    _get_response_values,
    _num_samples,
    _Scorer,
)
from .records import segment_metric
from .scorers import ResponseProxy, SegmentKey, call_scorer

__all__ = ["SegmentScorer"]


class SegmentScorer:
    """Score the baseline, then every segment of a stacked block.

    Parameters
    ----------
    scorers : dict
        Name -> scikit-learn scorer.
    responder : object
        See ``skimportance._importance.responders``.
    y, sample_weight : arrays for the evaluated rows (the permuted data).
    """

    def __init__(self, scorers, responder, y, sample_weight):
        self.scorers = scorers
        self.responder = responder
        self.y = y
        self.sample_weight = sample_weight
        self.methods = set()
        self.fast = {}

    @property
    def needs_rows(self):
        """Whether a scorer must see the real rows of X (an opaque callable).

        scikit-learn's own scorers only hand X to the response methods, which
        the stand-in answers from stored responses.
        """
        return _Scorer is None or not all(
            isinstance(s, _Scorer) for s in self.scorers.values()
        )

    def baseline(self, X, y, sample_weight):
        """Score the unpermuted X, recording which responses the scorers use."""
        record = set()
        # one response cache for all scorers, as sklearn's multimetric scorer
        responses = {}
        proxy = ResponseProxy(self.responder, X, responses, record=record)
        values = {
            name: call_scorer(scorer, proxy, X, y, sample_weight)
            for name, scorer in self.scorers.items()
        }
        self.methods = set(record)
        for name, scorer in self.scorers.items():
            metric = segment_metric(scorer)
            if metric is None or not isinstance(values[name], numbers.Real):
                continue
            check = self._vectorised(scorer, metric, responses, y, sample_weight, 1)
            if check is not None and np.isclose(
                check[0], values[name], rtol=1e-9, atol=1e-12
            ):
                self.fast[name] = metric
        return values

    def _vectorised(self, scorer, metric, responses, y, sample_weight, k):
        key = SegmentKey(len(next(iter(responses.values()))))
        proxy = ResponseProxy(self.responder, key, responses)
        try:
            method = _check_response_method(proxy, scorer._response_method).__name__
        except AttributeError:
            return None
        if method not in responses:
            return None
        kind = self.responder.estimator_type
        pos_label = None if kind == "regressor" else scorer._get_pos_label()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                y_pred, _ = _get_response_values(
                    proxy, key, response_method=method, pos_label=pos_label
                )
        except (AttributeError, ValueError, TypeError):
            return None
        y_pred = np.asarray(y_pred)
        y_pred = y_pred.reshape((k, -1) + y_pred.shape[1:])
        values = metric(np.asarray(y), y_pred, sample_weight)
        if values is None:
            return None
        return scorer._sign * np.asarray(values, dtype=np.float64)

    def _segment_rows(self, block, responses, k):
        """Rows per segment: those of y, or (y=None, an unsupervised scorer)
        of the stacked responses or block."""
        if self.y is not None:
            return _num_samples(self.y)
        if responses:
            return len(next(iter(responses.values()))) // k
        return 0 if block is None else _num_samples(block) // k

    def __call__(self, block, responses, seg_ids):
        k = len(seg_ids)
        n = self._segment_rows(block, responses, k)
        out = [{} for _ in range(k)]
        for name, scorer in self.scorers.items():
            values = None
            if name in self.fast:
                values = self._vectorised(
                    scorer, self.fast[name], responses, self.y, self.sample_weight, k
                )
            if values is None:
                values = []
                for i in range(k):
                    seg = {m: r[i * n : (i + 1) * n] for m, r in responses.items()}
                    if block is None:
                        X_seg = SegmentKey(n)
                    elif hasattr(block, "iloc"):
                        X_seg = block.iloc[i * n : (i + 1) * n]
                    else:
                        X_seg = block[i * n : (i + 1) * n]
                    proxy = ResponseProxy(self.responder, X_seg, seg)
                    values.append(
                        call_scorer(scorer, proxy, X_seg, self.y, self.sample_weight)
                    )
            for i, v in enumerate(values):
                out[i][name] = v
        return out
