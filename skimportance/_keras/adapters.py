"""What each kind of fitted Keras estimator does around its network.

The fast path (:class:`skimportance._keras.responder.KerasResponder`) calls the network
itself, so it must do what the estimator's own ``predict`` does before and
after: validate and encode X, and decode the raw outputs. One adapter class
per kind of estimator holds that:

* :class:`ScikerasAdapter`: scikeras ``KerasClassifier``/``KerasRegressor``
  (their fitted feature and target encoders),
* :class:`KerasWrapperAdapter`: Keras 3's ``keras.wrappers.SKLearnClassifier``
  / ``SKLearnRegressor`` (one-hot targets),
* :class:`KerasModelAdapter`: a plain ``keras.Model`` as a
  :class:`~skimportance.wrappers.FittedKerasModel` (the command line's
  ``skimportance run`` and the Python API alike), or trained by
  :func:`~skimportance.wrappers.make_trainable`.

Each has ``methods`` (the responses it can give), ``block_dtype`` (a dtype X
may be cast to once, up front, or None), ``prepare(X)`` and
``decode(raw, method)``. :data:`ADAPTERS` holds one :class:`AdapterRecord`
per kind (which estimators it serves, the adapter class that wraps them), in
order: :func:`adapter_for` takes the first that serves an estimator, and
:func:`is_keras_estimator` asks them all. A new wrapper is one adapter class
and one record.
"""

import sys
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .fitted_model import KerasModelResponses
from .layers import check_numeric, output_activation

__all__ = [
    "ADAPTERS",
    "AdapterRecord",
    "KerasModelAdapter",
    "KerasWrapperAdapter",
    "ScikerasAdapter",
    "adapter_for",
    "is_keras_estimator",
    "is_keras_wrapper",
    "is_scikeras",
]


def _scikeras_base():
    mod = sys.modules.get("scikeras.wrappers")  # not imported: not scikeras
    return None if mod is None else mod.BaseWrapper


def _keras_wrapper_bases():
    if "keras" not in sys.modules:  # not imported: not a Keras wrapper
        return None
    from keras.wrappers import SKLearnClassifier, SKLearnRegressor

    return (SKLearnClassifier, SKLearnRegressor)


def is_scikeras(estimator):
    """Whether ``estimator`` is a scikeras wrapper."""
    base = _scikeras_base()
    return base is not None and isinstance(estimator, base)


def is_keras_wrapper(estimator):
    """Whether ``estimator`` is a ``keras.wrappers`` estimator."""
    bases = _keras_wrapper_bases()
    return bases is not None and isinstance(estimator, bases)


class KerasAdapter:
    """Base: an estimator whose fitted network is ``estimator.model_``.

    Parameters
    ----------
    estimator : fitted Keras estimator
    estimator_type : {"classifier", "regressor"} or None
    """

    def __init__(self, estimator, estimator_type):
        self.estimator = estimator
        self.estimator_type = estimator_type
        self.model = estimator.model_
        self.input_dtype = np.dtype(self.model.inputs[0].dtype)

    @property
    def methods(self):
        """Response methods the estimator has."""
        if self.estimator_type == "classifier":
            return ("predict", "predict_proba")
        return ("predict",)

    @property
    def block_dtype(self):
        """dtype that stacked blocks may be cast to once, up front.

        The estimators hand X to the model, which converts it to its input
        dtype; casting once before stacking gives the same numbers.
        """
        return self.input_dtype

    def prepare(self, X):
        """X as the estimator's ``predict`` hands it to the network."""
        raise NotImplementedError

    def decode(self, raw, method):
        """The response of ``method`` from the network's raw outputs."""
        raise NotImplementedError


def _is_default_label_encoder(encoder):
    mod = sys.modules.get("scikeras.utils.transformers")
    return mod is not None and type(encoder) is mod.ClassifierLabelEncoder


def _scikeras_proba(encoder, raw):
    """``ClassifierLabelEncoder.inverse_transform(raw, return_proba=True)``.

    scikeras 0.13 computes the class labels too (argmax, then its ordinal
    encoder) and discards them when probabilities are asked for; this is its
    probability branch alone, line for line.
    """
    y = raw
    if encoder._target_type == "binary" and (
        y.ndim == 1 or (y.shape[1] == 1 and encoder.n_classes_ == 2)
    ):
        y = np.column_stack([1 - y, y])
    return np.squeeze(y)


class ScikerasAdapter(KerasAdapter):
    """scikeras ``KerasClassifier``/``KerasRegressor``: their fitted
    ``feature_encoder_`` before the network, ``target_encoder_`` after."""

    @property
    def block_dtype(self):
        """None (nothing cast) when scikeras would refuse X cast to the model's
        dtype, or when a custom feature encoder may want the original dtype."""
        est = self.estimator
        encoder = est.feature_encoder_
        identity = type(encoder).__name__ == "FunctionTransformer" and (
            encoder.func is None
        )
        if not identity or not np.can_cast(self.input_dtype, est.X_dtype_):
            return None
        return self.input_dtype

    def prepare(self, X):
        est = self.estimator
        X, _ = est._validate_data(X=X, y=None)
        return np.asarray(est.feature_encoder_.transform(X))

    def decode(self, raw, method):
        encoder = self.estimator.target_encoder_
        if method == "predict_proba":
            if _is_default_label_encoder(encoder):
                return _scikeras_proba(encoder, raw)
            return encoder.inverse_transform(raw, return_proba=True)
        return encoder.inverse_transform(raw)


class KerasWrapperAdapter(KerasAdapter):
    """Keras 3's ``keras.wrappers``: scikit-learn's ``validate_data`` before
    the network; a classifier's outputs are one per class (one-hot targets)."""

    @property
    def methods(self):
        if self.estimator_type != "classifier":
            return ("predict",)
        if output_activation(self.model) == "softmax":
            return ("predict", "decision_function", "predict_proba")
        return ("predict", "decision_function")

    def prepare(self, X):
        from sklearn.utils.validation import validate_data

        check_numeric(X)
        return np.asarray(validate_data(self.estimator, X, reset=False))

    def decode(self, raw, method):
        if method == "predict":
            return self.estimator._reverse_process_target(raw)
        if method == "decision_function" and raw.ndim == 2 and raw.shape[1] == 2:
            # a binary decision function is one score for the positive class
            return raw[:, 1] - raw[:, 0]
        return raw


class KerasModelAdapter(KerasAdapter):
    """A plain ``keras.Model`` as a :class:`FittedKerasModel` (or trained by
    :func:`~skimportance.wrappers.make_trainable`): the estimator's own
    ``_prepare`` and ``_decode``, the ones its ``predict`` uses."""

    @property
    def methods(self):
        return self.estimator._methods()

    def prepare(self, X):
        return self.estimator._prepare(X)

    def decode(self, raw, method):
        return self.estimator._decode(raw, method)


def _is_keras_model_estimator(estimator):
    """Whether ``estimator`` answers from a plain ``keras.Model``
    (:class:`~skimportance.wrappers.FittedKerasModel`, ``make_trainable``)."""
    return isinstance(estimator, KerasModelResponses)


@dataclass(frozen=True)
class AdapterRecord:
    """One kind of fitted Keras estimator.

    Parameters
    ----------
    name : str
        The kind, in words.
    serves : callable
        ``serves(estimator) -> bool``: whether the estimator is of this kind.
    adapter : type
        The :class:`KerasAdapter` subclass, built as
        ``adapter(estimator, estimator_type)``.
    """

    name: str
    serves: Callable
    adapter: type


ADAPTERS = (
    # first: a KerasModelClassifier is a keras.wrappers estimator too
    AdapterRecord(
        "keras.Model estimator", _is_keras_model_estimator, KerasModelAdapter
    ),
    AdapterRecord("scikeras wrapper", is_scikeras, ScikerasAdapter),
    AdapterRecord("keras.wrappers estimator", is_keras_wrapper, KerasWrapperAdapter),
)
"""The adapter records, in order of preference; see the module docstring."""


def _record_for(estimator):
    return next((r for r in ADAPTERS if r.serves(estimator)), None)


def is_keras_estimator(estimator):
    """Whether an adapter record serves ``estimator`` (a scikeras,
    keras.wrappers or Keras-model estimator)."""
    return _record_for(estimator) is not None


def adapter_for(estimator, estimator_type):
    """The adapter of a fitted Keras estimator (the first record of
    :data:`ADAPTERS` that serves it), or None for any other."""
    record = _record_for(estimator)
    return None if record is None else record.adapter(estimator, estimator_type)
