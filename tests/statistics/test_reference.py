"""The t reference (``_statistics.reference``): the no-spread rule and the
interval whose lower end is the one-sided bound."""

import numpy as np
from scipy import stats

from skimportance._statistics import FLAT, t_interval, t_pvalues


def test_pvalues_and_the_no_spread_rule():
    mean = np.array([0.5, 0.0, 0.5, 0.3])
    se = np.array([0.25, 0.0, 0.0, np.nan])
    p = t_pvalues(mean, se, df=10)
    assert p[0] == stats.t.sf(2.0, 10)
    assert p[1] == 1.0  # no spread, no effect: no evidence
    assert np.isnan(p[2])  # no spread but an effect: no meaningful p-value
    assert np.isnan(p[3])
    # rounding noise relative to the loss's scale is no spread
    p = t_pvalues(np.array([0.0]), np.array([FLAT * 0.5 * 1e3]), 10, scale=1e3)
    assert p[0] == 1.0


def test_interval_lower_end_is_the_one_sided_bound():
    rng = np.random.RandomState(0)
    mean, se = rng.normal(size=20), rng.uniform(0.5, 1.0, size=20)
    ci = t_interval(mean, se, 12, 0.05)
    p = t_pvalues(mean, se, 12)
    np.testing.assert_array_equal(ci[:, 0] > 0, p < 0.05)
