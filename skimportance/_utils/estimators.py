"""Estimator plumbing: what is inside a FrozenEstimator or Pipeline, and
whether an estimator is a classifier or a regressor.

scikit-learn >= 1.6 reads the estimator type from ``__sklearn_tags__``; the
helpers here also answer for scikeras wrappers, whose tags scikit-learn no
longer sees.
"""

import copy

from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.frozen import FrozenEstimator
from sklearn.pipeline import Pipeline
from sklearn.utils import (
    ClassifierTags,
    RegressorTags,
    Tags,
    TargetTags,
    get_tags,
)

__all__ = [
    "estimator_type",
    "final_estimator",
    "tags_for",
    "unfreeze",
    "with_type_of",
]


def unfreeze(estimator):
    """The estimator inside any ``FrozenEstimator`` wrappers."""
    while isinstance(estimator, FrozenEstimator):
        estimator = estimator.estimator
    return estimator


def final_estimator(estimator):
    """The estimator that makes the predictions (last Pipeline step, unfrozen)."""
    estimator = unfreeze(estimator)
    while isinstance(estimator, Pipeline):
        estimator = unfreeze(estimator[-1])
    return estimator


def estimator_type(estimator):
    """Return "classifier", "regressor" or None, also for scikeras wrappers.

    scikit-learn >= 1.6 reads the estimator type from ``__sklearn_tags__``,
    which scikeras 0.13 does not define: ``is_classifier(KerasClassifier(...))``
    is False there. scikeras still sets the class attribute
    ``_estimator_type``, which is read here when the tags say nothing. A raw
    ``keras.Model`` has no type: callers wrap it first
    (:func:`skimportance._keras.fitted_model.as_fitted_estimator`).
    """
    try:
        kind = get_tags(estimator).estimator_type
    except Exception:  # noqa: BLE001 - estimators with broken tags
        kind = None
    if kind in ("classifier", "regressor"):
        return kind
    final = final_estimator(estimator)
    if final is not estimator:
        return estimator_type(final)
    kind = getattr(type(estimator), "_estimator_type", None)
    if kind in ("classifier", "regressor"):
        return kind
    if isinstance(estimator, ClassifierMixin):
        return "classifier"
    if isinstance(estimator, RegressorMixin):
        return "regressor"
    return None


def tags_for(kind):
    """Estimator tags of a fitted "classifier", "regressor" or unknown (None)."""
    return Tags(
        estimator_type=kind,
        target_tags=TargetTags(required=True),
        classifier_tags=ClassifierTags() if kind == "classifier" else None,
        regressor_tags=RegressorTags() if kind == "regressor" else None,
    )


def with_type_of(tags, estimator):
    """``tags`` (a meta-estimator's) given ``estimator``'s type and its
    classifier or regressor tags, as scikit-learn's ``RFE`` reports them."""
    kind = estimator_type(estimator)
    try:
        inner = get_tags(estimator)
    except Exception:  # noqa: BLE001 - estimators with broken tags
        inner = tags_for(kind)
    tags.estimator_type = kind
    tags.classifier_tags = None
    tags.regressor_tags = None
    if kind == "classifier":
        tags.classifier_tags = copy.deepcopy(inner.classifier_tags or ClassifierTags())
    elif kind == "regressor":
        tags.regressor_tags = copy.deepcopy(inner.regressor_tags or RegressorTags())
    return tags
