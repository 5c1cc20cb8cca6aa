"""Scoring modules: estimator plumbing, scorer resolution, the fast metrics
registry (each fast route against scikit-learn's own metric)."""

import numpy as np
import pytest
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import check_scoring, get_scorer, make_scorer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skimportance._scoring.metrics import FAST_METRICS, ROW_TERMS, segment_metric
from skimportance._scoring.scorers import resolve_scoring
from skimportance._utils.estimators import estimator_type, final_estimator, unfreeze


def _segments(rng, metric, k, n):
    """y and k stacked predictions fitting ``metric``."""
    name = metric.__name__
    if name in ("log_loss", "brier_score_loss"):
        y = rng.randint(0, 2, n)
        return y, rng.uniform(0.01, 0.99, size=(k, n))
    if name == "accuracy_score":
        y = rng.randint(0, 3, n)
        return y, rng.randint(0, 3, size=(k, n))
    y = rng.normal(size=n)
    return y, y + rng.normal(size=(k, n))


@pytest.mark.parametrize("metric", list(FAST_METRICS), ids=lambda m: m.__name__)
def test_every_fast_route_equals_the_metric(metric):
    rng = np.random.RandomState(0)
    y, P = _segments(rng, metric, k=4, n=30)
    w = rng.uniform(0.5, 2.0, size=30)
    fast = FAST_METRICS[metric]
    for sample_weight in (None, w):
        expected = [
            metric(y, p, sample_weight=sample_weight)
            if metric.__name__ != "log_loss"
            else metric(y, np.column_stack([1 - p, p]), sample_weight=sample_weight)
            for p in P
        ]
        if fast.segments is not None:
            got = fast.segments(y, P, sample_weight)
            np.testing.assert_allclose(got, expected, rtol=1e-12)
        built = fast.row_terms(y, P[0], sample_weight, {})
        offset, terms = built
        rows = offset + np.average(terms(P), axis=1, weights=sample_weight)
        np.testing.assert_allclose(rows, expected, rtol=1e-9)
    assert ROW_TERMS[metric] is fast.row_terms


def test_segment_metric_only_for_plain_scorers():
    assert (
        segment_metric(get_scorer("r2"))
        is FAST_METRICS[get_scorer("r2")._score_func].segments
    )
    assert segment_metric(get_scorer("roc_auc")) is None  # not registered
    assert segment_metric(get_scorer("neg_brier_score")) is None  # rows only
    assert segment_metric(lambda est, X, y: 0.0) is None  # opaque callable


def test_plumbing_sees_through_frozen_pipelines():
    X, y = np.random.RandomState(0).normal(size=(40, 3)), np.arange(40) % 2
    pipe = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
    frozen = FrozenEstimator(pipe)
    assert unfreeze(frozen) is pipe
    assert final_estimator(frozen) is pipe[-1]
    assert estimator_type(frozen) == "classifier"
    assert estimator_type(LinearRegression()) == "regressor"
    assert estimator_type(StandardScaler()) is None


def test_multimetric_scoring_matches_scikit_learn():
    X = np.random.RandomState(1).normal(size=(50, 3))
    y = (X[:, 0] > 0).astype(int)
    clf = LogisticRegression().fit(X, y)
    custom = make_scorer(lambda t, p: float(np.mean(t == p)))
    for scoring in (["accuracy", "neg_log_loss"], {"acc": "accuracy", "c": custom}):
        scorers, multi = resolve_scoring(clf, scoring)
        expected = check_scoring(clf, scoring=scoring)(clf, X, y)
        assert multi and set(scorers) == set(expected)
        for name, scorer in scorers.items():
            assert scorer(clf, X, y) == pytest.approx(expected[name])
    with pytest.raises(ValueError, match="Unknown scoring"):
        resolve_scoring(clf, "no_such_scorer")
