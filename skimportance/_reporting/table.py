"""What a fitted selector found, in words: the ranked table the command line
prints (and writes as CSV and JSON), each input's reason to be kept or
dropped, and a line stating the selection rule in force.

Everything is read from a fitted :class:`~skimportance.KerasImportanceSelector`'s
public attributes. Rows are the measured units: features, or groups when the
selector was given ``feature_groups``.
"""

import numpy as np

from .._statistics.multiple_testing import ADJUSTMENTS

__all__ = [
    "format_table",
    "importance_intervals",
    "importance_table",
    "rule_text",
    "selection_reasons",
    "write_csv",
]

_MULTIPLE_TESTING = {a.name: a.controls for a in ADJUSTMENTS}


# --------------------------------------------------------------- the values
def _per_unit(selector, group_attr, feature_attr):
    """A group-level attribute, else the feature-level one when a row is a
    feature (no groups, or a selector whose feature attributes are per group)."""
    value = getattr(selector, group_attr, None)
    if value is not None:
        return np.asarray(value)
    value = getattr(selector, feature_attr, None)
    if value is None:
        return None
    value = np.asarray(value)
    if value.shape[0] != len(selector.group_names_):
        return None
    return value


def _importances(selector):
    return _per_unit(selector, "group_importances_", "feature_importances_")


def _pvalues(selector):
    """(p-values, adjusted p-values or None) of each row."""
    raw = _per_unit(selector, "group_pvalues_", "pvalues_")
    adjusted = _per_unit(selector, "group_pvalues_adjusted_", "pvalues_adjusted_")
    return raw, adjusted


def importance_intervals(selector):
    """Confidence interval of each row's mean importance, shape (n_rows, 2):
    the selector's own (``group_importances_ci_`` or
    ``feature_importances_ci_``), at level :func:`interval_level`."""
    ci = _per_unit(selector, "group_importances_ci_", "feature_importances_ci_")
    return np.asarray(ci, dtype=float)


def interval_level(selector):
    """The level of the selector's intervals, ``1 - 2 * alpha``: their lower
    end is the one-sided bound of the test (0.90 for ``alpha=0.05``)."""
    return 1.0 - 2.0 * selector.alpha


# -------------------------------------------------------------- the reasons
def format_p(p):
    """A p-value for reading: "n/a" for NaN, "<0.0001", else 2 digits (3 below
    0.1, so that a value next to alpha is not rounded onto it: 0.0495, not 0.05)."""
    if p is None or not np.isfinite(p):
        return "n/a"
    if p < 1e-4:
        return "<0.0001"
    return f"{p:.3g}" if p < 0.1 else f"{p:.2g}"


def _p_text(label, p):
    text = format_p(p)
    return f"{label} {text}" if text.startswith("<") else f"{label}={text}"


def _passed_text(label, p, alpha):
    """ "p=0.003 < 0.05", or "adjusted p <0.0001" when it is tiny."""
    text = _p_text(label, p)
    return text if "<" in text else f"{text} < {alpha:g}"


def _max_features(selector):
    value = selector.max_features
    if callable(value):
        return None  # its value at fit is not kept; the reason says so
    return value


def _decision_pvalues(selector):
    """(p-values the rule compares with alpha, their label)."""
    raw, adjusted = _pvalues(selector)
    method = getattr(selector, "multiple_testing", "none")
    if adjusted is not None and method not in (None, "none"):
        return adjusted, "adjusted p"
    return raw, "p"


def selection_reasons(selector):
    """Why each row (feature, or group) is kept or dropped, e.g.
    ``"kept: p=0.001 < 0.05"`` or ``"dropped: not significant (p=0.21)"``.

    The reasons follow the selection rule: a candidate has a positive
    importance and passes the test (``threshold=None``) or the threshold;
    ``max_features`` keeps the best candidates; ``min_features_to_select``
    adds the best of the rest.
    """
    importances = _importances(selector)
    pvalues, label = _decision_pvalues(selector)
    kept = np.asarray(selector.group_support_, dtype=bool)
    alpha = selector.alpha
    significance = selector.threshold is None
    cut = None if significance else float(selector.threshold_)
    max_features = _max_features(selector)
    reasons = []
    for j, imp in enumerate(importances):
        p = None if pvalues is None else float(pvalues[j])
        if significance:
            tested = p is not None and np.isfinite(p)
            candidate = imp > 0 and tested and p < alpha
            passed = _passed_text(label, p, alpha)
        else:
            tested = True
            candidate = imp > 0 and imp >= cut
            passed = f"importance {imp:.4g} >= threshold {cut:.4g}"
        if kept[j]:
            if candidate:
                reasons.append(f"kept: {passed}")
            else:
                reasons.append(
                    "kept: min_features_to_select="
                    f"{selector.min_features_to_select} (forced in)"
                )
        elif imp <= 0:
            reasons.append("dropped: importance <= 0")
        elif not tested:
            reasons.append("dropped: no valid test (p n/a)")
        elif not candidate and significance:
            reasons.append(f"dropped: not significant ({_p_text(label, p)})")
        elif not candidate:
            reasons.append(f"dropped: importance < threshold {cut:.4g}")
        elif max_features is not None:
            reasons.append(f"dropped: beyond max_features={max_features}")
        else:
            reasons.append("dropped: beyond max_features")
    return reasons


def _test_text(selector):
    """The test that produced the p-values, in words."""
    test = getattr(selector, "test_", "unknown")
    n_splits = selector.n_splits_
    n_values = np.asarray(selector.importances_).shape[1]
    if test == "row":
        where = (
            "the given held-out rows"
            if n_splits == 1
            else f"held-out rows cross-fitted over {n_splits} splits"
        )
        if n_splits > 1 and getattr(selector, "cv_test", "row") == "fold":
            return (
                f"one-sided test over {where} (row-level z-scores of the folds "
                'combined with their correlation allowed for, cv_test="fold")'
            )
        return f"one-sided test over {where} (row-level)"
    if test == "split":
        return (
            f"one-sided corrected resampled t-test over the {n_splits} split "
            "means (Nadeau-Bengio)"
        )
    if test is None:
        return "no valid test for this scorer here: no p-values"
    # a selector without test_: the p-values as computed before row-level tests
    if n_splits > 1:
        return (
            f"one-sided corrected resampled t-test over the {n_splits} split "
            "means (Nadeau-Bengio)"
        )
    return (
        f"one-sided t-test over {n_values} repeats of the same rows (permutation "
        "noise only: not a valid test of the model)"
    )


def rule_text(selector):
    """One line stating the selection rule in force, the test included."""
    if selector.threshold is None:
        method = getattr(selector, "multiple_testing", "none")
        correction = _MULTIPLE_TESTING.get(method, str(method))
        rule = (
            "keep inputs whose importance is > 0 and significant: "
            f"{_test_text(selector)}, alpha={selector.alpha:g}, {correction}"
        )
    else:
        rule = (
            f"keep inputs whose importance is > 0 and >= threshold "
            f"{selector.threshold!r} (= {selector.threshold_:.4g}); "
            f"p-values from a {_test_text(selector)}"
        )
    max_features = selector.max_features
    if max_features is not None:
        shown = "callable" if callable(max_features) else max_features
        rule += f"; at most max_features={shown}"
    rule += (
        f"; at least min_features_to_select={selector.min_features_to_select} "
        "(the best of the rest)."
    )
    return "Rule: " + rule


# ---------------------------------------------------------------- the table
COLUMNS = (
    "rank",
    "feature",
    "importance",
    "ci_low",
    "ci_high",
    "std",
    "pvalue",
    "pvalue_adjusted",
    "kept",
    "reason",
)


def _std(selector):
    std = _per_unit(selector, "group_importances_std_", "feature_importances_std_")
    if std is None:
        std = np.asarray(selector.importances_, dtype=float).std(axis=1)
    return std


def importance_table(selector, feature_names=None):
    """One dict per row (feature, or group), best first, with the keys of
    :data:`COLUMNS`: the mean importance, its confidence interval, the
    standard deviation of the measured values, the p-value (and the adjusted
    one, else None), whether it is kept and why."""
    names = selector.group_names_ if feature_names is None else feature_names
    importances = _importances(selector)
    ci = importance_intervals(selector)
    std = _std(selector)
    raw, adjusted = _pvalues(selector)
    if adjusted is None:
        adjusted = [None] * len(importances)
    kept = np.asarray(selector.group_support_, dtype=bool)
    reasons = selection_reasons(selector)
    order = np.argsort(-importances, kind="stable")
    rows = []
    for rank, j in enumerate(order):
        rows.append(
            dict(
                rank=rank + 1,
                feature=str(names[j]),
                importance=float(importances[j]),
                ci_low=float(ci[j, 0]),
                ci_high=float(ci[j, 1]),
                std=float(std[j]),
                pvalue=None if raw is None else _float_or_none(raw[j]),
                pvalue_adjusted=None
                if adjusted is None
                else _float_or_none(adjusted[j]),
                kept=bool(kept[j]),
                reason=reasons[j],
            )
        )
    return rows


def _float_or_none(value):
    if value is None:
        return None
    value = float(value)
    return value if np.isfinite(value) else None


def format_table(rows, scoring, level):
    """A markdown table a user can paste: rank, feature, importance with its
    confidence interval (at ``level``, see :func:`interval_level`), p-value(s),
    and kept/dropped with the reason."""
    adjusted = any(r["pvalue_adjusted"] is not None for r in rows)
    ci = f"{100 * level:.0f}% CI"
    head = f"| rank | feature | importance (drop in {scoring}) | {ci} | p-value |"
    rule = "|---:|---|---:|:---:|---:|"
    if adjusted:
        head += " adjusted p |"
        rule += "---:|"
    out = [head + " kept |", rule + "---|"]
    for r in rows:
        line = (
            f"| {r['rank']} | {r['feature']} | {r['importance']:.4f} | "
            f"[{r['ci_low']:.4f}, {r['ci_high']:.4f}] | {format_p(r['pvalue'])} |"
        )
        if adjusted:
            line += f" {format_p(r['pvalue_adjusted'])} |"
        out.append(f"{line} {r['reason']} |")
    return "\n".join(out)


def write_csv(rows, path):
    """The table as CSV (one row per feature or group, :data:`COLUMNS`)."""
    import csv

    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for r in rows:
            writer.writerow(["" if r[c] is None else r[c] for c in COLUMNS])


def summary(selector, rows):
    """A dict for JSON: scoring, baseline, the rule and the rows."""
    scoring = selector.scoring_ if isinstance(selector.scoring_, str) else "score"
    return {
        "scoring": scoring,
        "baseline_score": selector.baseline_score_,
        "alpha": selector.alpha,
        "multiple_testing": getattr(selector, "multiple_testing", "none"),
        "test": getattr(selector, "test_", None),
        "rule": rule_text(selector),
        "features": rows,
    }
