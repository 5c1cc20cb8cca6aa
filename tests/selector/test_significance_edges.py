"""The selector's row-level test (``_statistics.row_test``) in use:
leave-one-out, tiny loss scales, ``GroupKFold`` groups in the variance."""

import numpy as np
import pytest
from sklearn import config_context
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import GroupKFold, LeaveOneOut

from skimportance import KerasImportanceSelector

from ..conftest import _logistic

# ------------------------------------------------------------------- by hand


# ------------------------------------------------------------- the selector
def test_leave_one_out_and_max_samples_one_give_nan_with_a_warning():
    X, y = _logistic(0, n=24, coefs=(2.0,), n_inputs=3)
    for params in (dict(cv=LeaveOneOut()), dict(cv=2, max_samples=1)):
        with pytest.warns(UserWarning, match="NaN p-values: a split has 1"):
            sel = KerasImportanceSelector(
                LogisticRegression(),
                n_repeats=2,
                random_state=0,
                min_features_to_select=0,
                **params,
            ).fit(X, y)
        assert np.isnan(sel.pvalues_).all() and not sel.get_support().any()
    est = LogisticRegression().fit(X, y)
    with pytest.warns(UserWarning, match="NaN p-values"):
        sel = KerasImportanceSelector(
            est, cv="prefit", max_samples=1, n_repeats=2, min_features_to_select=0
        ).fit(X, y)
    assert np.isnan(sel.pvalues_).all()


def test_tiny_loss_scale_gives_valid_pvalues():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 4))
    y = (X[:, 0] + rng.normal(size=120)) * 1e-6
    est = LinearRegression().fit(X[:60], y[:60])
    sel = KerasImportanceSelector(
        est, cv="prefit", scoring="neg_mean_squared_error", random_state=0
    ).fit(X[60:], y[60:])
    assert sel.pvalues_[0] < 1e-3
    assert np.all((sel.pvalues_[1:] > 0) & (sel.pvalues_[1:] <= 1))
    # CV mode, cv_test="fold": the same scale
    sel = KerasImportanceSelector(
        LinearRegression(), cv=3, scoring="neg_mean_squared_error", random_state=0
    ).fit(X, y)
    assert sel.pvalues_[0] < 1e-3 and np.all(sel.pvalues_[1:] > 0)


@pytest.mark.parametrize("routing", [False, True])
def test_group_kfold_groups_enter_the_variance(routing):
    rng = np.random.RandomState(0)
    groups = np.repeat(np.arange(30), 8)
    X = np.repeat(rng.normal(size=(30, 3)), 8, axis=0)  # clustered rows
    X += 0.05 * rng.normal(size=X.shape)
    y = (rng.uniform(size=240) < 1 / (1 + np.exp(-X[:, 0]))).astype(int)
    y = np.repeat(y[::8], 8)  # clustered outcomes too
    params = dict(cv=GroupKFold(3), n_repeats=2, random_state=0, cv_test="row")
    params["min_features_to_select"] = 0
    with config_context(enable_metadata_routing=routing):
        sel = KerasImportanceSelector(LogisticRegression(), **params)
        sel.fit(X, y, groups=groups)
    width = np.diff(sel.feature_importances_ci_, axis=1).ravel()
    # the same splits without the clusters in the variance
    splits = list(GroupKFold(3).split(X, y, groups))
    plain = KerasImportanceSelector(
        LogisticRegression(), **{**params, "cv": splits}
    ).fit(X, y)
    np.testing.assert_allclose(sel.feature_importances_, plain.feature_importances_)
    plain_width = np.diff(plain.feature_importances_ci_, axis=1).ravel()
    assert np.all(width > 1.5 * plain_width)
