"""The default continuous model of the conditional sampler beyond linear
dependence (``_methods.splines``): additive splines solved like ridge, and the
per-input choice between the two on held-out rows."""

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression, Ridge

from skimportance import ConditionalSampler, permutation_importance
from skimportance._methods.ridge import RidgeAll
from skimportance._methods.splines import SplineRidge, SplineTerms


def _quadratic(n=400, seed=0):
    """x1 = x0**2 + noise (no linear correlation), x3 = 0.8 x2 + noise, x4 noise."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 5))
    X[:, 1] = X[:, 0] ** 2 + 0.5 * X[:, 1]
    X[:, 3] = 0.8 * X[:, 2] + 0.6 * X[:, 3]
    return X


def test_spline_model_is_sklearn_ridge_on_the_partners_terms():
    X = _quadratic(n=300)
    Z = (X - X.mean(0)) / X.std(0)
    ridge = RidgeAll(Z, np.array([0.1]))
    resid = Z - Z @ ridge.singles()
    splines = SplineRidge(Z, np.arange(5), np.array([0.1]), ridge.val, resid)
    terms = SplineTerms(Z, np.arange(5))
    np.testing.assert_allclose(terms.train.mean(0), 0, atol=1e-12)
    np.testing.assert_allclose(terms.transform(Z, np.arange(5)), terms.train)
    np.testing.assert_allclose(terms.transform(Z, [3])[:, 1], terms.train[:, 8])
    # the screen: x0 is the partner of x1 (x1 = x0**2 + noise), nothing else
    assert splines.partners([1], [0, 2, 3, 4]).tolist() == [0]
    assert splines.partners([3], [0, 1, 2, 4]).tolist() == []
    model, resid = splines.coef([1], [0, 2, 3, 4])
    assert resid is None  # one penalty: no held-out rows
    D = np.column_stack([Z[:, [0, 2, 3, 4]], terms.transform(Z, [0])])
    expected = Ridge(alpha=0.1 * len(Z), fit_intercept=False).fit(D, Z[:, 1])
    np.testing.assert_allclose(model.coef[:, 0], expected.coef_, atol=1e-12)
    np.testing.assert_allclose(model.predict(Z)[:, 0], expected.predict(D))
    assert splines.coef([3], [0, 1, 2, 4]) == (None, None)  # no partner


def test_the_choice_is_splines_on_quadratic_and_ridge_on_linear_dependence():
    X = _quadratic()
    groups = [[j] for j in range(5)]
    sampler = ConditionalSampler().fit(X, groups)
    # x1 given x0: splines; x3 given x2 (linear) and the independent x4: ridge
    assert sampler.continuous_models_.tolist() == [
        "ridge",
        "splines",
        "ridge",
        "ridge",
        "ridge",
    ]
    # groups are chosen the same way
    grouped = ConditionalSampler().fit(X, [[1, 4], [2, 3], [0]])
    assert grouped.continuous_models_.tolist() == ["splines", "ridge", "ridge"]
    # the splines predict x1 from x0, ridge cannot
    pred = {
        mode: ConditionalSampler(continuous=mode).fit(X, groups)._predict(X)[1][1]
        for mode in ("auto", "ridge")
    }
    mse = {mode: np.mean((X[:, 1] - p[:, 0]) ** 2) for mode, p in pred.items()}
    assert mse["auto"] < 0.4 * mse["ridge"]


def test_default_equals_ridge_on_linear_dependence():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(300, 4))
    X[:, 1] = 0.8 * X[:, 0] + 0.6 * X[:, 1]
    y = X[:, 0] + X[:, 2] + 0.3 * rng.normal(size=300)
    model = LinearRegression().fit(X, y)
    kw = dict(n_repeats=3, random_state=0)
    default = permutation_importance(model, X, y, method="conditional", **kw)
    ridge = permutation_importance(
        model, X, y, method=ConditionalSampler(continuous="ridge"), **kw
    )
    np.testing.assert_array_equal(default.importances, ridge.importances)
    assert set(ConditionalSampler().fit(X, [[0], [1], [2, 3]]).continuous_models_) == {
        "ridge"
    }


def test_quadratic_stand_in_drops_out_and_results_are_reproducible():
    rng = np.random.default_rng(5)
    X = _quadratic(n=600, seed=5)
    y = X[:, 0] ** 2 + 0.3 * rng.normal(size=600)
    model = LinearRegression().fit(X, y)  # leans on the stand-in x1
    assert model.coef_[1] > 0.5

    def measure(method, seed=0):
        return permutation_importance(
            model, X, y, n_repeats=4, random_state=seed, method=method
        )

    auto = measure("conditional")
    ridge = measure(ConditionalSampler(continuous="ridge"))
    assert auto.importances_mean[1] < 0.3 * ridge.importances_mean[1]
    np.testing.assert_array_equal(measure("conditional").importances, auto.importances)
    assert not np.array_equal(measure("conditional", 1).importances, auto.importances)


def test_categorical_columns_keep_the_classifier_and_user_models_still_work():
    X = _quadratic(n=300)
    X[:, 4] = (X[:, 0] > 0).astype(float)  # categorical: two codes
    groups = [[j] for j in range(5)]
    sampler = ConditionalSampler().fit(X, groups)
    assert sampler.feature_types_[4] == "categorical"
    assert sampler.continuous_models_[4] == "none"
    assert sampler.models_[4][3][0][0] == "standardised"  # the logistic model
    given = ConditionalSampler(continuous=LinearRegression()).fit(X, groups)
    assert given.continuous_models_.tolist()[:4] == ["given"] * 4
    forced = ConditionalSampler(continuous="splines").fit(X, groups)
    assert forced.continuous_models_[1] == "splines"  # where the screen finds x0
    with pytest.raises(ValueError, match="continuous"):
        ConditionalSampler(continuous="cubic").fit(X, groups)
