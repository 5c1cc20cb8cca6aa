"""Shared fixtures: tiny real Keras models trained through the real wrappers."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.datasets import make_classification, make_regression  # noqa: E402

keras.config.disable_interactive_logging()


def dense_model(n_in, n_out, activation, loss, hidden=16, dropout=0.0, batchnorm=False):
    layers = [keras.Input((n_in,)), keras.layers.Dense(hidden, activation="relu")]
    if batchnorm:
        layers.append(keras.layers.BatchNormalization())
    if dropout:
        layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(n_out, activation=activation))
    model = keras.Sequential(layers)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=loss)
    return model


def scikeras_clf_model(meta, hidden=16, dropout=0.0, batchnorm=False):
    n_classes = meta["n_classes_"]
    if n_classes == 2:
        return dense_model(
            meta["n_features_in_"],
            1,
            "sigmoid",
            "binary_crossentropy",
            hidden,
            dropout,
            batchnorm,
        )
    return dense_model(
        meta["n_features_in_"],
        n_classes,
        "softmax",
        "sparse_categorical_crossentropy",
        hidden,
        dropout,
        batchnorm,
    )


def scikeras_reg_model(meta, hidden=16):
    return dense_model(meta["n_features_in_"], 1, None, "mse", hidden)


def keras_clf_model(X, y, hidden=16):
    return dense_model(
        X.shape[1], y.shape[1], "softmax", "categorical_crossentropy", hidden
    )


def keras_reg_model(X, y, hidden=16):
    n_out = 1 if y.ndim == 1 else y.shape[1]
    return dense_model(X.shape[1], n_out, None, "mse", hidden)


def skip_unless_tensorflow():
    """scikeras builds its models on TensorFlow: skip under other backends."""
    if keras.backend.backend() != "tensorflow":
        pytest.skip("scikeras runs on the TensorFlow backend only")


@pytest.fixture(autouse=True)
def _seed():
    keras.utils.set_random_seed(0)
    yield


@pytest.fixture(scope="session")
def clf_data():
    X, y = make_classification(
        n_samples=300, n_features=6, n_informative=3, n_redundant=0, random_state=0
    )
    return X.astype(np.float64), y


@pytest.fixture(scope="session")
def multiclass_data():
    X, y = make_classification(
        n_samples=300,
        n_features=6,
        n_informative=4,
        n_redundant=0,
        n_classes=3,
        random_state=1,
    )
    return X, y


@pytest.fixture(scope="session")
def reg_data():
    X, y = make_regression(
        n_samples=300, n_features=6, n_informative=3, noise=5.0, random_state=0
    )
    return X, y / np.std(y)


@pytest.fixture(scope="session")
def scikeras_clf(clf_data):
    skip_unless_tensorflow()
    from scikeras.wrappers import KerasClassifier

    keras.utils.set_random_seed(0)
    X, y = clf_data
    return KerasClassifier(scikeras_clf_model, epochs=15, verbose=0).fit(X, y)


@pytest.fixture(scope="session")
def scikeras_multiclass(multiclass_data):
    skip_unless_tensorflow()
    from scikeras.wrappers import KerasClassifier

    keras.utils.set_random_seed(0)
    X, y = multiclass_data
    return KerasClassifier(scikeras_clf_model, epochs=15, verbose=0).fit(X, y)


@pytest.fixture(scope="session")
def scikeras_reg(reg_data):
    skip_unless_tensorflow()
    from scikeras.wrappers import KerasRegressor

    keras.utils.set_random_seed(0)
    X, y = reg_data
    return KerasRegressor(scikeras_reg_model, epochs=15, verbose=0).fit(X, y)


@pytest.fixture(scope="session")
def keras_clf(clf_data):
    from keras.wrappers import SKLearnClassifier

    keras.utils.set_random_seed(0)
    X, y = clf_data
    return SKLearnClassifier(
        keras_clf_model, fit_kwargs={"epochs": 15, "verbose": 0}
    ).fit(X, y)


@pytest.fixture(scope="session")
def keras_reg(reg_data):
    from keras.wrappers import SKLearnRegressor

    keras.utils.set_random_seed(0)
    X, y = reg_data
    return SKLearnRegressor(
        keras_reg_model, fit_kwargs={"epochs": 15, "verbose": 0}
    ).fit(X, y)
