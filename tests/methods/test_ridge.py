"""The default continuous model of the conditional sampler
(``_methods.ridge.RidgeAll``): scikit-learn's Ridge, every group from one
eigendecomposition."""

import numpy as np
from sklearn.linear_model import Ridge

from skimportance._methods.ridge import RidgeAll


def test_default_ridge_equals_sklearn_ridge():
    rng = np.random.default_rng(1)
    Z = rng.normal(size=(200, 5))
    Z[:, 1] += Z[:, 0]
    Z = (Z - Z.mean(0)) / Z.std(0)
    ridge = RidgeAll(Z, np.array([0.1]))
    for cols in ([1], [0, 3]):
        others = [c for c in range(5) if c not in cols]
        expected = Ridge(alpha=0.1 * len(Z), fit_intercept=False)
        expected.fit(Z[:, others], Z[:, cols])
        coef = expected.coef_.reshape(len(cols), len(others)).T
        np.testing.assert_allclose(ridge.coef(cols, others), coef)


def test_default_ridge_single_columns_equal_per_group_solution():
    rng = np.random.default_rng(7)
    Z = rng.normal(size=(300, 6))
    Z[:, 2] += Z[:, 1]
    Z = (Z - Z.mean(0)) / Z.std(0)
    ridge = RidgeAll(Z, np.array([1e-3, 0.1, 10.0]))
    coef = ridge.singles()
    for j in range(6):
        others = [c for c in range(6) if c != j]
        assert coef[j, j] == 0.0
        np.testing.assert_allclose(coef[others, j], ridge.coef([j], others)[:, 0])
