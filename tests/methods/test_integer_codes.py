"""Integer-coded inputs under method="conditional" (issue 23): drawn among the
observed codes, kind read from the dtype, overridable."""

import keras
import numpy as np
import pandas as pd
import pytest

from skimportance import ConditionalSampler, permutation_importance
from skimportance.wrappers import FittedKerasModel


def _embedding_model(n_codes=20):
    codes = keras.Input((1,), dtype="int32")
    other = keras.Input((1,))
    emb = keras.layers.Flatten()(keras.layers.Embedding(n_codes, 2)(codes))
    out = keras.layers.Dense(1, activation="sigmoid")(
        keras.layers.Concatenate()([emb, other])
    )
    inner = keras.Model([codes, other], out)
    flat = keras.Input((2,))
    code = keras.layers.Lambda(lambda t: keras.ops.cast(t[:, :1], "int32"))(flat)
    model = keras.Model(flat, inner([code, flat[:, 1:]]))
    return model


def test_integer_codes_feeding_an_embedding_stay_in_range():
    rng = np.random.default_rng(0)
    n = 300
    code = rng.integers(0, 20, n)
    other = code / 20 + rng.normal(scale=0.1, size=n)
    X = pd.DataFrame({"code": code, "other": other})
    y = (code % 2).astype(int)
    model = _embedding_model()
    clf = FittedKerasModel(model, task="classification")
    # was: InvalidArgumentError indices[...] = 20 is not in [0, 20); the
    # network is untrained, which the no-skill guard says
    with pytest.warns(UserWarning, match="no better than"):
        result = permutation_importance(
            clf, X, y, method="conditional", n_repeats=2, random_state=0
        )
    assert np.isfinite(result.importances).all()


def test_kind_from_dtype_and_overridable():
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.integers(0, 30, 200), rng.normal(size=200)])
    frame = pd.DataFrame({"code": X[:, 0].astype(int), "x": X[:, 1]})
    groups = [[0], [1]]
    by_dtype = ConditionalSampler().with_dtypes(frame).fit(X, groups)
    assert by_dtype.feature_types_.tolist() == ["categorical", "continuous"]
    as_floats = ConditionalSampler().with_dtypes(X).fit(X, groups)
    assert as_floats.feature_types_.tolist() == ["continuous", "continuous"]
    given = ConditionalSampler(feature_types=["continuous", "continuous"])
    assert given.with_dtypes(frame).fit(X, groups).feature_types_[0] == "continuous"
    draws = by_dtype.replacements(X, np.array([rng.permutation(200)]), 0)
    values = np.asarray(draws.group_values(0, 0, 0, 200)).ravel()
    assert set(values) <= set(X[:, 0])
