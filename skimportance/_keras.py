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

import contextlib
import functools
import logging
import sys
import weakref

import numpy as np

from ._backend import (
    call_bytes,
    compile_forward,
    is_supported,
    static_shapes,
    to_numpy,
)
from ._scoring import estimator_type, tags_for

#: bytes of input per compiled call when ``batch_size`` is None. Measured on the
#: reference MLP (50 float32 inputs, 2 cores): 8,192 rows per call 0.47 s for
#: 1.25M rows, 40k rows 0.31 s, 131k rows (32 MiB) 0.24 s, 262k rows 0.26 s.
DEFAULT_BATCH_BYTES = 32 * 2**20
MIN_BATCH, MAX_BATCH = 1024, 262144


def default_batch_size(row_nbytes, batch_bytes=DEFAULT_BATCH_BYTES):
    """Rows per compiled call: ~``batch_bytes`` (32 MiB) of input, less where
    the backend prefers smaller calls (see :func:`_backend.call_bytes`), within
    [1,024, 262,144]."""
    batch_bytes = call_bytes(batch_bytes)
    return int(np.clip(batch_bytes // max(1, row_nbytes), MIN_BATCH, MAX_BATCH))


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


@contextlib.contextmanager
def _quiet_retracing():
    """Silence TensorFlow's retracing warning: each newly fitted model (one per
    CV split) is traced once, which is expected here, not a mistake."""
    logger = logging.getLogger("tensorflow")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _scikeras_base():
    mod = sys.modules.get("scikeras.wrappers")
    return None if mod is None else mod.BaseWrapper


def _keras_wrapper_bases():
    mod = sys.modules.get("keras.src.wrappers.sklearn_wrapper")
    if mod is None:
        return None
    return (mod.SKLearnClassifier, mod.SKLearnRegressor)


def is_scikeras(estimator):
    base = _scikeras_base()
    return base is not None and isinstance(estimator, base)


def is_keras_wrapper(estimator):
    bases = _keras_wrapper_bases()
    return bases is not None and isinstance(estimator, bases)


def is_keras_estimator(estimator):
    """Whether ``estimator`` is a scikeras, keras.wrappers or saved-model estimator."""
    return (
        is_scikeras(estimator)
        or is_keras_wrapper(estimator)
        or isinstance(estimator, SavedKerasModel)
    )


def _has_softmax_output(model):
    return output_activation(model) == "softmax"


def fast_path_applies(estimator):
    """Whether ``estimator`` is a fitted Keras wrapper the fast path can serve."""
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


def output_activation(model):
    """Name of the last layer's activation ("softmax", "sigmoid", "linear"...)."""
    import keras

    last = model.layers[-1] if model.layers else None
    if isinstance(last, keras.layers.Softmax):
        return "softmax"
    activation = getattr(last, "activation", None)
    return getattr(activation, "__name__", "linear")


class SavedKerasModel:
    """A trained Keras model (e.g. loaded from a ``.keras`` file) as a fitted
    scikit-learn estimator, for measuring it with ``cv="prefit"``.

    Parameters
    ----------
    model : keras.Model
        Single input, single output. A classifier ends in a sigmoid (binary,
        one output: the probability of ``classes[1]``) or a softmax (one output
        per class, in the order of ``classes``).
    classes : array-like or None
        Class labels of a classifier, sorted; None for a regressor.
    """

    def __init__(self, model, classes=None):
        self.model_ = model
        self.classes_ = None if classes is None else np.asarray(classes)
        self._estimator_type = "regressor" if classes is None else "classifier"
        self.n_features_in_ = int(model.inputs[0].shape[-1])

    def __sklearn_is_fitted__(self):
        return True

    def __sklearn_tags__(self):
        return tags_for(self._estimator_type)

    def fit(self, X, y=None):
        """Already trained: does nothing (the model is measured as it is)."""
        return self

    def _raw(self, X):
        X = np.asarray(X, dtype=np.dtype(self.model_.inputs[0].dtype))
        return np.asarray(self.model_.predict(X, verbose=0))

    def decode(self, raw, method):
        if self.classes_ is None:
            return raw[:, 0] if raw.ndim == 2 and raw.shape[1] == 1 else raw
        proba = raw
        if raw.ndim == 1 or raw.shape[1] == 1:
            p = raw.reshape(-1)
            proba = np.column_stack([1 - p, p])
        if method == "predict_proba":
            return proba
        return self.classes_[np.argmax(proba, axis=1)]

    def predict(self, X):
        return self.decode(self._raw(X), "predict")

    def predict_proba(self, X):
        if self.classes_ is None:
            raise AttributeError("a regressor has no predict_proba")
        return self.decode(self._raw(X), "predict_proba")


class KerasResponder:
    """Responses of a fitted Keras wrapper from batched compiled inference.

    Parameters
    ----------
    estimator : fitted scikeras or keras.wrappers estimator
    batch_size : int or None
        Rows per compiled call; None uses :func:`default_batch_size`.
    """

    def __init__(self, estimator, batch_size=None):
        self.estimator = estimator  # what the proxy delegates to (may be re-set)
        self.wrapper = estimator  # the Keras wrapper whose encoders decode
        self.model = estimator.model_
        self.batch_size = batch_size
        self.estimator_type = estimator_type(estimator)
        self.scikeras = is_scikeras(estimator)
        self.classes_ = getattr(estimator, "classes_", None)
        self.input_dtype = np.dtype(self.model.inputs[0].dtype)
        self.saved = isinstance(estimator, SavedKerasModel)
        methods = ["predict"]
        if self.estimator_type == "classifier":
            if self.scikeras or self.saved:
                methods.append("predict_proba")
            else:
                methods.append("decision_function")
                if _has_softmax_output(self.model):
                    methods.append("predict_proba")
        self.methods = tuple(methods)

    @property
    def block_dtype(self):
        """dtype that stacked blocks may be cast to once, up front.

        The wrappers hand X to the model, which converts it to its input
        dtype; casting once before stacking gives the same numbers. scikeras
        refuses X it cannot cast to the dtype it was fitted on, and a custom
        feature encoder may want the original dtype: then nothing is cast.
        """
        if self.scikeras:
            encoder = self.wrapper.feature_encoder_
            identity = type(encoder).__name__ == "FunctionTransformer" and (
                encoder.func is None
            )
            if not identity or not np.can_cast(self.input_dtype, self.wrapper.X_dtype_):
                return None
        return self.input_dtype

    def _prepare(self, X):
        est = self.wrapper
        if self.saved:
            return np.asarray(X)
        if self.scikeras:
            X, _ = est._validate_data(X=X, y=None)
            X = est.feature_encoder_.transform(X)
        else:
            from keras.src.wrappers.fixes import _validate_data

            X = _validate_data(est, X, reset=False)
        return np.asarray(X)

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
        with _quiet_retracing():
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
        est = self.wrapper
        if self.saved:
            return est.decode(raw, method)
        if self.scikeras:
            encoder = est.target_encoder_
            if method == "predict_proba":
                if _is_default_label_encoder(encoder):
                    return _scikeras_proba(encoder, raw)
                return encoder.inverse_transform(raw, return_proba=True)
            return encoder.inverse_transform(raw)
        if method == "predict":
            return est._reverse_process_target(raw)
        # keras.wrappers classifier: one-hot targets, outputs one per class
        if method == "decision_function" and raw.ndim == 2 and raw.shape[1] == 2:
            # a binary decision function is one score for the positive class
            return raw[:, 1] - raw[:, 0]
        return raw
