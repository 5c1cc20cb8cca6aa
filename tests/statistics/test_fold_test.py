"""The CV-mode test that allows for the folds' correlation
(``_statistics.fold_test``), by hand."""

import numpy as np
import pytest

from skimportance._statistics import fold_test, row_level_test


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
