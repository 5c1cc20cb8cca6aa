"""First-layer updates per input (``_fast_paths.first_layer_graph.split_inputs``):
a model with several inputs, each reaching a Dense layer (its own, or one
Dense layer through a ``Concatenate``), gives the plain path's importances,
with X a dict (in any key order) or a list, with groups, with
``method="conditional"`` and with the selector; other graphs fall back."""

import keras
import numpy as np
import pytest

from skimportance import KerasImportanceSelector, permutation_importance
from skimportance._fast_paths.first_layer_graph import split_inputs
from skimportance._keras.flat_problem import flat_problem, view_source
from skimportance.estimator_checks import (
    check_fast_path_equals_plain,
    recorded_fast_paths,
)

FIRST_LAYER = "first-layer updates"


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    num, other = rng.normal(size=(300, 3)), rng.normal(size=(300, 2))
    y = (num[:, 0] + num[:, 1] - other[:, 0] > 0).astype(int)
    return num, other, y


def _inputs():
    return keras.Input((3,), name="num"), keras.Input((2,), name="other")


def own_dense_each(num):
    """Each input into its own Dense layer (different activations: the rest
    takes them one by one), concatenated."""
    a, b = _inputs()
    h = keras.layers.Concatenate()(
        [keras.layers.Dense(8, activation="relu")(a), keras.layers.Dense(4)(b)]
    )
    return a, b, h


def own_dense_joined(num):
    """Each input into its own Dense layer with one activation, concatenated
    in the other order (the updates see one wider Dense layer)."""
    a, b = _inputs()
    dense = [keras.layers.Dense(u, activation="tanh") for u in (8, 4)]
    return a, b, keras.layers.Concatenate()([dense[1](b), dense[0](a)])


def own_dense_joined_deeper(num):
    """As the benchmark's: each input into its own ReLU Dense layer, joined,
    a second Dense layer (a column updates one block's share of it), more."""
    a, b = _inputs()
    h = keras.layers.Concatenate()(
        [keras.layers.Dense(u, activation="relu")(x) for u, x in ((8, a), (6, b))]
    )
    return a, b, keras.layers.Dense(5, activation="relu")(h)


def concatenated_then_dense(num):
    """A Normalization on one input, both concatenated, Rescaling, one Dense."""
    a, b = _inputs()
    norm = keras.layers.Normalization()
    norm.adapt(num * 2.0 + 1.0)  # not the identity on num
    h = keras.layers.Concatenate()([norm(a), b])
    h = keras.layers.Rescaling(0.5, offset=0.1)(h)
    return a, b, keras.layers.Dense(8, activation="relu")(h)


def input_skips_dense(num):
    """One input also goes past the Dense layers to the output."""
    a, b = _inputs()
    return a, b, keras.layers.Concatenate()([keras.layers.Dense(8)(a), b])


def softmax_dense_each(num):
    """Each input into a Dense softmax (not element-wise: not joined)."""
    a, b = _inputs()
    dense = [keras.layers.Dense(u, activation="softmax") for u in (4, 3)]
    return a, b, keras.layers.Concatenate()([dense[0](a), dense[1](b)])


_MODELS = {}


def _model(build, data):
    if build.__name__ not in _MODELS:
        num, other, y = data
        keras.utils.set_random_seed(0)
        a, b, h = build(num)
        out = keras.layers.Dense(1, activation="sigmoid")(h)
        model = keras.Model({"num": a, "other": b}, out)
        model.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy")
        model.fit({"num": num, "other": other}, y, epochs=3, verbose=0)
        _MODELS[build.__name__] = model
    return _MODELS[build.__name__]


QUALIFY = [
    own_dense_each,
    own_dense_joined,
    own_dense_joined_deeper,
    concatenated_then_dense,
    softmax_dense_each,
]


@pytest.mark.backend
@pytest.mark.parametrize("build", QUALIFY)
def test_updates_per_input_equal_the_plain_path(build, data):
    num, other, y = data
    model = _model(build, data)
    weights = [w.copy() for w in model.get_weights()]
    results = [
        check_fast_path_equals_plain(
            model, X, y, scoring=["neg_log_loss", "accuracy"], path=FIRST_LAYER
        )["neg_log_loss"]
        for X in ({"num": num, "other": other}, [num, other])
    ]
    np.testing.assert_array_equal(results[0].importances, results[1].importances)
    assert list(results[0].feature_names) == [
        "num[0]",
        "num[1]",
        "num[2]",
        "other[0]",
        "other[1]",
    ]
    for before, after in zip(weights, model.get_weights()):
        np.testing.assert_array_equal(before, after)


@pytest.mark.backend
@pytest.mark.parametrize(
    "build", [own_dense_each, own_dense_joined_deeper, concatenated_then_dense]
)
def test_updates_per_input_with_groups_key_order_and_conditional(build, data):
    num, other, y = data
    model = _model(build, data)
    reordered = {"other": other, "num": num}  # columns in the dict's order
    check_fast_path_equals_plain(model, reordered, y, path=FIRST_LAYER)
    check_fast_path_equals_plain(
        model, reordered, y, path=FIRST_LAYER, feature_groups="inputs"
    )
    check_fast_path_equals_plain(
        model, reordered, y, path=FIRST_LAYER, feature_groups=[[0, 3], [1, 2, 4]]
    )
    check_fast_path_equals_plain(
        model, [num, other], y, path=FIRST_LAYER, method="conditional", n_repeats=2
    )


@pytest.mark.backend
def test_the_split_knows_which_columns_feed_which_dense_layer(data):
    num, other, y = data
    model = _model(own_dense_joined, data)
    estimator, *_ = flat_problem(model, {"other": other, "num": num}, y)
    copy, columns = view_source(estimator.model)
    split = split_inputs(copy, columns)
    assert split.joined and split.second is not None and split.second_rest is None
    estimator, *_ = flat_problem(_model(own_dense_joined_deeper, data), [num, other], y)
    deeper = split_inputs(*view_source(estimator.model))
    assert deeper.second.units == 5 and deeper.second_rest is not None
    # the Concatenate takes "other" first: its Dense block comes first
    assert [list(block.rows) for block in split.blocks] == [[0, 1], [2, 3, 4]]
    assert split_inputs(copy, columns[:1]) is None  # not one per input
    for build in (own_dense_each, softmax_dense_each):  # activations apart
        estimator, *_ = flat_problem(_model(build, data), [num, other], y)
        assert not split_inputs(*view_source(estimator.model)).joined


@pytest.mark.backend
def test_other_graphs_fall_back_to_the_plain_path(data):
    num, other, y = data
    model = _model(input_skips_dense, data)
    estimator, *_ = flat_problem(model, {"num": num, "other": other}, y)
    assert split_inputs(*view_source(estimator.model)) is None
    check_fast_path_equals_plain(model, {"num": num, "other": other}, y, path=None)


def test_selector_prefit_uses_the_updates_per_input(data):
    num, other, y = data
    model = _model(own_dense_each, data)
    X = {"num": num, "other": other}
    kw = dict(scoring="neg_log_loss", n_repeats=3, random_state=0)
    with recorded_fast_paths() as used:
        selector = KerasImportanceSelector(model, cv="prefit", **kw).fit(X, y)
    assert FIRST_LAYER in used
    plain = permutation_importance(model, X, y, inference="batched", **kw)
    np.testing.assert_allclose(
        selector.importances_, plain.importances, rtol=1e-5, atol=1e-6
    )
