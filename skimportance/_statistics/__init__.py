"""The statistics layer: tests, intervals and multiple testing (numpy and
scipy only; below ``_importance``, used by the selector, the interactions
and the benchmarks).

One module per test:

* ``reference``: the t reference, ``t_pvalues(mean, se, df, scale)`` and
  ``t_interval(mean, se, df, alpha)``, and ``FLAT``, the no-spread rule;
* ``row_test``: ``split_moments(row_importances, row_weights, row_index,
  clusters)`` and ``row_level_test(...) -> (mean, se, pvalues, ci)``, the
  cross-fitted row-level test (``variance="row"`` or ``"fold"``);
* ``fold_test``: ``fold_test(means, split_var) -> (centre, se, df, rho)``,
  the folds' z-scores combined with their correlation;
* ``split_test``: ``split_level_test(importances, n_splits,
  test_train_ratio, alpha) -> (pvalues, ci)``, Nadeau and Bengio's;
* ``pair_test``: ``pair_row_test(rows, weights) -> (mean, pvalues)``, the
  two-sided test of interactions;
* ``multiple_testing``: ``adjust_pvalues(pvalues, method)``, one
  ``Adjustment`` record per option in ``ADJUSTMENTS``.

The inputs are per split: each group's row drops (averaged over repeats),
the rows' weights, their positions in X, their cluster labels; the outputs
p-values, standard errors, degrees of freedom and intervals.
"""

from .fold_test import CV_TESTS, fold_test
from .multiple_testing import ADJUSTMENTS, MULTIPLE_TESTING, Adjustment, adjust_pvalues
from .pair_test import pair_row_test
from .reference import FLAT, t_interval, t_pvalues
from .row_test import row_level_test, split_moments
from .split_test import split_level_test

__all__ = [
    "ADJUSTMENTS",
    "CV_TESTS",
    "FLAT",
    "MULTIPLE_TESTING",
    "Adjustment",
    "adjust_pvalues",
    "fold_test",
    "pair_row_test",
    "row_level_test",
    "split_level_test",
    "split_moments",
    "t_interval",
    "t_pvalues",
]
