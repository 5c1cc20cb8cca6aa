"""What is permuted together (``_engine.groups``): sequences (LSTM/GRU input),
feature groups, one-hot blocks, correlated features."""

import keras
import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import get_scorer
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from skimportance import (
    KerasImportanceSelector,
    groups_from_column_transformer,
    permutation_importance,
)
from skimportance._engine.core import draw_permutations
from skimportance._engine.groups import correlated_groups


def sequences(n=480, steps=8, channels=4, seed=0):
    """Only channels 0 and 2 drive the target, through their whole sequence."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, steps, channels)).astype("float32")
    y = (X[:, :, 0].mean(axis=1) - X[:, :, 2].mean(axis=1) > 0).astype(int)
    return X, y


def gru_model(meta, units=8):
    model = keras.Sequential(
        [
            keras.Input(meta["X_shape_"][1:]),
            keras.layers.GRU(units),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy")
    return model


def flatten(X):
    return X.reshape(len(X), -1)


def test_nd_permutes_whole_sequences_in_time_order():
    """Known answer: a feature's sequence moves to other samples, unchanged."""
    X, y = sequences(n=200)
    model = make_pipeline(FunctionTransformer(flatten), LogisticRegression()).fit(X, y)
    got = permutation_importance(
        model, X, y, scoring="neg_log_loss", n_repeats=3, random_state=4
    )
    seed = np.random.RandomState(4).randint(np.iinfo(np.int32).max + 1)
    _, perms = draw_permutations(seed, len(X), 3, len(X))
    scorer = get_scorer("neg_log_loss")
    base = scorer(model, X, y)
    for j in range(X.shape[2]):
        for r in range(3):
            Xp = X.copy()
            Xp[:, :, j] = X[perms[r], :, j]
            assert got.importances[j, r] == pytest.approx(
                base - scorer(model, Xp, y), rel=1e-9, abs=1e-12
            )
    assert set(np.argsort(-got.importances_mean)[:2]) == {0, 2}
    per_step = permutation_importance(model, X, y, feature_axis=1, random_state=0)
    per_cell = permutation_importance(
        model, X, y, feature_axis=(1, 2), n_repeats=2, random_state=0
    )
    assert per_step.importances.shape == (8, 5)
    assert per_cell.importances.shape == (32, 2)
    # cell (t, c) is flat column t * 4 + c: channels 1 and 3 carry nothing
    cells = per_cell.importances_mean.reshape(8, 4)
    assert cells[:, [0, 2]].mean() > 10 * np.abs(cells[:, [1, 3]]).mean()


def test_gru_selector_keeps_exactly_the_driving_channels():
    from scikeras.wrappers import KerasClassifier

    X, y = sequences()
    X_before = X.copy()
    keras.utils.set_random_seed(0)
    selector = KerasImportanceSelector(
        KerasClassifier(gru_model, epochs=15, batch_size=32, verbose=0),
        cv=3,
        n_repeats=3,
        random_state=0,
    ).fit(X, y)
    imp = selector.feature_importances_
    assert selector.n_features_in_ == 4 and selector.feature_axis_ == (2,)
    assert set(np.argsort(-imp)[:2]) == {0, 2}
    assert np.all(np.abs(imp[[1, 3]]) < 0.1 * imp[[0, 2]].min())
    np.testing.assert_array_equal(selector.get_support(indices=True), [0, 2])
    Xt = selector.transform(X)
    assert Xt.shape == (480, 8, 2)
    np.testing.assert_array_equal(Xt, X[:, :, [0, 2]])
    np.testing.assert_array_equal(X, X_before)
    assert selector.inverse_transform(Xt).shape == X.shape
    assert list(selector.get_feature_names_out()) == ["x0", "x2"]
    with pytest.raises(ValueError, match="features along axis 2"):
        selector.transform(X[:, :, :3])

    pipe = Pipeline(
        [
            (
                "select",
                KerasImportanceSelector(
                    KerasClassifier(gru_model, epochs=15, batch_size=32, verbose=0),
                    cv=3,
                    n_repeats=2,
                    random_state=0,
                ),
            ),
            ("model", KerasClassifier(gru_model, epochs=15, batch_size=32, verbose=0)),
        ]
    ).fit(X[:360], y[:360])
    assert pipe.named_steps["model"].X_shape_[1:] == (8, 2)
    assert (pipe.predict(X[360:]) == y[360:]).mean() > 0.8


@pytest.fixture(scope="module")
def categorical_frame():
    rng = np.random.RandomState(0)
    n = 400
    X = pd.DataFrame(
        {
            "age": rng.normal(size=n),
            "city": rng.choice(list("abcdefghijkl"), n),  # 12 one-hot columns
            "noise": rng.normal(size=n),
        }
    )
    effect = dict(zip("abcdefghijkl", np.linspace(-2, 2, 12)))
    y = (X["age"] + X["city"].map(effect) + 0.5 * rng.normal(size=n) > 0).astype(int)
    return X, y.to_numpy()


def test_one_hot_variable_gets_one_importance(categorical_frame):
    X, y = categorical_frame
    ct = ColumnTransformer(
        [("cat", OneHotEncoder(sparse_output=False), ["city"])], remainder="passthrough"
    )
    pipe = make_pipeline(ct, LogisticRegression())
    # on the raw DataFrame, a variable is one column: one importance for "city"
    selector = KerasImportanceSelector(pipe, cv=3, random_state=0).fit(X, y)
    assert selector.group_names_ == ["age", "city", "noise"]
    assert list(selector.get_feature_names_out()) == ["age", "city"]

    # on an already encoded matrix, the helper groups the 12 columns back
    ct.fit(X)
    Xt = ct.transform(X)
    groups = groups_from_column_transformer(ct)
    assert len(groups["city"]) == 12 and groups["age"] == [12]
    encoded = KerasImportanceSelector(
        LogisticRegression(), cv=3, random_state=0, feature_groups=groups
    ).fit(Xt, y)
    assert encoded.group_names_ == ["city", "age", "noise"]
    assert encoded.group_importances_.shape == (3,)
    # per feature, as scikit-learn means it: each column takes its group's value
    assert encoded.feature_importances_.shape == (14,)
    np.testing.assert_array_equal(
        encoded.feature_importances_[groups["city"]], encoded.group_importances_[0]
    )
    assert list(encoded.group_support_) == [True, True, False]
    assert encoded.transform(Xt).shape == (400, 13)
    names = list(encoded.get_feature_names_out())
    assert names == [f"x{i}" for i in range(13)]


def test_correlated_copies_are_understated_alone_and_shown_as_a_group():
    rng = np.random.RandomState(0)
    n = 500
    signal = rng.normal(size=n)
    X = np.column_stack(
        [
            signal + 0.1 * rng.normal(size=n),
            signal + 0.1 * rng.normal(size=n),
            rng.normal(size=(n, 3)),
        ]
    )
    y = (signal + 0.3 * rng.normal(size=n) > 0).astype(int)
    alone = KerasImportanceSelector(LogisticRegression(), cv=3, random_state=0).fit(
        X, y
    )
    grouped = KerasImportanceSelector(
        LogisticRegression(), cv=3, random_state=0, feature_groups="correlated"
    ).fit(X, y)
    assert grouped.feature_groups_ == [[0, 1], [2], [3], [4]]
    assert grouped.group_names_[0] == "x0+x1"
    pair = grouped.group_importances_[0]
    assert list(grouped.feature_importances_[:2]) == [pair, pair]
    assert pair > 2 * alone.feature_importances_[:2].max()
    assert list(grouped.get_support()) == [True, True, False, False, False]
    assert correlated_groups(X, threshold=0.999) == [[0], [1], [2], [3], [4]]


def test_overlapping_groups_and_errors(categorical_frame):
    X, y = categorical_frame
    X = X[["age", "noise"]].assign(other=X["age"] * 0)
    sel = KerasImportanceSelector(
        LogisticRegression(),
        cv=3,
        random_state=0,
        feature_groups={"a": ["age", "noise"], "b": ["noise", "other"]},
    ).fit(X, y)
    # overlapping groups are each measured on their own; kept groups' union is kept
    assert sel.group_names_ == ["a", "b"]
    assert list(sel.group_support_) == [True, False]
    assert list(sel.get_feature_names_out()) == ["age", "noise"]
    # a feature in two groups takes the values of the more important one
    a, b = sel.group_importances_
    assert a > b
    np.testing.assert_array_equal(sel.feature_importances_, [a, a, b])
    np.testing.assert_array_equal(sel.pvalues_, sel.group_pvalues_[[0, 0, 1]])

    with pytest.raises(ValueError, match="names column 'zzz'"):
        KerasImportanceSelector(
            LogisticRegression(), cv=3, feature_groups={"g": ["age", "zzz"]}
        ).fit(X, y)
    with pytest.raises(ValueError, match="names feature 7"):
        permutation_importance(
            LogisticRegression().fit(X, y), X.to_numpy(), y, feature_groups=[[0, 7]]
        )
    X3, y3 = sequences(n=60)
    est = make_pipeline(FunctionTransformer(flatten), LogisticRegression()).fit(X3, y3)
    with pytest.raises(ValueError, match="axis 0 holds the samples"):
        permutation_importance(est, X3, y3, feature_axis=0)
    with pytest.raises(ValueError, match="out of range"):
        permutation_importance(est, X3, y3, feature_axis=3)
    cells = KerasImportanceSelector(
        est, cv=2, feature_axis=(1, 2), n_repeats=1, threshold="median"
    ).fit(X3, y3)
    assert cells.feature_importances_.shape == (32,)
    with pytest.raises(ValueError, match="several axes"):
        cells.transform(X3)
    with pytest.raises(ValueError, match="'correlated'"):
        KerasImportanceSelector(LogisticRegression(), feature_groups="clusters").fit(
            X, y
        )


def test_scaler_pipeline_on_sequences_is_not_broken():
    """A FunctionTransformer+scaler pipeline handles N-D like any estimator."""
    X, y = sequences(n=120)
    est = make_pipeline(
        FunctionTransformer(flatten), StandardScaler(), LogisticRegression()
    ).fit(X, y)
    result = permutation_importance(est, X, y, random_state=0)
    assert result.importances.shape == (4, 5)
    # each channel's whole sequence is permuted: channels 0 and 2 drive y
    imp = result.importances_mean
    assert set(np.argsort(-imp)[:2]) == {0, 2}
    assert imp[[0, 2]].min() > 3 * np.abs(imp[[1, 3]]).max()
