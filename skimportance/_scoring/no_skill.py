"""The no-skill guard: a measured model whose baseline score is no better than
predicting without the inputs is almost always a mistake made before
measuring (labels or classes in another order, columns in another order, an
untrained model, preprocessing state lost), and its importances mean nothing.

:func:`no_skill_score` is the score of the no-skill reference on the
evaluated rows, computed by scikit-learn's own scorer handed the dummy that
the metric's record names (``no_skill`` in
:data:`skimportance._scoring.records.METRICS`: ``DummyClassifier(strategy=
"prior")``, the class frequencies, for log loss, Brier and accuracy;
``DummyRegressor()``, the mean of y, for R², squared and root mean squared
error; ``DummyRegressor(strategy="median")``, the median of y, the best
constant for absolute error) fitted on those rows; :func:`no_skill_message`
says what to check.
"""

import numpy as np
from sklearn.metrics import get_scorer

from .records import METRICS, record_for

__all__ = [
    "NO_SKILL_SCORERS",
    "has_no_skill",
    "no_skill_message",
    "no_skill_score",
    "scorer_name",
]

#: scorer name -> its no-skill reference (derived from the metric records)
NO_SKILL_SCORERS = {r.scorer: r.no_skill for r in METRICS if r.no_skill is not None}


def scorer_name(scorer):
    """The name in :data:`NO_SKILL_SCORERS` of a scorer name or scikit-learn
    scorer (None for others; see :func:`~skimportance._scoring.records.record_for`)."""
    record = record_for(scorer)
    if record is None or record.no_skill is None:
        return None
    return record.scorer


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
    reference = NO_SKILL_SCORERS.get(scoring) if isinstance(scoring, str) else None
    if reference is None:
        return None
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1 or len(y) < 2:
        return None
    if len(np.unique(y)) < 2:
        return None
    dummy = reference.dummy()
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
    what = NO_SKILL_SCORERS[scoring].what
    return (
        f"the model's baseline {scoring} {where} ({baseline:.4g}) is no better "
        f"than predicting {what} without any input ({reference:.4g}): its "
        "importances are not meaningful. Likely causes: labels or classes in "
        "another order than the model's outputs (FittedKerasModel(model, "
        "classes=[...]) takes them in output order), feature columns in another "
        "order than the model was trained on, an untrained model, or "
        "preprocessing state lost (a Normalization layer not adapted)."
    )
