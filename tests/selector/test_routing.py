"""scikit-learn plumbing: groups to the splitter, sample_weight through a
Pipeline, log loss told every class, parameters checked before training."""

import numpy as np
import pytest
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import GroupKFold, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skimportance import KerasImportanceSelector
from skimportance._importance.responders import make_responder
from skimportance._scoring.metrics import segment_metric
from skimportance._scoring.segment_scorer import SegmentScorer


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 4))
    y = (X[:, 0] + 0.5 * rng.normal(size=120) > 0).astype(int)
    groups = np.repeat(np.arange(6), 20)
    return X, y, groups


class CountingLogistic(ClassifierMixin, BaseEstimator):
    """A LogisticRegression that records every fit (to tell when training ran)."""

    fits = []

    def fit(self, X, y):
        self.model_ = LogisticRegression().fit(X, y)
        self.classes_ = self.model_.classes_
        CountingLogistic.fits.append(len(X))
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(X)

    def predict(self, X):
        return self.model_.predict(X)


# ------------------------------------------------------------------ groups
def test_groups_reach_the_splitter_without_routing(data):
    X, y, groups = data
    sel = KerasImportanceSelector(
        LogisticRegression(), cv=GroupKFold(3), n_repeats=2, random_state=0
    )
    sel.fit(X, y, groups=groups)  # before: groups went to LogisticRegression.fit
    assert sel.n_splits_ == 3
    assert sel.get_support()[0]
    # each split measures the held-out groups GroupKFold chose: the same
    # importances as measuring those splits given as an iterable
    splits = list(GroupKFold(3).split(X, y, groups))
    same = clone(sel).set_params(cv=splits).fit(X, y)
    np.testing.assert_allclose(sel.importances_, same.importances_)


def test_groups_reach_the_splitter_with_routing(data):
    X, y, groups = data
    with sklearn.config_context(enable_metadata_routing=True):
        sel = KerasImportanceSelector(
            LogisticRegression(), cv=GroupKFold(3), n_repeats=2, random_state=0
        ).fit(X, y, groups=groups)
        splits = list(GroupKFold(3).split(X, y, groups))
        same = KerasImportanceSelector(
            LogisticRegression(), cv=splits, n_repeats=2, random_state=0
        )
        np.testing.assert_allclose(sel.importances_, same.fit(X, y).importances_)
        assert "splitter" in str(sel.get_metadata_routing())
    # groups are fit's own parameter, not a request of the selector's
    assert not hasattr(sel, "set_fit_request")


def test_routing_enabled_without_metadata(data):
    X, y, _ = data
    # before: sklearn's empty routing stand-in made `"scorer" in routed` loop
    with sklearn.config_context(enable_metadata_routing=True):
        sel = KerasImportanceSelector(LogisticRegression(), cv=2, n_repeats=2)
        assert sel.fit(X, y).n_splits_ == 2


def test_groups_without_a_split_is_a_clear_error(data):
    X, y, groups = data
    est = LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match="cv='prefit' makes no splits"):
        KerasImportanceSelector(est, cv="prefit").fit(X, y, groups=groups)


# ------------------------------------------------------------ sample_weight
def test_sample_weight_with_a_pipeline_says_how(data):
    X, y, _ = data
    pipe = make_pipeline(StandardScaler(), LogisticRegression())
    sel = KerasImportanceSelector(pipe, cv=2)
    with pytest.raises(ValueError, match="logisticregression__sample_weight=") as e:
        sel.fit(X, y, sample_weight=np.ones(len(y)))
    assert "enable_metadata_routing" in str(e.value)


def test_step_sample_weight_weights_training_and_scoring(data):
    X, y, _ = data
    w = np.where(y == 1, 4.0, 1.0)
    pipe = make_pipeline(StandardScaler(), LogisticRegression())
    fitted = clone(pipe).fit(X, y, logisticregression__sample_weight=w)
    # prefit: only the scorer is weighted, by either spelling
    for params in ({"sample_weight": w}, {"logisticregression__sample_weight": w}):
        sel = KerasImportanceSelector(fitted, cv="prefit").fit(X, y, **params)
        expected = -log_loss(y, fitted.predict_proba(X), sample_weight=w)
        assert sel.baseline_score_ == pytest.approx(expected, rel=1e-12)
    # trained on splits: the final step is weighted, and so is the scorer
    splits = [(np.arange(60, 120), np.arange(60))]
    sel = KerasImportanceSelector(pipe, cv=splits).fit(
        X, y, logisticregression__sample_weight=w
    )
    train, test = splits[0]
    split_model = clone(pipe).fit(
        X[train], y[train], logisticregression__sample_weight=w[train]
    )
    expected = -log_loss(
        y[test], split_model.predict_proba(X[test]), sample_weight=w[test]
    )
    assert sel.baseline_score_ == pytest.approx(expected, rel=1e-10)
    np.testing.assert_allclose(sel.estimator_[-1].coef_, fitted[-1].coef_, rtol=1e-6)


def test_sample_weight_with_routing_through_a_pipeline(data):
    X, y, _ = data
    w = np.where(y == 1, 4.0, 1.0)
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = make_pipeline(
            StandardScaler().set_fit_request(sample_weight=False),
            LogisticRegression().set_fit_request(sample_weight=True),
        )
        sel = KerasImportanceSelector(pipe, cv="prefit")
        fitted = clone(pipe).fit(X, y, sample_weight=w)
        sel.set_params(estimator=fitted).fit(X, y, sample_weight=w)
        expected = -log_loss(y, fitted.predict_proba(X), sample_weight=w)
        assert sel.baseline_score_ == pytest.approx(expected, rel=1e-12)
        trained = KerasImportanceSelector(pipe, cv=2, random_state=0).fit(
            X, y, sample_weight=w
        )
        np.testing.assert_allclose(
            trained.estimator_[-1].coef_, fitted[-1].coef_, rtol=1e-6
        )


# ------------------------------------------------------- log loss labels
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


# ---------------------------------------------- checked before training
@pytest.mark.parametrize(
    "params, message",
    [
        ({"threshold": "meen"}, "Invalid threshold"),
        ({"threshold": "1.25*mode"}, "Invalid threshold"),
        ({"threshold": float("nan")}, "threshold"),
        ({"max_features": lambda X: -1}, "max_features"),
        ({"max_features": lambda X: 1.5}, "max_features"),
        ({"cv": 500}, "splits"),
        ({"n_repeats": 0}, "n_repeats"),
        ({"alpha": 1.5}, "alpha"),
        ({"feature_groups": [[0, 9]]}, "names feature 9"),
    ],
)
def test_bad_parameters_fail_before_any_training(data, params, message):
    X, y, _ = data
    CountingLogistic.fits.clear()
    sel = KerasImportanceSelector(CountingLogistic(), **{"cv": 2, **params})
    with pytest.raises(ValueError, match=message):
        sel.fit(X, y)
    assert CountingLogistic.fits == []


@pytest.mark.parametrize(
    "threshold", ["mean", "median", "1.25*mean", " 0.5 * median", 0.01]
)
def test_valid_thresholds_pass(data, threshold):
    X, y, _ = data
    sel = KerasImportanceSelector(LogisticRegression(), cv=2, threshold=threshold)
    assert sel.fit(X, y).get_support()[0]
