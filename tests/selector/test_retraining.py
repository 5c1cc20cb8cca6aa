"""Feature selection before retraining, with the user's own network: the
selector and the network retrained on the kept columns in one Pipeline
(also in GridSearchCV and cross_val_score); sequences (a GRU) and a
subclassed model through a build function, measured with cv=3."""

import keras
import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline

from skimportance import KerasImportanceSelector
from skimportance.wrappers import make_trainable


def _data(n=120, n_features=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_features)).astype("float32")
    y = np.where(2 * X[:, 0] - 2 * X[:, 1] > 0, "yes", "no")
    return X, y


def _network(n_in):
    model = keras.Sequential(
        [
            keras.Input((n_in,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy")
    return model


def _pipeline(model, epochs=4):
    selector = KerasImportanceSelector(
        make_trainable(model, epochs=epochs, batch_size=32),
        cv=3,
        n_repeats=2,
        refit=False,
        random_state=0,
    )
    return Pipeline(
        [("select", selector), ("net", make_trainable(model, epochs=epochs))]
    )


def test_pipeline_retrains_the_network_on_the_kept_columns():
    X, y = _data()
    model = _network(X.shape[1])
    before = [w.copy() for w in model.get_weights()]
    pipe = _pipeline(model).fit(X, y)
    kept = pipe.named_steps["select"].get_support()
    assert kept[:2].all() and kept.sum() < X.shape[1]
    assert pipe.named_steps["net"].model_.input_shape == (None, int(kept.sum()))
    assert set(pipe.predict(X)) <= {"yes", "no"}
    assert pipe.score(X, y) > -0.6  # log loss of the retrained network
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)  # the user's model never trains


@pytest.mark.slow
def test_pipeline_in_grid_search_and_cross_val_score():
    X, y = _data()
    pipe = _pipeline(_network(X.shape[1]), epochs=3)
    search = GridSearchCV(pipe, {"select__max_features": [2, 3]}, cv=2)
    search.fit(X, y)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    scores = cross_val_score(pipe, X, y, cv=2)
    assert np.isfinite(scores).all()


@pytest.mark.slow
def test_gru_through_make_trainable_with_cv():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 5, 3)).astype("float32")
    y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
    model = keras.Sequential(
        [keras.Input((5, 3)), keras.layers.GRU(4), keras.layers.Dense(1, "sigmoid")]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy")
    selector = KerasImportanceSelector(
        make_trainable(model, epochs=4), cv=3, n_repeats=2, random_state=0
    ).fit(X, y)
    assert selector.importances_.shape[0] == 3
    assert np.argmax(selector.feature_importances_) == 0
    kept = selector.transform(X)
    assert kept.shape[:2] == (120, 5) and kept.shape[2] == selector.get_support().sum()


class SubclassedNet(keras.Model):
    def __init__(self, units=8):
        super().__init__()
        self.hidden = keras.layers.Dense(units, activation="relu")
        self.out = keras.layers.Dense(1, activation="sigmoid")

    def call(self, x):
        return self.out(self.hidden(x))


def _build(input_shape, units=8):
    model = SubclassedNet(units)
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy")
    return model


@pytest.mark.slow
def test_subclassed_model_through_a_build_function_with_cv():
    X, y = _data()
    estimator = make_trainable(_build, task="classification", epochs=4)
    selector = KerasImportanceSelector(
        estimator, cv=3, n_repeats=2, random_state=0
    ).fit(X, y)
    assert selector.get_support()[:2].all()
    assert np.argsort(-selector.feature_importances_)[:2].tolist() in ([0, 1], [1, 0])
