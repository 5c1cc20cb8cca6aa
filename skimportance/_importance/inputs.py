"""The checks every door runs on X and y (the function, the selector, and
through it the command line), so that the same input gets the same answer:

* :func:`check_missing`: NaN in X is refused with a clear error, unless the
  estimator declares that it handles missing values (scikit-learn's
  ``allow_nan`` tag, e.g. ``HistGradientBoostingClassifier`` or a Pipeline
  starting with ``SimpleImputer``);
* :func:`warn_if_no_skill`: after measuring, the no-skill guard
  (:mod:`skimportance._scoring.no_skill`), one warning;
* :func:`check_target`: y finite; a one-hot y (as ``categorical_crossentropy``
  users hold it) becomes the class indices for a classifier (the same
  numbers as integer labels); a continuous y on a classifier gets the hint
  that it is a regression task.
"""

import warnings

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import DataConversionWarning
from sklearn.pipeline import Pipeline
from sklearn.utils import get_tags
from sklearn.utils.multiclass import type_of_target

from .._keras.fitted_model import as_fitted_estimator
from .._scoring.no_skill import (
    has_no_skill,
    no_skill_message,
    no_skill_score,
    scorer_name,
)
from .._utils.estimators import estimator_type, unfreeze

__all__ = ["check_missing", "check_target", "warn_if_no_skill"]


def _allows_nan(estimator):
    """The estimator's ``allow_nan`` tag; a Pipeline's first step, a
    ColumnTransformer's transformers all (their own tags say no)."""
    estimator = unfreeze(as_fitted_estimator(estimator))
    if isinstance(estimator, Pipeline):
        return _allows_nan(estimator.steps[0][1])
    if isinstance(estimator, ColumnTransformer):
        transformers = [t for _, t, _ in estimator.transformers if t != "drop"]
        if estimator.remainder != "drop":
            transformers.append(estimator.remainder)
        return all(t != "passthrough" and _allows_nan(t) for t in transformers)
    try:
        return bool(get_tags(estimator).input_tags.allow_nan)
    except Exception:  # noqa: BLE001 - estimators with broken tags
        return False


def _missing_columns(X):
    """Names (DataFrame) or indices of the columns of X holding NaN."""
    if hasattr(X, "iloc"):
        missing = X.isna().to_numpy().any(axis=0)
        return [c for c, m in zip(X.columns, missing) if m]
    X = np.asarray(X)
    if X.dtype.kind == "f":
        missing = np.isnan(X)
    elif X.dtype.kind == "O":
        import pandas as pd

        missing = pd.isna(X)
    else:
        return []
    if X.ndim < 2:
        return [0] if missing.any() else []
    return np.flatnonzero(missing.reshape(len(X), X.shape[1], -1).any(axis=(0, 2)))


def check_missing(estimator, X):
    """Raise ValueError when X holds NaN and ``estimator`` does not allow it.

    Parameters
    ----------
    estimator : estimator object or keras.Model
    X : array-like or DataFrame
    """
    if _allows_nan(estimator):
        return
    columns = _missing_columns(X)
    if not len(columns):
        return
    shown = ", ".join(repr(c) for c in list(columns)[:10])
    more = "" if len(columns) <= 10 else f" and {len(columns) - 10} more"
    name = type(as_fitted_estimator(estimator)).__name__
    raise ValueError(
        f"Input X contains NaN (columns {shown}{more}). {name} does not declare "
        "that it handles missing values (scikit-learn's allow_nan tag), and a "
        "permuted NaN would be measured as if it were a value: impute them first "
        "(e.g. a Pipeline starting with sklearn.impute.SimpleImputer), or use an "
        "estimator that handles them (e.g. HistGradientBoostingClassifier)."
    )


def _is_one_hot(y):
    if y.ndim != 2 or y.shape[1] < 2 or y.dtype.kind not in "biuf":
        return False
    return bool(np.isin(y, (0, 1)).all() and (y.sum(axis=1) == 1).all())


def check_target(estimator, y):
    """y checked for ``estimator``; a one-hot y of a classifier as class indices.

    Parameters
    ----------
    estimator : estimator object or keras.Model
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)

    Returns
    -------
    y : array-like
        ``y`` itself, or for a classifier given a one-hot y, the column index
        of each row's one (labels ``0, 1, ...``, as the one-hot columns).
    """
    if y is None:
        return y
    values = np.asarray(y)
    if values.ndim == 2 and values.shape[1] == 1:
        warnings.warn(
            "A column-vector y was passed when a 1d array was expected. Please "
            "change the shape of y to (n_samples, ), for example using ravel().",
            DataConversionWarning,
            stacklevel=4,
        )
        y = values = values[:, 0]
    if values.dtype.kind in "fc" and not np.isfinite(values).all():
        kind = "NaN" if np.isnan(values).any() else "infinity"
        raise ValueError(
            f"Input y contains {kind}: every evaluated row needs a target."
        )
    if estimator_type(as_fitted_estimator(estimator)) != "classifier":
        return y
    if _is_one_hot(values):
        return np.argmax(values, axis=1)
    if values.ndim == 1 and type_of_target(values) == "continuous":
        name = type(as_fitted_estimator(estimator)).__name__
        shown = ", ".join(f"{v:.4g}" for v in values[:3])
        raise ValueError(
            f"y is continuous ({shown}, ...), but {name} is a classifier (a Keras "
            "network ending in a sigmoid or softmax is one): a continuous target "
            "is a regression task. Measure a regressor: "
            "FittedKerasModel(model, task='regression') for a trained network, "
            "make_trainable(model, task='regression') to train copies, or a "
            "scikit-learn regressor."
        )
    return y


def warn_if_no_skill(scorers, baseline, y, sample_weight=None):
    """Warn once when a baseline score is no better than the no-skill reference.

    Parameters
    ----------
    scorers : dict of name -> scorer
    baseline : dict of name -> float
        The baseline scores, on the rows of ``y``.
    y, sample_weight : array-like
        The targets (and weights) the baselines were scored on.
    """
    for key, scorer in scorers.items():
        name = scorer_name(scorer)
        base = baseline.get(key)
        if name is None or isinstance(base, dict):
            continue
        reference = no_skill_score(name, y, sample_weight)
        if has_no_skill(base, reference):
            warnings.warn(no_skill_message(name, base, reference), stacklevel=4)
            return
