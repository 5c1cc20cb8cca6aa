"""A fresh network per fit (``_keras.rebuild``, ``_keras.trainable``): a copy
with new weights for rows of the model's shape, rebuilt (same layers and
compile settings) for rows of another shape, sequences kept open in time; a
build function given ``input_shape``; clear errors for what cannot be
copied or is not compiled."""

import keras
import numpy as np
import pytest

from skimportance._keras.rebuild import call_build_function, fresh_network
from skimportance.wrappers import (
    KerasModelClassifier,
    KerasModelRegressor,
    make_trainable,
)


def _dense(n_in=8):
    model = keras.Sequential(
        [
            keras.Input((n_in,)),
            keras.layers.Dense(4, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy")
    return model


class _Subclassed(keras.Model):
    def __init__(self):
        super().__init__()
        self.out = keras.layers.Dense(1, activation="sigmoid")

    def call(self, x):
        return self.out(x)


def test_same_shape_is_a_compiled_copy_with_new_weights():
    model = _dense()
    copy = fresh_network(model, np.zeros((2, 8)))
    assert copy is not model and copy.compiled
    assert copy.layers[0].kernel is not model.layers[0].kernel
    assert copy.input_shape == (None, 8)


@pytest.mark.parametrize("style", ["sequential", "functional"])
def test_fewer_columns_rebuild_the_inputs_and_keep_the_rest(style):
    model = _dense()
    if style == "functional":
        inputs = keras.Input((8,), name="x")
        hidden = keras.layers.Dense(4, activation="relu")(inputs)
        outputs = keras.layers.Dense(1, activation="sigmoid")(hidden)
        model = keras.Model(inputs, outputs)
        model.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy")
    copy = fresh_network(model, np.zeros((2, 3)))
    assert copy.input_shape == (None, 3)
    assert copy.compiled and float(copy.optimizer.learning_rate) == pytest.approx(0.02)
    assert copy.predict(np.zeros((2, 3)), verbose=0).shape == (2, 1)


def test_sequence_rebuilt_keeps_its_open_time_axis():
    model = keras.Sequential(
        [keras.Input((None, 5)), keras.layers.GRU(2), keras.layers.Dense(1)]
    )
    model.compile(optimizer="adam", loss="mse")
    copy = fresh_network(model, np.zeros((2, 7, 2)))
    assert copy.input_shape == (None, None, 2)


def test_a_model_keras_cannot_copy_asks_for_a_build_function():
    model = _Subclassed()
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model(np.zeros((1, 3)))
    with pytest.raises(TypeError, match="build"):
        fresh_network(model, np.zeros((2, 3)))


def test_build_function_gets_the_row_shape_and_its_model_kwargs():
    seen = {}

    def build(input_shape, units=1):
        seen["shape"], seen["units"] = input_shape, units
        return _dense(input_shape[0])

    call_build_function(build, np.zeros((4, 3)), None, {"units": 7})
    assert seen == {"shape": (3,), "units": 7}
    with pytest.raises(ValueError, match="not compiled"):
        call_build_function(
            lambda: keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)]),
            np.zeros((4, 3)),
            None,
        )


def test_make_trainable_with_a_build_function_needs_the_task_it_cannot_read():
    def build(input_shape):
        return _dense(input_shape[0])

    with pytest.raises(ValueError, match="task="):
        make_trainable(build)
    assert isinstance(
        make_trainable(build, task="classification"), KerasModelClassifier
    )
    reg = make_trainable(lambda: _dense_regressor(), epochs=1)
    assert isinstance(reg, KerasModelRegressor)


def _dense_regressor():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    return model


def test_trainable_fits_sequences_and_is_quiet(capsys):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(24, 4, 2)).astype("float32")
    y = np.where(X[:, :, 0].sum(axis=1) > 0, "up", "down")
    model = keras.Sequential(
        [keras.Input((4, 2)), keras.layers.GRU(2), keras.layers.Dense(1, "sigmoid")]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy")
    clf = make_trainable(model, epochs=1, batch_size=8).fit(X, y)
    assert clf.predict_proba(X).shape == (24, 2)
    assert set(clf.predict(X)) <= {"up", "down"}
    assert capsys.readouterr().out == ""
    assert model.layers[0].get_weights()[0] is not clf.model_.layers[0].get_weights()[0]


def test_a_nested_model_that_cannot_follow_the_new_width_says_so():
    inner = _dense()
    inputs = keras.Input((8,))
    model = keras.Model(inputs, inner(inputs))
    model.compile(optimizer="adam", loss="binary_crossentropy")
    with pytest.raises(ValueError, match="input_shape"):
        fresh_network(model, np.zeros((2, 3)))
