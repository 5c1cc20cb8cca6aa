"""Selection rules (``_selector.rules``): thresholds, the test, the count caps
and forced inputs, and the ranking RFE reads (``rfe_importance``)."""

import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator
from sklearn.feature_selection import RFE, RFECV
from sklearn.linear_model import LogisticRegression

from skimportance import KerasImportanceSelector, rfe_importance
from skimportance._selector.rules import (
    forced_features,
    resolve_threshold,
    support_mask,
)

from ..conftest import _logistic, scikeras_clf_model

IMPORTANCES = np.array([0.4, -0.1, 0.2, 0.05, 0.0])


# ----------------------------------------------------------------- thresholds
@pytest.mark.parametrize(
    "threshold, expected",
    [
        (None, None),
        (0.1, 0.1),
        ("mean", 0.11),
        ("median", 0.05),
        ("2*median", 0.1),
        (" 1.5 * mean ", 0.165),
    ],
)
def test_resolve_threshold(threshold, expected):
    got = resolve_threshold(threshold, IMPORTANCES)
    assert got == (None if expected is None else pytest.approx(expected))


@pytest.mark.parametrize("bad", ["max", "mean*2", float("nan"), True])
def test_resolve_threshold_refuses(bad):
    with pytest.raises(ValueError, match="threshold"):
        resolve_threshold(bad, IMPORTANCES)


@pytest.mark.parametrize(
    "threshold, expected",
    [
        (0.15, [0]),
        ("mean", [0, 1]),
        ("median", [0, 1, 2]),
        ("1.5*mean", [0]),
        ("0.5 * median", [0, 1, 2]),
        ("5*median", [0, 1]),
    ],
)
def test_threshold_forms(threshold, expected):
    importances = np.array([0.3, 0.12, 0.02, 0.0, -0.01])
    mask = support_mask(importances, np.zeros(5), threshold=threshold)
    np.testing.assert_array_equal(np.flatnonzero(mask), expected)


def test_threshold_never_rewards_a_negative_importance():
    mask = support_mask(IMPORTANCES, None, threshold=-1.0, min_features_to_select=0)
    assert mask.tolist() == [True, False, True, True, False]


def test_negative_importance_is_never_rewarded():
    importances = np.array([0.5, -0.4, 0.0, 0.1, -0.05])
    pvalues = np.array([0.0, 0.0, 1.0, 0.01, 0.0])
    # sklearn's SelectFromModel would keep |-0.4| >= threshold
    assert list(support_mask(importances, pvalues, threshold=-1.0)) == [
        True,
        False,
        False,
        True,
        False,
    ]
    assert list(support_mask(importances, pvalues)) == [True, False, False, True, False]
    assert list(support_mask(importances, pvalues, threshold="mean")) == [
        True,
        False,
        False,
        True,
        False,
    ]
    # only an explicit minimum count can take a non-positive feature
    assert (
        support_mask(
            importances, pvalues, threshold=0.3, min_features_to_select=3
        ).sum()
        == 3
    )


@pytest.mark.parametrize(
    "threshold", ["mean", "median", "1.25*mean", " 0.5 * median", 0.01]
)
def test_valid_thresholds_pass(data, threshold):
    X, y, _ = data
    sel = KerasImportanceSelector(LogisticRegression(), cv=2, threshold=threshold)
    assert sel.fit(X, y).get_support()[0]


# ------------------------------------ the test, the count caps, forced inputs
def test_significance_keeps_positive_importances_below_alpha():
    pvalues = np.array([0.001, 0.001, 0.2, 0.01, np.nan])
    mask = support_mask(IMPORTANCES, pvalues, alpha=0.05, min_features_to_select=0)
    # x1 has a small p-value but a negative importance: never kept
    assert mask.tolist() == [True, False, False, True, False]


def test_count_caps_and_forced_features():
    pvalues = np.full(5, 0.5)  # nothing passes the test
    mask, forced = support_mask(
        IMPORTANCES, pvalues, min_features_to_select=2, return_forced=True
    )
    assert mask.tolist() == [True, False, True, False, False] and forced == [0, 2]
    capped = support_mask(IMPORTANCES, None, threshold=0.0, max_features=1)
    assert capped.tolist() == [True, False, False, False, False]
    text = forced_features(IMPORTANCES, pvalues, forced, list("abcde"))
    assert text.startswith("a (importance +0.4, p=0.5)") and "c (" in text


def test_forced_input_is_named_in_a_warning():
    rng = np.random.RandomState(1)
    X = rng.normal(size=(200, 4))
    y = rng.randint(2, size=200)  # pure noise
    sel = KerasImportanceSelector(LogisticRegression(), cv=2, random_state=0)
    with pytest.warns(UserWarning, match=r"min_features_to_select=1 kept 1 input"):
        sel.fit(X, y)
    (j,) = sel.get_support(indices=True)
    assert j == np.argmax(sel.feature_importances_)
    # a negative importance kept on request is named with its sign
    negative = np.flatnonzero(sel.feature_importances_ < 0)
    assert negative.size
    with pytest.warns(UserWarning, match=rf"x{negative[0]} \(importance -"):
        sel.set_params(min_features_to_select=4).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # y is pure noise: the no-skill guard rightly warns; nothing else may
        warnings.filterwarnings("ignore", message=".*no better than")
        sel.set_params(min_features_to_select=0).fit(X, y)
    assert not sel.get_support().any()


# -------------------------------------------------- RFE reads the importances
def test_rfe_and_rfecv_read_feature_importances(informative_first):
    X, y = informative_first
    inner = KerasImportanceSelector(
        LogisticRegression(), cv=2, n_repeats=2, random_state=0
    )
    rfe = RFE(inner, n_features_to_select=3).fit(X, y)
    np.testing.assert_array_equal(rfe.get_support(indices=True), [0, 1, 2])
    rfecv = RFECV(inner, cv=2, step=2).fit(X, y)
    assert 3 <= rfecv.n_features_ <= 8
    assert rfecv.support_[:3].all()


def test_rfe_with_scikeras(clf_data):
    from scikeras.wrappers import KerasClassifier

    X, y = clf_data
    inner = KerasImportanceSelector(
        KerasClassifier(scikeras_clf_model, epochs=5, verbose=0),
        cv=2,
        n_repeats=2,
        random_state=0,
    )
    rfe = RFE(inner, n_features_to_select=3, step=3).fit(X, y)
    # make_classification shuffles the columns: clf_data's informative ones are
    # 1, 3 and 4 (the others are noise); the network's importances rank them
    # first, and RFE drops the three noise columns in its one step
    np.testing.assert_array_equal(rfe.ranking_, [2, 1, 2, 1, 1, 2])
    np.testing.assert_array_equal(rfe.get_support(indices=True), [1, 3, 4])


class _FixedImportances(BaseEstimator):
    """An estimator reporting given importances (the first n of them)."""

    def __init__(self, values=(-5.0, 0.1, 1.0)):
        self.values = values

    def fit(self, X, y):
        self.feature_importances_ = np.asarray(self.values)[: X.shape[1]]
        return self


def test_rfe_importance_ranks_negative_importances_lowest():
    X, y = _logistic(0, n=50, n_inputs=3)
    # RFE squares what it reads: -5 counts as the most important input
    squared = RFE(_FixedImportances(), n_features_to_select=2).fit(X, y)
    assert list(squared.support_) == [True, False, True]
    ranked = RFE(
        _FixedImportances(), n_features_to_select=2, importance_getter=rfe_importance
    ).fit(X, y)
    assert list(ranked.support_) == [False, True, True]
    X, y = _logistic(1, n=300, coefs=(2.0, -2.0), n_inputs=5)
    rfe = RFE(
        KerasImportanceSelector(
            LogisticRegression(), cv=2, n_repeats=2, random_state=0
        ),
        n_features_to_select=2,
        importance_getter=rfe_importance,
    ).fit(X, y)
    assert list(rfe.get_support(indices=True)) == [0, 1]
