"""The metric records (``_scoring.records``): every table and scorer list the
package reads agrees with them, each record agrees with scikit-learn's scorer
of its name, and each no-skill reference is the best constant for its metric."""

import re

import numpy as np
import pytest
from sklearn.dummy import DummyRegressor
from sklearn.metrics import get_scorer, make_scorer, mean_absolute_error

from skimportance import interaction_importance
from skimportance._scoring import no_skill, records, row_accumulator
from skimportance._selector import estimator as selector_module

RECORD_IDS = [r.scorer for r in records.METRICS]


def test_one_record_per_metric_and_per_scorer():
    assert len({r.scorer for r in records.METRICS}) == len(records.METRICS)
    assert len({r.metric for r in records.METRICS}) == len(records.METRICS)


@pytest.mark.parametrize("record", records.METRICS, ids=RECORD_IDS)
def test_record_matches_scikit_learn_scorer(record):
    scorer = get_scorer(record.scorer)
    assert scorer._score_func is record.metric
    assert scorer._sign == record.sign
    assert record.greater_is_better == (record.sign == 1)
    assert records.record_for(scorer) is record
    assert records.record_for(record.scorer) is record


@pytest.mark.parametrize("record", records.METRICS, ids=RECORD_IDS)
def test_a_missing_route_is_explained(record):
    if record.segments is None or record.row_terms is None:
        assert record.note


def test_derived_tables_agree_with_the_records():
    fast = [r for r in records.METRICS if r.segments or r.row_terms]
    assert records.FAST_METRICS == {r.metric: r for r in fast}
    assert records.ROW_TERMS == {
        r.metric: r.row_terms for r in records.METRICS if r.row_terms
    }
    assert row_accumulator.ROW_TERMS is records.ROW_TERMS
    assert records.ROW_SCORERS == tuple(
        r.scorer for r in records.METRICS if r.row_terms
    )
    assert no_skill.NO_SKILL_SCORERS == {
        r.scorer: r.no_skill for r in records.METRICS if r.no_skill
    }
    for r in records.METRICS:
        expected = r.scorer if r.no_skill else None
        assert no_skill.scorer_name(get_scorer(r.scorer)) == expected
        assert no_skill.scorer_name(r.scorer) == expected


def test_rmse_is_no_mean_over_rows_and_mae_has_a_reference():
    rmse = records.record_for("neg_root_mean_squared_error")
    assert rmse.row_terms is None and "not a mean over rows" in rmse.note
    assert rmse.metric not in records.ROW_TERMS
    mae = records.record_for("neg_mean_absolute_error")
    assert mae.no_skill == records.MEDIAN and mae.row_terms is not None


def test_scorers_with_keywords_or_unknown_have_no_record():
    assert records.record_for("roc_auc") is None
    assert records.record_for(lambda est, X, y: 0.0) is None
    with_kwargs = make_scorer(mean_absolute_error, greater_is_better=False, foo=1)
    assert records.record_for(with_kwargs) is None
    flipped = make_scorer(mean_absolute_error)  # sign +1: not the scorer's
    assert records.record_for(flipped) is None


def _constants(y):
    return np.linspace(y.min(), y.max(), 201)


@pytest.mark.parametrize(
    "record",
    [r for r in records.METRICS if r.no_skill and r.no_skill.task == "regressor"],
    ids=lambda r: r.scorer,
)
def test_regression_reference_is_the_best_constant(record):
    """No constant prediction scores better than the record's dummy (within
    the grid's resolution), with and without weights."""
    rng = np.random.RandomState(0)
    y = rng.exponential(size=60)  # skewed: mean and median differ
    X = np.zeros((60, 1))
    scorer = get_scorer(record.scorer)
    for w in (None, rng.uniform(0.2, 3.0, 60)):
        ref = no_skill.no_skill_score(record.scorer, y, w)
        kwargs = {} if w is None else {"sample_weight": w}
        best = max(
            scorer(
                DummyRegressor(strategy="constant", constant=c).fit(X, y),
                X,
                y,
                **kwargs,
            )
            for c in _constants(y)
        )
        assert ref >= best - 1e-9


def test_mae_reference_is_the_median():
    rng = np.random.RandomState(1)
    y = rng.exponential(size=51)
    ref = no_skill.no_skill_score("neg_mean_absolute_error", y)
    assert ref == pytest.approx(-np.mean(np.abs(y - np.median(y))))
    assert "the median of y" in no_skill.no_skill_message(
        "neg_mean_absolute_error", ref, ref
    )


def test_selector_warning_names_the_row_scorers(clf_data):
    from sklearn.linear_model import LogisticRegression

    from skimportance import KerasImportanceSelector

    X, y = clf_data
    lr = LogisticRegression().fit(X, y)
    selector = KerasImportanceSelector(
        lr, cv="prefit", scoring="roc_auc", min_features_to_select=0
    )
    with pytest.warns(UserWarning, match="not a mean over rows") as record:
        selector.fit(X, y)
    (message,) = [str(w.message) for w in record if "mean over rows" in str(w.message)]
    assert f"({', '.join(records.ROW_SCORERS)})" in message


def test_non_row_scorer_error_names_the_record_labels(clf_data):
    from sklearn.linear_model import LogisticRegression

    X, y = clf_data
    lr = LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match=re.escape(records.ROW_METRIC_LABELS)):
        interaction_importance(lr, X, y, scoring="roc_auc", n_repeats=2)


@pytest.mark.parametrize(
    "doc",
    [
        selector_module.KerasImportanceSelector.__doc__,
        interaction_importance.__doc__,
        row_accumulator.__doc__,
    ],
    ids=["selector", "interactions", "row_accumulator"],
)
def test_docstring_lists_name_every_row_metric(doc):
    """Docstrings cannot be derived: each list of the means over rows names
    every record with row terms (by the first word of its label) and none
    without."""
    text = " ".join(doc.split())
    lists = re.findall(r"means? over rows \(([^)]*)\)", text)
    lists += re.findall(r"ROW_METRIC_LABELS`: ([^)]*)\)", text)
    assert lists
    for found in lists:
        for r in records.METRICS:
            first = r.label.split()[0]
            assert (first in found) == (r.row_terms is not None), (first, found)
