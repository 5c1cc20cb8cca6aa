"""What the package knows about each metric, one record per metric.

Any scikit-learn scorer works without a record: the engine hands it a
stand-in estimator answering from stored responses (``scorers``), one
segment (one permuted copy) at a time. A scorer built on a metric with a
:class:`MetricRecord` in :data:`METRICS` may be faster, get the row-level
test and the no-skill guard:

* ``segments(y, P, sample_weight) -> ndarray (k,) or None`` (in
  ``metrics``): the metric of each of k stacked segments ``P`` of shape
  (k, n[, c]) at once, reproducing scikit-learn's computation. None when it
  cannot (the scorer runs then). Used only when it equals the real scorer on
  the baseline of the call (``rtol=1e-9``,
  :class:`skimportance._scoring.segment_scorer.SegmentScorer`); it runs only
  for a scorer whose keywords are among ``segment_keywords``.
* ``row_terms(y, base, sample_weight, kwargs) -> (offset, terms) or None``
  (in ``row_terms``): for a metric that is a weighted mean over rows, its
  per-row terms (``metric = offset + average(terms(P), weights)``). It gives
  the row-level test and each row's drop in score; used only when it
  reproduces the scorer on the unpermuted rows (``rtol=1e-6``,
  :func:`skimportance._scoring.row_accumulator.row_accumulator`). None for a
  metric that is not a mean over rows (the record's ``note`` says so).
* ``no_skill``: the dummy that predicts without any input (a
  :class:`NoSkill`), whose score the measured model must beat
  (``no_skill``).

To add a metric: write its fast functions (either may be None), add one
:class:`MetricRecord` to :data:`METRICS`, and test it against the scorer on a
few inputs (``tests/scoring/test_metrics.py`` runs every record's fast
routes). Every table the package reads (:data:`FAST_METRICS`,
:data:`ROW_TERMS`, the no-skill scorers, the scorer names in messages) is
derived from :data:`METRICS`.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.metrics import (
    accuracy_score,
    brier_score_loss,
    log_loss,
    mean_absolute_error,
    mean_squared_error,
    r2_score,
    root_mean_squared_error,
)

from .._utils.compat import _Scorer
from . import metrics, row_terms

__all__ = [
    "FAST_METRICS",
    "METRICS",
    "ROW_METRIC_LABELS",
    "ROW_SCORERS",
    "ROW_TERMS",
    "MetricRecord",
    "NoSkill",
    "record_for",
    "segment_metric",
]


class NoSkill(NamedTuple):
    """A no-skill reference: the scikit-learn dummy that predicts without any
    input, fitted on the evaluated rows (``dummy()`` builds it)."""

    task: str  # "classifier" or "regressor"
    strategy: str  # the dummy's strategy
    what: str  # what it predicts, for the warning

    def dummy(self):
        """An unfitted ``DummyClassifier`` or ``DummyRegressor``."""
        if self.task == "classifier":
            return DummyClassifier(strategy=self.strategy)
        return DummyRegressor(strategy=self.strategy)


#: the class frequencies: the best constant for log loss and Brier; its
#: prediction (the most frequent class) the best constant for accuracy
PRIOR = NoSkill("classifier", "prior", "the class frequencies")
#: the (weighted) mean of y: the best constant for squared error (R² = 0)
MEAN = NoSkill("regressor", "mean", "the mean of y")
#: the (weighted) median of y: the best constant for absolute error
MEDIAN = NoSkill("regressor", "median", "the median of y")


@dataclass(frozen=True)
class MetricRecord:
    """Everything known about one metric.

    Parameters
    ----------
    scorer : str
        The scikit-learn scorer name built on it (``get_scorer(scorer)``).
    metric : callable
        The metric function (the scorer's ``_score_func``).
    sign : {1, -1}
        The scorer's sign: 1 when greater is better.
    label : str
        Its name in messages and docstrings.
    segments : callable or None, default=None
        The vectorised metric (all segments at once), or None.
    segment_keywords : frozenset of str, default=frozenset()
        Scorer keywords ``segments`` takes (it runs for no other keyword).
    row_terms : callable or None, default=None
        Builder of its per-row terms; None when it is not a mean over rows.
    no_skill : NoSkill or None, default=None
        The no-skill reference, or None where there is none.
    note : str, default=""
        Why a route is missing, where one is.
    """

    scorer: str
    metric: Callable
    sign: int
    label: str
    segments: Callable | None = None
    segment_keywords: frozenset = frozenset()
    row_terms: Callable | None = None
    no_skill: NoSkill | None = None
    note: str = ""

    @property
    def greater_is_better(self):
        """Whether a greater score is better (``sign == 1``)."""
        return self.sign > 0


METRICS = (
    MetricRecord(
        "neg_log_loss",
        log_loss,
        -1,
        "log loss",
        segments=metrics.vec_log_loss,
        segment_keywords=frozenset({"labels"}),
        row_terms=row_terms.log_loss_terms,
        no_skill=PRIOR,
    ),
    MetricRecord(
        "neg_brier_score",
        brier_score_loss,
        -1,
        "Brier score",
        row_terms=row_terms.brier_terms,
        no_skill=PRIOR,
        note="no vectorised version: its row terms score the segments",
    ),
    MetricRecord(
        "accuracy",
        accuracy_score,
        1,
        "accuracy",
        segments=metrics.vec_accuracy,
        row_terms=row_terms.accuracy_terms,
        no_skill=PRIOR,
    ),
    MetricRecord(
        "r2",
        r2_score,
        1,
        "R²",
        segments=metrics.vec_r2,
        row_terms=row_terms.r2_terms,
        no_skill=MEAN,
    ),
    MetricRecord(
        "neg_mean_squared_error",
        mean_squared_error,
        -1,
        "squared error",
        segments=metrics.vec_mse,
        row_terms=row_terms.error_terms(2),
        no_skill=MEAN,
    ),
    MetricRecord(
        "neg_mean_absolute_error",
        mean_absolute_error,
        -1,
        "absolute error",
        row_terms=row_terms.error_terms(1),
        no_skill=MEDIAN,
        note="no vectorised version: its row terms score the segments",
    ),
    MetricRecord(
        "neg_root_mean_squared_error",
        root_mean_squared_error,
        -1,
        "root mean squared error",
        no_skill=MEAN,
        note="not a mean over rows (the square root of one): no row terms, "
        "so no row-level test; the scorer scores each segment",
    ),
)
"""One :class:`MetricRecord` per metric; see the module docstring."""

#: metric function -> its record, for the metrics with a fast route
FAST_METRICS = {
    r.metric: r for r in METRICS if r.segments is not None or r.row_terms is not None
}

#: metric function -> row-terms builder, for the metrics that have one
ROW_TERMS = {r.metric: r.row_terms for r in METRICS if r.row_terms is not None}

#: the scorer names that are means over rows (they get the row-level test)
ROW_SCORERS = tuple(r.scorer for r in METRICS if r.row_terms is not None)

#: the same metrics in words, for messages
ROW_METRIC_LABELS = ", ".join(r.label for r in METRICS if r.row_terms is not None)

_BY_SCORER = {r.scorer: r for r in METRICS}
_BY_FUNCTION = {(r.metric, r.sign): r for r in METRICS}


def record_for(scorer):
    """The record of a scorer name, or of a scikit-learn scorer read from its
    metric and sign (``_score_func``, ``_sign``) with no extra keyword
    arguments (see :mod:`skimportance._utils.compat`); None for others."""
    if isinstance(scorer, str):
        return _BY_SCORER.get(scorer)
    func = getattr(scorer, "_score_func", None)
    if func is None or getattr(scorer, "_kwargs", None):
        return None
    try:
        return _BY_FUNCTION.get((func, getattr(scorer, "_sign", None)))
    except TypeError:  # an unhashable metric
        return None


def segment_metric(scorer):
    """The vectorised metric of a scikit-learn scorer, or None."""
    if _Scorer is None or type(scorer) is not _Scorer:
        return None
    record = FAST_METRICS.get(scorer._score_func)
    if record is None or record.segments is None:
        return None
    if not scorer._kwargs:
        return record.segments
    if set(scorer._kwargs) <= record.segment_keywords:
        return functools.partial(record.segments, **scorer._kwargs)
    return None
