"""A model with several inputs measured as one table.

:func:`flat_problem` turns ``(estimator, X)`` with X a dict or list of
inputs into the flat table of an :class:`~.several_inputs.InputLayout` and
an estimator that takes that table, so every importance method, scorer and
split works on it unchanged:

* a trained model (:class:`FittedKerasModel`): :class:`FlatInputsModel`, a
  one-input view of a copy of the network (``keras.models.clone_model``, the
  same weights copied in; the user's model is not touched) whose graph
  slices the table into the inputs, so the compiled, batched Keras path
  serves it as any one-input model (and the first-layer updates, which read
  the copy's graph through :func:`view_source`);
* anything else (a trainable network for ``cv``, a model whose inputs
  differ in dtype or that Keras cannot copy): :class:`SeveralInputsEstimator`,
  which splits the table into the dict or list before each call (the plain
  path: the estimator's own ``predict``).
"""

import weakref

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from .fitted_model import (
    FittedKerasModel,
    KerasModelResponses,
    as_fitted_estimator,
    check_trainable,
)
from .layers import is_keras_model
from .preprocessing import finalize_states
from .several_inputs import InputLayout, is_several_inputs

__all__ = ["FlatInputsModel", "SeveralInputsEstimator", "flat_problem", "view_source"]

# one-input view -> (the copy it calls, per input of the copy its columns)
_SOURCES = weakref.WeakKeyDictionary()


def view_source(model):
    """``(copy, columns)`` for a one-input view made by :func:`_flat_view`:
    the model with several inputs that it calls, and per input of
    ``copy.inputs`` its columns of the flat table; None for any other model
    (the first-layer updates read the copy's graph)."""
    try:
        return _SOURCES.get(model)
    except TypeError:  # not weakly referable
        return None


def _flat_view(model, layout):
    """A one-input keras.Model over the flat table: a copy of ``model`` (its
    weights copied in) called on slices of the table; None when the inputs
    differ in dtype or Keras cannot copy the model."""
    import keras

    try:
        inputs = list(model.inputs)
        structure = model.input if len(inputs) > 1 else None
    except (AttributeError, ValueError, TypeError):
        return None
    dtypes = {str(t.dtype) for t in inputs}
    if len(inputs) != len(layout.keys) or len(dtypes) != 1:
        return None
    try:
        copy = keras.models.clone_model(model)
        copy.set_weights(model.get_weights())
        finalize_states(copy)  # an adapted Normalization uses its copied state
        flat = keras.Input((layout.n_features,), dtype=dtypes.pop())
        starts = layout.offsets
        parts = [flat[:, starts[i] : starts[i + 1]] for i in range(len(layout.keys))]
        ranges = [np.arange(starts[i], starts[i + 1]) for i in range(len(parts))]
        if isinstance(structure, dict):
            if layout.kind == "dict":
                fed = dict(zip(layout.keys, parts))
                columns = dict(zip(layout.keys, ranges))
            else:  # a list, in the order of model.inputs
                order = [id(t) for t in inputs]
                fed = {k: parts[order.index(id(t))] for k, t in structure.items()}
                columns = {k: ranges[order.index(id(t))] for k, t in structure.items()}
            if set(map(str, fed)) != set(map(str, structure)):
                return None
            by_tensor = {id(t): k for k, t in copy.input.items()}
            columns = [columns[by_tensor[id(t)]] for t in copy.inputs]
        else:
            fed, columns = parts, ranges
        view = keras.Model(flat, copy(fed))
        _SOURCES[view] = (copy, columns)
        return view
    except Exception:  # noqa: BLE001 - any model Keras cannot view so
        return None


class FlatInputsModel(FittedKerasModel):
    """A trained model with several inputs as a :class:`FittedKerasModel` of
    the flat table: ``model`` is the one-input view (see the module);
    ``layout`` turns a dict or list given later (``selector.predict``) into
    that table.

    Parameters
    ----------
    model : keras.Model
        The one-input view.
    layout : InputLayout
    classes : array-like or None, default=None
    task : {"auto", "classification", "regression"}, default="auto"
    """

    def __init__(self, model, layout, *, classes=None, task="auto"):
        super().__init__(model, classes=classes, task=task)
        self.layout = layout

    def _prepare(self, X):
        if is_several_inputs(X):
            X = self.layout.flatten(X)
        return super()._prepare(X)


def _flat_model(model, kind, classes, layout):
    """``model`` (a ``kind`` "classifier" or "regressor" with ``classes``)
    seen through its one-input view, or None without one."""
    view = _flat_view(model, layout)
    if view is None:
        return None
    if kind == "classifier":
        return FlatInputsModel(view, layout, classes=classes, task="classification")
    return FlatInputsModel(view, layout, task="regression")


def _inner_has(name):
    def check(self):
        getattr(self.estimator, name)
        return True

    return check


class SeveralInputsEstimator(BaseEstimator):
    """A model with several inputs seen through the flat table of an
    :class:`InputLayout`: each call splits the table into the model's dict
    or list of inputs (a dict or list given as it is passes through).

    Parameters
    ----------
    estimator : estimator
        Takes the dict or list of inputs (a :class:`FittedKerasModel`, a
        trainable network from ``make_trainable``).
    layout : InputLayout
    """

    def __init__(self, estimator, layout):
        self.estimator = estimator
        self.layout = layout

    def _inputs(self, X):
        return X if is_several_inputs(X) else self.layout.split(X)

    def fit(self, X, y, **fit_params):
        """Fit a clone of ``estimator`` on the inputs of X; sets ``estimator_``."""
        check_trainable(self.estimator)
        self.estimator_ = clone(self.estimator).fit(self._inputs(X), y, **fit_params)
        return self

    def _fitted(self):
        return getattr(self, "estimator_", self.estimator)

    def fitted_view(self):
        """The network ``fit`` trained, as a :class:`FlatInputsModel` of the
        flat table (a one-input view of a copy), so that the fast paths serve
        each split as they serve a trained model; None before ``fit``, for
        another estimator than :func:`make_trainable`'s, or a model Keras
        cannot view so. Its responses are the estimator's own (the same
        decoding of the same network)."""
        fitted = getattr(self, "estimator_", None)
        model = getattr(fitted, "model_", None)
        if not isinstance(fitted, KerasModelResponses) or not is_keras_model(model):
            return None
        cached = getattr(self, "_view", None)
        if cached is None or cached[0] is not model:
            classes = getattr(fitted, "classes_", None)
            view = _flat_model(model, fitted._task(), classes, self.layout)
            cached = self._view = (model, view)
        return cached[1]

    @available_if(_inner_has("predict"))
    def predict(self, X):
        """The estimator's ``predict`` on the inputs of X."""
        return self._fitted().predict(self._inputs(X))

    @available_if(_inner_has("predict_proba"))
    def predict_proba(self, X):
        """The estimator's ``predict_proba`` on the inputs of X."""
        return self._fitted().predict_proba(self._inputs(X))

    @available_if(_inner_has("decision_function"))
    def decision_function(self, X):
        """The estimator's ``decision_function`` on the inputs of X."""
        return self._fitted().decision_function(self._inputs(X))

    def score(self, X, y, sample_weight=None):
        """The estimator's ``score`` on the inputs of X."""
        if sample_weight is None:
            return self._fitted().score(self._inputs(X), y)
        return self._fitted().score(self._inputs(X), y, sample_weight=sample_weight)

    @property
    def classes_(self):
        """The estimator's classes."""
        return self._fitted().classes_

    @property
    def n_features_in_(self):
        """Columns of the flat table."""
        return self.layout.n_features

    def __sklearn_is_fitted__(self):
        try:
            check_is_fitted(self._fitted())
        except Exception:  # noqa: BLE001 - any reason it is not fitted
            return False
        return True

    def __sklearn_tags__(self):
        from sklearn.utils import get_tags

        return get_tags(self.estimator)


def flat_problem(estimator, X, y, feature_groups=None):
    """``(estimator, X, feature_groups, layout)`` to measure on one table.

    X a dict or list of inputs: the flat table, the estimator seen through
    it (a raw ``keras.Model`` as a :class:`FittedKerasModel`, classes from
    y), ``feature_groups="inputs"`` as one group per input, and the layout.
    Any other X: everything unchanged, and ``layout`` None.
    """
    if not is_several_inputs(X):
        if isinstance(feature_groups, str) and feature_groups == "inputs":
            raise ValueError(
                "feature_groups='inputs' groups the columns of each input of a "
                "model with several inputs; X is one table (pass a dict or a "
                "list of inputs, or other groups)."
            )
        return estimator, X, feature_groups, None
    inner = as_fitted_estimator(estimator, y)
    layout = InputLayout(X, _list_names(X, inner))
    if isinstance(feature_groups, str) and feature_groups == "inputs":
        feature_groups = layout.groups()
    wrapped = None
    if isinstance(inner, FittedKerasModel):
        # the classes in output order (classes_ is sorted)
        given = inner._given_classes() if inner._task() == "classifier" else None
        classes = given if given is not None else getattr(inner, "classes_", None)
        wrapped = _flat_model(inner.model, inner._task(), classes, layout)
    if wrapped is None:
        wrapped = SeveralInputsEstimator(inner, layout)
    return wrapped, layout.flatten(X), feature_groups, layout


def _list_names(X, estimator):
    """A list's inputs named as the model names them (its ``keras.Input``
    names, in ``model.inputs`` order), when the estimator holds a model."""
    model = getattr(estimator, "model", None)
    if isinstance(X, dict) or not is_keras_model(model):
        return None
    try:
        names = [t.name for t in model.inputs]
    except (AttributeError, ValueError, TypeError):
        return None
    return names if len(names) == len(X) and len(set(names)) == len(names) else None
