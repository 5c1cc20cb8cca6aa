"""Compiled functions of Keras variables, on whichever backend Keras runs.

Keras 3 runs on TensorFlow, JAX and PyTorch. The fast paths (``_keras``'s
batched forward pass, ``_first_layer``'s updates) write their inference with
Keras layers and ``keras.ops`` and compile it here, for the current backend:

* TensorFlow: ``tf.function`` with an input signature whose free dimensions
  are None, traced once per model; it reads the variables by reference.
* JAX: ``jax.jit`` of a pure function that takes the variables' current values
  as arguments and runs the Keras code in a ``keras.StatelessScope`` mapping
  each variable to its argument (what ``Model.stateless_call`` does). Nothing
  is baked into the compiled program, so a model refitted after compilation
  answers with its new weights. jit compiles once per input shape.
* PyTorch: eager calls under ``torch.no_grad()``.

The inputs are converted to the backend's tensors on its default device, and
:func:`to_numpy` brings results back, so a device-resident path can reuse the
same compiled functions and keep the tensors where they are.

A compiled function holds the variables it reads, never the model: callers
keep them in caches keyed weakly by the model, and a model must not be kept
alive by its own cache entry (pass a :func:`weakref.ref` to the model's code).
"""

import logging
import weakref

import numpy as np

__all__ = [
    "backend",
    "call_bytes",
    "compile_forward",
    "compile_function",
    "is_supported",
    "static_shapes",
    "to_numpy",
]

SUPPORTED = ("tensorflow", "jax", "torch")


def backend():
    """Name of Keras' backend: "tensorflow", "jax", "torch"..."""
    import keras

    return keras.backend.backend()


def is_supported():
    """Whether functions can be compiled for the current backend."""
    return backend() in SUPPORTED


def static_shapes():
    """Whether each new input shape costs a compilation (JAX): callers then
    keep the shapes they pass few."""
    return backend() == "jax"


#: most bytes per compiled call with XLA on CPU (JAX). Measured on the
#: reference MLP (50 float32 inputs, 2 shared cores), a forward pass over
#: 1.25M rows: 8,192 rows per call 0.3-0.9 s, 131,072 rows 3.1 s (TensorFlow is
#: fastest near 32 MiB per call, see _keras).
XLA_CPU_CALL_BYTES = 2 * 2**20


def call_bytes(preferred):
    """Bytes per compiled call on this backend and device, for a path whose
    TensorFlow calls take ``preferred`` bytes."""
    if backend() == "jax":
        import jax

        if jax.default_backend() == "cpu":
            return min(preferred, XLA_CPU_CALL_BYTES)
    return preferred


def compile_function(fn, variables, signature):
    """Compile ``fn`` for the current Keras backend.

    Parameters
    ----------
    fn : callable
        ``fn(*tensors)`` returning a tensor or a tuple of tensors, written with
        Keras layers and ``keras.ops``; it reads ``variables`` and no other
        state that changes.
    variables : list of keras.Variable
        The variables ``fn`` reads (on JAX, passed as arguments; variables
        left out are read as constants).
    signature : list of (shape, dtype)
        One per argument of ``fn``; None for a dimension that varies.

    Returns
    -------
    compiled : callable
        ``compiled(*arrays)`` with numpy arrays or backend tensors, returning
        backend tensors.
    """
    name = backend()
    if name == "tensorflow":
        return _tf_function(fn, signature)
    if name == "jax":
        return _jax_jit(fn, variables)
    if name == "torch":
        return _torch_no_grad(fn)
    raise ValueError(f"no compiled functions for Keras' {name!r} backend")


class _OwnRetracing(logging.Filter):
    """Drops TensorFlow's retracing warning for the functions compiled here.

    Each newly fitted model (one per CV split, one per grid candidate) is
    traced once, which is expected here, not a mistake. A filter rather than
    a raised logger level: it is safe under threads, and the warnings of the
    user's own functions still pass.
    """

    def __init__(self):
        super().__init__()
        self.names = set()  # qualified names of the functions compiled here

    def filter(self, record):
        message = record.getMessage()
        if "triggered tf.function retracing" not in message:
            return True
        return not any(f"<function {name} at" in message for name in self.names)


_RETRACING = _OwnRetracing()


def _tf_function(fn, signature):
    import tensorflow as tf

    _RETRACING.names.add(fn.__qualname__)
    logger = logging.getLogger("tensorflow")
    if _RETRACING not in logger.filters:
        logger.addFilter(_RETRACING)
    specs = [tf.TensorSpec(shape, dtype=np.dtype(dtype)) for shape, dtype in signature]
    return tf.function(fn, input_signature=specs, reduce_retracing=True)


def _jax_jit(fn, variables):
    import jax
    import keras

    variables = list(variables)

    def pure(values, *args):
        with keras.StatelessScope(state_mapping=list(zip(variables, values))):
            return fn(*args)

    jitted = jax.jit(pure)

    def call(*args):
        return jitted([v.value for v in variables], *args)

    return call


def _torch_no_grad(fn):
    import keras
    import torch

    def call(*args):
        with torch.no_grad():
            return fn(*(keras.ops.convert_to_tensor(a) for a in args))

    return call


def compile_forward(model, row_shape, dtype):
    """``model(x, training=False)`` compiled for x of shape (None, *row_shape).

    The compiled function holds a weak reference to ``model``.
    """
    ref = weakref.ref(model)

    def forward(x):
        return ref()(x, training=False)

    signature = [((None, *tuple(row_shape)), dtype)]
    return compile_function(forward, model.variables, signature)


def to_numpy(tensor):
    """A backend tensor (or numpy array) as a numpy array, copied to host
    memory when it lives on a device."""
    if isinstance(tensor, np.ndarray):
        return tensor
    if backend() == "torch":
        import keras

        return keras.ops.convert_to_numpy(tensor)
    return np.asarray(tensor)
