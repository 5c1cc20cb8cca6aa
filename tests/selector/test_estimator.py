"""KerasImportanceSelector: importance, selection, and life inside scikit-learn."""

import pickle

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError
from sklearn.feature_selection import RFE, RFECV
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import get_scorer, log_loss, r2_score
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline

from skimportance import KerasImportanceSelector
from skimportance._selector.estimator import clone_estimator
from skimportance._selector.rules import importance_pvalues, support_mask

from ..conftest import keras_clf_model, scikeras_clf_model, scikeras_reg_model


@pytest.fixture(scope="module")
def informative_first():
    """3 informative features first (logistic model), then 5 pure noise columns."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(400, 8))
    logit = 2.0 * X[:, 0] - 2.0 * X[:, 1] + 1.5 * X[:, 2]
    y = (rng.uniform(size=400) < 1 / (1 + np.exp(-logit))).astype(int)
    return X, y


def test_selects_the_informative_features(informative_first):
    X, y = informative_first
    sel = KerasImportanceSelector(LogisticRegression(), cv=3, random_state=0).fit(X, y)
    assert sel.importances_.shape == (8, 3 * 5)
    assert sel.feature_importances_.shape == sel.feature_importances_std_.shape == (8,)
    kept = set(sel.get_support(indices=True))
    # column 6 is noise that correlates with y in this sample of 400 rows: every
    # fold learns it, and no held-out measurement can tell it from signal
    assert {0, 1, 2} <= kept <= {0, 1, 2, 6}
    assert np.all(sel.pvalues_[:3] < 0.05) and np.all(sel.pvalues_[[3, 4, 5, 7]] > 0.1)
    assert sel.scorer_._score_func is log_loss
    assert sel.baseline_score_ < 0 and sel.baseline_scores_.shape == (3,)
    assert sel.threshold_ == 0.0
    assert sel.transform(X).shape == (400, len(kept))
    assert sel.estimator_.coef_.shape == (1, 8)  # refit on all features


def test_repeatable_with_random_state(informative_first):
    X, y = informative_first
    a = KerasImportanceSelector(LogisticRegression(), cv=3, random_state=0).fit(X, y)
    b = KerasImportanceSelector(LogisticRegression(), cv=3, random_state=0).fit(X, y)
    b.fit(X, y)  # refitting the same object gives the same numbers too
    np.testing.assert_array_equal(a.importances_, b.importances_)


def test_negative_importance_is_never_rewarded():
    importances = np.array([0.5, -0.4, 0.0, 0.1, -0.05])
    pvalues = np.array([0.0, 0.0, 1.0, 0.01, 0.0])
    # sklearn's SelectFromModel would keep |-0.4| >= threshold
    assert list(support_mask(importances, pvalues, threshold=-1.0)) == [
        True,
        False,
        False,
        True,
        False,
    ]
    assert list(support_mask(importances, pvalues)) == [True, False, False, True, False]
    assert list(support_mask(importances, pvalues, threshold="mean")) == [
        True,
        False,
        False,
        True,
        False,
    ]
    # only an explicit minimum count can take a non-positive feature
    assert (
        support_mask(
            importances, pvalues, threshold=0.3, min_features_to_select=3
        ).sum()
        == 3
    )


@pytest.mark.parametrize(
    "threshold, expected",
    [
        (0.15, [0]),
        ("mean", [0, 1]),
        ("median", [0, 1, 2]),
        ("1.5*mean", [0]),
        ("0.5 * median", [0, 1, 2]),
        ("5*median", [0, 1]),
    ],
)
def test_threshold_forms(threshold, expected):
    importances = np.array([0.3, 0.12, 0.02, 0.0, -0.01])
    mask = support_mask(importances, np.zeros(5), threshold=threshold)
    np.testing.assert_array_equal(np.flatnonzero(mask), expected)


def test_max_and_min_features(informative_first):
    X, y = informative_first
    sel = KerasImportanceSelector(
        LogisticRegression(), cv=3, random_state=0, max_features=2
    ).fit(X, y)
    top2 = np.argsort(-sel.feature_importances_)[:2]
    np.testing.assert_array_equal(sel.get_support(indices=True), np.sort(top2))
    sel.set_params(max_features=lambda X: X.shape[1] // 8)
    sel.fit(X, y)
    assert sel.get_support().sum() == 1
    sel.set_params(max_features=None, threshold=10.0, min_features_to_select=2)
    sel.fit(X, y)
    np.testing.assert_array_equal(sel.get_support(indices=True), np.sort(top2))


def test_pvalues_are_calibrated_on_noise_features():
    """The corrected resampled t-test keeps false positives near alpha."""
    pvalues = []
    for seed in range(12):
        rng = np.random.RandomState(seed)
        X = rng.normal(size=(300, 8))
        y = (rng.uniform(size=300) < 1 / (1 + np.exp(-2 * X[:, 0]))).astype(int)
        sel = KerasImportanceSelector(LogisticRegression(), cv=5, random_state=seed)
        pvalues.append(sel.fit(X, y).pvalues_[1:])
        assert sel.pvalues_[0] < 0.01
    assert np.mean(np.concatenate(pvalues) < 0.05) <= 0.08


def test_pvalues_use_splits_as_units():
    rng = np.random.RandomState(0)
    # split means 0.1, 0.2, 0.3 (with noise within): clearly positive
    imp = np.repeat([[0.1, 0.2, 0.3]], 2, axis=0).repeat(4, axis=1)
    imp = imp + rng.normal(0, 0.01, imp.shape)
    imp[1] -= 0.2  # split means -0.1, 0.0, 0.1: no evidence
    p = importance_pvalues(imp, n_splits=3)
    assert p[0] < 0.05 and p[1] > 0.3
    assert importance_pvalues(np.zeros((1, 6)), 3)[0] == 1.0


# ---------------------------------------------------------------- Keras
def test_scikeras_classifier_on_dataframe(informative_first):
    from scikeras.wrappers import KerasClassifier

    X, y = informative_first
    X = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    X_before = X.copy()
    sel = KerasImportanceSelector(
        KerasClassifier(scikeras_clf_model, epochs=20, verbose=0),
        cv=3,
        n_repeats=3,
        random_state=0,
    ).fit(X, y)
    assert sel.scorer_._score_func is log_loss  # proper rule by default
    assert list(sel.feature_names_in_) == list(X.columns)
    kept = list(sel.get_feature_names_out())
    assert set(kept) >= {"x0", "x1", "x2"} and len(kept) <= 5
    out = sel.set_output(transform="pandas").transform(X)
    assert list(out.columns) == kept
    np.testing.assert_allclose(sel.predict_proba(X).sum(axis=1), 1, rtol=1e-5)
    pd.testing.assert_frame_equal(X, X_before)


def test_scikeras_regressor_default_r2():
    from scikeras.wrappers import KerasRegressor

    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 5))
    y = 1.5 * X[:, 0] - X[:, 1] + 0.3 * rng.normal(size=300)
    sel = KerasImportanceSelector(
        KerasRegressor(scikeras_reg_model, epochs=30, verbose=0),
        cv=3,
        n_repeats=3,
        random_state=0,
    ).fit(X, y)
    assert sel.scorer_._score_func is r2_score
    assert list(np.argsort(-sel.feature_importances_)[:2]) == [0, 1]
    assert sel.feature_importances_[0] > 1.0  # R² falls by more than 1


def test_keras_wrapper_clones_keep_fit_kwargs(informative_first):
    from keras.wrappers import SKLearnClassifier

    est = SKLearnClassifier(keras_clf_model, fit_kwargs={"epochs": 7, "verbose": 0})
    assert clone(est).fit_kwargs is None  # the Keras bug this works around
    assert clone_estimator(est).fit_kwargs == {"epochs": 7, "verbose": 0}
    pipe = Pipeline([("model", est)])
    assert clone_estimator(pipe).get_params()["model__fit_kwargs"]["epochs"] == 7

    X, y = informative_first
    sel = KerasImportanceSelector(est, cv=2, n_repeats=2, random_state=0).fit(X, y)
    assert len(sel.estimator_.history_.history["loss"]) == 7
    # softmax head: probabilities, so the default is the proper log loss
    assert sel.scorer_._score_func is log_loss
    assert not hasattr(sel, "predict_proba")  # the wrapper has none to delegate to
    assert sel.predict(X).shape == (len(X),)


def test_prefit_and_frozen(scikeras_clf, clf_data):
    X, y = clf_data
    weights = [w.copy() for w in scikeras_clf.model_.get_weights()]
    sel = KerasImportanceSelector(scikeras_clf, cv="prefit", random_state=0).fit(X, y)
    assert sel.importances_.shape == (X.shape[1], 5)
    assert sel.estimator_ is scikeras_clf
    frozen = KerasImportanceSelector(
        FrozenEstimator(scikeras_clf), cv="prefit", random_state=0
    ).fit(X, y)
    np.testing.assert_allclose(frozen.importances_, sel.importances_, rtol=1e-6)
    for before, after in zip(weights, scikeras_clf.model_.get_weights()):
        np.testing.assert_array_equal(before, after)


def test_stratified_for_scikeras_with_rare_class():
    from scikeras.wrappers import KerasClassifier

    rng = np.random.RandomState(0)
    X = rng.normal(size=(100, 3))
    y = np.zeros(100, dtype=int)
    y[:6] = 1  # 6 positives in 5 folds: only stratification puts one in each
    X[:6, 0] += 3
    sel = KerasImportanceSelector(
        KerasClassifier(scikeras_clf_model, epochs=2, verbose=0),
        cv=5,
        n_repeats=2,
        random_state=0,
    ).fit(X, y)
    assert np.all(np.isfinite(sel.importances_))


# ------------------------------------------------- inside sklearn's tools
def test_pipeline_cross_val_score_and_grid_search_roc_auc():
    from scikeras.wrappers import KerasClassifier as PlainKerasClassifier

    from skimportance.wrappers import KerasClassifier

    X, y = make_classification(160, 6, n_informative=3, n_redundant=0, random_state=0)
    pipe = Pipeline(
        [
            (
                "select",
                KerasImportanceSelector(
                    PlainKerasClassifier(scikeras_clf_model, epochs=5, verbose=0),
                    cv=2,
                    n_repeats=2,
                    random_state=0,
                    threshold="median",
                ),
            ),
            ("model", KerasClassifier(scikeras_clf_model, epochs=5, verbose=0)),
        ]
    )
    scores = cross_val_score(pipe, X, y, cv=2, scoring="roc_auc")
    assert np.all(np.isfinite(scores)) and scores.mean() > 0.6
    grid = GridSearchCV(
        pipe,
        {
            "select__max_features": [2, None],
            "select__estimator__epochs": [3],
        },
        cv=2,
        scoring="roc_auc",
        error_score="raise",
    ).fit(X, y)
    assert np.all(np.isfinite(grid.cv_results_["mean_test_score"]))
    assert grid.best_score_ > 0.6


def test_wrappers_restore_estimator_type_for_grid_search():
    """The supported fix for users' own pipelines under scikit-learn >= 1.6."""
    from scikeras.wrappers import KerasClassifier as Plain
    from sklearn.base import is_classifier

    from skimportance.wrappers import KerasClassifier, KerasRegressor

    assert not is_classifier(Plain(scikeras_clf_model))  # the scikeras bug
    assert is_classifier(KerasClassifier(scikeras_clf_model))
    assert sklearn.base.is_regressor(KerasRegressor(scikeras_reg_model))
    X, y = make_classification(120, 4, random_state=0)
    grid = GridSearchCV(
        KerasClassifier(scikeras_clf_model, verbose=0),
        {"epochs": [2, 4]},
        cv=2,
        scoring="roc_auc",
    ).fit(X, y)
    assert np.all(np.isfinite(grid.cv_results_["mean_test_score"]))


def test_keras_sklearn_classifier_fix_has_predict_proba(clf_data):
    from skimportance.wrappers import SKLearnClassifier

    X, y = clf_data
    est = SKLearnClassifier(keras_clf_model, fit_kwargs={"epochs": 3, "verbose": 0})
    assert clone(est).fit_kwargs == {"epochs": 3, "verbose": 0}
    est.fit(X, y, sample_weight=np.ones(len(y)))
    assert est.fit_kwargs == {"epochs": 3, "verbose": 0}  # not polluted by fit
    proba = est.predict_proba(X)
    assert proba.shape == (len(X), 2)
    assert -get_scorer("neg_log_loss")(est, X, y) < 1.0


def test_rfe_and_rfecv_read_feature_importances(informative_first):
    X, y = informative_first
    inner = KerasImportanceSelector(
        LogisticRegression(), cv=2, n_repeats=2, random_state=0
    )
    rfe = RFE(inner, n_features_to_select=3).fit(X, y)
    np.testing.assert_array_equal(rfe.get_support(indices=True), [0, 1, 2])
    rfecv = RFECV(inner, cv=2, step=2).fit(X, y)
    assert 3 <= rfecv.n_features_ <= 8
    assert rfecv.support_[:3].all()


def test_rfe_with_scikeras(clf_data):
    from scikeras.wrappers import KerasClassifier

    X, y = clf_data
    inner = KerasImportanceSelector(
        KerasClassifier(scikeras_clf_model, epochs=5, verbose=0),
        cv=2,
        n_repeats=2,
        random_state=0,
    )
    rfe = RFE(inner, n_features_to_select=4, step=2).fit(X, y)
    assert rfe.support_.sum() == 4


# --------------------------------------------------------- sample_weight
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


# --------------------------------------------------------------- pickling
def test_pickle_with_keras_models(scikeras_clf, keras_clf, clf_data):
    X, y = clf_data
    for est in (scikeras_clf, keras_clf):
        sel = KerasImportanceSelector(
            est, cv="prefit", threshold="median", random_state=0
        ).fit(X, y)
        again = pickle.loads(pickle.dumps(sel))
        np.testing.assert_array_equal(again.transform(X), sel.transform(X))
        np.testing.assert_array_equal(again.predict(X), sel.predict(X))


# ------------------------------------------------------------------ errors
def test_clear_errors(informative_first, scikeras_clf, clf_data):
    from scikeras.wrappers import KerasClassifier

    X, y = informative_first
    sel = KerasImportanceSelector(LogisticRegression(), cv=2, random_state=0)
    with pytest.raises(ValueError, match="n_repeats"):
        clone(sel).set_params(n_repeats=0).fit(X, y)
    with pytest.raises(ValueError, match="scoring"):
        clone(sel).set_params(scoring="auc_roc").fit(X, y)
    with pytest.raises(ValueError, match="threshold"):
        clone(sel).set_params(threshold="twice the mean").fit(X, y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        clone(sel).fit(X, y[:-1])
    with pytest.raises(ValueError, match="only one class"):
        clone(sel).fit(X, np.zeros(len(y)))
    with pytest.raises(ValueError, match="splits"):
        clone(sel).set_params(cv=5).fit(X[:3], [0, 1, 0])
    with pytest.raises(NotFittedError, match="prefit"):
        KerasImportanceSelector(KerasClassifier(scikeras_clf_model), cv="prefit").fit(
            X, y
        )
    fitted = clone(sel).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        fitted.transform(X[:, :5])
    X_nan = clf_data[0].copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        KerasImportanceSelector(scikeras_clf, cv="prefit").fit(X_nan, clf_data[1])


def test_verbose_0_silences_keras_and_verbose_1_shows_progress(capsys):
    import keras
    from scikeras.wrappers import KerasClassifier

    X, y = make_classification(120, 4, random_state=0)
    est = KerasClassifier(scikeras_clf_model, epochs=2)  # scikeras' verbose=1 default
    keras.config.enable_interactive_logging()  # Keras prints epoch bars to stdout
    try:
        est.fit(X, y)
        assert "Epoch" in capsys.readouterr().out  # what verbose=0 has to silence
        KerasImportanceSelector(est, cv=2, n_repeats=2, random_state=0).fit(X, y)
        out = capsys.readouterr()
        assert out.out == "" and "%|" not in out.err
        KerasImportanceSelector(est, cv=2, n_repeats=2, random_state=0, verbose=1).fit(
            X, y
        )
        out = capsys.readouterr()
        assert "%|" in out.err and "Epoch" not in out.out
    finally:
        keras.config.disable_interactive_logging()
