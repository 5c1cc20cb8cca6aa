"""Scoring resolution: the ``scoring`` parameter -> scikit-learn scorers, the
default proper scorer of a task, and the stand-in estimator scorers are handed.

Segments are scored with the real scikit-learn scorer, handed a stand-in
estimator (:class:`ResponseProxy`) whose ``predict`` / ``predict_proba`` /
``decision_function`` return responses already computed for the whole block.
The stand-in carries the estimator type of the wrapped model, which also
repairs scikeras wrappers whose estimator type scikit-learn >= 1.6 no longer
sees.
"""

import sys

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.metrics import (
    accuracy_score,
    check_scoring,
    get_scorer,
    get_scorer_names,
    log_loss,
    make_scorer,
    r2_score,
)

from .._utils.estimators import final_estimator, tags_for

__all__ = [
    "KERAS_PREDICT_KWARGS",
    "RESPONSE_METHODS",
    "call_scorer",
    "default_scoring",
    "labelled_scorer",
    "resolve_scoring",
]

RESPONSE_METHODS = ("predict", "predict_proba", "decision_function")
#: keyword arguments of ``keras.Model.predict`` that change how, not what, it
#: answers: a callable scorer may pass them; the stand-in ignores them
KERAS_PREDICT_KWARGS = frozenset({"verbose", "batch_size", "steps", "callbacks"})


# --------------------------------------------------------------------------
# the stand-in estimator handed to scikit-learn scorers
# --------------------------------------------------------------------------
class ResponseProxy:
    """Answer a scorer's calls from precomputed responses.

    ``method(X)`` returns the stored response when ``X`` is the object the
    responses were computed for (compared by identity), and otherwise asks the
    responder (and remembers that the method was needed). Keras' ``predict``
    keywords (``verbose=0``, ``batch_size=``...) are accepted and ignored;
    other keywords go to the estimator's own method. Anything else is read
    from the wrapped estimator.
    """

    def __init__(self, responder, key=None, responses=None, record=None):
        self._responder = responder
        self._key = key
        self._responses = {} if responses is None else responses
        self._record = record

    def __sklearn_tags__(self):
        return tags_for(self._responder.estimator_type)

    def __sklearn_is_fitted__(self):
        return True

    @property
    def classes_(self):
        classes = self._responder.classes_
        if classes is None:
            raise AttributeError("classes_")
        return classes

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        if name in RESPONSE_METHODS:
            if name not in self._responder.methods:
                raise AttributeError(
                    f"{type(self._responder.estimator).__name__} has no {name}"
                )

            def method(X, **kwargs):
                if self._record is not None:
                    self._record.add(name)
                other = {
                    k: v for k, v in kwargs.items() if k not in KERAS_PREDICT_KWARGS
                }
                if other:  # e.g. return_std: the estimator's own method answers
                    return getattr(self._responder.estimator, name)(X, **kwargs)
                if X is not self._key:
                    return self._responder(X, (name,))[name]
                if name not in self._responses:
                    self._responses.update(self._responder(X, (name,)))
                return self._responses[name]

            method.__name__ = name
            return method
        return getattr(self._responder.estimator, name)


class SegmentKey:
    """Stands for a segment of rows whose responses are stored."""

    def __init__(self, n_rows):
        self.shape = (n_rows,)

    def __len__(self):
        return self.shape[0]


def call_scorer(scorer, estimator, X, y, sample_weight):
    """Call a scorer the way scikit-learn's permutation importance does."""
    if sample_weight is not None:
        return scorer(estimator, X, y, sample_weight=sample_weight)
    return scorer(estimator, X, y)


# --------------------------------------------------------------------------
# resolving the scoring parameter
# --------------------------------------------------------------------------
def _known_score(estimator):
    """The scorer equivalent to ``estimator.score``, when it is a known one."""
    final = final_estimator(estimator)
    if final is not estimator and hasattr(estimator, "steps"):
        # Pipeline.score transforms and calls the final step's score
        if type(estimator).score.__qualname__ != "Pipeline.score":
            return None
    score = getattr(type(final), "score", None)
    if score is None:
        return None
    from .._keras.fitted_model import PROPER_SCORING, FittedKerasModel

    if score is FittedKerasModel.score:
        return get_scorer(PROPER_SCORING[final._task()])
    if score is ClassifierMixin.score:
        return make_scorer(accuracy_score)
    if score is RegressorMixin.score:
        return make_scorer(r2_score)
    scikeras = sys.modules.get("scikeras.wrappers")  # not imported: not scikeras
    if scikeras is None:
        return None
    BaseWrapper = scikeras.BaseWrapper
    KerasClassifier, KerasRegressor = scikeras.KerasClassifier, scikeras.KerasRegressor
    if score is BaseWrapper.score:
        metric = type(final).scorer
        if metric is KerasClassifier.scorer:
            return make_scorer(accuracy_score)
        if metric is KerasRegressor.scorer:
            return make_scorer(r2_score)
    return None


def resolve_scoring(estimator, scoring):
    """Return ``(scorers, multimetric)``: a dict name -> scorer.

    ``scoring=None`` uses ``estimator.score`` as scikit-learn does; when that
    is the mixin's accuracy or R², the equivalent scorer is used so that it can
    run on stored responses.
    """
    if isinstance(scoring, str):
        if scoring not in get_scorer_names():
            raise ValueError(
                f"Unknown scoring {scoring!r}. Valid names are: "
                f"{sorted(get_scorer_names())}."
            )
        return {"score": get_scorer(scoring)}, False
    if scoring is None:
        known = _known_score(estimator)
        if known is not None:
            return {"score": known}, False
        if not hasattr(estimator, "score"):
            raise TypeError(
                f"scoring=None needs an estimator with a 'score' method; "
                f"{type(estimator).__name__} has none. Pass a scoring name such as "
                "'neg_log_loss' or 'r2'."
            )
        return {"score": check_scoring(estimator, scoring=None)}, False
    if callable(scoring) and not isinstance(scoring, (list, tuple, set, dict)):
        return {"score": check_scoring(estimator, scoring=scoring)}, False
    if isinstance(scoring, (list, tuple, set, dict)):
        check_scoring(estimator, scoring=scoring)  # validates names and types
        named = scoring if isinstance(scoring, dict) else {s: s for s in scoring}
        scorers = {
            name: check_scoring(estimator, scoring=s) for name, s in named.items()
        }
        return scorers, True
    raise ValueError(f"Invalid scoring {scoring!r}.")


# --------------------------------------------------------------------------
# the default scorer of a task
# --------------------------------------------------------------------------
def default_scoring(responder):
    """A proper scoring rule for the task: log loss, R², else accuracy."""
    kind = responder.estimator_type
    if kind == "classifier":
        return "neg_log_loss" if "predict_proba" in responder.methods else "accuracy"
    if kind == "regressor":
        return "r2"
    raise ValueError(
        f"Cannot tell whether {type(responder.estimator).__name__} is a classifier "
        "or a regressor, so no default scoring applies: pass scoring= "
        "(for example 'neg_log_loss' or 'r2')."
    )


def labelled_scorer(scoring, responder, labels):
    """``neg_log_loss`` told every class, so that held-out rows missing a class
    are scored: the classes of the estimator's probabilities when it knows
    them, else ``labels`` (the classes of all of y). Other scorings as given."""
    if not (isinstance(scoring, str) and scoring == "neg_log_loss"):
        return scoring
    classes = responder.classes_
    if classes is None or np.ndim(classes) != 1 or len(classes) < 2:
        classes = labels
    if classes is None or np.ndim(classes) != 1 or len(classes) < 2:
        return scoring
    return make_scorer(
        log_loss,
        greater_is_better=False,
        response_method="predict_proba",
        labels=np.asarray(classes),
    )
