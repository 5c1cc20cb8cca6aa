"""``skimportance.wrappers``: Keras models as trainable scikit-learn estimators."""

import keras
import numpy as np
import pytest
from sklearn.base import clone, is_classifier, is_regressor

from skimportance.wrappers import (
    KerasModelClassifier,
    KerasModelRegressor,
    SKLearnClassifier,
    make_trainable,
)

from .conftest import dense_model, keras_clf_model


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
    reg = make_trainable(dense_model(X.shape[1], 1, None, "mse", hidden=4))
    assert isinstance(reg, KerasModelRegressor) and is_regressor(reg)


def test_make_trainable_needs_a_compiled_model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="compiled"):
        make_trainable(model)


def test_repaired_wrapper_keeps_fit_kwargs_and_tags():
    clf = SKLearnClassifier(keras_clf_model, fit_kwargs={"epochs": 3, "verbose": 0})
    assert is_classifier(clf)
    assert clone(clf).fit_kwargs == {"epochs": 3, "verbose": 0}
