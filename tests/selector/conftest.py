"""Data shared by the selector's tests."""

import numpy as np
import pytest


@pytest.fixture(scope="module")
def informative_first():
    """3 informative features first (logistic model), then 5 pure noise columns."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(400, 8))
    logit = 2.0 * X[:, 0] - 2.0 * X[:, 1] + 1.5 * X[:, 2]
    y = (rng.uniform(size=400) < 1 / (1 + np.exp(-logit))).astype(int)
    return X, y


@pytest.fixture(scope="module")
def data():
    """120 rows, y from x0, and 6 groups of 20 rows (for GroupKFold)."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 4))
    y = (X[:, 0] + 0.5 * rng.normal(size=120) > 0).astype(int)
    groups = np.repeat(np.arange(6), 20)
    return X, y, groups
