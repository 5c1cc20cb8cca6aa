"""The selector's support (``_selector.support``): one source of truth. The
support, ``threshold_`` and the adjusted p-values follow the selection
parameters in force (as ``SelectFromModel``'s threshold does), together."""

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression

from skimportance import KerasImportanceSelector, importance_report
from skimportance._selector.rules import support_mask
from skimportance._statistics import adjust_pvalues


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 6))
    y = X[:, 0] + 0.4 * X[:, 1] + 0.25 * X[:, 2] + rng.normal(size=300) > 0
    sel = KerasImportanceSelector(
        LogisticRegression(), cv=3, n_repeats=3, random_state=0
    ).fit(X, y.astype(int))
    return sel, X


def _agree(sel):
    adjusted = adjust_pvalues(sel.group_pvalues_, sel.multiple_testing)
    np.testing.assert_array_equal(sel.pvalues_adjusted_, adjusted)
    np.testing.assert_array_equal(sel.group_pvalues_adjusted_, adjusted)
    expected = support_mask(
        sel.feature_importances_,
        sel.pvalues_adjusted_,
        threshold=sel.threshold,
        alpha=sel.alpha,
        max_features=sel.max_features,
        min_features_to_select=sel.min_features_to_select,
    )
    np.testing.assert_array_equal(sel.get_support(), expected)
    np.testing.assert_array_equal(sel.group_support_, expected)
    report = importance_report(sel)
    kept = report["kept"].reindex([f"x{j}" for j in range(len(expected))])
    np.testing.assert_array_equal(kept.to_numpy(), expected)


@pytest.mark.parametrize(
    "params",
    [
        {"multiple_testing": "none", "alpha": 0.3},
        {"multiple_testing": "holm"},
        {"threshold": "mean"},
        {"max_features": 1, "multiple_testing": "none", "alpha": 0.5},
        {"min_features_to_select": 0, "alpha": 0.001},
    ],
)
def test_support_and_adjusted_pvalues_follow_set_params_together(fitted, params):
    sel, X = fitted
    before = sel.get_support().copy()
    original = {k: sel.get_params()[k] for k in params}
    try:
        sel.set_params(**params)
        _agree(sel)
        n_kept = sel.transform(X).shape[1]
        assert n_kept == sel.get_support().sum()
    finally:
        sel.set_params(**original)
    np.testing.assert_array_equal(sel.get_support(), before)


def test_none_and_alpha_grow_the_support_and_the_pvalues_become_raw(fitted):
    sel, _ = fitted
    n_before = sel.get_support().sum()
    sel.set_params(multiple_testing="none", alpha=0.3)
    try:
        np.testing.assert_array_equal(sel.pvalues_adjusted_, sel.pvalues_)
        assert sel.get_support().sum() > n_before
    finally:
        sel.set_params(multiple_testing="fdr_bh", alpha=0.05)


def test_a_callable_max_features_is_called_on_fits_x():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 8))
    y = (X[:, 0] + X[:, 1] + X[:, 2] > 0).astype(int)
    calls = []

    def half(X):
        calls.append(X.shape)
        return X.shape[1] // 4

    model = LogisticRegression().fit(X, y)
    sel = KerasImportanceSelector(
        model, cv="prefit", max_features=half, random_state=0
    ).fit(X, y)
    assert sel.get_support().sum() == 2 and calls == [(200, 8)]
    sel.transform(X[:5])
    assert calls == [(200, 8)]  # not called again
    sel.set_params(max_features=lambda X: 1)
    with pytest.raises(NotFittedError, match="call fit again"):
        sel.get_support()
    assert sel.fit(X, y).get_support().sum() == 1
