"""The first step of the selector's ``fit``: X and y checked the scikit-learn
way, the feature layout, the task and classes of y, and a prefit estimator
that is fitted."""

import numpy as np
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import (
    check_consistent_length,
    check_is_fitted,
    validate_data,
)

from .._engine.groups import FeatureLayout
from .._importance.inputs import check_missing, check_target
from .._keras.fitted_model import as_fitted_estimator
from .._methods.resolve import check_method_input
from .._utils.estimators import estimator_type
from .support import is_missing

__all__ = ["check_X_y", "check_prefit", "target_kind", "validate_fit_input"]


def validate_fit_input(selector, X, y, feature_groups, inputs=None):
    """Checked (X, y) and the feature layout; sets the selector's input
    attributes (``n_features_in_``, ``feature_names_in_``, ``x_ndim_``,
    ``feature_axis_``, ``feature_groups_``, ``group_names_``).
    ``feature_groups``: the selector's, as resolved for several inputs;
    ``inputs``: their ``InputLayout`` (None: one table), which names the
    columns."""
    X, y = check_X_y(selector, X, y)
    check_method_input(selector.method, X)
    layout = FeatureLayout(
        X,
        selector.feature_axis,
        feature_groups,
        selector.correlation_threshold,
        feature_names=None if inputs is None else inputs.feature_names,
    )
    selector.x_ndim_ = 2 if hasattr(X, "iloc") else X.ndim
    selector.feature_axis_ = layout.axes
    if selector.x_ndim_ > 2:
        selector.n_features_in_ = layout.n_features
    selector.feature_groups_ = [list(g) for g in layout.groups]
    selector.group_names_ = list(layout.group_names)
    return X, y, layout


def check_X_y(selector, X, y):
    """(X, y) checked; records ``n_features_in_`` and ``feature_names_in_``.

    A DataFrame is passed on as it is; other X become arrays of 2 or more
    axes. NaN is refused unless the estimator's tags allow it, and y is
    checked, as by the function (:mod:`skimportance._importance.inputs`).
    """
    if hasattr(X, "iloc"):
        validate_data(selector, X, reset=True, skip_check_array=True)
    else:
        X = validate_data(
            selector,
            X,
            reset=True,
            dtype=None,
            ensure_all_finite="allow-nan",
            allow_nd=True,
        )
    check_missing(selector.estimator, X)  # the same check as the function's
    if X.ndim < 2:
        raise ValueError(f"X must have at least 2 dimensions; got {X.ndim}.")
    if y is None:
        raise ValueError(
            "KerasImportanceSelector requires y to be passed, but the target y "
            "is None: importance is a drop in a supervised score."
        )
    if not hasattr(y, "iloc"):
        y = np.asarray(y)
    check_consistent_length(X, y)
    return X, check_target(selector.estimator, y)


def target_kind(estimator, y):
    """The estimator's task and, for a classifier with 1-D y, its classes
    (all of y's, for scoring held-out parts that miss one)."""
    kind = estimator_type(as_fitted_estimator(estimator))  # a raw keras.Model
    if kind != "classifier" or np.ndim(y) != 1:
        return kind, None
    classes = np.unique(np.asarray(y)[~is_missing(y)])
    if len(classes) < 2:
        raise ValueError(
            f"y has only one class ({classes[0]!r}): importance for a "
            "classifier needs at least two."
        )
    return kind, classes


def check_prefit(estimator):
    """A clear error when ``cv="prefit"`` gets an unfitted estimator."""
    try:
        check_is_fitted(as_fitted_estimator(estimator))
    except NotFittedError as exc:
        raise NotFittedError(
            "cv='prefit' needs a fitted estimator; "
            f"{type(estimator).__name__} is not fitted. Fit it first, or "
            "pass cv=3 to fit it on each training split."
        ) from exc
