"""Shared fixtures: tiny real Keras models trained through the real wrappers,
plain trained ``keras.Model`` objects of each style (``models``), a fitted
selector for the plot and eli5 tests (``fitted_selector``) and a trained
two-input model (``two_input_model``)."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from sklearn.datasets import make_classification, make_regression  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

from skimportance import KerasImportanceSelector  # noqa: E402

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


@pytest.fixture(scope="session")
def fitted_selector():
    """A selector fitted on a DataFrame: y depends on columns "a" and "b"."""
    rng = np.random.RandomState(0)
    X = pd.DataFrame(rng.normal(size=(300, 5)), columns=list("abcde"))
    y = (X["a"] - X["b"] > 0).astype(int)
    return KerasImportanceSelector(LogisticRegression(), cv=3, random_state=0).fit(X, y)


# ------------------------------------ plain trained keras.Model, each style
N_FEATURES = 5


def _data(n_classes=2, seed=0):
    X, y = make_classification(
        n_samples=240,
        n_features=N_FEATURES,
        n_informative=3,
        n_redundant=0,
        n_classes=n_classes,
        shuffle=False,
        random_state=seed,
    )
    return X.astype("float32"), y


def _train(model, X, y, loss):
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss=loss)
    model.fit(X, y, epochs=3, batch_size=32, verbose=0)
    return model


def sequential_grown_with_add():
    """Binary, sigmoid; the way most Keras code builds a network."""
    X, y = _data()
    model = keras.Sequential([keras.Input((N_FEATURES,))])
    model.add(keras.layers.Dense(8, activation="relu"))
    model.add(keras.layers.Dense(1, activation="sigmoid"))
    return _train(model, X, y, "binary_crossentropy"), X, y, [0, 1]


def functional_softmax_strings():
    """3 classes, softmax, string labels (the model learnt their indices)."""
    X, y = _data(n_classes=3, seed=1)
    inp = keras.Input((N_FEATURES,))
    out = keras.layers.Dense(3, activation="softmax")(
        keras.layers.Dense(8, activation="relu")(inp)
    )
    model = _train(keras.Model(inp, out), X, y, "sparse_categorical_crossentropy")
    labels = np.array(["ant", "bee", "cat"])
    return model, X, labels[y], labels


def regressor():
    X, _ = _data()
    y = (2 * X[:, 0] - X[:, 1]).astype("float32")
    model = keras.Sequential(
        [keras.Input((N_FEATURES,)), keras.layers.Dense(8, activation="relu")]
        + [keras.layers.Dense(1)]
    )
    return _train(model, X, y, "mse"), X, y, None


class Subclassed(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = keras.layers.Dense(8, activation="relu")
        self.out = keras.layers.Dense(1, activation="sigmoid")

    def call(self, x):
        return self.out(self.hidden(x))


def subclassed():
    X, y = _data()
    return _train(Subclassed(), X, y, "binary_crossentropy"), X, y, [0, 1]


def loaded(tmp_path_factory):
    model, X, y, classes = sequential_grown_with_add()
    path = tmp_path_factory.mktemp("saved") / "model.keras"
    model.save(path)
    return keras.saving.load_model(path), X, y, classes


BUILDERS = {
    "sequential_add": sequential_grown_with_add,
    "functional_softmax_strings": functional_softmax_strings,
    "regressor": regressor,
    "subclassed": subclassed,
}


@pytest.fixture(scope="session")
def models(tmp_path_factory):
    """name -> (trained keras.Model, X, y, classes): each builder's, and a
    model saved and loaded again (``"loaded"``)."""
    keras.utils.set_random_seed(0)
    built = {name: build() for name, build in BUILDERS.items()}
    built["loaded"] = loaded(tmp_path_factory)
    return built


def _weights(model):
    return [np.array(w) for w in model.get_weights()]


# ------------------------------------------------------------------- data
def _logistic(seed, n=600, coefs=(1.0, 0.25), n_inputs=10):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, n_inputs))
    logit = X[:, : len(coefs)] @ np.asarray(coefs)
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(int)
    return X, y


@pytest.fixture(scope="session")
def two_input_model():
    """A functional model with inputs "num" (a DataFrame: age, income,
    noise1) and "other" (an array: other[0] used, other[1] not), string
    labels, trained on other rows than the held-out ones returned; for the
    plot and eli5 tests of models with several inputs."""
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(1)
    n = 600
    num = pd.DataFrame(rng.normal(size=(n, 3)), columns=["age", "income", "noise1"])
    other = rng.normal(size=(n, 2))
    y = np.where(num.age + num.income - other[:, 0] > 0, "yes", "no")
    a = keras.Input((3,), name="num")
    b = keras.Input((2,), name="other")
    hidden = keras.layers.Concatenate()(
        [keras.layers.Dense(8, activation="relu")(a), keras.layers.Dense(4)(b)]
    )
    model = keras.Model(
        {"num": a, "other": b}, keras.layers.Dense(1, activation="sigmoid")(hidden)
    )
    model.compile(optimizer=keras.optimizers.Adam(0.03), loss="binary_crossentropy")
    target = (y[:400] == "yes").astype("float32")
    inputs = {"num": num.to_numpy()[:400], "other": other[:400]}
    model.fit(inputs, target, epochs=20, verbose=0)
    held_out = num.iloc[400:].reset_index(drop=True)
    return model, held_out, other[400:], y[400:]
