"""Pipeline prefixes: per-column transformers applied once, then first-layer
updates on the network; the same numbers as the plain path and scikit-learn."""

import keras
import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import (
    MaxAbsScaler,
    MinMaxScaler,
    OneHotEncoder,
    OrdinalEncoder,
    PolynomialFeatures,
    RobustScaler,
    StandardScaler,
)

from skimportance._fast_paths.pipeline_prefix import column_blocks
from skimportance._fast_paths.registry import FastPathRequest, fast_path_reasons
from skimportance._importance.responders import make_responder
from skimportance.estimator_checks import check_fast_path_equals_plain
from skimportance.wrappers import FittedKerasModel

from ..conftest import scikeras_clf_model

PREFIX = "pipeline prefix, then first-layer updates"


def _net():
    from scikeras.wrappers import KerasClassifier

    return KerasClassifier(scikeras_clf_model, model__hidden=8, epochs=5, verbose=0)


@pytest.fixture(scope="module")
def frame(clf_data):
    """Six numeric columns and two categorical ones (three and four levels)."""
    X, y = clf_data
    df = pd.DataFrame(X, columns=list("abcdef"))
    df["level"] = np.where(X[:, 0] > 0.5, "hi", np.where(X[:, 0] < -0.5, "lo", "mid"))
    df["noise"] = np.random.RandomState(0).choice(list("wxyz"), len(df))
    return df, y


def _one_hot_transformer():
    return ColumnTransformer(
        [
            ("num", StandardScaler(), ["a", "b", "c"]),
            ("oh", OneHotEncoder(sparse_output=False), ["level", "noise"]),
            ("min_max", MinMaxScaler(), ["d"]),
            ("skip", "drop", ["f"]),
        ],
        remainder="passthrough",
    )


@pytest.fixture(scope="module")
def scaled_net(clf_data):
    X, y = clf_data
    keras.utils.set_random_seed(0)
    return make_pipeline(StandardScaler(), _net()).fit(X * 3.0 + 1.0, y)


def test_standard_scaler_then_network_uses_the_updates(scaled_net, clf_data):
    X, y = clf_data
    est = scaled_net
    check_fast_path_equals_plain(
        est,
        X,
        y,
        scoring="neg_log_loss",
        path=PREFIX,
        n_repeats=2,
        against_sklearn=True,
    )
    check_fast_path_equals_plain(
        est, X, y, scoring="accuracy", path=PREFIX, feature_groups=[[0, 1], [2, 5]]
    )


def test_column_transformer_with_one_hot_uses_rank_k_updates(frame):
    """Each categorical column is a block of one-hot columns (rank-k update);
    a passthrough column, a dropped one (no output: importance 0) and groups."""
    df, y = frame
    est = make_pipeline(_one_hot_transformer(), _net()).fit(df, y)
    check_fast_path_equals_plain(
        est,
        df,
        y,
        scoring="neg_log_loss",
        path=PREFIX,
        n_repeats=2,
        against_sklearn=True,
    )
    result = check_fast_path_equals_plain(
        est,
        df,
        y,
        scoring="neg_log_loss",
        path=PREFIX,
        feature_groups={"cats": ["level", "noise"], "ad": ["a", "d"], "f": ["f"]},
        max_samples=200,
    )
    # permuting the dropped column changes nothing: every repeat scores the
    # 200 drawn rows unpermuted (their score differs from the baseline's)
    dropped = result.importances[result.group_names.index("f")]
    assert np.all(dropped == dropped[0])


def test_column_blocks_of_known_transformers(frame):
    df, _ = frame
    ct = _one_hot_transformer().fit(df)
    blocks = column_blocks(ct, df.shape[1])
    widths = [len(b) for b in blocks]
    # a, b, c scaled; d min-max; e passed through; f dropped; 3 + 4 one-hot
    assert widths == [1, 1, 1, 1, 1, 0, 3, 4]
    out = np.concatenate(blocks)
    assert sorted(out) == list(range(ct.transform(df).shape[1]))
    # the one-hot block of "level" is where its categories are
    level = ct.transform(df)[:, blocks[6]]
    assert np.all(level.sum(axis=1) == 1)
    chain = make_pipeline(SimpleImputer(), RobustScaler(), MaxAbsScaler())
    chain.fit(df[list("abc")])
    assert [b.tolist() for b in column_blocks(chain, 3)] == [[0], [1], [2]]
    with_indicator = SimpleImputer(add_indicator=True).fit([[np.nan], [1.0]])
    assert column_blocks(with_indicator, 1) is None
    dropped = ColumnTransformer(
        [("ord", OrdinalEncoder(), ["level"]), ("skip", "drop", ["a"])]
    ).fit(df)
    assert [len(b) for b in column_blocks(dropped, df.shape[1])][:1] == [0]
    assert column_blocks(dropped, df.shape[1])[6].tolist() == [0]


@pytest.mark.parametrize(
    "transformer", [PCA(3), PolynomialFeatures(2)], ids=["pca", "polynomial"]
)
def test_transformers_mixing_columns_are_not_prefixes(transformer, clf_data):
    X, _ = clf_data
    assert column_blocks(transformer.fit(X), X.shape[1]) is None


def test_mixing_prefix_falls_back_to_the_plain_path(scaled_net, clf_data):
    """PCA before the network (trained after a scaler: any fitted network of
    six inputs will do to measure it)."""
    X, y = clf_data
    est = Pipeline([("pca", PCA(6).fit(X)), ("net", scaled_net[-1])])
    check_fast_path_equals_plain(est, X, y, scoring="neg_log_loss", path=None)


def test_each_path_says_why_it_does_not_apply(frame):
    df, y = frame
    network = keras.Sequential([keras.Input((6,)), keras.layers.Dense(1)])
    saved = make_responder(FittedKerasModel(network))
    request = FastPathRequest(saved, df[list("abcdef")], None, [[0]], ("predict",))
    reasons = dict(fast_path_reasons(request))
    assert reasons["first-layer updates"] is None  # a numeric DataFrame
    text = df[list("abcdef")].assign(a="x")
    request = FastPathRequest(saved, text, None, [[0]], ("predict",))
    reasons = dict(fast_path_reasons(request))
    assert reasons["first-layer updates"] == "X is a DataFrame with non-numeric columns"
    assert "Pipeline" in reasons[PREFIX]
    no_methods = FastPathRequest(saved, df, None, [[0]], ())
    assert all(
        r == "no response method is needed" for _, r in fast_path_reasons(no_methods)
    )
