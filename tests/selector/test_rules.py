"""Selection rules: thresholds, significance, and the count caps."""

import numpy as np
import pytest

from skimportance._selector.rules import (
    forced_features,
    resolve_threshold,
    support_mask,
)

IMPORTANCES = np.array([0.4, -0.1, 0.2, 0.05, 0.0])


@pytest.mark.parametrize(
    "threshold, expected",
    [
        (None, None),
        (0.1, 0.1),
        ("mean", 0.11),
        ("median", 0.05),
        ("2*median", 0.1),
        (" 1.5 * mean ", 0.165),
    ],
)
def test_resolve_threshold(threshold, expected):
    got = resolve_threshold(threshold, IMPORTANCES)
    assert got == (None if expected is None else pytest.approx(expected))


@pytest.mark.parametrize("bad", ["max", "mean*2", float("nan"), True])
def test_resolve_threshold_refuses(bad):
    with pytest.raises(ValueError, match="threshold"):
        resolve_threshold(bad, IMPORTANCES)


def test_significance_keeps_positive_importances_below_alpha():
    pvalues = np.array([0.001, 0.001, 0.2, 0.01, np.nan])
    mask = support_mask(IMPORTANCES, pvalues, alpha=0.05, min_features_to_select=0)
    # x1 has a small p-value but a negative importance: never kept
    assert mask.tolist() == [True, False, False, True, False]


def test_threshold_never_rewards_a_negative_importance():
    mask = support_mask(IMPORTANCES, None, threshold=-1.0, min_features_to_select=0)
    assert mask.tolist() == [True, False, True, True, False]


def test_count_caps_and_forced_features():
    pvalues = np.full(5, 0.5)  # nothing passes the test
    mask, forced = support_mask(
        IMPORTANCES, pvalues, min_features_to_select=2, return_forced=True
    )
    assert mask.tolist() == [True, False, True, False, False] and forced == [0, 2]
    capped = support_mask(IMPORTANCES, None, threshold=0.0, max_features=1)
    assert capped.tolist() == [True, False, False, False, False]
    text = forced_features(IMPORTANCES, pvalues, forced, list("abcde"))
    assert text.startswith("a (importance +0.4, p=0.5)") and "c (" in text
