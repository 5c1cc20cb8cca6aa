"""TensorFlow: ``tf.function`` with an input signature whose free dimensions
are None, traced once per model; it reads the variables by reference."""

import logging

import numpy as np

#: each new input shape costs no compilation (free dimensions are None)
STATIC_SHAPES = False


def call_bytes(preferred):
    """TensorFlow is fastest near 32 MiB per call (see ``_keras.batching``)."""
    return preferred


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


def compile_function(fn, variables, signature):
    """``tf.function(fn)`` over ``signature``; ``variables`` are read by
    reference."""
    import tensorflow as tf

    _RETRACING.names.add(fn.__qualname__)
    logger = logging.getLogger("tensorflow")
    if _RETRACING not in logger.filters:
        logger.addFilter(_RETRACING)
    specs = [tf.TensorSpec(shape, dtype=np.dtype(dtype)) for shape, dtype in signature]
    return tf.function(fn, input_signature=specs, reduce_retracing=True)


def to_numpy(tensor):
    return np.asarray(tensor)
