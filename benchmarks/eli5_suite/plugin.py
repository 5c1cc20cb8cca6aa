"""pytest plugin (``-p plugin``): the adapter in eli5's place, and the two
fixtures and the helper that eli5's test file takes from eli5's repository
(its sdist ships neither ``conftest.py`` nor ``utils.py``), written here."""

import os

import numpy as np
import pytest
from adapter import register_with_eli5
from sklearn.datasets import load_iris
from sklearn.utils import shuffle

if not os.environ.get("ELI5_SUITE_REFERENCE"):  # reference: eli5's own class
    register_with_eli5()


@pytest.fixture(scope="session")
def boston_train():
    """The Boston data (``BOSTON_CSV``: scikit-learn < 1.2's copy), shuffled and
    cut to 100 rows as eli5's own fixture does."""
    path = os.environ["BOSTON_CSV"]
    with open(path) as f:
        f.readline()
        names = np.array([n.strip('"') for n in f.readline().strip().split(",")])
    data = np.loadtxt(path, delimiter=",", skiprows=2)
    X, y = shuffle(data[:, :-1], data[:, -1], random_state=13)
    return X[:100].astype(np.float64), y[:100], names[:-1]


@pytest.fixture(scope="session")
def iris_train():
    data = load_iris()
    X, y = shuffle(data.data, data.target, random_state=13)
    return X, y, data.feature_names, data.target_names
