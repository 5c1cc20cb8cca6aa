"""The adapter records (``_keras.adapters.ADAPTERS``) and the one clone repair
(``_keras.training.keep_fit_kwargs``): each kind of fitted Keras estimator is
served by exactly the record meant for it, its adapter gives the estimator's
own responses, and every clone keeps ``fit_kwargs``."""

import keras
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skimportance._keras.adapters import (
    ADAPTERS,
    KerasModelAdapter,
    KerasWrapperAdapter,
    ScikerasAdapter,
    adapter_for,
    is_keras_estimator,
)
from skimportance._keras.training import clone_estimator
from skimportance.wrappers import FittedKerasModel, SKLearnClassifier, make_trainable

from ..conftest import dense_model, keras_clf_model


def _serving(estimator):
    return [r.adapter for r in ADAPTERS if r.serves(estimator)]


def test_records_are_distinct_adapters():
    assert len({r.adapter for r in ADAPTERS}) == len(ADAPTERS)
    assert len({r.name for r in ADAPTERS}) == len(ADAPTERS)


def test_keras_wrapper_is_served_by_its_record(keras_clf, clf_data):
    X, _ = clf_data
    assert _serving(keras_clf) == [KerasWrapperAdapter]
    adapter = adapter_for(keras_clf, "classifier")
    assert type(adapter) is KerasWrapperAdapter
    raw = np.asarray(adapter.model(adapter.prepare(X[:7])))
    np.testing.assert_array_equal(
        adapter.decode(raw, "predict"), keras_clf.predict(X[:7])
    )


def test_scikeras_is_served_by_its_record(scikeras_clf, clf_data):
    X, _ = clf_data
    assert _serving(scikeras_clf) == [ScikerasAdapter]
    adapter = adapter_for(scikeras_clf, "classifier")
    raw = np.asarray(adapter.model(adapter.prepare(X[:7])))
    np.testing.assert_allclose(
        adapter.decode(raw, "predict_proba"),
        scikeras_clf.predict_proba(X[:7]),
        rtol=1e-6,
    )


def test_keras_model_estimators_take_the_first_record(clf_data):
    """A trained keras.Model as FittedKerasModel, and make_trainable's
    estimator (a keras.wrappers estimator too): the Keras-model record wins."""
    X, y = clf_data
    model = dense_model(X.shape[1], 2, "softmax", "sparse_categorical_crossentropy")
    model.fit(X, y, epochs=1, verbose=0)
    fitted = FittedKerasModel(model)
    assert type(adapter_for(fitted, "classifier")) is KerasModelAdapter
    trainable = make_trainable(model, epochs=1).fit(X, y)
    assert KerasModelAdapter in _serving(trainable)
    assert type(adapter_for(trainable, "classifier")) is KerasModelAdapter


def test_other_estimators_have_no_adapter(clf_data):
    X, y = clf_data
    lr = LogisticRegression().fit(X, y)
    assert not is_keras_estimator(lr)
    assert adapter_for(lr, "classifier") is None
    assert not is_keras_estimator(keras.Sequential([keras.Input((2,))]))


def test_every_clone_keeps_fit_kwargs():
    """Keras' own wrapper loses fit_kwargs in clone; clone_estimator restores
    them (nested too), and the package's wrapper does in sklearn's clone."""
    kwargs = {"epochs": 7, "verbose": 0}
    raw = keras.wrappers.SKLearnClassifier(keras_clf_model, fit_kwargs=kwargs)
    assert clone(raw).fit_kwargs is None  # the bug repaired here
    assert clone_estimator(raw).fit_kwargs == kwargs
    pipe = make_pipeline(StandardScaler(), raw)
    cloned = clone_estimator(pipe).get_params()["sklearnclassifier__fit_kwargs"]
    assert cloned == kwargs
    ours = SKLearnClassifier(keras_clf_model, fit_kwargs=kwargs)
    copy = clone(ours)
    assert copy.fit_kwargs == kwargs and copy.fit_kwargs is not kwargs
    assert clone(SKLearnClassifier(keras_clf_model)).fit_kwargs is None


@pytest.mark.parametrize("fit_kwargs", [None, {"epochs": 2}])
def test_clone_of_a_set_fit_kwargs_is_left_alone(fit_kwargs):
    """A clone whose fit_kwargs is already set keeps its own."""
    from skimportance._keras.training import keep_fit_kwargs

    original = SKLearnClassifier(keras_clf_model, fit_kwargs={"epochs": 9})
    new = SKLearnClassifier(keras_clf_model, fit_kwargs=fit_kwargs)
    expected = {"epochs": 9} if fit_kwargs is None else fit_kwargs
    assert keep_fit_kwargs(original, new).fit_kwargs == expected
