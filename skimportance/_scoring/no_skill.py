"""The no-skill guard: a measured model whose baseline score is no better than
predicting without the inputs is almost always a mistake made before
measuring (labels or classes in another order, columns in another order, an
untrained model, preprocessing state lost), and its importances mean nothing.

:func:`no_skill_score` is the score of the no-skill reference on the
evaluated rows, computed by scikit-learn's own scorer handed a
``DummyClassifier(strategy="prior")`` (the class frequencies: log loss, Brier,
accuracy) or a ``DummyRegressor()`` (the mean of y: R², squared error)
fitted on those rows; :func:`no_skill_message` says what to check.
"""

import numpy as np
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.metrics import (
    accuracy_score,
    brier_score_loss,
    get_scorer,
    log_loss,
    mean_squared_error,
    r2_score,
    root_mean_squared_error,
)

__all__ = [
    "NO_SKILL_SCORERS",
    "has_no_skill",
    "no_skill_message",
    "no_skill_score",
    "scorer_name",
]

#: scorer name -> the task whose dummy is the reference
NO_SKILL_SCORERS = {
    "neg_log_loss": "classifier",
    "neg_brier_score": "classifier",
    "accuracy": "classifier",
    "r2": "regressor",
    "neg_mean_squared_error": "regressor",
    "neg_root_mean_squared_error": "regressor",
}


_FUNCTIONS = {
    (log_loss, -1): "neg_log_loss",
    (brier_score_loss, -1): "neg_brier_score",
    (accuracy_score, 1): "accuracy",
    (r2_score, 1): "r2",
    (mean_squared_error, -1): "neg_mean_squared_error",
    (root_mean_squared_error, -1): "neg_root_mean_squared_error",
}


def scorer_name(scorer):
    """The name in :data:`NO_SKILL_SCORERS` of a scikit-learn scorer (None for
    others), read from its metric and sign (``_score_func``, ``_sign``) with no
    extra keyword arguments (see :mod:`skimportance._utils.compat`)."""
    if isinstance(scorer, str):
        return scorer if scorer in NO_SKILL_SCORERS else None
    func = getattr(scorer, "_score_func", None)
    if func is None or getattr(scorer, "_kwargs", None):
        return None
    try:
        return _FUNCTIONS.get((func, getattr(scorer, "_sign", None)))
    except TypeError:  # an unhashable metric
        return None


def no_skill_score(scoring, y, sample_weight=None):
    """The score of the no-skill reference on (y, sample_weight), or None.

    Parameters
    ----------
    scoring : str or object
        A scorer name; any other scoring has no reference here (None).
    y : array-like of shape (n_samples,)
        The evaluated rows' targets.
    sample_weight : array-like of shape (n_samples,), default=None

    Returns
    -------
    score : float or None
        None when ``scoring`` has no reference here, or y has a single value
        (nothing to predict).
    """
    kind = NO_SKILL_SCORERS.get(scoring) if isinstance(scoring, str) else None
    if kind is None:
        return None
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1 or len(y) < 2:
        return None
    if len(np.unique(y)) < 2:
        return None
    if kind == "classifier":
        dummy = DummyClassifier(strategy="prior")
    else:
        dummy = DummyRegressor()
    X = np.zeros((len(y), 1))
    dummy.fit(X, y, sample_weight=sample_weight)
    scorer = get_scorer(scoring)
    kwargs = {} if sample_weight is None else {"sample_weight": sample_weight}
    try:
        return float(scorer(dummy, X, y, **kwargs))
    except ValueError:  # the scorer does not take this y (Brier, string labels)
        return None


def has_no_skill(baseline, reference):
    """Whether ``baseline`` is no better than ``reference`` (None: unknown)."""
    if reference is None or baseline is None or not np.isfinite(baseline):
        return False
    return bool(baseline <= reference)


def no_skill_message(scoring, baseline, reference, where="on the evaluated rows"):
    """The warning: what was measured, the reference, the likely causes."""
    what = (
        "the class frequencies"
        if NO_SKILL_SCORERS.get(scoring) == "classifier"
        else "the mean of y"
    )
    return (
        f"the model's baseline {scoring} {where} ({baseline:.4g}) is no better "
        f"than predicting {what} without any input ({reference:.4g}): its "
        "importances are not meaningful. Likely causes: labels or classes in "
        "another order than the model's outputs (FittedKerasModel(model, "
        "classes=[...]) takes them in output order), feature columns in another "
        "order than the model was trained on, an untrained model, or "
        "preprocessing state lost (a Normalization layer not adapted)."
    )
