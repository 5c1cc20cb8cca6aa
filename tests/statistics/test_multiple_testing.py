"""Multiple-testing control (``_statistics.multiple_testing``): Holm and
Benjamini-Hochberg by hand, NaNs, the records every list is derived from."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from skimportance import KerasImportanceSelector, interaction_importance
from skimportance._statistics import ADJUSTMENTS, MULTIPLE_TESTING, adjust_pvalues


def test_multiple_testing_adjustments():
    p = np.array([0.01, 0.04, 0.03, 0.5, np.nan])
    np.testing.assert_allclose(
        adjust_pvalues(p, "holm"), [0.04, 0.09, 0.09, 0.5, np.nan]
    )
    np.testing.assert_allclose(
        adjust_pvalues(p, "fdr_bh"), [0.04, 0.16 / 3, 0.16 / 3, 0.5, np.nan]
    )
    np.testing.assert_array_equal(adjust_pvalues(p, "none"), p)


def test_all_nan_and_unknown_method():
    assert np.isnan(adjust_pvalues([np.nan, np.nan], "holm")).all()
    with pytest.raises(ValueError, match="multiple_testing='storey'"):
        adjust_pvalues([0.1], "storey")


def test_ties_keep_their_order_and_monotone():
    rng = np.random.RandomState(0)
    p = rng.uniform(size=40)
    for method in ("holm", "fdr_bh"):
        adjusted = adjust_pvalues(p, method)
        order = np.argsort(p, kind="stable")
        assert np.all(np.diff(adjusted[order]) >= 0)
        assert np.all(adjusted >= p) and np.all(adjusted <= 1)


def test_every_option_is_one_record_read_everywhere():
    """The selector's and interaction_importance's ``multiple_testing``
    options, the report's rule line and the benchmarks come from the records."""
    assert MULTIPLE_TESTING == tuple(a.name for a in ADJUSTMENTS)
    constraint = KerasImportanceSelector._parameter_constraints["multiple_testing"][0]
    assert set(constraint.options) == set(MULTIPLE_TESTING)
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 3))
    y = (X[:, 0] > 0).astype(int)
    model = LogisticRegression().fit(X, y)
    for a in ADJUSTMENTS:
        sel = KerasImportanceSelector(
            model, cv="prefit", n_repeats=2, multiple_testing=a.name, random_state=0
        ).fit(X, y)
        from skimportance._reporting.table import rule_text

        assert a.controls in rule_text(sel)
        result = interaction_importance(
            model, X, y, n_repeats=2, random_state=0, multiple_testing=a.name
        )
        p = result.pvalues[np.triu_indices(3, 1)]
        np.testing.assert_array_equal(
            result.pvalues_adjusted[np.triu_indices(3, 1)], adjust_pvalues(p, a.name)
        )
