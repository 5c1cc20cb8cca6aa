"""The Keras fast path: batched compiled inference on a fitted wrapper's model.

Both scikeras (``KerasClassifier``/``KerasRegressor``) and Keras' own
``keras.wrappers.SKLearnClassifier``/``SKLearnRegressor`` keep the trained
network in ``model_``. Their ``predict`` goes through ``model_.predict``, which
costs ~100 ms of set-up per call whatever the number of rows. Here the raw
outputs come from one compiled ``model(x, training=False)`` function called on
large batches, then are decoded exactly as the wrapper decodes them, with the
wrapper's own fitted encoders.

``training=False`` keeps Dropout inactive and BatchNormalization on its moving
statistics; nothing here writes to the model.
"""

import functools
import weakref

import numpy as np

from .._utils.estimators import estimator_type
from .adapters import adapter_for, is_keras_estimator
from .backend import compile_forward, is_supported, static_shapes, to_numpy
from .batching import default_batch_size

# compiled inference functions, one per (model, input shape, dtype): tracing
# costs ~0.1 s, which would otherwise be paid on every call. The functions hold
# only a weak reference to their model, so the cache keeps no model alive.
_COMPILED = weakref.WeakKeyDictionary()


def _compiled_forward(model, row_shape, dtype):
    per_model = _COMPILED.setdefault(model, {})
    key = (tuple(row_shape), np.dtype(dtype).str)
    if key not in per_model:
        per_model[key] = compile_forward(model, row_shape, dtype)
    return per_model[key]


#: a backend that compiles once per input shape (JAX) gets every call padded to
#: the full batch while that is at most this many bytes (one compilation per
#: model), else to the next power of two rows (few compilations, < 2x the rows)
PAD_BYTES = 4 * 2**20


def _padded_call(fn, rows, X):
    """``fn(X)`` with X padded by zero rows (see PAD_BYTES), padding dropped."""
    if len(X) == rows:
        return fn(X)
    if rows * X[:1].nbytes > PAD_BYTES:
        rows = min(rows, 1 << (len(X) - 1).bit_length())
    padded = np.zeros((rows,) + X.shape[1:], dtype=X.dtype)
    padded[: len(X)] = X
    return to_numpy(fn(padded))[: len(X)]


def fast_path_applies(estimator):
    """Whether ``estimator`` is a fitted Keras estimator (scikeras,
    ``keras.wrappers`` or :class:`FittedKerasModel`) the fast path can serve."""
    if not is_keras_estimator(estimator):
        return False
    model = getattr(estimator, "model_", None)
    if model is None:
        return False
    try:
        import keras
    except ImportError:  # pragma: no cover
        return False
    if not isinstance(model, keras.Model):
        return False
    try:
        inputs, outputs = model.inputs, model.outputs
    except (AttributeError, ValueError):
        return False
    if inputs is None or outputs is None or len(inputs) != 1 or len(outputs) != 1:
        return False
    # a custom predict_step changes what predict returns: leave it to predict
    if type(model).predict_step is not keras.Model.predict_step:
        return False
    return True


class KerasResponder:
    """Responses of a fitted Keras estimator from batched compiled inference.

    What the estimator does before and after its network (validating and
    encoding X, decoding outputs) comes from its adapter
    (:func:`skimportance._keras.adapters.adapter_for`).

    Parameters
    ----------
    estimator : fitted scikeras, keras.wrappers or FittedKerasModel estimator
    batch_size : int or None
        Rows per compiled call; None uses :func:`default_batch_size`.
    """

    def __init__(self, estimator, batch_size=None):
        self.estimator = estimator  # what the proxy delegates to (may be re-set)
        self.wrapper = estimator  # the Keras estimator whose encoders decode
        self.model = estimator.model_
        self.batch_size = batch_size
        self.estimator_type = estimator_type(estimator)
        self.classes_ = getattr(estimator, "classes_", None)
        self.adapter = adapter_for(estimator, self.estimator_type)
        self.input_dtype = self.adapter.input_dtype
        self.methods = tuple(self.adapter.methods)

    @property
    def block_dtype(self):
        """dtype that stacked blocks may be cast to once, up front (see
        :class:`skimportance._keras.adapters.KerasAdapter`), or None."""
        return self.adapter.block_dtype

    def _prepare(self, X):
        return self.adapter.prepare(X)

    def prepare(self, X):
        """X (an array or DataFrame) as the estimator's ``predict`` hands it to
        the network: validated and encoded by the adapter."""
        return self._prepare(X)

    def _compiled(self, X):
        if not is_supported():
            return None
        return _compiled_forward(self.model, X.shape[1:], self.input_dtype)

    def block_rows(self, row_nbytes):
        """Rows per stacked block: one compiled batch, so blocks stay in cache."""
        return self.batch_size or default_batch_size(row_nbytes)

    def raw(self, X):
        """Raw model outputs for already prepared rows."""
        X = np.asarray(X, dtype=self.input_dtype)
        if len(X) == 0:
            return self.model.predict(X, verbose=0)
        bs = self.batch_size or default_batch_size(X[:1].nbytes)
        fn = self._compiled(X)
        if fn is None:
            return np.asarray(self.model.predict(X, batch_size=bs, verbose=0))
        call = fn
        if static_shapes():  # one compilation per shape: every call takes bs rows
            call = functools.partial(_padded_call, fn, bs)
        parts = [to_numpy(call(X[i : i + bs])) for i in range(0, len(X), bs)]
        return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=0)

    def __call__(self, X, methods, trusted=False):
        """Responses for X.

        ``trusted=True`` says X holds permuted copies of rows already validated
        by a call with ``trusted=False``, already in ``block_dtype``: the
        wrapper's checks (shape, dtype, finiteness) cannot fail on them and are
        skipped when the feature encoder is the identity.
        """
        methods = [m for m in methods if m in self.methods]
        if not methods:
            return {}
        skip = (
            trusted
            and isinstance(X, np.ndarray)
            and self.block_dtype is not None
            and X.dtype == self.block_dtype
        )
        raw = self.raw(X if skip else self._prepare(X))
        return {m: self._decode(raw, m) for m in methods}

    def _decode(self, raw, method):
        return self.adapter.decode(raw, method)
