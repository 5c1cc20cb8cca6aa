"""Models with several inputs (``_keras.several_inputs``): a two-input
functional model measured with X as a dict and as a list (one importance
per column, named after the DataFrame columns or ``input[j]``; unused columns
below used ones), each input as a group, the selector prefit and with cv=3,
``transform`` in the same structure, and the selector before a network
retrained on the kept columns."""

import warnings

import keras
import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.pipeline import Pipeline

from skimportance import KerasImportanceSelector, permutation_importance
from skimportance._keras.several_inputs import InputLayout, is_several_inputs
from skimportance.wrappers import FittedKerasModel, make_trainable


def _two_inputs():
    a = keras.Input((3,), name="num")
    b = keras.Input((2,), name="other")
    hidden = keras.layers.Concatenate()(
        [keras.layers.Dense(8, activation="relu")(a), keras.layers.Dense(4)(b)]
    )
    out = keras.layers.Dense(1, activation="sigmoid")(hidden)
    model = keras.Model({"num": a, "other": b}, out)
    model.compile(optimizer=keras.optimizers.Adam(0.03), loss="binary_crossentropy")
    return model


@pytest.fixture(scope="module")
def two_inputs():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    n = 300
    num = pd.DataFrame(rng.normal(size=(n, 3)), columns=["age", "income", "noise1"])
    other = pd.DataFrame(rng.normal(size=(n, 2)), columns=["score", "noise2"])
    y = np.where(num.age + num.income - other.score > 0, "yes", "no")
    model = _two_inputs()
    model.fit(
        {"num": num.to_numpy(), "other": other.to_numpy()},
        (y == "yes").astype("float32"),
        epochs=15,
        verbose=0,
    )
    return model, num, other, y


def test_structures_are_told_from_tables():
    assert is_several_inputs({"a": np.zeros((2, 1))})
    assert is_several_inputs([np.zeros((2, 1)), pd.DataFrame({"x": [1, 2]})])
    assert not is_several_inputs([[1, 2], [3, 4]])  # a list of rows
    assert not is_several_inputs(np.zeros((2, 2)))
    assert not is_several_inputs(sparse.dok_array(np.eye(2)))
    with pytest.raises(ValueError, match="table"):
        InputLayout({"seq": np.zeros((2, 3, 4)), "tab": np.zeros((2, 2))})


def test_dict_and_list_give_one_importance_per_column(two_inputs):
    model, num, other, y = two_inputs
    X = {"num": num.copy(), "other": other.copy()}
    result = permutation_importance(model, X, y, n_repeats=3, random_state=0)
    assert result.feature_names == ["age", "income", "noise1", "score", "noise2"]
    imp = dict(zip(result.feature_names, result.importances_mean))
    assert min(imp["age"], imp["income"], imp["score"]) > 5 * max(
        imp["noise1"], imp["noise2"]
    )
    as_list = permutation_importance(
        model, [num.to_numpy(), other.to_numpy()], y, n_repeats=3, random_state=0
    )
    assert as_list.feature_names[0] == "num[0]"
    np.testing.assert_allclose(as_list.importances, result.importances, rtol=1e-5)
    pd.testing.assert_frame_equal(X["num"], num)  # the caller's X untouched


def test_each_input_as_a_group(two_inputs):
    model, num, other, y = two_inputs
    result = permutation_importance(
        model,
        {"num": num, "other": other},
        y,
        n_repeats=2,
        random_state=0,
        feature_groups="inputs",
    )
    assert result.group_names == ["num", "other"]
    assert result.importances_mean.shape == (2,) and (result.importances_mean > 0).all()
    with pytest.raises(ValueError, match="several inputs"):
        permutation_importance(model, num, y, feature_groups="inputs")


def test_groups_are_named_after_the_columns_of_the_inputs(two_inputs):
    """Unnamed groups and the default groups of the selector take the inputs'
    column names (not x0, x1...); a group may name columns by them."""
    model, num, other, y = two_inputs
    X = {"num": num, "other": other}
    kw = dict(n_repeats=2, random_state=0)
    result = permutation_importance(model, X, y, feature_groups=[[0, 3]], **kw)
    assert result.group_names == ["age+score", "income", "noise1", "noise2"]
    named = permutation_importance(
        model, X, y, feature_groups={"g": ["age", "score"]}, **kw
    )
    np.testing.assert_array_equal(named.importances[0], result.importances[0])
    with pytest.raises(ValueError, match="does not have"):
        permutation_importance(model, X, y, feature_groups={"g": ["agee"]}, **kw)
    selector = KerasImportanceSelector(model, cv="prefit", **kw).fit(X, y)
    assert selector.group_names_ == list(selector.feature_names_in_)
    assert selector.group_names_[:2] == ["age", "income"]


def test_selector_prefit_keeps_the_used_columns_in_the_same_structure(two_inputs):
    model, num, other, y = two_inputs
    X = {"num": num, "other": other}
    selector = KerasImportanceSelector(
        model, cv="prefit", n_repeats=3, random_state=0, threshold=0.05
    ).fit(X, y)
    assert list(selector.get_feature_names_out()) == ["age", "income", "score"]
    kept = selector.transform(X)
    assert list(kept) == ["num", "other"]
    assert list(kept["num"].columns) == ["age", "income"]
    assert list(kept["other"].columns) == ["score"]


@pytest.mark.slow
def test_selector_cv3_and_a_pipeline_retrained_on_the_kept_columns(two_inputs):
    model, num, other, y = two_inputs
    X = [num, other]
    selector = KerasImportanceSelector(
        make_trainable(model, epochs=8), cv=3, n_repeats=2, random_state=0
    )
    selector.fit(X, y)
    names = list(selector.get_feature_names_out())
    assert {"age", "income", "score"} <= set(names)
    pipe = Pipeline([("select", selector), ("net", make_trainable(model, epochs=8))])
    pipe.set_params(select__refit=False).fit(X, y)
    widths = [t.shape[1] for t in pipe.named_steps["net"].model_.inputs]
    assert sum(widths) == pipe.named_steps["select"].get_support().sum()
    assert pipe.score(X, y) > -0.5


def test_a_trained_model_is_measured_through_a_one_input_copy(two_inputs):
    from skimportance._keras.flat_problem import (
        FlatInputsModel,
        SeveralInputsEstimator,
        flat_problem,
    )

    model, num, other, y = two_inputs
    before = [w.copy() for w in model.get_weights()]
    X = {"num": num, "other": other}
    estimator, flat, _, layout = flat_problem(model, X, y)
    assert isinstance(estimator, FlatInputsModel)
    assert estimator.model is not model and len(estimator.model.inputs) == 1
    np.testing.assert_allclose(
        estimator.predict_proba(flat)[:, 1],
        model.predict({"num": num.to_numpy(), "other": other.to_numpy()}, verbose=0)[
            :, 0
        ],
        rtol=1e-5,
        atol=1e-6,
    )
    assert list(estimator.predict(X)[:3]) == list(estimator.predict(flat)[:3])
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)
    trainable, *_ = flat_problem(make_trainable(model), X, y)
    assert isinstance(trainable, SeveralInputsEstimator)


def _normalized_two_inputs(num):
    """A Normalization adapted on a DataFrame of large offsets on input
    "num", concatenated with input "other", one Dense layer."""
    norm = keras.layers.Normalization()
    norm.adapt(num.to_numpy())
    a = keras.Input((3,), name="num")
    b = keras.Input((2,), name="other")
    hidden = keras.layers.Dense(8, activation="relu")(
        keras.layers.Concatenate()([norm(a), b])
    )
    model = keras.Model(
        {"num": a, "other": b}, keras.layers.Dense(1, activation="sigmoid")(hidden)
    )
    model.compile(optimizer=keras.optimizers.Adam(0.03), loss="binary_crossentropy")
    return model


@pytest.fixture(scope="module")
def normalized(two_inputs):
    _, num, other, y = two_inputs
    num = num * 10.0 + 50.0  # what a Normalization is there for
    keras.utils.set_random_seed(0)
    model = _normalized_two_inputs(num)
    target = (y == "yes").astype("float32")
    model.fit({"num": num, "other": other}, target, epochs=10, verbose=0)
    return model, num, other, y


def test_an_adapted_normalization_is_measured_with_its_state(normalized):
    """The one-input view copies the Normalization's mean and variance and
    uses them (set_weights alone left it at 0 and 1: a wrong baseline)."""
    from sklearn.metrics import log_loss

    from skimportance._keras.flat_problem import flat_problem

    model, num, other, y = normalized
    X = {"num": num, "other": other}
    own = model.predict({k: v.to_numpy() for k, v in X.items()}, verbose=0)[:, 0]
    estimator, flat, *_ = flat_problem(model, X, y)
    np.testing.assert_allclose(
        estimator.predict_proba(flat)[:, 1], own, rtol=1e-5, atol=1e-6
    )
    result = permutation_importance(model, X, y, scoring="neg_log_loss", n_repeats=2)
    assert log_loss(y == "yes", own) < 0.5
    assert result.importances_mean[:2].min() > 10 * abs(result.importances_mean[2])


def test_cv_copies_readapt_each_input_and_take_the_fast_path(normalized, caplog):
    """With cv, each copy's Normalization is re-adapted on its training rows
    of its own input; each split is measured through the first-layer
    updates, with the numbers of the plain path, and nothing is logged."""
    from skimportance.estimator_checks import recorded_fast_paths

    model, num, other, y = normalized
    X = {"num": num, "other": other}
    kw = dict(cv=3, n_repeats=2, random_state=0, scoring="neg_log_loss")
    trainable = make_trainable(model, epochs=5)
    with recorded_fast_paths() as used:
        auto = KerasImportanceSelector(trainable, **kw).fit(X, y)
    assert used.count("first-layer updates") >= 3
    assert not [r for r in caplog.records if "retracing" in r.getMessage()]
    norm = [
        layer
        for layer in auto.estimator_.estimator_.model_.layers
        if isinstance(layer, keras.layers.Normalization)
    ][0]
    np.testing.assert_allclose(np.ravel(norm.mean), num.mean().to_numpy(), rtol=1e-3)
    plain = KerasImportanceSelector(trainable, inference="predict", **kw).fit(X, y)
    np.testing.assert_allclose(
        auto.importances_, plain.importances_, rtol=1e-4, atol=1e-5
    )
    assert set(auto.get_feature_names_out()) >= {"age", "income", "score"}


def test_classes_in_output_order_reach_the_several_inputs_view():
    # a sigmoid of P("no"): classes=["yes", "no"] in output order; the view of
    # the two-input model must keep that order (it got the sorted classes_)
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    A, B = rng.normal(size=(400, 2)), rng.normal(size=(400, 2))
    y = np.where(A[:, 0] + B[:, 0] > 0, "yes", "no")
    a, b = keras.Input((2,), name="a"), keras.Input((2,), name="b")
    joined = keras.layers.Concatenate()(
        [keras.layers.Dense(4)(a), keras.layers.Dense(4)(b)]
    )
    model = keras.Model(
        {"a": a, "b": b}, keras.layers.Dense(1, activation="sigmoid")(joined)
    )
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy")
    model.fit({"a": A, "b": B}, (y == "no").astype(float), epochs=10, verbose=0)
    clf = FittedKerasModel(model, classes=["yes", "no"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "no better than class frequencies"
        result = permutation_importance(clf, {"a": A, "b": B}, y, random_state=0)
    assert result.importances_mean[0] > 0.1 and result.importances_mean[2] > 0.1
