"""``interaction_importance``: the measure against its definition, its null,
the pairs it finds, its test, the Keras fast path and its errors."""

import numpy as np
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.utils import check_random_state

from skimportance import interaction_importance
from skimportance._engine.core import draw_permutations
from skimportance.estimator_checks import recorded_fast_paths

from ..conftest import dense_model


def _product_data(n=600, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, size=(n, 4))
    y = 2 * X[:, 0] * X[:, 1] + X[:, 2] + 0.1 * rng.normal(size=n)
    return X, y


def _slow_reference(model, X, y, n_repeats, random_state):
    """The definition, one permuted copy at a time with ``model.score``."""
    seed = check_random_state(random_state).randint(np.iinfo(np.int32).max + 1)
    _, perms = draw_permutations(seed, len(X), n_repeats, len(X))
    rng = np.random.RandomState(seed + 1)  # not the engine's stream
    second = [rng.permutation(len(X)) for _ in range(n_repeats)]
    assert not any(np.array_equal(a, b) for a, b in zip(perms, second))
    base = model.score(X, y)

    def drop(changes):
        Xp = X.copy()
        for col, rows in changes:
            Xp[:, col] = X[rows, col]
        return base - model.score(Xp, y)

    p = X.shape[1]
    out = np.full((p, p, n_repeats), np.nan)
    for r in range(n_repeats):
        for j in range(p):
            for k in range(j + 1, p):
                shared = (
                    drop([(j, perms[r])])
                    + drop([(k, second[r])])
                    - drop([(j, perms[r]), (k, second[r])])
                )
                out[j, k, r] = out[k, j, r] = shared
    return out


def test_equals_the_definition_one_copy_at_a_time():
    X, y = _product_data(n=80)
    model = MLPRegressor(hidden_layer_sizes=(8,), max_iter=2000, random_state=0).fit(
        X, y
    )
    result = interaction_importance(model, X, y, n_repeats=2, random_state=3)
    expected = _slow_reference(model, X, y, 2, 3)
    np.testing.assert_allclose(result.interactions, expected, rtol=1e-9, atol=1e-12)
    off = ~np.eye(4, dtype=bool)
    np.testing.assert_allclose(
        result.interactions_mean[off], expected[off].mean(axis=1), atol=1e-12
    )


def test_an_ignored_input_shares_nothing_exactly():
    """A model that never reads x3: every pair with x3 shares exactly zero,
    with no evidence against zero (p = 1); the true pair is found."""
    X, y = _product_data()
    uses_three = ColumnTransformer([("keep", "passthrough", [0, 1, 2])])
    model = make_pipeline(
        uses_three, HistGradientBoostingRegressor(max_iter=60, random_state=0)
    ).fit(X[:400], y[:400])
    result = interaction_importance(model, X[400:], y[400:], random_state=0)
    np.testing.assert_array_equal(result.interactions_mean[3, :3], 0.0)
    np.testing.assert_array_equal(result.pvalues[3, :3], 1.0)
    M = np.where(np.isnan(result.interactions_mean), -np.inf, result.interactions_mean)
    assert set(np.unravel_index(np.argmax(M), M.shape)) == {0, 1}
    assert result.pvalues_adjusted[0, 1] < 1e-6
    assert np.allclose(
        result.interactions_mean, result.interactions_mean.T, equal_nan=True
    )


def test_additive_model_pairs_are_not_significant():
    X, y = _product_data()
    model = LinearRegression().fit(X[:400], y[:400])  # additive in every input
    result = interaction_importance(model, X[400:], y[400:], random_state=0)
    off = ~np.eye(4, dtype=bool)
    assert np.max(np.abs(result.interactions_mean[off])) < 0.02 * np.max(
        result.importances_mean
    )
    assert np.nanmin(result.pvalues_adjusted[off]) > 0.05


def test_pairs_screened_given_and_single_importances_as_permutation_importance():
    from skimportance import permutation_importance

    X, y = _product_data()
    model = HistGradientBoostingRegressor(max_iter=60, random_state=0).fit(X, y)
    top = interaction_importance(model, X, y, pairs=3, n_repeats=2, random_state=0)
    first = sorted(int(j) for j in np.argsort(-top.importances_mean)[:3])
    assert 3 not in first  # the unused input is screened out
    assert top.pairs == [
        (first[0], first[1]),
        (first[0], first[2]),
        (first[1], first[2]),
    ]
    given = interaction_importance(
        model, X, y, pairs=[(3, 2)], n_repeats=2, random_state=0
    )
    assert given.pairs == [(2, 3)] and np.isnan(given.interactions_mean[0, 1])
    plain = permutation_importance(model, X, y, n_repeats=2, random_state=0)
    np.testing.assert_allclose(given.importances, plain.importances)
    among = interaction_importance(
        model, X, y, features=["x1", "x3", "x0"], n_repeats=1, random_state=0
    )
    assert among.pairs == [(0, 1), (0, 3), (1, 3)]


@pytest.mark.backend
def test_keras_pairs_use_rank_two_first_layer_updates(clf_data):
    X, y = clf_data
    model = dense_model(X.shape[1], 1, "sigmoid", "binary_crossentropy", hidden=8)
    model.fit(X, y, epochs=2, verbose=0)
    with recorded_fast_paths() as used:
        fast = interaction_importance(model, X, y, n_repeats=2, random_state=0)
    assert "first-layer updates" in used
    plain = interaction_importance(
        model, X, y, n_repeats=2, random_state=0, inference="predict"
    )
    np.testing.assert_allclose(
        fast.interactions, plain.interactions, rtol=1e-4, atol=1e-5
    )


def test_clear_errors():
    X, y = _product_data(n=50)
    model = LinearRegression().fit(X, y)
    with pytest.raises(ValueError, match="two different inputs"):
        interaction_importance(model, X, y, pairs=[(1, 1)])
    with pytest.raises(ValueError, match="top k"):
        interaction_importance(model, X, y, pairs=5)  # more than the 4 inputs
    with pytest.raises(ValueError, match="'pairs' parameter"):
        interaction_importance(model, X, y, pairs=1)
    with pytest.raises(ValueError, match="'multiple_testing' parameter"):
        interaction_importance(model, X, y, multiple_testing="bonferroni")
    with pytest.raises(ValueError, match="at least 2"):
        interaction_importance(model, X, y, max_samples=1)
    clf = LogisticRegression().fit(X, y > 0)
    with pytest.raises(ValueError, match="not a mean over rows"):
        interaction_importance(clf, X, y > 0, scoring="roc_auc")


def test_h_statistic_of_a_product_and_of_an_additive_model():
    X, y = _product_data(n=300)
    product = HistGradientBoostingRegressor(max_iter=60, random_state=0).fit(X, y)
    H = interaction_importance(
        product, X, y, n_repeats=1, random_state=0, h_statistic=True, h_samples=60
    ).h_statistic
    assert H[0, 1] > 0.5 and H[0, 1] > 3 * np.nanmax(H[2:, :2])
    linear = LinearRegression().fit(X, y)
    H = interaction_importance(
        linear, X, y, n_repeats=1, random_state=0, h_statistic=True, h_samples=40
    ).h_statistic
    assert np.nanmax(H) < 1e-6  # additive: exactly zero up to rounding
