"""Every Keras 3 backend: the compiled forward pass, the first-layer updates,
and caches of compiled functions that keep no model alive.

These tests run on the backend Keras was imported with (``KERAS_BACKEND``,
TensorFlow by default). CI runs every test marked ``backend`` under JAX too;
where PyTorch is installed, one test here runs on it in a subprocess.
"""

import gc
import importlib.util
import os
import subprocess
import sys
import weakref

import keras
import numpy as np
import pytest
from sklearn.inspection import permutation_importance as sk_permutation_importance

from skimportance import KerasImportanceSelector, permutation_importance
from skimportance._fast_paths.first_layer import first_layer_updater
from skimportance._keras.backend import to_numpy
from skimportance._keras.responder import KerasResponder
from skimportance.wrappers import FittedKerasModel, SKLearnClassifier

from ..conftest import dense_model


def _softmax_model(X, y):
    return dense_model(X.shape[1], y.shape[1], "softmax", "categorical_crossentropy")


@pytest.mark.backend
def test_fast_path_is_compiled_and_agrees_with_predict(keras_clf, clf_data):
    """On this backend the forward pass and the first-layer updates are
    compiled, not left to ``model.predict``, and give its outputs."""
    X = clf_data[0].astype(np.float32)
    responder = KerasResponder(keras_clf)
    assert responder._compiled(X) is not None
    assert first_layer_updater(responder, X, responder.methods) is not None
    expected = keras_clf.model_.predict(X, verbose=0)
    np.testing.assert_allclose(responder.raw(X), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.backend
def test_same_numbers_as_sklearn_through_keras_wrappers(clf_data):
    """skimportance.wrappers.SKLearnClassifier (keras.wrappers, with
    predict_proba): the fast path gives scikit-learn's log-loss importances."""
    X, y = clf_data
    clf = SKLearnClassifier(_softmax_model, fit_kwargs={"epochs": 5, "verbose": 0})
    clf.fit(X, y)
    kw = dict(scoring="neg_log_loss", n_repeats=2, random_state=0)
    ours = permutation_importance(clf, X, y, **kw)
    theirs = sk_permutation_importance(clf, X, y, **kw)
    assert np.abs(theirs.importances).max() > 1e-3
    np.testing.assert_allclose(ours.importances, theirs.importances, atol=1e-5)


@pytest.mark.backend
def test_new_weights_are_seen_after_compilation(clf_data):
    """Compiled functions read the model's current weights (on JAX they are
    arguments, not constants baked in at compilation)."""
    X, y = clf_data
    # weights as initialised: training is not what this checks
    model = dense_model(X.shape[1], 1, "sigmoid", "binary_crossentropy", hidden=8)
    est = FittedKerasModel(model, classes=[0, 1])
    kw = dict(scoring="neg_log_loss", n_repeats=2, random_state=0)
    before = permutation_importance(est, X, y, **kw).importances
    kernel = model.layers[0].kernel
    kernel.assign(to_numpy(kernel.value)[::-1] * 2.0)  # first column's weights move
    after = {
        inference: permutation_importance(est, X, y, inference=inference, **kw)
        for inference in ("auto", "batched", "predict")
    }
    assert np.abs(after["predict"].importances - before).max() > 1e-3
    for inference in ("auto", "batched"):
        np.testing.assert_allclose(
            after[inference].importances,
            after["predict"].importances,
            rtol=1e-5,
            atol=1e-6,
        )


@pytest.mark.backend
def test_models_are_freed_after_measuring_and_selecting(clf_data):
    """The caches of compiled functions keep no model alive: every model is
    freed once the function and the selector are done with it."""
    X, y = clf_data
    built = []

    def build(X, y):
        model = _softmax_model(X, y)
        built.append(weakref.ref(model))
        return model

    def estimator():
        return SKLearnClassifier(build, fit_kwargs={"epochs": 1, "verbose": 0})

    clf = estimator().fit(X, y)
    permutation_importance(clf, X, y, n_repeats=2, random_state=0)
    sel = KerasImportanceSelector(estimator(), cv=2, n_repeats=2, random_state=0)
    sel.fit(X, y)
    assert len(built) == 4  # one measured, two splits, the refit
    del clf, sel
    gc.collect()
    assert [ref() for ref in built] == [None] * len(built)


@pytest.mark.skipif(
    importlib.util.find_spec("torch") is None, reason="PyTorch is not installed"
)
@pytest.mark.skipif(
    keras.backend.backend() == "torch", reason="already running on PyTorch"
)
def test_compiled_paths_under_pytorch():
    """Where PyTorch is installed, the compiled forward pass and the updates
    run on its backend too (in a subprocess: Keras picks its backend once).
    All the backend tests: KERAS_BACKEND=torch python -m pytest -m backend."""
    env = {**os.environ, "KERAS_BACKEND": "torch"}
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", __file__]
    cmd += ["-k", "new_weights_are_seen"]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "1 passed" in done.stdout


def test_tracing_each_new_model_prints_no_retracing_warning(clf_data):
    """Every new model is traced once (one per CV split or grid candidate):
    TensorFlow's retracing warning about the functions compiled here is
    expected and dropped, without changing the level of TensorFlow's logger."""
    if keras.backend.backend() != "tensorflow":
        pytest.skip("a TensorFlow warning")
    import logging

    X, y = clf_data
    logger = logging.getLogger("tensorflow")
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger.addHandler(handler)
    level = logger.level
    try:
        for _ in range(7):  # TensorFlow warns from the 5th trace on
            model = dense_model(X.shape[1], 1, "sigmoid", "binary_crossentropy")
            permutation_importance(
                model, X, y, scoring="neg_log_loss", n_repeats=1, random_state=0
            )
            permutation_importance(
                model, X, y, n_repeats=1, random_state=0, inference="batched"
            )
    finally:
        logger.removeHandler(handler)
    assert logger.level == level
    assert not [r for r in records if "retracing" in r.getMessage()]
