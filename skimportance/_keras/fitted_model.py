"""A trained Keras model as a fitted scikit-learn estimator.

A plain ``keras.Model`` (Sequential, functional, subclassed, or loaded with
``keras.saving.load_model``) has no classes, no estimator tags and a
``predict`` that returns raw outputs. :class:`FittedKerasModel` gives it the
scikit-learn face the command line and the Python API both measure:

* the task comes from the output layer: a sigmoid (one output, the
  probability of the second class) or a softmax (one output per class) make
  a classifier, anything else a regressor;
* ``classes_`` is sorted, as every scikit-learn classifier's is (scikit-learn's
  ``log_loss`` reads probability columns in sorted label order); ``classes=``
  names the outputs in *output* order and ``predict_proba`` reorders its
  columns to follow ``classes_``;
* ``predict`` returns labels (classifier) or values (regressor),
  ``predict_proba`` the probabilities, ``score`` the proper scoring rule
  (negative log loss, R²);
* nothing is trained: ``fit`` does nothing, as for
  :class:`sklearn.frozen.FrozenEstimator`.

:func:`as_fitted_estimator` turns a raw model (also inside a
``FrozenEstimator``) into one, taking the classes from the sorted labels of y.
"""

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.metrics import get_scorer
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from .._utils.estimators import unfreeze
from .batching import default_batch_size
from .layers import (
    check_numeric,
    input_spec,
    is_keras_model,
    model_n_classes,
    model_task,
    output_activation,  # noqa: F401 - in __all__ since before the split
)
from .several_inputs import is_several_inputs, n_rows, prepare_inputs, row_nbytes
from .training import quiet_predict

__all__ = [
    "FittedKerasModel",
    "as_fitted_estimator",
    "is_keras_model",
    "model_task",
    "output_activation",
]

#: the scorer each task's ``score`` uses, and ``scoring=None`` means
PROPER_SCORING = {"classifier": "neg_log_loss", "regressor": "r2"}


def _is_classifier_task(self):
    return self._task() == "classifier"


class KerasModelResponses:
    """``predict``, ``predict_proba`` and ``score`` of a network read from its
    output layer (see the module's docstring), never printing a progress bar.

    The class using it has ``model_``, ``classes_`` (classifiers), ``_task()``
    and ``_prepare(X)``; :class:`skimportance._keras.adapters.KerasModelAdapter`
    serves the fast path from the same ``_prepare`` and ``_decode``.
    """

    def _raw(self, X):
        X = self._prepare(X)
        batch_size = default_batch_size(row_nbytes(X)) if n_rows(X) else None
        with quiet_predict():  # each new network's predict is traced anew
            return np.asarray(self.model_.predict(X, batch_size=batch_size, verbose=0))

    def _decode(self, raw, method):
        """Responses of ``method`` from the model's raw outputs."""
        raw = np.asarray(raw)
        if self._task() != "classifier":
            return raw[:, 0] if raw.ndim == 2 and raw.shape[1] == 1 else raw
        proba = raw
        if raw.ndim == 1 or raw.shape[1] == 1:
            p = raw.reshape(-1)
            proba = np.column_stack([1 - p, p])
        order = self._column_order()
        if order is not None:
            proba = proba[:, order]
        if method == "predict_proba":
            return proba
        return self.classes_[np.argmax(proba, axis=1)]

    def _column_order(self):
        """Output columns in the order of the sorted ``classes_`` (None: as
        they are). Classes given in output order (``classes=``) that are not
        sorted are reordered here."""
        return None

    def _methods(self):
        if self._task() == "classifier":
            return ("predict", "predict_proba")
        return ("predict",)

    def predict(self, X):
        """Class labels (classifier) or values (regressor).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        """
        check_is_fitted(self)
        return self._decode(self._raw(X), "predict")

    @available_if(_is_classifier_task)
    def predict_proba(self, X):
        """Class probabilities, one column per class of ``classes_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self)
        return self._decode(self._raw(X), "predict_proba")

    def score(self, X, y, sample_weight=None):
        """The proper scoring rule: negative log loss (classifier) or R².

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        score : float
            Greater is better.
        """
        scorer = get_scorer(PROPER_SCORING[self._task()])
        if sample_weight is None:
            return scorer(self, X, y)
        return scorer(self, X, y, sample_weight=sample_weight)


class FittedKerasModel(KerasModelResponses, BaseEstimator):
    """A trained Keras model as a fitted scikit-learn estimator.

    Lets a plain ``keras.Model`` be measured where scikit-learn expects a
    fitted estimator: ``permutation_importance``, ``KerasImportanceSelector(
    cv="prefit")``, scikit-learn's own functions. skimportance wraps a raw
    model in it by itself; wrap explicitly to give the classes or the task.
    Nothing is trained and the weights are never changed: ``fit`` does
    nothing. To train fresh copies (cross-validation), use
    :func:`skimportance.wrappers.make_trainable`.

    Parameters
    ----------
    model : keras.Model
        A trained model: Sequential, functional, subclassed or loaded with
        ``keras.saving.load_model``. A classifier ends in a sigmoid (one
        output: the probability of the second class of ``classes``) or a
        softmax (one output per class, in the order of ``classes``).
    classes : array-like of shape (n_classes,) or None, default=None
        Labels of a classifier's outputs, **in output order**: for a sigmoid
        that outputs P("no"), ``["yes", "no"]``. ``classes_`` holds them
        sorted, and ``predict_proba``'s columns are reordered to follow
        ``classes_``, as scikit-learn's scorers expect. ``None``: ``0, 1,
        ...``; skimportance's functions then take the sorted labels of the y
        they are given (which may be strings).
    task : {"auto", "classification", "regression"}, default="auto"
        ``"auto"``: classification when the last layer's activation is a
        sigmoid or a softmax, else regression.

    Attributes
    ----------
    model_ : keras.Model
        The model (the same object as ``model``).
    classes_ : ndarray of shape (n_classes,)
        Class labels, sorted (classifiers only); ``predict_proba``'s columns
        follow them.
    n_features_in_ : int
        Inputs per row (models whose input has one axis besides the batch).

    See Also
    --------
    skimportance.wrappers.make_trainable : A trainable estimator from a
        compiled model, for cross-validation.
    sklearn.frozen.FrozenEstimator : The same idea for scikit-learn estimators.

    Examples
    --------
    >>> import keras, numpy as np
    >>> from skimportance.wrappers import FittedKerasModel
    >>> model = keras.Sequential([keras.Input((3,)),
    ...                           keras.layers.Dense(1, activation="sigmoid")])
    >>> clf = FittedKerasModel(model, classes=["no", "yes"])
    >>> clf.predict_proba(np.zeros((2, 3))).shape
    (2, 2)
    >>> clf.predict(np.zeros((2, 3)))
    array(['no', 'no'], dtype='<U3')

    A sigmoid that outputs P("no") names its classes in output order;
    ``classes_`` is sorted and the probability columns follow it:

    >>> clf = FittedKerasModel(model, classes=["yes", "no"])
    >>> clf.classes_
    array(['no', 'yes'], dtype='<U3')
    """

    def __init__(self, model, *, classes=None, task="auto"):
        self.model = model
        self.classes = classes
        self.task = task

    # ----------------------------------------------------------- the task
    def _task(self):
        if self.task == "classification":
            return "classifier"
        if self.task == "regression":
            return "regressor"
        if self.task != "auto":
            raise ValueError(
                f"task must be 'auto', 'classification' or 'regression'; got "
                f"{self.task!r}."
            )
        return model_task(self.model)

    @property
    def model_(self):
        """The model (the same object as ``model``)."""
        return self.model

    def _given_classes(self):
        """``classes`` as an array in output order, checked (or None)."""
        if self.classes is None:
            return None
        classes = np.asarray(self.classes)
        if classes.ndim != 1 or len(np.unique(classes)) != len(classes):
            raise ValueError(
                f"classes must be distinct labels in output order; got "
                f"{self.classes!r}."
            )
        return classes

    def _column_order(self):
        classes = self._given_classes()
        if classes is None:
            return None
        order = np.argsort(classes, kind="stable")
        return None if (order == np.arange(len(order))).all() else order

    @property
    def classes_(self):
        """Class labels, sorted (classifiers); ``predict_proba`` follows them."""
        if self._task() != "classifier":
            raise AttributeError("a regressor has no classes_")
        classes = self._given_classes()
        if classes is not None:
            return np.sort(classes)
        n_classes = model_n_classes(self.model)
        if n_classes is None:
            raise AttributeError("classes_: the number of outputs is unknown")
        return np.arange(n_classes)

    @property
    def n_features_in_(self):
        """Inputs per row, for a model whose rows have one axis."""
        spec = input_spec(self.model)
        if spec is None or len(spec[0]) != 1 or spec[0][0] is None:
            raise AttributeError("n_features_in_")
        return int(spec[0][0])

    def __sklearn_is_fitted__(self):
        return bool(getattr(self.model, "built", False))

    def __sklearn_tags__(self):
        from sklearn.utils import ClassifierTags, RegressorTags

        tags = super().__sklearn_tags__()
        kind = self._task()
        tags.estimator_type = kind
        tags.classifier_tags = ClassifierTags() if kind == "classifier" else None
        tags.regressor_tags = RegressorTags() if kind == "regressor" else None
        tags.target_tags.required = True
        tags.non_deterministic = True
        return tags

    # ----------------------------------------- prepare, respond, decode
    def _prepare(self, X):
        """X as the model's input array (its dtype; shape checked), or its
        dict or list of input arrays for a model with several inputs."""
        if is_several_inputs(X):
            return prepare_inputs(X, self.model)
        check_numeric(X)
        spec = input_spec(self.model)
        if spec is None:
            return np.asarray(X)
        shape, dtype = spec
        X = np.asarray(X, dtype=dtype)
        if X.ndim != len(shape) + 1 or any(
            s is not None and s != x for s, x in zip(shape, X.shape[1:])
        ):
            raise ValueError(
                f"X has shape {X.shape}, but the model takes rows of shape {shape}."
            )
        return X

    # ------------------------------------------------------ sklearn API
    def fit(self, X=None, y=None, **fit_params):
        """Do nothing: the model is measured as it was trained.

        Parameters
        ----------
        X, y : ignored
        **fit_params : ignored

        Returns
        -------
        self : object
        """
        return self


def _labels(y):
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        return None
    if y.dtype.kind == "f":
        y = y[~np.isnan(y)]
    return np.unique(y)


def _bind_classes(estimator, y):
    """``estimator`` with the sorted labels of y as classes, when it has none."""
    if estimator.classes is not None or y is None:
        return estimator
    if estimator._task() != "classifier":
        return estimator
    labels = _labels(y)
    if labels is None:
        return estimator
    default = estimator.classes_
    if len(labels) == len(default):
        classes = labels
    elif np.isin(labels, default).all():
        return estimator  # y lacks some classes; they are 0, 1, ...
    else:
        raise ValueError(
            f"the model has outputs for {len(default)} classes, but y holds "
            f"{len(labels)} labels ({labels[:10].tolist()}); give the classes in "
            "output order: FittedKerasModel(model, classes=[...])."
        )
    return FittedKerasModel(estimator.model, classes=classes, task=estimator.task)


def as_fitted_estimator(estimator, y=None):
    """A raw ``keras.Model`` (also in a ``FrozenEstimator``) as a
    :class:`FittedKerasModel`, classes from the sorted labels of ``y``;
    any other estimator unchanged.
    """
    inner = unfreeze(estimator)
    if is_keras_model(inner):
        inner = FittedKerasModel(inner)
    elif not isinstance(inner, FittedKerasModel):
        return estimator
    return _bind_classes(inner, y)


def check_trainable(estimator):
    """Raise TypeError for a trained model given where fresh copies are trained."""
    inner = unfreeze(estimator)
    if not (is_keras_model(inner) or isinstance(inner, FittedKerasModel)):
        return
    raise TypeError(
        f"{type(inner).__name__} is a trained Keras model: it can be measured as "
        "it is with cv='prefit' (on held-out X, y), but cross-validation trains a "
        "fresh copy on each split, which needs a scikit-learn estimator. Make one "
        "from the compiled model (its architecture and compile settings, new "
        "weights): skimportance.wrappers.make_trainable(model, epochs=20, "
        "batch_size=32)."
    )
