"""The same checks at every door (issue 23): NaN refused unless allow_nan,
one-hot y for classifiers, the right hint for a continuous y."""

import keras
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression

from skimportance import KerasImportanceSelector, permutation_importance
from skimportance.wrappers import FittedKerasModel


def _data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = (X[:, 0] + 0.3 * rng.normal(size=n) > 0).astype(int)
    return X, y


def _doors(estimator, X, y):
    yield lambda: permutation_importance(estimator, X, y, n_repeats=2)
    yield lambda: KerasImportanceSelector(estimator, cv="prefit", n_repeats=2).fit(X, y)


@pytest.mark.parametrize("frame", [False, True])
def test_nan_refused_at_every_door(frame):
    X, y = _data()
    clf = LogisticRegression().fit(X, y)
    X = X.copy()
    X[3, 1] = np.nan
    if frame:
        X = pd.DataFrame(X, columns=["a", "b", "c"])
    for door in _doors(clf, X, y):
        with pytest.raises(ValueError, match="Input X contains NaN.*'b'|1"):
            door()
    before = X.copy()
    with pytest.raises(ValueError, match="SimpleImputer"):
        permutation_importance(clf, X, y)
    np.testing.assert_array_equal(np.asarray(X), np.asarray(before))


def test_nan_allowed_when_the_estimator_says_so():
    X, y = _data()
    X[3, 1] = np.nan
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    for data in (X, frame):
        clf = HistGradientBoostingClassifier(max_iter=10).fit(data, y)
        for door in _doors(clf, data, y):
            door()


def _softmax_model(X, y, seed=0):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [keras.Input((X.shape[1],)), keras.layers.Dense(2, activation="softmax")]
    )
    model.compile(keras.optimizers.Adam(0.05), "categorical_crossentropy")
    model.fit(X, np.eye(2)[y], epochs=5, verbose=0)
    return model


def test_one_hot_y_gives_the_numbers_of_integer_labels():
    X, y = _data()
    model = _softmax_model(X, y)
    one_hot = np.eye(2)[y]
    a = permutation_importance(model, X, y, n_repeats=2, random_state=0)
    b = permutation_importance(model, X, one_hot, n_repeats=2, random_state=0)
    assert_allclose(a.importances, b.importances)
    sa = KerasImportanceSelector(model, cv="prefit", n_repeats=2, random_state=0)
    sb = KerasImportanceSelector(model, cv="prefit", n_repeats=2, random_state=0)
    assert_allclose(sa.fit(X, y).importances_, sb.fit(X, one_hot).importances_)


def test_continuous_y_on_a_classifier_hints_regression():
    X, y = _data()
    model = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")]
    )
    y_cont = X[:, 0] * 1.7 + 0.1
    for estimator in (model, FittedKerasModel(model)):
        for door in _doors(estimator, X, y_cont):
            with pytest.raises(ValueError, match="task='regression'") as info:
                door()
            assert "classes=" not in str(info.value)


def test_infinite_y_refused():
    X, y = _data()
    clf = LogisticRegression().fit(X, y)
    y = y.astype(float)
    y[0] = np.inf
    for door in _doors(clf, X, y):
        with pytest.raises(ValueError, match="Input y contains infinity"):
            door()
