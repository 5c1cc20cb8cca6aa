"""Edge cases of the row-level test (``_selector.significance``): no p-value
from a meaningless standard error, the loss's scale, clusters (``groups``),
weights (the weighted variance's degrees of freedom), the folds' correlation."""

import numpy as np
import pytest
from scipy import stats
from sklearn import config_context
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import GroupKFold, LeaveOneOut

from skimportance import KerasImportanceSelector
from skimportance._selector.significance import fold_test, row_level_test

from ..conftest import _logistic


# ------------------------------------------------------------------- by hand
def test_a_split_with_one_row_gives_nan():
    rng = np.random.RandomState(0)
    D = [rng.normal(size=(2, 1)) for _ in range(5)]
    _, se, p, ci = row_level_test(D, [None] * 5, [np.array([i]) for i in range(5)])
    assert np.isnan(se).all() and np.isnan(p).all() and np.isnan(ci).all()


def test_flat_drops_relative_to_the_loss_scale():
    rng = np.random.RandomState(0)
    # a loss in units of 1e-12: real spread, not rounding noise
    D = rng.normal(0.0, 1e-13, size=(1, 200))
    _, _, p, _ = row_level_test([D], [None], [np.arange(200)], scale=1e-12)
    assert 0.0 < p[0] < 1.0
    # rounding noise on a loss of order 1: no evidence
    R = rng.normal(0.0, 1e-17, size=(1, 200))
    _, _, p, _ = row_level_test([R], [None], [np.arange(200)], scale=0.7)
    assert p[0] == 1.0
    # the same positive drop in every row: no standard error, no p-value
    _, _, p, _ = row_level_test([np.full((1, 50), 0.1)], [None], [np.arange(50)])
    assert np.isnan(p[0])


def test_clusters_sum_the_influence_by_group():
    rng = np.random.RandomState(0)
    labels = np.repeat(np.arange(20), 10)  # 20 clusters of 10 equal rows
    D = np.repeat(rng.normal(size=20), 10)[np.newaxis]
    _, se_rows, _, _ = row_level_test([D], [None], [np.arange(200)])
    _, se_cl, _, ci = row_level_test([D], [None], [np.arange(200)], clusters=[labels])
    cluster_means = D[0, ::10]
    assert se_cl[0] == pytest.approx(cluster_means.std(ddof=1) / np.sqrt(20))
    assert se_cl[0] > 2.5 * se_rows[0]
    q = stats.t.ppf(0.95, df=19)  # one degree per cluster, less the split
    assert ci[0, 1] - ci[0, 0] == pytest.approx(2 * q * se_cl[0])


def test_weighted_variance_degrees_in_the_reference():
    """The reference has the degrees of freedom of the weighted variance,
    (sum w**2)**2 / sum w**4 (Satterthwaite), fewer than Kish's effective
    rows: log-normal weights in prefit mode were at 6.4% with Kish's."""
    rng = np.random.RandomState(0)
    D = rng.normal(size=(1, 40))
    w = np.r_[np.full(4, 30.0), np.ones(36)]
    _, se, _, ci = row_level_test([D], [w], [np.arange(40)])
    df = np.sum(w**2) ** 2 / np.sum(w**4)
    assert df < w.sum() ** 2 / np.sum(w**2) < 40  # fewer than Kish's rows
    q = stats.t.ppf(0.95, df=df - 1)
    assert ci[0, 1] - ci[0, 0] == pytest.approx(2 * q * se[0])
    # equal weights: the rows, as without weights
    _, _, p_equal, _ = row_level_test([D], [np.full(40, 3.0)], [np.arange(40)])
    _, _, p_none, _ = row_level_test([D], [None], [np.arange(40)])
    np.testing.assert_allclose(p_equal, p_none)


def test_fold_test_allows_for_the_folds_correlation():
    v = np.ones((3, 6))
    # z-scores spread with unit variance over 6 quiet inputs (12 degrees):
    # 1 - rho = (8 * (1 - 0.3) + 12 * 1) / 20, the prior moderating
    spread = np.tile([[-1.0], [0.0], [1.0]], 6)
    centre, se, df, rho = fold_test(spread + 0.5, v)
    assert df == 20 and rho == pytest.approx(0.12)
    np.testing.assert_allclose(centre / se, 1.5 / np.sqrt(3 * (1 + 2 * 0.12)))
    # without the prior: rho from the pool alone, Stouffer's sum
    centre, se, df, rho = fold_test(spread + 0.5, v, prior_df=0)
    assert df == 12 and rho == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(centre / se, 1.5 / np.sqrt(3))
    # no quiet input (every |z| > 2): the prior alone, its 8 degrees
    centre, se, df, rho = fold_test(spread + 3.0, v)
    assert df == 8 and rho == pytest.approx(0.3)
    # equal z-scores: no spread, rho = 1 - 8 * 0.7 / 20
    centre, se, _, rho = fold_test(np.full((3, 6), 0.1), v)
    assert rho == pytest.approx(0.72)
    np.testing.assert_allclose(centre / se, 0.3 / np.sqrt(3 * (1 + 2 * 0.72)))
    # nothing to test (every input without spread): the prior, no arrays
    centre, se, df, rho = fold_test(np.zeros((3, 0)), np.zeros((3, 0)))
    assert centre.shape == se.shape == (0,) and (df, rho) == (8, 0.3)
    # the interval is of the importance itself (the plain mean)
    rng = np.random.RandomState(0)
    D = [rng.normal(0.15, 1.0, size=(6, 40)) for _ in range(3)]
    idx = [np.arange(40 * s, 40 * s + 40) for s in range(3)]
    mean, _, p, ci = row_level_test(D, [None] * 3, idx, variance="fold")
    assert np.all((ci[:, 0] <= mean) & (mean <= ci[:, 1]))
    # prefit (one split): the row-level test either way
    a = row_level_test(D[:1], [None], idx[:1], variance="fold")
    b = row_level_test(D[:1], [None], idx[:1])
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


# ------------------------------------------------------------- the selector
def test_leave_one_out_and_max_samples_one_give_nan_with_a_warning():
    X, y = _logistic(0, n=24, coefs=(2.0,), n_inputs=3)
    for params in (dict(cv=LeaveOneOut()), dict(cv=2, max_samples=1)):
        with pytest.warns(UserWarning, match="NaN p-values: a split has 1"):
            sel = KerasImportanceSelector(
                LogisticRegression(),
                n_repeats=2,
                random_state=0,
                min_features_to_select=0,
                **params,
            ).fit(X, y)
        assert np.isnan(sel.pvalues_).all() and not sel.get_support().any()
    est = LogisticRegression().fit(X, y)
    with pytest.warns(UserWarning, match="NaN p-values"):
        sel = KerasImportanceSelector(
            est, cv="prefit", max_samples=1, n_repeats=2, min_features_to_select=0
        ).fit(X, y)
    assert np.isnan(sel.pvalues_).all()


def test_tiny_loss_scale_gives_valid_pvalues():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 4))
    y = (X[:, 0] + rng.normal(size=120)) * 1e-6
    est = LinearRegression().fit(X[:60], y[:60])
    sel = KerasImportanceSelector(
        est, cv="prefit", scoring="neg_mean_squared_error", random_state=0
    ).fit(X[60:], y[60:])
    assert sel.pvalues_[0] < 1e-3
    assert np.all((sel.pvalues_[1:] > 0) & (sel.pvalues_[1:] <= 1))
    # CV mode, cv_test="fold": the same scale
    sel = KerasImportanceSelector(
        LinearRegression(), cv=3, scoring="neg_mean_squared_error", random_state=0
    ).fit(X, y)
    assert sel.pvalues_[0] < 1e-3 and np.all(sel.pvalues_[1:] > 0)


@pytest.mark.parametrize("routing", [False, True])
def test_group_kfold_groups_enter_the_variance(routing):
    rng = np.random.RandomState(0)
    groups = np.repeat(np.arange(30), 8)
    X = np.repeat(rng.normal(size=(30, 3)), 8, axis=0)  # clustered rows
    X += 0.05 * rng.normal(size=X.shape)
    y = (rng.uniform(size=240) < 1 / (1 + np.exp(-X[:, 0]))).astype(int)
    y = np.repeat(y[::8], 8)  # clustered outcomes too
    params = dict(cv=GroupKFold(3), n_repeats=2, random_state=0, cv_test="row")
    params["min_features_to_select"] = 0
    with config_context(enable_metadata_routing=routing):
        sel = KerasImportanceSelector(LogisticRegression(), **params)
        sel.fit(X, y, groups=groups)
    width = np.diff(sel.feature_importances_ci_, axis=1).ravel()
    # the same splits without the clusters in the variance
    splits = list(GroupKFold(3).split(X, y, groups))
    plain = KerasImportanceSelector(
        LogisticRegression(), **{**params, "cv": splits}
    ).fit(X, y)
    np.testing.assert_allclose(sel.feature_importances_, plain.feature_importances_)
    plain_width = np.diff(plain.feature_importances_ci_, axis=1).ravel()
    assert np.all(width > 1.5 * plain_width)
