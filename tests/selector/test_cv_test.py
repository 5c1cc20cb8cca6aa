"""The CV-mode test (``cv_test``) and what it combines (``split_results_``)."""

import numpy as np
import pytest
from scipy import stats
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression

from skimportance import KerasImportanceSelector
from skimportance._statistics import fold_test

from ..conftest import _logistic


def test_split_results_carry_what_the_test_combines():
    X, y = _logistic(0, n=300)
    w = np.random.RandomState(1).lognormal(size=300)
    sel = KerasImportanceSelector(
        LogisticRegression(), cv=3, n_repeats=3, random_state=0
    ).fit(X, y, sample_weight=w)
    split = sel.split_results_
    assert sel.cv_test == "fold"
    assert split["importances"].shape == split["variances"].shape == (3, 10)
    # each split's importance is the mean of its repeats
    np.testing.assert_allclose(
        split["importances"], sel.importances_.reshape(10, 3, 3).mean(axis=2).T
    )
    np.testing.assert_allclose(
        split["importances"].mean(axis=0), sel.feature_importances_
    )
    assert split["n_rows"].sum() == 300 and np.all(split["variances"] > 0)
    # Kish's effective rows: fewer than the rows under skewed weights
    assert np.all(split["n_effective"] < 0.7 * split["n_rows"])
    # the default test is the folds' z-scores from these numbers
    centre, se, df, _ = fold_test(split["importances"], split["variances"])
    np.testing.assert_allclose(sel.pvalues_, stats.t.sf(centre / se, df), rtol=1e-10)
    # a scorer that is not a mean over rows: no row-level variances
    auc = KerasImportanceSelector(
        LogisticRegression(), cv=3, n_repeats=2, scoring="roc_auc", random_state=0
    ).fit(X, y)
    assert auc.test_ == "split" and np.isnan(auc.split_results_["variances"]).all()
    assert auc.split_results_["importances"].shape == (3, 10)


def test_an_l1_model_keeps_its_strong_input_with_few_quiet_inputs():
    """Nine inputs the model ignores exactly have no spread: no quiet input
    to pool. Without the prior the t reference had 2 degrees (p 0.0055,
    BH-adjusted 0.055: the strong input was dropped)."""
    X, y = _logistic(0, n=400, coefs=(1.5,))
    est = LogisticRegression(l1_ratio=1, C=0.05, solver="liblinear")
    sel = KerasImportanceSelector(
        est, cv=3, max_samples=0.5, random_state=0, min_features_to_select=0
    ).fit(X, y)
    assert sel.pvalues_[0] < 1e-4 and sel.get_support()[0]
    assert sel.get_support().sum() == 1


@pytest.mark.slow
def test_fold_test_holds_alpha_where_the_row_test_does_not():
    """Exact nulls (y independent of all 10 inputs) and gradient boosting,
    which fits noise: the same 40 datasets under both tests (~20 s)."""
    kept = {"fold": 0, "row": 0}
    for seed in range(40):
        rng = np.random.RandomState(seed)
        X, y = rng.normal(size=(300, 10)), rng.randint(2, size=300)
        for test in kept:
            model = HistGradientBoostingClassifier(
                max_iter=30, early_stopping=False, random_state=seed
            )
            sel = KerasImportanceSelector(
                model, cv=3, cv_test=test, refit=False, random_state=seed
            )
            sel.set_params(min_features_to_select=0).fit(X, y)
            kept[test] += int(np.sum(sel.pvalues_ < 0.05))
    trials = 400
    assert kept["fold"] / trials <= 0.06
    assert kept["row"] > kept["fold"]
