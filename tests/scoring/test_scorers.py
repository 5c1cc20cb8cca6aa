"""Scorer resolution (``_scoring.scorers``): ``scoring`` as scikit-learn reads
it, and the default log loss told every class of y, also where a held-out part
misses one (the selector's scorer and the fast metric)."""

import numpy as np
import pytest
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import check_scoring, log_loss, make_scorer
from sklearn.model_selection import KFold

from skimportance import KerasImportanceSelector
from skimportance._importance.responders import make_responder
from skimportance._scoring.records import segment_metric
from skimportance._scoring.scorers import resolve_scoring
from skimportance._scoring.segment_scorer import SegmentScorer


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


# ------------------------------------------------ log loss told every class
def test_default_log_loss_scores_a_split_missing_a_class():
    rng = np.random.RandomState(1)
    y = rng.randint(0, 2, size=96)
    y[[0, 1, 2, 93, 94, 95]] = 2  # the middle two held-out parts miss class 2,
    X = rng.normal(size=(96, 3))  # which every training part has (before: "y_true
    X[:, 0] += 2 * y  # and y_prob contain different number of classes")
    sel = KerasImportanceSelector(
        LogisticRegression(), cv=KFold(4), n_repeats=2, random_state=0
    ).fit(X, y)
    assert sel.scoring_ == "neg_log_loss"
    assert np.all(np.isfinite(sel.baseline_scores_))
    assert sel.feature_importances_[0] > 0.1
    # the held-out score is sklearn's log loss over all three classes
    train, test = list(KFold(4).split(X))[1]
    assert 2 not in y[test]
    model = LogisticRegression().fit(X[train], y[train])
    expected = -log_loss(y[test], model.predict_proba(X[test]), labels=[0, 1, 2])
    assert sel.baseline_scores_[1] == pytest.approx(expected, rel=1e-10)


def test_fast_log_loss_with_labels_matches_sklearn():
    rng = np.random.RandomState(2)
    y = rng.randint(0, 3, size=200)
    y[y == 2] = 1  # rows of two of the three classes
    X = rng.normal(size=(200, 3)) + y[:, None]
    model = LogisticRegression().fit(
        np.r_[X, rng.normal(size=(5, 3)) + 2], np.r_[y, np.full(5, 2)]
    )
    scorer = sklearn.metrics.make_scorer(
        log_loss,
        greater_is_better=False,
        response_method="predict_proba",
        labels=model.classes_,
    )
    metric = segment_metric(scorer)
    assert metric is not None
    segment = SegmentScorer({"s": scorer}, make_responder(model), y, None)
    value = segment.baseline(X, y, None)["s"]
    assert "s" in segment.fast  # the fast path agreed with the scorer
    assert value == pytest.approx(scorer(model, X, y), rel=1e-12)
    P = model.predict_proba(X)
    stacked = np.stack([P, P[::-1]])
    expected = [
        log_loss(y, P, labels=model.classes_),
        log_loss(y, P[::-1], labels=model.classes_),
    ]
    np.testing.assert_allclose(metric(y, stacked, None), expected, rtol=1e-12)
