"""Scorers: task detection, default proper scorers, and scoring of segments.

Segments are scored with the real scikit-learn scorer, handed a stand-in
estimator (:class:`_ResponseProxy`) whose ``predict`` / ``predict_proba`` /
``decision_function`` return responses already computed for the whole block.
The stand-in carries the estimator type of the wrapped model, which also
repairs scikeras wrappers whose estimator type scikit-learn >= 1.6 no longer
sees.

For the most common scorers (``neg_log_loss``, ``r2``, ``neg_mean_squared_error``,
``accuracy``) all segments are scored at once with numpy, reproducing the
scikit-learn computation; this is checked against the real scorer on the
baseline of every call, and any disagreement falls back to the scorer.
"""

import functools
import numbers
import sys
import warnings

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import (
    accuracy_score,
    check_scoring,
    get_scorer,
    get_scorer_names,
    log_loss,
    make_scorer,
    mean_squared_error,
    r2_score,
)
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import (
    ClassifierTags,
    RegressorTags,
    Tags,
    TargetTags,
    get_tags,
)

from ._compat import (
    _check_response_method,
    _get_response_values,
    _num_samples,
    _Scorer,
)

RESPONSE_METHODS = ("predict", "predict_proba", "decision_function")
#: keyword arguments of ``keras.Model.predict`` that change how, not what, it
#: answers: a callable scorer may pass them; the stand-in ignores them
KERAS_PREDICT_KWARGS = frozenset({"verbose", "batch_size", "steps", "callbacks"})


# --------------------------------------------------------------------------
# task detection that survives scikeras' lost estimator tags
# --------------------------------------------------------------------------
def _unfreeze(estimator):
    """The estimator inside any ``FrozenEstimator`` wrappers."""
    while isinstance(estimator, FrozenEstimator):
        estimator = estimator.estimator
    return estimator


def _final_estimator(estimator):
    """The estimator that makes the predictions (last Pipeline step, unfrozen)."""
    estimator = _unfreeze(estimator)
    while isinstance(estimator, Pipeline):
        estimator = _unfreeze(estimator[-1])
    return estimator


def estimator_type(estimator):
    """Return "classifier", "regressor" or None, also for scikeras wrappers.

    scikit-learn >= 1.6 reads the estimator type from ``__sklearn_tags__``,
    which scikeras 0.13 does not define: ``is_classifier(KerasClassifier(...))``
    is False there. scikeras still sets the class attribute
    ``_estimator_type``, which is read here when the tags say nothing.
    """
    from ._keras_model import as_fitted_estimator

    estimator = as_fitted_estimator(estimator)  # a raw keras.Model: its output
    try:
        kind = get_tags(estimator).estimator_type
    except Exception:  # noqa: BLE001 - estimators with broken tags
        kind = None
    if kind in ("classifier", "regressor"):
        return kind
    final = _final_estimator(estimator)
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


# --------------------------------------------------------------------------
# the stand-in estimator handed to scikit-learn scorers
# --------------------------------------------------------------------------
def tags_for(kind):
    """Estimator tags of a fitted "classifier", "regressor" or unknown (None)."""
    return Tags(
        estimator_type=kind,
        target_tags=TargetTags(required=True),
        classifier_tags=ClassifierTags() if kind == "classifier" else None,
        regressor_tags=RegressorTags() if kind == "regressor" else None,
    )


class _ResponseProxy:
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


class _SegmentKey:
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
    final = _final_estimator(estimator)
    if final is not estimator and hasattr(estimator, "steps"):
        # Pipeline.score transforms and calls the final step's score
        if type(estimator).score.__qualname__ != "Pipeline.score":
            return None
    score = getattr(type(final), "score", None)
    if score is None:
        return None
    from ._keras_model import PROPER_SCORING, FittedKerasModel

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
# vectorised metrics (all segments at once), following scikit-learn's code
# --------------------------------------------------------------------------
def _float_dtype(*arrays):
    floats = [a.dtype for a in arrays if a is not None and a.dtype.kind == "f"]
    return np.result_type(*floats) if floats else np.dtype(np.float64)


_LAST_Y = [None]  # (copy of y, labels, (n_classes, class indices)) of the last call


def _true_class_index(y, labels=None):
    """Number of classes and the index of each row's class among them.

    The classes are ``labels`` when given (sorted, as scikit-learn's log_loss
    sorts them), else those of y; None when y holds a value not in labels.
    Cached for the last (y, labels), compared by value (every block of a run
    is scored against the same y; a copy is kept, so a y changed in place
    misses). The entry is one tuple, replaced whole, so threads cannot mix
    entries.
    """
    y = np.asarray(y)
    labels = None if labels is None else np.asarray(labels)
    cached = _LAST_Y[0]
    if (
        cached is None
        or cached[0].shape != y.shape
        or cached[0].dtype != y.dtype
        or not np.array_equal(cached[0], y)
        or (cached[1] is None) != (labels is None)
        or (labels is not None and not np.array_equal(cached[1], labels))
    ):
        classes = LabelBinarizer().fit(y if labels is None else labels).classes_
        index = np.searchsorted(classes, y)
        found = classes[np.minimum(index, classes.shape[0] - 1)]
        valid = np.array_equal(found, y)
        result = (classes.shape[0], index) if valid else None
        cached = (y.copy(), None if labels is None else labels.copy(), result)
        _LAST_Y[0] = cached
    return cached[2]


def _vec_log_loss(y, P, sample_weight, labels=None):
    """scikit-learn's log_loss for each of the k segments of P (k, n[, c]).

    sklearn sums ``xlogy(T, P)`` over the classes of a one-hot ``T``; the terms
    of the other classes are exactly 0, so gathering the true class's clipped
    probability gives the same numbers with a fraction of the work.
    """
    P = np.asarray(P)
    if P.dtype not in (np.float32, np.float64):
        P = P.astype(np.float64)
    if P.max() > 1 or P.min() < 0:
        return None
    known = _true_class_index(y, labels)
    if known is None:
        return None
    n_classes, true_idx = known
    if n_classes < 2:
        return None
    one = P.dtype.type(1)
    if P.ndim == 3 and P.shape[2] == 1:
        P = P[:, :, 0]
    if P.ndim == 2:  # probability of the positive (last) class, binary only
        if n_classes != 2:
            return None
        p_true = np.where(true_idx[np.newaxis] == 1, P, one - P)
    elif P.shape[2] == n_classes:
        p_true = np.take_along_axis(
            P,
            np.broadcast_to(true_idx[np.newaxis, :, np.newaxis], P.shape[:2] + (1,)),
            axis=2,
        )[:, :, 0]
    else:
        return None
    eps = np.finfo(P.dtype).eps
    p_true = np.clip(p_true, eps, one - eps)
    loss = -np.log(p_true)
    return np.average(loss, axis=1, weights=sample_weight)


def _as_2d_pred(y, P):
    """Return (y, P) with y 1-D and P of shape (k, n), or None."""
    y = np.asarray(y)
    if y.ndim != 1:
        return None
    P = np.asarray(P)
    if P.ndim == 3 and P.shape[2] == 1:
        P = P[:, :, 0]
    if P.ndim != 2 or P.shape[1] != y.shape[0]:
        return None
    return y, P


def _vec_r2(y, P, sample_weight):
    yp = _as_2d_pred(y, P)
    if yp is None or yp[0].shape[0] < 2 or yp[0].dtype.kind not in "biuf":
        return None
    y, P = yp
    sw = None if sample_weight is None else np.asarray(sample_weight)
    dtype = _float_dtype(y, P, sw)
    y = y.astype(dtype, copy=False)
    P = P.astype(dtype, copy=False)
    weight = 1.0
    if sw is not None:
        sw = sw.astype(dtype, copy=False)
        weight = sw
    numerator = np.sum(weight * (y - P) ** 2, axis=1)
    denominator = np.sum(weight * (y - np.average(y, weights=sw)) ** 2)
    out = np.ones(P.shape[0], dtype=dtype)
    nonzero_num = numerator != 0
    if denominator != 0:
        out[nonzero_num] = 1 - numerator[nonzero_num] / denominator
    else:
        out[nonzero_num] = 0.0
    return out


def _vec_mse(y, P, sample_weight):
    yp = _as_2d_pred(y, P)
    if yp is None or yp[0].dtype.kind not in "biuf":
        return None
    y, P = yp
    sw = None if sample_weight is None else np.asarray(sample_weight)
    dtype = _float_dtype(y, P, sw)
    err = (y.astype(dtype, copy=False) - P.astype(dtype, copy=False)) ** 2
    return np.average(err, axis=1, weights=sw)


def _vec_accuracy(y, P, sample_weight):
    yp = _as_2d_pred(y, P)
    if yp is None:
        return None
    y, P = yp
    numeric = "biuf"
    if (y.dtype.kind in numeric) != (P.dtype.kind in numeric):
        return None
    return np.average(P == y[np.newaxis], axis=1, weights=sample_weight)


_VECTORISED = {
    log_loss: _vec_log_loss,
    r2_score: _vec_r2,
    mean_squared_error: _vec_mse,
    accuracy_score: _vec_accuracy,
}


def _vectorised_metric(scorer):
    if _Scorer is None or type(scorer) is not _Scorer:
        return None
    metric = _VECTORISED.get(scorer._score_func)
    if not scorer._kwargs:
        return metric
    if metric is _vec_log_loss and set(scorer._kwargs) == {"labels"}:
        return functools.partial(_vec_log_loss, labels=scorer._kwargs["labels"])
    return None


# --------------------------------------------------------------------------
# scoring the segments of a block
# --------------------------------------------------------------------------
class SegmentScorer:
    """Score the baseline, then every segment of a stacked block.

    Parameters
    ----------
    scorers : dict
        Name -> scikit-learn scorer.
    responder : object
        See ``skimportance._responses``.
    y, sample_weight : arrays for the evaluated rows (the permuted data).
    """

    def __init__(self, scorers, responder, y, sample_weight):
        self.scorers = scorers
        self.responder = responder
        self.y = y
        self.sample_weight = sample_weight
        self.methods = set()
        self.fast = {}

    @property
    def needs_rows(self):
        """Whether a scorer must see the real rows of X (an opaque callable).

        scikit-learn's own scorers only hand X to the response methods, which
        the stand-in answers from stored responses.
        """
        return _Scorer is None or not all(
            isinstance(s, _Scorer) for s in self.scorers.values()
        )

    def baseline(self, X, y, sample_weight):
        """Score the unpermuted X, recording which responses the scorers use."""
        record = set()
        # one response cache for all scorers, as sklearn's multimetric scorer
        responses = {}
        proxy = _ResponseProxy(self.responder, X, responses, record=record)
        values = {
            name: call_scorer(scorer, proxy, X, y, sample_weight)
            for name, scorer in self.scorers.items()
        }
        self.methods = set(record)
        for name, scorer in self.scorers.items():
            metric = _vectorised_metric(scorer)
            if metric is None or not isinstance(values[name], numbers.Real):
                continue
            check = self._vectorised(scorer, metric, responses, y, sample_weight, 1)
            if check is not None and np.isclose(
                check[0], values[name], rtol=1e-9, atol=1e-12
            ):
                self.fast[name] = metric
        return values

    def _vectorised(self, scorer, metric, responses, y, sample_weight, k):
        key = _SegmentKey(len(next(iter(responses.values()))))
        proxy = _ResponseProxy(self.responder, key, responses)
        try:
            method = _check_response_method(proxy, scorer._response_method).__name__
        except AttributeError:
            return None
        if method not in responses:
            return None
        kind = self.responder.estimator_type
        pos_label = None if kind == "regressor" else scorer._get_pos_label()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                y_pred, _ = _get_response_values(
                    proxy, key, response_method=method, pos_label=pos_label
                )
        except (AttributeError, ValueError, TypeError):
            return None
        y_pred = np.asarray(y_pred)
        y_pred = y_pred.reshape((k, -1) + y_pred.shape[1:])
        values = metric(np.asarray(y), y_pred, sample_weight)
        if values is None:
            return None
        return scorer._sign * np.asarray(values, dtype=np.float64)

    def _segment_rows(self, block, responses, k):
        """Rows per segment: those of y, or (y=None, an unsupervised scorer)
        of the stacked responses or block."""
        if self.y is not None:
            return _num_samples(self.y)
        if responses:
            return len(next(iter(responses.values()))) // k
        return 0 if block is None else _num_samples(block) // k

    def __call__(self, block, responses, seg_ids):
        k = len(seg_ids)
        n = self._segment_rows(block, responses, k)
        out = [{} for _ in range(k)]
        for name, scorer in self.scorers.items():
            values = None
            if name in self.fast:
                values = self._vectorised(
                    scorer, self.fast[name], responses, self.y, self.sample_weight, k
                )
            if values is None:
                values = []
                for i in range(k):
                    seg = {m: r[i * n : (i + 1) * n] for m, r in responses.items()}
                    if block is None:
                        X_seg = _SegmentKey(n)
                    elif hasattr(block, "iloc"):
                        X_seg = block.iloc[i * n : (i + 1) * n]
                    else:
                        X_seg = block[i * n : (i + 1) * n]
                    proxy = _ResponseProxy(self.responder, X_seg, seg)
                    values.append(
                        call_scorer(scorer, proxy, X_seg, self.y, self.sample_weight)
                    )
            for i, v in enumerate(values):
                out[i][name] = v
        return out
