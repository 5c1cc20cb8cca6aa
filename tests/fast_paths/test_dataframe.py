"""A numeric DataFrame keeps the first-layer fast path (issue 23): the same
importances as the same numpy array, by the same path."""

import logging

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from skimportance import KerasImportanceSelector, permutation_importance
from skimportance.estimator_checks import check_fast_path_equals_plain


@pytest.mark.parametrize("name", ["functional_softmax_strings", "regressor"])
def test_dataframe_takes_the_first_layer_path(models, name, caplog):
    model, X, y, _ = models[name]
    df = pd.DataFrame(X, columns=[f"c{i}" for i in range(X.shape[1])])
    check_fast_path_equals_plain(model, df, y, path="first-layer updates")
    with caplog.at_level(logging.DEBUG, logger="skimportance"):
        frame = permutation_importance(model, df, y, n_repeats=2, random_state=0)
    assert "first-layer updates used" in caplog.text
    array = permutation_importance(model, X, y, n_repeats=2, random_state=0)
    assert_allclose(frame.importances, array.importances, rtol=1e-6, atol=1e-7)
    sel_df = KerasImportanceSelector(model, cv="prefit", n_repeats=2, random_state=0)
    sel_np = KerasImportanceSelector(model, cv="prefit", n_repeats=2, random_state=0)
    assert_allclose(
        sel_df.fit(df, y).importances_, sel_np.fit(X, y).importances_, rtol=1e-6
    )
    np.testing.assert_array_equal(df.to_numpy(), X)  # X never modified
