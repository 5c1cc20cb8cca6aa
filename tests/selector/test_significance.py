"""Row-level inference, split-level fallback, multiple testing, forced inputs, RFE."""

import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator
from sklearn.feature_selection import RFE
from sklearn.linear_model import LogisticRegression, Ridge

from skimportance import KerasImportanceSelector, rfe_importance
from skimportance._importance.compute import ImportanceOptions, compute_importances
from skimportance._selector.significance import adjust_pvalues, row_level_test


def _logistic(seed, n=600, coefs=(1.0, 0.25), n_inputs=10):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, n_inputs))
    logit = X[:, : len(coefs)] @ np.asarray(coefs)
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(int)
    return X, y


# ------------------------------------------------------------ the engine
@pytest.mark.parametrize(
    "scoring",
    [
        "neg_log_loss",
        "accuracy",
        "neg_brier_score",
        "r2",
        "neg_mean_squared_error",
        "neg_mean_absolute_error",
    ],
)
def test_row_importances_average_to_the_scorer_drop(scoring):
    X, y = _logistic(0, n=300)
    rng = np.random.RandomState(1)
    w = rng.uniform(0.5, 2.0, size=300)
    if scoring in ("r2", "neg_mean_squared_error", "neg_mean_absolute_error"):
        y = X[:, 0] + 0.5 * rng.normal(size=300)
        est = Ridge().fit(X, y)
    else:
        est = LogisticRegression().fit(X, y)
    common = dict(scoring=scoring, sample_weight=w)
    options = ImportanceOptions(n_repeats=3, random_seed=4)
    plain = compute_importances(est, X, y, options=options, **common)[0]["score"]
    options = ImportanceOptions(n_repeats=3, random_seed=4, row_level=True)
    rows = compute_importances(est, X, y, options=options, **common)[0]["score"]
    assert rows.row_importances.shape == (10, 300)
    np.testing.assert_allclose(rows.importances, plain.importances, atol=1e-12)
    np.testing.assert_allclose(
        np.average(rows.row_importances, axis=1, weights=w),
        plain.importances_mean,
        atol=1e-12,
    )


def test_scorers_that_are_not_row_means_have_no_row_importances():
    X, y = _logistic(0, n=200)
    est = LogisticRegression().fit(X, y)
    options = ImportanceOptions(row_level=True)
    result = compute_importances(est, X, y, scoring="roc_auc", options=options)[0]
    assert "row_importances" not in result["score"]


def test_row_level_test_by_hand():
    rng = np.random.RandomState(0)
    D = rng.normal(0.1, 1.0, size=(1, 50))
    mean, se, p, ci = row_level_test([D], [None], [np.arange(50)], alpha=0.05)
    assert mean[0] == pytest.approx(D.mean())
    assert se[0] == pytest.approx(D.std(ddof=1) / np.sqrt(50))
    # the interval's lower end is the one-sided bound: it is above 0 iff p < alpha
    assert (ci[0, 0] > 0) == (p[0] < 0.05)
    # two disjoint splits: the mean of split means, variances added
    E = rng.normal(size=(1, 30))
    mean2, se2, _, _ = row_level_test(
        [D, E], [None, None], [np.arange(50), np.arange(50, 80)]
    )
    assert mean2[0] == pytest.approx((D.mean() + E.mean()) / 2)
    expected = np.sqrt(D.var(ddof=1) / 50 + E.var(ddof=1) / 30) / 2
    assert se2[0] == pytest.approx(expected)
    # the same rows in two splits (repeated CV) are one observation each
    same, se_same, _, _ = row_level_test([D, D], [None, None], [np.arange(50)] * 2)
    assert se_same[0] == pytest.approx(se[0])
    # weights: a row of weight 0 does not count
    w = np.ones(50)
    w[0] = 0.0
    mean_w, _, _, _ = row_level_test([D], [w], [np.arange(50)])
    assert mean_w[0] == pytest.approx(D[0, 1:].mean())


def test_multiple_testing_adjustments():
    p = np.array([0.01, 0.04, 0.03, 0.5, np.nan])
    np.testing.assert_allclose(
        adjust_pvalues(p, "holm"), [0.04, 0.09, 0.09, 0.5, np.nan]
    )
    np.testing.assert_allclose(
        adjust_pvalues(p, "fdr_bh"), [0.04, 0.16 / 3, 0.16 / 3, 0.5, np.nan]
    )
    np.testing.assert_array_equal(adjust_pvalues(p, "none"), p)


# ---------------------------------------------------------- the selector
def test_prefit_pvalues_of_exact_nulls_are_valid():
    """Before: a t-test over repeats called 34-37% of noise inputs significant."""
    pvalues = []
    for seed in range(8):
        X, y = _logistic(seed)
        est = LogisticRegression().fit(X[:300], y[:300])
        sel = KerasImportanceSelector(
            est, cv="prefit", n_repeats=20, random_state=seed
        ).fit(X[300:], y[300:])
        assert sel.test_ == "row"
        assert sel.pvalues_[0] < 1e-4  # the strong input
        pvalues.append(sel.pvalues_[2:])
    pvalues = np.concatenate(pvalues)
    assert np.mean(pvalues < 0.05) <= 0.125  # 64 nulls: 8 or fewer
    assert np.median(pvalues) > 0.2


def test_cv_attributes_intervals_and_adjusted_pvalues():
    X, y = _logistic(0)
    sel = KerasImportanceSelector(
        LogisticRegression(), cv=3, random_state=0, multiple_testing="holm"
    ).fit(X, y)
    assert sel.test_ == "row"
    n = X.shape[1]
    assert sel.feature_importances_ci_.shape == (n, 2)
    assert sel.pvalues_adjusted_.shape == sel.pvalues_.shape == (n,)
    np.testing.assert_allclose(
        sel.feature_importances_, sel.importances_.mean(axis=1), atol=1e-12
    )
    ci = sel.feature_importances_ci_
    assert np.all(ci[:, 0] <= sel.feature_importances_)
    assert np.all(sel.feature_importances_ <= ci[:, 1])
    np.testing.assert_allclose(
        sel.pvalues_adjusted_, adjust_pvalues(sel.pvalues_, "holm")
    )
    kept = sel.get_support()
    assert kept[0] and not kept[2:].any()
    np.testing.assert_array_equal(
        kept, (sel.pvalues_adjusted_ < 0.05) & (sel.feature_importances_ > 0)
    )


def test_two_splits_do_not_lose_a_strong_input():
    """Before: the split-level test had 1 degree of freedom at cv=2 (p=0.06 for
    an input as important as the kept one); the rows give the evidence now."""
    X, y = _logistic(0, n=300, coefs=(1.0,), n_inputs=4)
    sel = KerasImportanceSelector(
        LogisticRegression(), cv=2, n_repeats=2, random_state=0
    ).fit(X, y)
    assert sel.test_ == "row" and sel.pvalues_[0] < 1e-6
    assert sel.get_support()[0]


def test_non_row_scorer_uses_splits_and_prefit_gives_no_pvalues():
    X, y = _logistic(0, n=300, n_inputs=4)
    sel = KerasImportanceSelector(
        LogisticRegression(), cv=3, scoring="roc_auc", n_repeats=2, random_state=0
    ).fit(X, y)
    assert sel.test_ == "split" and np.isfinite(sel.pvalues_).all()
    est = LogisticRegression().fit(X, y)
    with pytest.warns(UserWarning, match="no valid test"):
        pre = KerasImportanceSelector(
            est, cv="prefit", scoring="roc_auc", n_repeats=2, min_features_to_select=0
        ).fit(X, y)
    assert pre.test_ is None
    assert np.isnan(pre.pvalues_).all() and np.isnan(pre.feature_importances_ci_).all()
    assert not pre.get_support().any()


def test_max_samples_scores_baseline_on_the_same_rows():
    """Before: inputs an L1 model ignores got importance 0.0119, p=0, kept."""
    X, y = _logistic(0, n=400, coefs=(1.5,))
    est = LogisticRegression(l1_ratio=1, C=0.05, solver="liblinear").fit(X, y)
    zero = np.flatnonzero(est.coef_[0] == 0)
    assert len(zero) >= 5
    for cv in ("prefit", 3):
        model = (
            est
            if cv == "prefit"
            else LogisticRegression(l1_ratio=1, C=0.05, solver="liblinear")
        )
        sel = KerasImportanceSelector(
            model, cv=cv, max_samples=0.5, random_state=0, min_features_to_select=0
        ).fit(X, y)
        if cv == "prefit":
            np.testing.assert_array_equal(sel.importances_[zero], 0.0)
            assert np.all(sel.pvalues_[zero] == 1.0)
        assert not sel.get_support()[zero].any()
        assert sel.get_support()[0]


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
    assert sel.feature_importances_[3] < 0
    with pytest.warns(UserWarning, match=r"x3 \(importance -"):
        sel.set_params(min_features_to_select=4).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sel.set_params(min_features_to_select=0).fit(X, y)
    assert not sel.get_support().any()


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


def test_keras_prefit_uses_the_row_level_test(scikeras_clf, clf_data):
    X, y = clf_data
    sel = KerasImportanceSelector(scikeras_clf, cv="prefit", random_state=0).fit(X, y)
    assert sel.test_ == "row"
    assert np.isfinite(sel.pvalues_).all()
    low, high = sel.feature_importances_ci_.T
    assert np.all(low <= sel.feature_importances_) and np.all(
        sel.feature_importances_ <= high
    )
