"""Exact first-layer updates (``_fast_paths.first_layer``): the same importances
as the plain batched path, with permutations and with ``method="conditional"``."""

import keras
import numpy as np
import pytest

from skimportance import KerasImportanceSelector, permutation_importance
from skimportance._fast_paths.first_layer import first_layer_updater, split_model
from skimportance._keras.responder import KerasResponder
from skimportance.estimator_checks import check_fast_path_equals_plain
from skimportance.wrappers import FittedKerasModel

GROUPS = {"ab": [0, 1], "c": [2], "bde": [1, 3, 4]}  # overlapping, sizes 1-3


def _compile_fit(inputs, outputs, X, y, loss):
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=loss)
    model.fit(X, y, epochs=3, batch_size=64, verbose=0)
    return model


def normalization_tanh(X, y):
    """Normalization before a first Dense layer with a non-linear activation."""
    inp = keras.Input((X.shape[1],))
    norm = keras.layers.Normalization()
    norm.adapt(X * 3.0 + 1.0)  # not the identity on X
    h = keras.layers.Dense(8, activation="tanh")(norm(inp))
    out = keras.layers.Dense(1, activation="sigmoid")(h)
    return _compile_fit(inp, out, X, y, "binary_crossentropy")


def per_feature_prefix_residual(X, y):
    """Rescaling, BatchNormalization and Dropout before the Dense layer, and
    a residual connection after it (the rest is not a chain)."""
    inp = keras.Input((X.shape[1],))
    x = keras.layers.Rescaling(0.5, offset=0.25)(inp)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.Dropout(0.3)(x)
    h = keras.layers.Dense(8, activation="relu")(x)
    h2 = keras.layers.Dense(8, activation="relu")(h)
    out = keras.layers.Dense(1, activation="sigmoid")(keras.layers.Add()([h, h2]))
    return _compile_fit(inp, out, X, y, "binary_crossentropy")


def dense_is_output(X, y):
    """Logistic regression: the first Dense layer is the whole network."""
    inp = keras.Input((X.shape[1],))
    out = keras.layers.Dense(1, activation="sigmoid")(inp)
    return _compile_fit(inp, out, X, y, "binary_crossentropy")


def conv1d_first(X, y):
    inp = keras.Input((X.shape[1],))
    x = keras.layers.Reshape((X.shape[1], 1))(inp)
    x = keras.layers.Conv1D(4, 3, activation="relu")(x)
    out = keras.layers.Dense(1, activation="sigmoid")(keras.layers.Flatten()(x))
    return _compile_fit(inp, out, X, y, "binary_crossentropy")


def input_skips_dense(X, y):
    """The input also reaches the output past the first Dense layer."""
    inp = keras.Input((X.shape[1],))
    h = keras.layers.Dense(8, activation="relu")(inp)
    both = keras.layers.Concatenate()([h, inp])
    out = keras.layers.Dense(1, activation="sigmoid")(both)
    return _compile_fit(inp, out, X, y, "binary_crossentropy")


def layer_norm_first(X, y):
    """LayerNormalization mixes the features of a row: no update applies."""
    inp = keras.Input((X.shape[1],))
    h = keras.layers.Dense(8, activation="relu")(keras.layers.LayerNormalization()(inp))
    out = keras.layers.Dense(1, activation="sigmoid")(h)
    return _compile_fit(inp, out, X, y, "binary_crossentropy")


FIRST_LAYER = "first-layer updates"
_MODELS = {}  # builder name -> model trained once for this module


def _trained(build, X, y):
    if build.__name__ not in _MODELS:
        _MODELS[build.__name__] = build(X, y)
    return _MODELS[build.__name__]


def assert_auto_equals_batched(estimator, X, y, scoring, path=FIRST_LAYER, **kw):
    return check_fast_path_equals_plain(
        estimator, X, y, scoring=scoring, path=path, **kw
    )


def _updater(estimator, X):
    responder = KerasResponder(estimator)
    X = np.asarray(X, dtype=np.float32)
    return first_layer_updater(responder, X, responder.methods)


@pytest.mark.backend
@pytest.mark.parametrize("build", [normalization_tanh, per_feature_prefix_residual])
def test_updates_equal_plain_path_on_functional_models(build, clf_data):
    X, y = clf_data
    est = FittedKerasModel(_trained(build, X, y), classes=[0, 1])
    for groups in (None, GROUPS):
        assert_auto_equals_batched(
            est, X, y, ["neg_log_loss", "roc_auc"], feature_groups=groups
        )


@pytest.mark.backend
@pytest.mark.parametrize("groups", [None, GROUPS], ids=["features", "groups"])
@pytest.mark.parametrize(
    "fixture", ["scikeras_clf", "scikeras_multiclass", "keras_clf", "keras_reg"]
)
def test_updates_equal_plain_path_through_wrappers(fixture, groups, request):
    est = request.getfixturevalue(fixture)
    data = {
        "scikeras_clf": "clf_data",
        "scikeras_multiclass": "multiclass_data",
        "keras_clf": "clf_data",
        "keras_reg": "reg_data",
    }[fixture]
    X, y = request.getfixturevalue(data)
    scoring = "r2" if fixture == "keras_reg" else ["neg_log_loss", "accuracy"]
    assert_auto_equals_batched(est, X, y, scoring, feature_groups=groups)


@pytest.mark.backend
def test_updates_when_the_first_dense_layer_is_the_output(clf_data):
    X, y = clf_data
    est = FittedKerasModel(dense_is_output(X, y), classes=[0, 1])
    assert split_model(est.model_)[2] is None
    assert_auto_equals_batched(est, X, y, "neg_log_loss")


@pytest.mark.backend
@pytest.mark.parametrize("build", [conv1d_first, input_skips_dense, layer_norm_first])
def test_other_models_fall_back_to_the_plain_path(build, clf_data):
    X, y = clf_data
    est = FittedKerasModel(build(X, y), classes=[0, 1])
    assert split_model(est.model_) is None
    assert _updater(est, X) is None
    assert_auto_equals_batched(est, X, y, "neg_log_loss", path=None)


def test_updates_with_row_pieces_and_max_samples(scikeras_clf, clf_data):
    """A budget smaller than one segment cuts segments into row pieces."""
    import sklearn

    X, y = clf_data
    with sklearn.config_context(working_memory=0.01):
        assert_auto_equals_batched(scikeras_clf, X, y, "neg_log_loss", max_samples=250)


def test_sequence_input_is_left_to_the_plain_path(clf_data):
    """Dense on (samples, steps, features) applies per step: not updated."""
    X, y = clf_data
    X3 = np.repeat(X[:, None, :], 2, axis=1)
    inp = keras.Input(X3.shape[1:])
    h = keras.layers.Dense(4, activation="relu")(inp)
    out = keras.layers.Dense(1, activation="sigmoid")(keras.layers.Flatten()(h))
    model = _compile_fit(inp, out, X3, y, "binary_crossentropy")
    assert split_model(model) is None


def test_switch_reaches_the_selector(scikeras_clf, clf_data):
    X, y = clf_data
    fitted = {
        inference: KerasImportanceSelector(
            scikeras_clf, cv="prefit", n_repeats=3, random_state=0, inference=inference
        ).fit(X, y)
        for inference in ("auto", "batched", "predict")
    }
    for other in ("batched", "predict"):
        np.testing.assert_allclose(
            fitted["auto"].importances_,
            fitted[other].importances_,
            rtol=1e-5,
            atol=1e-6,
        )
    with pytest.raises(ValueError, match="inference"):
        KerasImportanceSelector(scikeras_clf, inference="fast").fit(X, y)


@pytest.mark.backend
def test_measuring_never_changes_weights_or_x(clf_data):
    X, y = clf_data
    model = _trained(per_feature_prefix_residual, X, y)
    weights = [w.copy() for w in model.get_weights()]
    X_before = X.copy()
    permutation_importance(
        FittedKerasModel(model, classes=[0, 1]), X, y, scoring="neg_log_loss"
    )
    for before, after in zip(weights, model.get_weights()):
        np.testing.assert_array_equal(before, after)
    np.testing.assert_array_equal(X, X_before)


def _grown(n_in, hidden=8):
    """``Sequential([Input])`` then ``add()`` per layer: each add() rebuilds
    the graph, so the first Dense layer has several inbound nodes."""
    model = keras.Sequential([keras.Input((n_in,))])
    model.add(keras.layers.Dense(hidden, activation="relu"))
    model.add(keras.layers.Dense(hidden, activation="relu"))
    model.add(keras.layers.Dense(1, activation="sigmoid"))
    return model


def grown_with_add(X, y):
    model = _grown(X.shape[1])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
    model.fit(X, y, epochs=3, batch_size=64, verbose=0)
    return model


def test_a_sequential_grown_with_add_is_split(clf_data):
    X, y = clf_data
    model = _trained(grown_with_add, X, y)
    first = model.layers[0]
    assert len(first._inbound_nodes) > 1  # the history split_model looks past
    prefix, dense, rest = split_model(model)
    assert prefix == [] and dense is first and rest is not None
    est = FittedKerasModel(model, classes=[0, 1])
    assert_auto_equals_batched(est, X, y, "neg_log_loss", feature_groups=GROUPS)


def test_a_layer_reused_in_another_model_is_split_in_each(clf_data):
    """Both models' graphs go through the same Dense layer: each is split
    along its own nodes only."""
    X, _ = clf_data
    grown = _grown(X.shape[1])
    first = grown.layers[0]
    inp = keras.Input((X.shape[1],))
    h = first(keras.layers.Rescaling(2.0)(inp))
    other = keras.Model(inp, keras.layers.Dense(1, activation="sigmoid")(h))
    for model, n_prefix in ((grown, 0), (other, 1)):
        prefix, dense, _ = split_model(model)
        assert dense is first and len(prefix) == n_prefix
    est = FittedKerasModel(other, classes=[0, 1])
    assert _updater(est, X) is not None  # checked against the whole model


def test_lora_falls_back_to_the_plain_path(clf_data):
    """A LoRA-enabled Dense computes its kernel at each call: left to the
    plain path, without an error."""
    X, y = clf_data
    model = _grown(X.shape[1])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
    model.layers[0].enable_lora(2)
    model.fit(X, y, epochs=3, batch_size=64, verbose=0)
    assert split_model(model) is None
    est = FittedKerasModel(model, classes=[0, 1])
    assert _updater(est, X) is None
    assert_auto_equals_batched(est, X, y, "neg_log_loss", path=None)


def test_quantised_and_mixed_precision_dense_fall_back(clf_data):
    X, _ = clf_data
    quantised = _grown(X.shape[1])
    with pytest.warns(UserWarning, match="quantize"):  # the InputLayer's
        quantised.quantize("int8")
    mixed = keras.Sequential(
        [
            keras.Input((X.shape[1],)),
            keras.layers.Dense(4, dtype="mixed_float16"),
            keras.layers.Dense(1, dtype="float32"),
        ]
    )
    for model in (quantised, mixed):
        assert split_model(model) is None


# ---------------------------------------------------- method="conditional"
@pytest.mark.backend
@pytest.mark.parametrize("groups", [None, {"ab": [0, 1], "c": [2]}])
def test_first_layer_updates_equal_stacked_path(keras_reg, reg_data, groups):
    X, y = reg_data
    check_fast_path_equals_plain(
        keras_reg,
        X,
        y,
        scoring="r2",
        path="first-layer updates",
        method="conditional",
        feature_groups=groups,
    )


@pytest.mark.backend
def test_first_layer_updates_through_normalization(clf_data):

    X, y = clf_data
    inp = keras.Input((X.shape[1],))
    x = keras.layers.Rescaling(0.5, offset=0.25)(inp)
    norm = keras.layers.Normalization()
    norm.adapt(X * 3.0 + 1.0)
    h = keras.layers.Dense(8, activation="tanh")(norm(x))
    out = keras.layers.Dense(1, activation="sigmoid")(h)
    model = keras.Model(inp, out)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(X, y, epochs=2, verbose=0)
    est = FittedKerasModel(model, classes=[0, 1])
    check_fast_path_equals_plain(
        est,
        X,
        y,
        scoring="neg_log_loss",
        path="first-layer updates",
        method="conditional",
    )
