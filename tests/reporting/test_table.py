"""The report (``_reporting.table``): each input's reason to be kept or
dropped, the rule line, the ranked table with intervals. (The plot's
intervals: test_plotting.py; eli5's +/- label: test_eli5.py.)"""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression

from skimportance import KerasImportanceSelector
from skimportance._reporting.table import (
    format_p,
    format_table,
    importance_intervals,
    importance_table,
    rule_text,
    selection_reasons,
)


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = pd.DataFrame(rng.normal(size=(300, 6)), columns=list("abcdef"))
    y = (X["a"] - 0.7 * X["b"] + 0.5 * rng.normal(size=300) > 0).astype(int)
    return X, y


@pytest.fixture(scope="module")
def fitted(data):
    X, y = data
    return KerasImportanceSelector(
        LogisticRegression(), cv=3, n_repeats=4, random_state=0
    ).fit(X, y)


def _reasons(selector):
    return dict(zip(selector.group_names_, selection_reasons(selector)))


def test_reasons_follow_the_support(fitted):
    reasons = selection_reasons(fitted)
    support = fitted.get_support()
    assert [r.startswith("kept: ") for r in reasons] == list(support)
    assert all(r.startswith(("kept: ", "dropped: ")) for r in reasons)
    by_name = _reasons(fitted)
    assert by_name["a"].startswith(("kept: p", "kept: adjusted p"))
    assert "<" in by_name["a"]
    for j, name in enumerate(fitted.group_names_):
        if not support[j]:
            imp = fitted.feature_importances_[j]
            if imp <= 0:
                assert by_name[name] == "dropped: importance <= 0"
            else:
                assert by_name[name].startswith("dropped: not significant (")


def test_reasons_for_max_features_and_threshold(fitted, data):
    X, y = data
    capped = clone(fitted).set_params(max_features=1).fit(X, y)
    by_name = _reasons(capped)
    assert by_name["a"].startswith(("kept: p", "kept: adjusted p"))
    assert by_name["b"] == "dropped: beyond max_features=1"
    mean = clone(fitted).set_params(threshold="mean").fit(X, y)
    by_name = _reasons(mean)
    assert by_name["a"].startswith("kept: importance ")
    assert ">= threshold" in by_name["a"]
    assert "threshold 'mean'" in rule_text(mean)


def test_reason_for_a_forced_input_and_for_no_test(fitted, data):
    X, _ = data
    noise = np.random.RandomState(3).randint(0, 2, size=len(X))
    sel = clone(fitted).set_params(min_features_to_select=1).fit(X, noise)
    forced = [r for r in selection_reasons(sel) if "forced in" in r]
    if not any(
        r.startswith(("kept: p", "kept: adjusted p")) for r in selection_reasons(sel)
    ):
        assert forced == ["kept: min_features_to_select=1 (forced in)"]
    # p-values absent where no valid test exists (a scorer that is not a mean
    # over rows, one split): shown as n/a, with the reason
    prefit = LogisticRegression().fit(X, noise)
    sel = KerasImportanceSelector(
        prefit, cv="prefit", scoring="roc_auc", min_features_to_select=0
    )
    with pytest.warns(UserWarning, match="no valid test"):
        sel.fit(X, noise)
    assert np.isnan(sel.pvalues_).all()
    reasons = selection_reasons(sel)
    assert not sel.get_support().any()
    positive = sel.feature_importances_ > 0
    assert [r == "dropped: no valid test (p n/a)" for r in reasons] == list(positive)
    table = format_table(importance_table(sel), "neg_log_loss", 0.9)
    assert "| n/a |" in table


def test_rule_names_the_test_alpha_and_correction(fitted, data):
    text = rule_text(fitted)
    assert text.startswith("Rule: ")
    assert "alpha=0.05" in text and "test" in text
    assert "3 split" in text or "row-level" in text
    assert 'cv_test="fold"' in text  # the default test of CV mode, named
    assert "min_features_to_select=1" in text
    X, y = data
    prefit = KerasImportanceSelector(
        LogisticRegression().fit(X, y), cv="prefit", random_state=0
    ).fit(X, y)
    text = rule_text(prefit)
    # the test in force, and whether it is a valid one
    assert "row-level" in text or "not a valid test" in text


def test_table_is_ranked_with_intervals_and_reasons(fitted):
    rows = importance_table(fitted)
    importances = [r["importance"] for r in rows]
    assert importances == sorted(importances, reverse=True)
    assert [r["rank"] for r in rows] == list(range(1, 7))
    for r in rows:
        assert r["ci_low"] <= r["importance"] <= r["ci_high"]
        assert r["reason"].startswith("kept" if r["kept"] else "dropped")
    table = format_table(rows, "neg_log_loss", 0.9)
    lines = table.splitlines()
    assert "90% CI" in lines[0] and "p-value" in lines[0]
    assert len(lines) == 2 + 6
    for line, r in zip(lines[2:], rows):
        assert line.endswith(f" {r['reason']} |")
        assert f"[{r['ci_low']:.4f}, {r['ci_high']:.4f}]" in line


def test_intervals_use_the_selectors_own_when_present(fitted):
    ci = importance_intervals(fitted)
    assert ci.shape == (6, 2)
    assert np.all(ci[:, 0] <= fitted.feature_importances_)
    own = getattr(fitted, "feature_importances_ci_", None)
    if own is not None:
        np.testing.assert_allclose(ci, own)


def test_format_p():
    assert format_p(np.nan) == "n/a"
    assert format_p(None) == "n/a"
    assert format_p(0.0) == "<0.0001"
    assert format_p(0.2134) == "0.21"
    assert format_p(0.04951) == "0.0495"  # not "0.05" next to alpha=0.05


def test_groups_are_reported_by_group(fitted, data):
    X, y = data
    grouped = clone(fitted).set_params(
        feature_groups={"ab": ["a", "b"], "cd": ["c", "d"]}
    )
    grouped.fit(X, y)
    rows = importance_table(grouped)
    assert [r["feature"] for r in rows][0] == "ab"
    assert {r["feature"] for r in rows} == set(grouped.group_names_)
    assert rows[0]["reason"].startswith("kept: ")
    assert len(selection_reasons(grouped)) == len(grouped.group_names_)
