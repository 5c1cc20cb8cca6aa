"""``importance_report``: the command line's table as a DataFrame (issue 23)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression

from skimportance import KerasImportanceSelector, importance_report
from skimportance._reporting.table import COLUMNS, importance_table


def test_report_is_the_cli_table(fitted_selector):
    report = importance_report(fitted_selector)
    assert isinstance(report, pd.DataFrame)
    rows = importance_table(fitted_selector)
    assert report.index.tolist() == [r["feature"] for r in rows]
    assert [c for c in COLUMNS if c != "feature"] == list(report.columns)
    np.testing.assert_allclose(report["importance"], [r["importance"] for r in rows])
    assert report["kept"].tolist() == [r["kept"] for r in rows]
    sel = fitted_selector
    by_name = dict(zip(sel.feature_names_in_, sel.feature_importances_))
    for name, value in report["importance"].items():
        assert value == pytest.approx(by_name[name])
    assert set(report.index[report["kept"]]) == set(sel.get_feature_names_out())
    assert report.attrs["rule"] and report.attrs["scoring"] == sel.scoring_


def test_report_needs_a_fitted_selector():
    with pytest.raises(NotFittedError):
        importance_report(KerasImportanceSelector(LogisticRegression()))
