"""``skimportance.wrappers``: Keras models as trainable scikit-learn estimators
(``make_trainable``, also on the ``models`` of each style), and the scikeras and
``keras.wrappers`` classes repaired for scikit-learn >= 1.6."""

import warnings

import keras
import numpy as np
import pytest
import sklearn
from numpy.testing import assert_allclose
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.datasets import make_classification
from sklearn.inspection import permutation_importance as sklearn_importance
from sklearn.metrics import get_scorer
from sklearn.model_selection import GridSearchCV

from skimportance import KerasImportanceSelector, permutation_importance
from skimportance.wrappers import (
    KerasModelClassifier,
    KerasModelRegressor,
    SKLearnClassifier,
    make_trainable,
)

from .conftest import (
    N_FEATURES,
    _weights,
    dense_model,
    keras_clf_model,
    scikeras_clf_model,
    scikeras_reg_model,
)


def test_make_trainable_picks_the_task_and_never_trains_the_model(clf_data):
    X, y = clf_data[0][:80], clf_data[1][:80]
    model = dense_model(X.shape[1], 1, "sigmoid", "binary_crossentropy", hidden=4)
    before = [w.copy() for w in model.get_weights()]
    clf = make_trainable(model, epochs=2, verbose=0)
    assert isinstance(clf, KerasModelClassifier) and is_classifier(clf)
    assert clone(clf).fit_kwargs == {"epochs": 2, "verbose": 0}
    clf.fit(X, y)
    assert clf.predict_proba(X).shape == (80, 2)
    for old, new in zip(before, model.get_weights()):
        np.testing.assert_array_equal(old, new)  # a copy was trained
    reg = make_trainable(dense_model(X.shape[1], 1, None, "mse", hidden=4), epochs=1)
    assert isinstance(reg, KerasModelRegressor) and is_regressor(reg)


def test_make_trainable_trains_copies_as_long_as_the_model_was_trained(clf_data):
    X, y = clf_data[0][:40], clf_data[1][:40]
    model = dense_model(X.shape[1], 1, "sigmoid", "binary_crossentropy", hidden=4)
    with pytest.warns(UserWarning, match="1 epoch"):  # nothing to read yet
        assert "epochs" not in make_trainable(model).fit_kwargs
    model.fit(X, y, epochs=3, verbose=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert make_trainable(model).fit_kwargs == {"epochs": 3}  # its last fit
        assert make_trainable(model, epochs=7).fit_kwargs == {"epochs": 7}


def test_make_trainable_needs_a_compiled_model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="compiled"):
        make_trainable(model)


def test_repaired_wrapper_keeps_fit_kwargs_and_tags():
    clf = SKLearnClassifier(keras_clf_model, fit_kwargs={"epochs": 3, "verbose": 0})
    assert is_classifier(clf)
    assert clone(clf).fit_kwargs == {"epochs": 3, "verbose": 0}


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


def test_make_trainable_trains_fresh_copies(models):
    model, X, y, _ = models["sequential_add"]
    before = _weights(model)
    estimator = make_trainable(model, epochs=2, batch_size=32, verbose=0)
    assert isinstance(estimator, KerasModelClassifier)
    assert clone(estimator).fit_kwargs == {"epochs": 2, "batch_size": 32, "verbose": 0}
    labels = np.where(y == 1, "yes", "no")
    selector = KerasImportanceSelector(
        estimator, cv=2, n_repeats=2, random_state=0, refit=False
    ).fit(X, labels)
    assert selector.scoring_ == "neg_log_loss"
    assert selector.importances_.shape == (N_FEATURES, 4)
    fitted = clone(estimator).fit(X, labels)
    assert list(fitted.classes_) == ["no", "yes"]
    assert fitted.model_ is not model
    assert len(fitted.history_.history["loss"]) == 2
    for got, want in zip(_weights(model), before):
        assert_allclose(got, want, rtol=0, atol=0)  # the template is not trained


@pytest.mark.parametrize("loss", ["sparse_categorical_crossentropy", "categorical"])
def test_make_trainable_softmax_targets(models, loss):
    model, X, y, classes = models["functional_softmax_strings"]
    template = keras.models.clone_model(model)
    template.compile(
        optimizer="adam",
        loss=keras.losses.CategoricalCrossentropy() if loss == "categorical" else loss,
    )
    fitted = make_trainable(template, epochs=1, verbose=0).fit(X, y)
    assert np.isfinite(fitted.history_.history["loss"][0])
    assert fitted.predict_proba(X).shape == (len(X), 3)
    assert set(fitted.predict(X)) <= set(classes)


def test_make_trainable_regressor_and_uncompiled(models):
    model, X, y, _ = models["regressor"]
    estimator = make_trainable(model, epochs=1, verbose=0)
    assert isinstance(estimator, KerasModelRegressor)
    result = permutation_importance(
        estimator.fit(X, y), X, y, n_repeats=2, random_state=0
    )
    theirs = sklearn_importance(estimator, X, y, n_repeats=2, random_state=0)
    assert_allclose(result.importances, theirs.importances, rtol=1e-5, atol=1e-6)
    uncompiled = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="compiled"):
        make_trainable(uncompiled)
