"""A plain fitted keras.Model wherever a fitted estimator goes; make_trainable;
the drop-in edges (y=None, array-likes, errors)."""

import keras
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.inspection import permutation_importance as sklearn_importance
from sklearn.metrics import log_loss, r2_score

from skimportance import KerasImportanceSelector, permutation_importance
from skimportance._importance.responders import make_responder
from skimportance.wrappers import (
    FittedKerasModel,
    KerasModelClassifier,
    KerasModelRegressor,
    make_trainable,
)

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


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    keras.utils.set_random_seed(0)
    built = {name: build() for name, build in BUILDERS.items()}
    built["loaded"] = loaded(tmp_path_factory)
    return built


def _weights(model):
    return [np.array(w) for w in model.get_weights()]


@pytest.mark.backend
@pytest.mark.parametrize("name", [*BUILDERS, "loaded"])
def test_raw_model_gives_scikit_learns_numbers(models, name):
    model, X, y, classes = models[name]
    before = _weights(model)
    ours = permutation_importance(model, X, y, n_repeats=2, random_state=0)
    equivalent = FittedKerasModel(model, classes=classes)
    theirs = sklearn_importance(equivalent, X, y, n_repeats=2, random_state=0)
    assert_allclose(ours.importances, theirs.importances, rtol=1e-5, atol=1e-6)
    # scoring=None is the proper rule: log loss for a classifier, R² else
    proper = permutation_importance(
        model,
        X,
        y,
        n_repeats=2,
        random_state=0,
        scoring="r2" if classes is None else "neg_log_loss",
    )
    assert_allclose(ours.importances, proper.importances, rtol=1e-12)
    assert ours.importances_mean[:3].max() > 0  # the informative columns
    for got, want in zip(_weights(model), before):
        assert_allclose(got, want, rtol=0, atol=0)


def test_raw_model_other_scorings_and_string_predictions(models):
    model, X, y, classes = models["functional_softmax_strings"]
    equivalent = FittedKerasModel(model, classes=classes)
    assert set(equivalent.predict(X)) <= set(classes)
    scoring = ["accuracy", "roc_auc_ovr"]
    ours = permutation_importance(
        model, X, y, scoring=scoring, n_repeats=2, random_state=1
    )
    theirs = sklearn_importance(
        equivalent, X, y, scoring=scoring, n_repeats=2, random_state=1
    )
    for name in scoring:
        assert_allclose(
            ours[name].importances, theirs[name].importances, rtol=1e-5, atol=1e-6
        )


@pytest.mark.backend
def test_raw_model_is_served_by_the_compiled_path(models):
    model, X, y, _ = models["sequential_add"]
    responder = make_responder(model)
    assert type(responder).__name__ == "KerasResponder"
    assert responder.methods == ("predict", "predict_proba")
    assert responder.adapter.__class__.__name__ == "KerasModelAdapter"


@pytest.mark.parametrize("name", ["sequential_add", "functional_softmax_strings"])
@pytest.mark.parametrize("frozen", [False, True])
def test_selector_prefit_on_a_raw_model(models, name, frozen):
    model, X, y, classes = models[name]
    estimator = FrozenEstimator(model) if frozen else model
    selector = KerasImportanceSelector(
        estimator, cv="prefit", n_repeats=3, random_state=0
    ).fit(X, y)
    assert selector.scoring_ == "neg_log_loss"
    proba = FittedKerasModel(model, classes=classes).predict_proba(X)
    assert selector.baseline_score_ == pytest.approx(
        -log_loss(y, proba, labels=classes), rel=1e-5
    )
    same = KerasImportanceSelector(
        FittedKerasModel(model, classes=classes),
        cv="prefit",
        n_repeats=3,
        random_state=0,
    ).fit(X, y)
    assert_allclose(selector.importances_, same.importances_, rtol=1e-6)
    assert list(selector.classes_) == list(classes)
    assert selector.transform(X).shape[1] == selector.get_support().sum()


def test_selector_prefit_regressor_plot_and_eli5(models):
    model, X, y, _ = models["regressor"]
    selector = KerasImportanceSelector(
        model, cv="prefit", n_repeats=2, random_state=0
    ).fit(X, y)
    assert selector.scoring_ == "r2"
    assert selector.baseline_score_ == pytest.approx(
        r2_score(y, model.predict(X, verbose=0)[:, 0]), rel=1e-5
    )
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    from skimportance.plotting import PermutationImportanceDisplay

    display = PermutationImportanceDisplay.from_estimator(selector)
    assert len(display.ax_.get_yticklabels()) == N_FEATURES
    eli5 = pytest.importorskip("eli5")
    pytest.importorskip("skimportance.eli5")  # registers the selector
    text = eli5.format_as_text(eli5.explain_weights(selector))
    assert "x0" in text


def test_selector_with_cv_names_make_trainable(models):
    model, X, y, _ = models["sequential_add"]
    with pytest.raises(TypeError, match="make_trainable"):
        KerasImportanceSelector(model, cv=3).fit(X, y)


def test_make_trainable_trains_fresh_copies(models):
    model, X, y, _ = models["sequential_add"]
    before = _weights(model)
    estimator = make_trainable(model, epochs=2, batch_size=32, verbose=0)
    assert isinstance(estimator, KerasModelClassifier)
    assert clone(estimator).fit_kwargs == {"epochs": 2, "batch_size": 32, "verbose": 0}
    labels = np.where(y == 1, "yes", "no")
    selector = KerasImportanceSelector(
        estimator, cv=2, n_repeats=2, random_state=0, refit=False
    ).fit(X, labels)
    assert selector.scoring_ == "neg_log_loss"
    assert selector.importances_.shape == (N_FEATURES, 4)
    fitted = clone(estimator).fit(X, labels)
    assert list(fitted.classes_) == ["no", "yes"]
    assert fitted.model_ is not model
    assert len(fitted.history_.history["loss"]) == 2
    for got, want in zip(_weights(model), before):
        assert_allclose(got, want, rtol=0, atol=0)  # the template is not trained


@pytest.mark.parametrize("loss", ["sparse_categorical_crossentropy", "categorical"])
def test_make_trainable_softmax_targets(models, loss):
    model, X, y, classes = models["functional_softmax_strings"]
    template = keras.models.clone_model(model)
    template.compile(
        optimizer="adam",
        loss=keras.losses.CategoricalCrossentropy() if loss == "categorical" else loss,
    )
    fitted = make_trainable(template, epochs=1, verbose=0).fit(X, y)
    assert np.isfinite(fitted.history_.history["loss"][0])
    assert fitted.predict_proba(X).shape == (len(X), 3)
    assert set(fitted.predict(X)) <= set(classes)


def test_make_trainable_regressor_and_uncompiled(models):
    model, X, y, _ = models["regressor"]
    estimator = make_trainable(model, epochs=1, verbose=0)
    assert isinstance(estimator, KerasModelRegressor)
    result = permutation_importance(
        estimator.fit(X, y), X, y, n_repeats=2, random_state=0
    )
    theirs = sklearn_importance(estimator, X, y, n_repeats=2, random_state=0)
    assert_allclose(result.importances, theirs.importances, rtol=1e-5, atol=1e-6)
    uncompiled = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="compiled"):
        make_trainable(uncompiled)


def test_callable_scorer_may_pass_keras_predict_keywords(models):
    model, X, y, _ = models["sequential_add"]

    def brier(estimator, X, y, **kwargs):
        p = estimator.predict_proba(X, verbose=0, batch_size=64)[:, 1]
        return -np.mean((p - y) ** 2)

    def brier_plain(estimator, X, y):
        return -np.mean((estimator.predict_proba(X)[:, 1] - y) ** 2)

    ours = permutation_importance(model, X, y, scoring=brier, random_state=0)
    plain = permutation_importance(model, X, y, scoring=brier_plain, random_state=0)
    assert_allclose(ours.importances, plain.importances, rtol=1e-6)


def test_measuring_prints_no_progress_bars(models, capfd):
    from keras.wrappers import SKLearnRegressor

    model, X, y, _ = models["subclassed"]  # answered by its predict
    template, Xr, yr, _ = models["regressor"]
    wrapper = SKLearnRegressor(model=template, fit_kwargs={"epochs": 1, "verbose": 0})
    wrapper.fit(Xr, yr)
    keras.config.enable_interactive_logging()
    try:
        permutation_importance(model, X, y, n_repeats=2, random_state=0)
        permutation_importance(
            wrapper, Xr, yr, n_repeats=2, inference="predict", random_state=0
        )
        out, err = capfd.readouterr()
        assert "step" not in out + err and "━" not in out + err
        assert keras.config.is_interactive_logging_enabled()  # restored
    finally:
        keras.config.disable_interactive_logging()


def test_unfitted_estimators_raise_not_fitted(clf_data):
    from keras.wrappers import SKLearnClassifier
    from scikeras.wrappers import KerasClassifier

    X, y = clf_data
    unbuilt = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
    for estimator in [
        SKLearnClassifier(model=unbuilt),
        KerasClassifier(model=unbuilt),
        unbuilt,
    ]:
        with pytest.raises(NotFittedError):
            permutation_importance(estimator, X, y)


def test_non_numeric_column_is_named(models):
    model, X, y, _ = models["regressor"]
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d", "e"])
    frame["c"] = frame["c"].astype(str)
    with pytest.raises(ValueError, match="non-numeric feature columns: 'c'"):
        permutation_importance(model, frame, y)


def test_class_count_mismatch_asks_for_classes(models):
    model, X, _, _ = models["functional_softmax_strings"]
    y = np.where(X[:, 0] > 0, "up", "down")
    with pytest.raises(ValueError, match="classes="):
        permutation_importance(model, X, y)


def test_unsupervised_scorer_with_y_none():
    from sklearn.mixture import GaussianMixture

    rng = np.random.RandomState(0)
    X = rng.normal(size=(150, 3)) * [5.0, 1.0, 1.0]
    mixture = GaussianMixture(2, random_state=0).fit(X)
    ours = permutation_importance(mixture, X, None, n_repeats=3, random_state=0)
    theirs = sklearn_importance(mixture, X, None, n_repeats=3, random_state=0)
    assert_allclose(ours.importances, theirs.importances, rtol=1e-10)


def test_array_likes_as_scikit_learn_takes_them(models):
    model, X, y, _ = models["regressor"]
    Xa, ya = X.tolist(), pd.Series(y)
    ours = permutation_importance(model, Xa, ya, n_repeats=2, random_state=0)
    theirs = sklearn_importance(
        FittedKerasModel(model), Xa, ya, n_repeats=2, random_state=0
    )
    assert_allclose(ours.importances, theirs.importances, rtol=1e-5, atol=1e-6)
