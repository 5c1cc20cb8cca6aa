"""The interactions' pair test (``_statistics.pair_test``) by hand."""

import numpy as np
import pytest
from scipy import stats

from skimportance._statistics import pair_row_test


def test_equal_weights_is_the_two_sided_one_sample_t_test():
    rng = np.random.RandomState(0)
    rows = rng.normal(0.1, 1.0, size=(3, 60))
    mean, p = pair_row_test(rows)
    np.testing.assert_allclose(mean, rows.mean(axis=1))
    np.testing.assert_allclose(p, stats.ttest_1samp(rows, 0.0, axis=1).pvalue)
    # equal weights of any size: the same test
    _, p3 = pair_row_test(rows, np.full(60, 3.0))
    np.testing.assert_allclose(p3, p)


def test_weights_give_the_weighted_variance_degrees():
    rng = np.random.RandomState(1)
    rows = rng.normal(0.2, 1.0, size=(1, 40))
    w = np.r_[np.full(4, 30.0), np.ones(36)]
    mean, p = pair_row_test(rows, w)
    share = w / w.sum()
    m = rows[0] @ share
    se = np.sqrt(((rows[0] - m) ** 2) @ share**2 * 40 / 39)
    df = np.sum(w**2) ** 2 / np.sum(w**4) - 1
    assert df < 39
    assert mean[0] == pytest.approx(m)
    assert p[0] == pytest.approx(2 * stats.t.sf(abs(m / se), df))


def test_no_spread_is_no_evidence():
    rows = np.vstack([np.zeros(30), np.full(30, 1e-17) + 1.0])
    _, p = pair_row_test(rows)
    np.testing.assert_array_equal(p, [1.0, 1.0])
