"""Preprocessing layers survive make_trainable's copies (issue 23): re-adapted
on each split's training rows, or their state kept where impossible."""

import warnings

import keras
import numpy as np
from numpy.testing import assert_allclose

from skimportance import KerasImportanceSelector
from skimportance._keras.preprocessing import readapt
from skimportance.wrappers import make_trainable


def _income(n=300, seed=0):
    rng = np.random.default_rng(seed)
    X = np.column_stack([rng.normal(50_000, 15_000, n), rng.normal(size=n)])
    y = (X[:, 0] > 50_000).astype(int)
    return X, y


def _normalized_model(X):
    norm = keras.layers.Normalization()
    norm.adapt(X)
    model = keras.Sequential(
        [keras.Input((2,)), norm, keras.layers.Dense(1, activation="sigmoid")]
    )
    model.compile(keras.optimizers.Adam(0.05), "binary_crossentropy")
    return model


def test_copy_normalization_is_adapted_on_the_training_rows():
    X, y = _income()
    model = _normalized_model(X)
    before = [w.copy() for w in model.layers[0].get_weights()]
    est = make_trainable(model, epochs=1, verbose=0).fit(X[:100], y[:100])
    mean = est.model_.layers[0].mean.numpy().ravel()
    assert_allclose(mean, X[:100].mean(axis=0), rtol=1e-4)  # not 0, not all rows
    for got, want in zip(model.layers[0].get_weights(), before):
        assert_allclose(got, want)  # the original is untouched


def test_selector_splits_keep_a_skilled_baseline():
    X, y = _income()
    keras.utils.set_random_seed(0)
    est = make_trainable(_normalized_model(X), epochs=3, verbose=0)
    sel = KerasImportanceSelector(est, cv=2, n_repeats=2, random_state=0)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        sel.fit(X, y)
    assert not [w for w in record if "no better than" in str(w.message)]
    assert (sel.baseline_scores_ > -0.5).all()  # was about -8.0 per split
    assert sel.get_support()[0]


def test_discretization_re_adapted_lookup_kept():
    codes = np.array([[3], [7], [7], [9]])
    lookup = keras.layers.IntegerLookup(output_mode="one_hot")
    lookup.adapt(codes)
    bins = keras.layers.Discretization(num_bins=2)
    bins.adapt(np.array([[0.0], [1.0], [2.0], [3.0]]))
    for layer, data in ((lookup, codes[:2]), (bins, np.array([[10.0], [20.0]]))):
        model = keras.Sequential([keras.Input((1,)), layer])
        copy = keras.models.clone_model(model)
        readapt(copy, model, data)
        if hasattr(layer, "get_vocabulary"):
            # the vocabulary travels in the configuration, and a lookup with a
            # vocabulary cannot re-adapt: the copy keeps the original's
            assert sorted(copy.layers[0].get_vocabulary()[1:]) == [3, 7, 9]
        else:
            assert copy.layers[0].bin_boundaries[0] >= 10


def test_state_given_in_the_constructor_is_left_alone():
    norm = keras.layers.Normalization(mean=[5.0], variance=[4.0])
    model = keras.Sequential([keras.Input((1,)), norm])
    copy = keras.models.clone_model(model)
    readapt(copy, model, np.array([[0.0], [100.0]]))
    assert_allclose(copy.predict(np.array([[5.0]]), verbose=0), [[0.0]])
