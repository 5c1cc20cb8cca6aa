"""The fast metrics registry (``_scoring.metrics``): each fast route against
scikit-learn's own metric, and the cached class indices of y."""

import numpy as np
import pytest
from sklearn.inspection import permutation_importance as sk_permutation_importance
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import get_scorer

from skimportance import permutation_importance
from skimportance._scoring.records import FAST_METRICS, ROW_TERMS, segment_metric


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


def test_y_changed_in_place_between_calls_is_seen(clf_data):
    """The vectorised log loss caches y's class indices: by value, not identity."""
    X, y = clf_data
    clf = LogisticRegression().fit(X, y)
    y = y.copy()
    permutation_importance(clf, X, y, scoring="neg_log_loss", random_state=0)
    y[:100] = 1 - y[:100]  # same array object, other labels
    ours = permutation_importance(clf, X, y, scoring="neg_log_loss", random_state=0)
    theirs = sk_permutation_importance(
        clf, X, y, scoring="neg_log_loss", random_state=0
    )
    np.testing.assert_allclose(ours.importances, theirs.importances, atol=1e-12)


def test_class_index_cache_compares_y_by_value():
    from skimportance._scoring.metrics import _true_class_index

    y = np.array([0, 1, 1, 0])
    assert _true_class_index(y)[1].tolist() == [0, 1, 1, 0]
    y[:] = [1, 1, 1, 0]  # in place: a cache keyed on identity would miss this
    assert _true_class_index(y)[1].tolist() == [1, 1, 1, 0]
    assert _true_class_index(["b", "a", "b"])[1].tolist() == [1, 0, 1]
