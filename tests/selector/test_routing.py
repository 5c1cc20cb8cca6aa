"""Where ``fit``'s metadata goes (``_selector.routing``, ``fit_params``): groups
to the splitter, sample_weight to the fit of every split and to the scorer,
through a Pipeline, with and without metadata routing."""

import numpy as np
import pytest
import sklearn
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skimportance import KerasImportanceSelector


# --------------------------------------------------------------------- groups
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


# -------------------------------------------------------------- sample_weight
def test_sample_weight_goes_to_fit_and_scorer(informative_first):
    X, y = informative_first
    w = np.where(y == 1, 3.0, 1.0)
    est = LogisticRegression().fit(X, y, sample_weight=w)
    sel = KerasImportanceSelector(est, cv="prefit").fit(X, y, sample_weight=w)
    expected = -log_loss(y, est.predict_proba(X), sample_weight=w)
    assert sel.baseline_score_ == pytest.approx(expected, rel=1e-12)
    # and to the fit of every fold
    a = KerasImportanceSelector(LogisticRegression(), cv=2, random_state=0)
    b = clone(a)
    a.fit(X, y, sample_weight=w)
    b.fit(X, y)
    assert not np.allclose(a.importances_, b.importances_)
    np.testing.assert_allclose(a.estimator_.coef_, est.coef_, rtol=1e-6)


def test_metadata_routing(informative_first):
    X, y = informative_first
    w = np.where(y == 1, 3.0, 1.0)
    with sklearn.config_context(enable_metadata_routing=True):
        est = LogisticRegression().set_fit_request(sample_weight=True)
        sel = KerasImportanceSelector(est, cv=2, random_state=0).fit(
            X, y, sample_weight=w
        )
        np.testing.assert_allclose(
            sel.estimator_.coef_,
            LogisticRegression().fit(X, y, sample_weight=w).coef_,
            rtol=1e-6,
        )
        with pytest.raises(Exception, match="sample_weight"):
            KerasImportanceSelector(LogisticRegression(), cv=2).fit(
                X, y, sample_weight=w
            )


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
