"""Blocks of permuted copies (``_engine.blocks``): rebuilt in reused buffers
cell for cell, and within the ``working_memory`` budget."""

import numpy as np
from sklearn.linear_model import LinearRegression

from skimportance import permutation_importance


def test_reused_buffers_give_the_exact_permuted_blocks():
    """Blocks rebuilt in place equal blocks built from scratch, cell for cell."""
    from skimportance._engine.blocks import BlockBuffer, build_block_array

    rng = np.random.RandomState(0)
    X = rng.normal(size=(7, 4, 3)).astype(np.float32)  # 3-D, features on axis 1
    perms = [rng.permutation(7) for _ in range(3)]
    groups = [[0], [2, 3], [1], [3], [0, 1, 2]]
    seg_groups = [g for g in groups for _ in perms]
    seg_perms = [p for _ in groups for p in perms]
    buf = BlockBuffer()
    tasks = [[(s, 0, 7) for s in range(i, min(i + 4, 15))] for i in range(0, 15, 4)]
    for pieces in tasks + tasks[::-1]:
        got = build_block_array(X, pieces, seg_groups, seg_perms, 1, buf).copy()
        fresh = build_block_array(X, pieces, seg_groups, seg_perms, 1)
        np.testing.assert_array_equal(got, fresh)
        for k, (s, _, _) in enumerate(pieces):
            expected = X.copy()
            expected[:, seg_groups[s]] = X[seg_perms[s]][:, seg_groups[s]]
            np.testing.assert_array_equal(fresh[7 * k : 7 * (k + 1)], expected)


def test_peak_memory_stays_near_working_memory():
    import tracemalloc

    import sklearn

    rng = np.random.RandomState(0)
    X = rng.normal(size=(20_000, 40))
    y = X[:, 0] + 0.1 * rng.normal(size=len(X))
    est = LinearRegression().fit(X, y)
    x_mib = X.nbytes / 2**20  # 6.1 MiB; all permuted copies: 1,220 MiB
    budget = 4
    with sklearn.config_context(working_memory=budget):
        tracemalloc.start()
        result = permutation_importance(est, X, y, n_repeats=5, random_state=0)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    peak_mib = peak / 2**20
    assert result.importances_mean.argmax() == 0
    assert peak_mib < 2.5 * budget, f"peak {peak_mib:.1f} MiB for a {budget} MiB budget"
    assert peak_mib < x_mib * 5 * 40 / 50
