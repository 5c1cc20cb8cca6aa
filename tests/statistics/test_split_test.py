"""Nadeau and Bengio's split-level test (``_statistics.split_test``) by hand."""

import numpy as np
import pytest
from scipy import stats

from skimportance._statistics import split_level_test


def test_corrected_resampled_t_test_by_hand():
    rng = np.random.RandomState(0)
    imp = rng.normal(0.1, 0.05, size=(2, 4 * 3))  # 4 splits x 3 repeats
    p, ci = split_level_test(imp, n_splits=4, test_train_ratio=0.5, alpha=0.05)
    values = imp.reshape(2, 4, 3).mean(axis=2)
    se = values.std(axis=1, ddof=1) * np.sqrt(1 / 4 + 0.5)
    t = values.mean(axis=1) / se
    np.testing.assert_allclose(p, stats.t.sf(t, df=3))
    q = stats.t.ppf(0.95, df=3)
    np.testing.assert_allclose(ci[:, 1] - ci[:, 0], 2 * q * se)
    # the correction widens the interval: without it the test is anticonservative
    p0, _ = split_level_test(imp, n_splits=4)
    assert np.all(p0 < p)


def test_one_split_has_no_test():
    p, ci = split_level_test(np.ones((3, 5)), n_splits=1)
    assert np.isnan(p).all() and np.isnan(ci).all() and ci.shape == (3, 2)


@pytest.mark.parametrize("mean, expected", [(0.0, 1.0), (0.2, np.nan)])
def test_flat_splits_follow_the_no_spread_rule(mean, expected):
    p, _ = split_level_test(np.full((1, 6), mean), n_splits=3)
    np.testing.assert_equal(p, [expected])
