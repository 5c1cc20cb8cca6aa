"""A plain fitted keras.Model wherever a fitted estimator goes (the models of
each style are the ``models`` fixture, in conftest.py); the drop-in edges
(y=None, array-likes, errors). ``make_trainable``: test_wrappers.py."""

import keras
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.inspection import permutation_importance as sklearn_importance
from sklearn.metrics import log_loss, r2_score

from skimportance import KerasImportanceSelector, permutation_importance
from skimportance._importance.responders import make_responder
from skimportance.wrappers import (
    FittedKerasModel,
)

from ..conftest import BUILDERS, _weights


@pytest.mark.backend
@pytest.mark.parametrize("name", [*BUILDERS, "loaded"])
def test_raw_model_gives_scikit_learns_numbers(models, name):
    model, X, y, classes = models[name]
    before = _weights(model)
    ours = permutation_importance(model, X, y, n_repeats=2, random_state=0)
    equivalent = FittedKerasModel(model, classes=classes)
    theirs = sklearn_importance(equivalent, X, y, n_repeats=2, random_state=0)
    assert_allclose(ours.importances, theirs.importances, rtol=1e-5, atol=1e-6)
    # scoring=None is the proper rule: log loss for a classifier, R² else
    proper = permutation_importance(
        model,
        X,
        y,
        n_repeats=2,
        random_state=0,
        scoring="r2" if classes is None else "neg_log_loss",
    )
    assert_allclose(ours.importances, proper.importances, rtol=1e-12)
    assert ours.importances_mean[:3].max() > 0  # the informative columns
    for got, want in zip(_weights(model), before):
        assert_allclose(got, want, rtol=0, atol=0)


def test_raw_model_other_scorings_and_string_predictions(models):
    model, X, y, classes = models["functional_softmax_strings"]
    equivalent = FittedKerasModel(model, classes=classes)
    assert set(equivalent.predict(X)) <= set(classes)
    scoring = ["accuracy", "roc_auc_ovr"]
    ours = permutation_importance(
        model, X, y, scoring=scoring, n_repeats=2, random_state=1
    )
    theirs = sklearn_importance(
        equivalent, X, y, scoring=scoring, n_repeats=2, random_state=1
    )
    for name in scoring:
        assert_allclose(
            ours[name].importances, theirs[name].importances, rtol=1e-5, atol=1e-6
        )


@pytest.mark.backend
def test_raw_model_is_served_by_the_compiled_path(models):
    model, X, y, _ = models["sequential_add"]
    responder = make_responder(model)
    assert type(responder).__name__ == "KerasResponder"
    assert responder.methods == ("predict", "predict_proba")
    assert responder.adapter.__class__.__name__ == "KerasModelAdapter"


@pytest.mark.parametrize("name", ["sequential_add", "functional_softmax_strings"])
@pytest.mark.parametrize("frozen", [False, True])
def test_selector_prefit_on_a_raw_model(models, name, frozen):
    model, X, y, classes = models[name]
    estimator = FrozenEstimator(model) if frozen else model
    selector = KerasImportanceSelector(
        estimator, cv="prefit", n_repeats=3, random_state=0
    ).fit(X, y)
    assert selector.scoring_ == "neg_log_loss"
    proba = FittedKerasModel(model, classes=classes).predict_proba(X)
    assert selector.baseline_score_ == pytest.approx(
        -log_loss(y, proba, labels=classes), rel=1e-5
    )
    same = KerasImportanceSelector(
        FittedKerasModel(model, classes=classes),
        cv="prefit",
        n_repeats=3,
        random_state=0,
    ).fit(X, y)
    assert_allclose(selector.importances_, same.importances_, rtol=1e-6)
    assert list(selector.classes_) == list(classes)
    assert selector.transform(X).shape[1] == selector.get_support().sum()


def test_selector_prefit_regressor(models):
    # its plot and eli5 explanation: test_plotting.py and test_eli5.py
    model, X, y, _ = models["regressor"]
    selector = KerasImportanceSelector(
        model, cv="prefit", n_repeats=2, random_state=0
    ).fit(X, y)
    assert selector.scoring_ == "r2"
    assert selector.baseline_score_ == pytest.approx(
        r2_score(y, model.predict(X, verbose=0)[:, 0]), rel=1e-5
    )


def test_selector_with_cv_names_make_trainable(models):
    model, X, y, _ = models["sequential_add"]
    with pytest.raises(TypeError, match="make_trainable"):
        KerasImportanceSelector(model, cv=3).fit(X, y)


def test_callable_scorer_may_pass_keras_predict_keywords(models):
    model, X, y, _ = models["sequential_add"]

    def brier(estimator, X, y, **kwargs):
        p = estimator.predict_proba(X, verbose=0, batch_size=64)[:, 1]
        return -np.mean((p - y) ** 2)

    def brier_plain(estimator, X, y):
        return -np.mean((estimator.predict_proba(X)[:, 1] - y) ** 2)

    ours = permutation_importance(model, X, y, scoring=brier, random_state=0)
    plain = permutation_importance(model, X, y, scoring=brier_plain, random_state=0)
    assert_allclose(ours.importances, plain.importances, rtol=1e-6)


def test_measuring_prints_no_progress_bars(models, capfd):
    from keras.wrappers import SKLearnRegressor

    model, X, y, _ = models["subclassed"]  # answered by its predict
    template, Xr, yr, _ = models["regressor"]
    wrapper = SKLearnRegressor(model=template, fit_kwargs={"epochs": 1, "verbose": 0})
    wrapper.fit(Xr, yr)
    keras.config.enable_interactive_logging()
    try:
        permutation_importance(model, X, y, n_repeats=2, random_state=0)
        permutation_importance(
            wrapper, Xr, yr, n_repeats=2, inference="predict", random_state=0
        )
        out, err = capfd.readouterr()
        assert "step" not in out + err and "━" not in out + err
        assert keras.config.is_interactive_logging_enabled()  # restored
    finally:
        keras.config.disable_interactive_logging()


def test_unfitted_estimators_raise_not_fitted(clf_data):
    from keras.wrappers import SKLearnClassifier
    from scikeras.wrappers import KerasClassifier

    X, y = clf_data
    unbuilt = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
    for estimator in [
        SKLearnClassifier(model=unbuilt),
        KerasClassifier(model=unbuilt),
        unbuilt,
    ]:
        with pytest.raises(NotFittedError):
            permutation_importance(estimator, X, y)


def test_non_numeric_column_is_named(models):
    model, X, y, _ = models["regressor"]
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d", "e"])
    frame["c"] = frame["c"].astype(str)
    with pytest.raises(ValueError, match="non-numeric feature columns: 'c'"):
        permutation_importance(model, frame, y)


def test_class_count_mismatch_asks_for_classes(models):
    model, X, _, _ = models["functional_softmax_strings"]
    y = np.where(X[:, 0] > 0, "up", "down")
    with pytest.raises(ValueError, match="classes="):
        permutation_importance(model, X, y)


def test_unsupervised_scorer_with_y_none():
    from sklearn.mixture import GaussianMixture

    rng = np.random.RandomState(0)
    X = rng.normal(size=(150, 3)) * [5.0, 1.0, 1.0]
    mixture = GaussianMixture(2, random_state=0).fit(X)
    ours = permutation_importance(mixture, X, None, n_repeats=3, random_state=0)
    theirs = sklearn_importance(mixture, X, None, n_repeats=3, random_state=0)
    assert_allclose(ours.importances, theirs.importances, rtol=1e-10)


def test_array_likes_as_scikit_learn_takes_them(models):
    model, X, y, _ = models["regressor"]
    Xa, ya = X.tolist(), pd.Series(y)
    ours = permutation_importance(model, Xa, ya, n_repeats=2, random_state=0)
    theirs = sklearn_importance(
        FittedKerasModel(model), Xa, ya, n_repeats=2, random_state=0
    )
    assert_allclose(ours.importances, theirs.importances, rtol=1e-5, atol=1e-6)
