"""The selector's findings as a pandas DataFrame: the ranked table that
``skimportance run`` prints, from Python.

>>> from sklearn.datasets import make_classification
>>> from sklearn.linear_model import LogisticRegression
>>> from skimportance import KerasImportanceSelector, importance_report
>>> X, y = make_classification(n_samples=300, n_features=4, n_informative=2,
...                            n_redundant=0, shuffle=False, random_state=0)
>>> selector = KerasImportanceSelector(LogisticRegression(), random_state=0)
>>> report = importance_report(selector.fit(X, y))
>>> list(report.columns)  # doctest: +NORMALIZE_WHITESPACE
['rank', 'importance', 'ci_low', 'ci_high', 'std', 'pvalue', 'pvalue_adjusted',
 'kept', 'reason']
>>> report.index[:2].tolist(), report["kept"].tolist()
(['x1', 'x0'], [True, True, False, False])
"""

from ._reporting.table import importance_table, interval_level, rule_text

__all__ = ["importance_report"]


def importance_report(selector, feature_names=None):
    """The ranked importance table of a fitted selector, as a DataFrame.

    One row per feature (or group, with ``feature_groups``), best first,
    indexed by name: the columns of the command line's table and CSV.

    Parameters
    ----------
    selector : KerasImportanceSelector
        Fitted.
    feature_names : list of str or None, default=None
        Row names; ``None``: the selector's ``group_names_`` (the feature
        names, ``x0, x1, ...`` for arrays).

    Returns
    -------
    report : pandas.DataFrame
        Columns ``rank``, ``importance`` (mean drop in score), ``ci_low``,
        ``ci_high`` (its confidence interval), ``std`` (spread of the measured
        values), ``pvalue``, ``pvalue_adjusted`` (NaN where no test ran),
        ``kept`` and ``reason``. ``report.attrs`` holds ``scoring``,
        ``baseline_score``, ``interval_level`` and ``rule`` (the selection
        rule in words).
    """
    import pandas as pd
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(selector, "feature_importances_")
    rows = importance_table(selector, feature_names)
    report = pd.DataFrame(rows).set_index("feature")
    report.index.name = "feature"
    for column in ("pvalue", "pvalue_adjusted"):
        report[column] = report[column].astype(float)
    scoring = selector.scoring_ if isinstance(selector.scoring_, str) else "score"
    report.attrs.update(
        scoring=scoring,
        baseline_score=float(selector.baseline_score_),
        interval_level=float(interval_level(selector)),
        rule=rule_text(selector),
    )
    return report
