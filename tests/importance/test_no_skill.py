"""The no-skill guard (issue 23): a baseline no better than predicting the
class frequencies (or the mean of y) warns once, naming the likely causes;
a model with skill does not."""

import warnings

import keras
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression, Ridge

from skimportance import KerasImportanceSelector, permutation_importance
from skimportance._scoring.no_skill import no_skill_score


def _data(n=300, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = (2 * X[:, 0] + rng.normal(size=n) > 0).astype(int)
    return X, y


def _no_skill_warnings(record):
    return [w for w in record if "no better than" in str(w.message)]


def test_reference_is_the_class_frequencies_and_the_mean():
    y = np.array([0, 1, 1, 1])
    assert no_skill_score("neg_log_loss", y) == pytest.approx(
        0.25 * np.log(0.25) + 0.75 * np.log(0.75)
    )
    assert no_skill_score("accuracy", y) == 0.75
    assert no_skill_score("neg_brier_score", y) == pytest.approx(-0.1875)
    assert no_skill_score("r2", [1.0, 2.0, 4.0]) == 0.0
    assert no_skill_score("neg_mean_squared_error", [1.0, 2.0, 3.0]) == pytest.approx(
        -2 / 3
    )
    assert no_skill_score("roc_auc", y) is None


@pytest.mark.parametrize("scoring", [None, "neg_log_loss", "accuracy"])
def test_labels_in_the_opposite_sense_warn_once(scoring):
    X, y = _data()
    clf = LogisticRegression().fit(X, y)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        permutation_importance(clf, X, 1 - y, scoring=scoring, n_repeats=2)
    (w,) = _no_skill_warnings(record)
    for cause in ("order", "untrained", "preprocessing"):
        assert cause in str(w.message)
    assert w.filename == __file__  # points at the caller
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        permutation_importance(clf, X, y, scoring=scoring, n_repeats=2)
    assert not _no_skill_warnings(record)


def test_columns_in_another_order_warn_in_the_selector():
    X, y = _data()
    clf = LogisticRegression().fit(X, y)
    selector = KerasImportanceSelector(clf, cv="prefit", n_repeats=2)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        selector.fit(X[:, ::-1], y)
    assert len(_no_skill_warnings(record)) == 1


def test_untrained_network_warns_per_split_once():
    X, y = _data()
    model = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")]
    )
    with pytest.warns(UserWarning, match="no better than"):
        permutation_importance(model, X * 5, y, n_repeats=2, random_state=0)
    # a regressor that learned nothing: every split warns, one warning in all
    rng = np.random.default_rng(0)
    y_noise = rng.normal(size=len(X))
    selector = KerasImportanceSelector(Ridge(), cv=3, n_repeats=2)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        selector.fit(X, y_noise)
    (w,) = _no_skill_warnings(record)
    assert "split" in str(w.message)
