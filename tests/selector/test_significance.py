"""The selector's test (``_statistics``, through the selector): the row-level test, the
split-level fallback, multiple testing, calibrated p-values and intervals."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from skimportance import KerasImportanceSelector
from skimportance._selector.rules import importance_pvalues
from skimportance._statistics import adjust_pvalues

from ..conftest import _logistic

# ---------------------------------------------------------- the tests by hand


def test_pvalues_use_splits_as_units():
    rng = np.random.RandomState(0)
    # split means 0.1, 0.2, 0.3 (with noise within): clearly positive
    imp = np.repeat([[0.1, 0.2, 0.3]], 2, axis=0).repeat(4, axis=1)
    imp = imp + rng.normal(0, 0.01, imp.shape)
    imp[1] -= 0.2  # split means -0.1, 0.0, 0.1: no evidence
    p = importance_pvalues(imp, n_splits=3)
    assert p[0] < 0.05 and p[1] > 0.3
    assert importance_pvalues(np.zeros((1, 6)), 3)[0] == 1.0


# --------------------------------------------------------------- the selector
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


def test_pvalues_are_calibrated_on_noise_features():
    """The corrected resampled t-test keeps false positives near alpha."""
    pvalues = []
    for seed in range(12):
        rng = np.random.RandomState(seed)
        X = rng.normal(size=(300, 8))
        y = (rng.uniform(size=300) < 1 / (1 + np.exp(-2 * X[:, 0]))).astype(int)
        sel = KerasImportanceSelector(LogisticRegression(), cv=5, random_state=seed)
        pvalues.append(sel.fit(X, y).pvalues_[1:])
        assert sel.pvalues_[0] < 0.01
    assert np.mean(np.concatenate(pvalues) < 0.05) <= 0.08


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
    for test in ("fold", "row"):
        fitted = KerasImportanceSelector(
            LogisticRegression(), cv=3, random_state=0, cv_test=test
        ).fit(X, y)
        ci = fitted.feature_importances_ci_
        assert np.all(ci[:, 0] <= fitted.feature_importances_)
        assert np.all(fitted.feature_importances_ <= ci[:, 1])
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
    # cv_test="fold": 3 quiet inputs at cv=2 give 3 degrees, the prior 8
    # more (before the prior: p about 0.006); p about 2e-4; the rows alone,
    # below 1e-6
    assert sel.test_ == "row" and sel.pvalues_[0] < 0.01
    assert sel.get_support()[0]
    row = KerasImportanceSelector(
        LogisticRegression(), cv=2, n_repeats=2, random_state=0, cv_test="row"
    ).fit(X, y)
    assert row.pvalues_[0] < 1e-6


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


def test_keras_prefit_uses_the_row_level_test(scikeras_clf, clf_data):
    X, y = clf_data
    sel = KerasImportanceSelector(scikeras_clf, cv="prefit", random_state=0).fit(X, y)
    assert sel.test_ == "row"
    assert np.isfinite(sel.pvalues_).all()
    low, high = sel.feature_importances_ci_.T
    assert np.all(low <= sel.feature_importances_) and np.all(
        sel.feature_importances_ <= high
    )
