"""The cross-fitted row-level test (``_statistics.row_test``) by hand: the
standard error, splits, no p-value from a meaningless standard error, the
loss's scale, clusters, the weighted variance's degrees of freedom."""

import numpy as np
import pytest
from scipy import stats

from skimportance._statistics import row_level_test, split_moments


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


def test_split_moments_given_are_the_ones_computed():
    rng = np.random.RandomState(1)
    D = [rng.normal(0.1, 1.0, size=(3, 30)) for _ in range(3)]
    idx = [np.arange(30 * s, 30 * s + 30) for s in range(3)]
    moments = split_moments(D, [None] * 3, idx)
    means, split_var, influence, units, largest = moments
    np.testing.assert_allclose(means, [d.mean(axis=1) for d in D])
    assert units.shape == (3, 3) and np.all(units[1] == 30)
    assert largest == pytest.approx(max(np.abs(d).max() for d in D))
    a = row_level_test(D, [None] * 3, idx, moments=moments)
    b = row_level_test(D, [None] * 3, idx)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
