"""Conditional importance (``method="conditional"``, ``_methods.conditional``):
the sampler, through the function and the selector. Its default model:
test_ridge.py; its first-layer updates: fast_paths/test_first_layer.py."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.model_selection import KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils import check_random_state

from skimportance import (
    ConditionalSampler,
    KerasImportanceSelector,
    PermutationSampler,
    permutation_importance,
)
from skimportance._engine.core import draw_permutations

from ..conftest import keras_reg_model


def _correlated(n=240, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    X[:, 1] = 0.8 * X[:, 0] + 0.6 * X[:, 1]
    y = X[:, 0] + 0.5 * X[:, 2] ** 2 + 0.3 * X[:, 1] + 0.2 * rng.normal(size=n)
    return X, y


def _slow_conditional(model, X, y, n_repeats, random_state, cv):
    """The definition, one column and one repeat at a time: out-of-fold linear
    predictions of each column from the others, residuals permuted."""
    seed = check_random_state(random_state).randint(np.iinfo(np.int32).max + 1)
    _, perms = draw_permutations(seed, len(X), n_repeats, len(X))
    folds = list(KFold(cv, shuffle=True, random_state=seed).split(X))
    baseline = model.score(X, y)
    out = np.empty((X.shape[1], n_repeats))
    for j in range(X.shape[1]):
        others = [c for c in range(X.shape[1]) if c != j]
        pred = np.empty(len(X))
        for train, test in folds:
            fit = LinearRegression().fit(X[train][:, others], X[train, j])
            pred[test] = fit.predict(X[test][:, others])
        resid = X[:, j] - pred
        for r in range(n_repeats):
            X_new = X.copy()
            X_new[:, j] = pred + resid[perms[r]]
            out[j, r] = baseline - model.score(X_new, y)
    return out


def test_conditional_equals_the_slow_definition():
    X, y = _correlated()
    model = LinearRegression().fit(X, y)
    sampler = ConditionalSampler(continuous=LinearRegression(), cv=3)
    got = permutation_importance(
        model, X, y, n_repeats=3, random_state=0, method=sampler
    )
    expected = _slow_conditional(model, X, y, 3, 0, cv=3)
    np.testing.assert_allclose(got.importances, expected, rtol=1e-10, atol=1e-12)
    # the correlated input x1 is measured differently from plain permutation
    plain = permutation_importance(model, X, y, n_repeats=3, random_state=0)
    assert got.importances_mean[1] < 0.5 * plain.importances_mean[1]


def test_a_split_fits_the_conditional_models_on_its_training_rows():
    from skimportance._engine.groups import FeatureLayout
    from skimportance._selector.splits import (
        FitData,
        SplitSettings,
        SplitTask,
        measure_split,
    )

    X, y = _correlated(n=300)
    train, test = slice(0, 200), slice(200, 300)
    task = SplitTask(
        LinearRegression(),
        FitData(X[train], y[train]),
        FitData(X[test], y[test]),
        train_seed=None,
        perm_seed=11,
    )
    settings = SplitSettings(
        scoring="r2",
        layout=FeatureLayout(X),
        labels=None,
        n_repeats=2,
        max_samples=100,
        batch_size=None,
        inference="auto",
        method=ConditionalSampler(continuous=LinearRegression()),
    )
    result = measure_split(task, settings)
    model = LinearRegression().fit(X[train], y[train])
    _, perms = draw_permutations(11, 100, 2, 100)
    X_test, y_test = X[test], y[test]
    baseline = model.score(X_test, y_test)
    for j in range(4):
        others = [c for c in range(4) if c != j]
        fit = LinearRegression().fit(X[train][:, others], X[train, j])
        pred = fit.predict(X_test[:, others])
        for r in range(2):
            X_new = X_test.copy()
            X_new[:, j] = pred + (X_test[:, j] - pred)[perms[r]]
            expected = baseline - model.score(X_new, y_test)
            np.testing.assert_allclose(result.importances[j, r], expected, rtol=1e-10)


def test_independent_inputs_behave_like_permutation():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(2000, 4))
    y = 2 * X[:, 0] + X[:, 1] + 0.1 * rng.normal(size=2000)
    model = LinearRegression().fit(X, y)
    kw = dict(n_repeats=5, random_state=0)
    plain = permutation_importance(model, X, y, **kw)
    cond = permutation_importance(model, X, y, method="conditional", **kw)
    np.testing.assert_allclose(
        cond.importances_mean, plain.importances_mean, rtol=0.05, atol=0.01
    )


def test_permutation_sampler_is_the_default_exactly():
    X, y = _correlated()
    model = LinearRegression().fit(X, y)
    default = permutation_importance(model, X, y, random_state=3)
    explicit = permutation_importance(
        model, X, y, random_state=3, method=PermutationSampler()
    )
    np.testing.assert_array_equal(default.importances, explicit.importances)


def test_dataframe_and_array_agree_and_x_is_unchanged():
    X, y = _correlated()
    model = LinearRegression().fit(X, y)
    frame = pd.DataFrame(X, columns=list("abcd"))
    X_copy, frame_copy = X.copy(), frame.copy()
    kw = dict(n_repeats=3, random_state=0, method="conditional")
    from_array = permutation_importance(model, X, y, **kw)
    frame_model = LinearRegression().fit(frame, y)
    from_frame = permutation_importance(frame_model, frame, y, **kw)
    np.testing.assert_allclose(from_frame.importances, from_array.importances)
    np.testing.assert_array_equal(X, X_copy)
    pd.testing.assert_frame_equal(frame, frame_copy)


def test_categorical_inputs_are_drawn_from_predicted_classes():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(400, 3))
    X[:, 2] = (X[:, 0] + 0.3 * rng.normal(size=400) > 0).astype(float)
    sampler = ConditionalSampler().fit(X, [[0], [1], [2]])
    assert list(sampler.feature_types_) == ["continuous"] * 2 + ["categorical"]
    _, perms = draw_permutations(0, 400, 4, 400)
    values = sampler.replacements(X, perms, seed=0)
    drawn = np.stack([values(2 * 4 + r, 0, 400)[:, 0] for r in range(4)])
    assert set(np.unique(drawn)) <= {0.0, 1.0}
    # drawn given x0: mostly agrees with the real value, unlike a permutation
    assert np.mean(drawn == X[:, 2]) > 0.8
    assert np.mean(X[perms[0], 2] == X[:, 2]) < 0.7


def test_groups_are_conditioned_on_the_other_inputs():
    X, y = _correlated()
    model = LinearRegression().fit(X, y)
    result = permutation_importance(
        model,
        X,
        y,
        n_repeats=3,
        random_state=0,
        method="conditional",
        feature_groups={"x0x1": [0, 1]},
    )
    assert result.group_names == ["x0x1", "x2", "x3"]
    # the pair together matters, whichever of the two stands in for the other
    assert result.importances_mean[0] > 0.5


def test_three_dimensional_inputs_per_channel():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(300, 4, 3))
    y = X[:, :, 0].sum(axis=1) + 0.1 * rng.normal(size=300)
    flat = FunctionTransformer(lambda a: a.reshape(len(a), -1))
    model = make_pipeline(flat, LinearRegression()).fit(X, y)
    result = permutation_importance(
        model, X, y, n_repeats=2, random_state=0, method="conditional"
    )
    assert result.importances_mean.shape == (3,)
    assert np.argmax(result.importances_mean) == 0


def test_clear_errors():
    X, y = _correlated()
    model = LinearRegression().fit(X, y)
    with pytest.raises(ValueError, match="method"):
        permutation_importance(model, X, y, method="knockoffs")
    frame = pd.DataFrame({"a": X[:, 0], "city": ["x", "y"] * (len(X) // 2)})
    with pytest.raises(ValueError, match="numeric inputs; column 'city'"):
        permutation_importance(model, frame, y, method="conditional")
    with pytest.raises(ValueError, match="numeric inputs; column 'city'"):
        KerasImportanceSelector(LinearRegression(), method="conditional").fit(frame, y)
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="finite"):
        ConditionalSampler().fit(X_nan, [[0], [1]])
    with pytest.raises(ValueError, match="at least 2 input columns"):
        ConditionalSampler().fit(X[:, :1], [[0]])
    with pytest.raises(ValueError, match="feature_types"):
        ConditionalSampler(feature_types=["continuous"]).fit(X, [[0]])


def test_selector_with_a_real_keras_network(reg_data):
    from keras.wrappers import SKLearnRegressor

    X, y = reg_data
    net = SKLearnRegressor(keras_reg_model, fit_kwargs={"epochs": 10, "verbose": 0})
    kw = dict(cv=2, random_state=0, n_repeats=3)
    cond = KerasImportanceSelector(net, method="conditional", **kw).fit(X, y)
    plain = KerasImportanceSelector(net, **kw).fit(X, y)
    assert cond.test_ == "row"  # the significance test applies unchanged
    assert np.all(np.isfinite(cond.pvalues_))
    assert cond.importances_.shape == plain.importances_.shape
    assert not np.allclose(cond.importances_, plain.importances_)
    # make_regression's informative inputs are found either way
    assert cond.get_support().sum() >= 2


def test_users_conditional_models():
    rng = np.random.default_rng(6)
    X = rng.normal(size=(300, 3))
    X[:, 2] = (X[:, 0] > 0).astype(float)
    y = X[:, 0] + X[:, 2] + 0.1 * rng.normal(size=300)
    model = LinearRegression().fit(X, y)
    sampler = ConditionalSampler(continuous=Ridge(), categorical=LogisticRegression())
    result = permutation_importance(
        model, X, y, n_repeats=2, random_state=0, method=sampler
    )
    assert np.all(np.isfinite(result.importances))
    assert not hasattr(sampler, "models_")  # the caller's sampler is not fitted
