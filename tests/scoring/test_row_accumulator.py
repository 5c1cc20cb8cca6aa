"""Row-level importances (``row_level=True``, for the row-level test): each
row's drop in score, which averages to the scorer's drop."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression, Ridge

from skimportance._importance.compute import ImportanceOptions, compute_importances

from ..conftest import _logistic


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
