"""Turn a fitted estimator into a fast "responses for this block of rows" function.

A responder has:

* ``estimator``: what it answers for,
* ``estimator_type``: "classifier", "regressor" or None,
* ``classes_``: the classes of a classifier, else None,
* ``methods``: the response methods it can produce,
* ``block_dtype``: a dtype X may be cast to once before stacking, or None,
* ``__call__(X, methods) -> dict``: the responses for the rows of X.
"""

import contextlib
import sys

import numpy as np
from sklearn.utils.validation import check_is_fitted

from .._keras.adapters import is_keras_estimator
from .._keras.fitted_model import as_fitted_estimator
from .._keras.responder import KerasResponder, fast_path_applies
from .._scoring.scorers import RESPONSE_METHODS
from .._utils.estimators import estimator_type, final_estimator, unfreeze

__all__ = ["make_responder"]


@contextlib.contextmanager
def no_progress_bars():
    """No Keras progress bars in this thread (Keras' logging switch is per
    thread); restored afterwards. Nothing to do when Keras is not imported."""
    if "keras" not in sys.modules:
        yield
        return
    import keras

    was = keras.config.is_interactive_logging_enabled()
    keras.config.disable_interactive_logging()
    try:
        yield
    finally:
        if was:
            keras.config.enable_interactive_logging()


class EstimatorResponder:
    """One public ``predict``/``predict_proba``/``decision_function`` call per block."""

    block_dtype = None

    def __init__(self, estimator):
        self.estimator = estimator
        self.estimator_type = estimator_type(estimator)
        self.classes_ = getattr(estimator, "classes_", None)
        self.methods = tuple(m for m in RESPONSE_METHODS if hasattr(estimator, m))

    def __call__(self, X, methods):
        with no_progress_bars():
            return {
                m: getattr(self.estimator, m)(X) for m in methods if m in self.methods
            }


class PipelineResponder:
    """A Pipeline whose final step has a fast responder: transform, then respond."""

    block_dtype = None

    def __init__(self, pipeline, final_responder):
        self.estimator = pipeline
        self.prefix = pipeline[:-1]
        self.final = final_responder
        self.estimator_type = final_responder.estimator_type
        self.classes_ = final_responder.classes_
        self.methods = final_responder.methods

    def __call__(self, X, methods):
        return self.final(self.prefix.transform(X), methods)

    def block_rows(self, row_nbytes):
        return self.final.block_rows(row_nbytes)


def make_responder(estimator, batch_size=None, fast=True):
    """The fastest responder that gives the estimator's own responses.

    Parameters
    ----------
    estimator : fitted estimator
    batch_size : int or None
        Rows per model call on the Keras fast path.
    fast : bool
        False forces public method calls (used to check the fast path).
    """
    estimator = as_fitted_estimator(estimator)
    inner = unfreeze(estimator)
    final = final_estimator(inner)
    if is_keras_estimator(final):  # else: predict raises, as in scikit-learn
        check_is_fitted(final)
    view = getattr(inner, "fitted_view", None)  # several inputs, trained here
    if fast and callable(view) and view() is not None:
        inner = view()
    if fast and fast_path_applies(inner):
        responder = KerasResponder(inner, batch_size=batch_size)
        responder.estimator = estimator
        return responder
    if fast and hasattr(inner, "steps") and len(inner.steps) > 1:
        if fast_path_applies(final):
            return PipelineResponder(inner, KerasResponder(final, batch_size))
    return EstimatorResponder(estimator)


def response_nbytes(responder, methods):
    """Rough bytes of responses per row, counted in the memory budget."""
    width = 1
    if responder.classes_ is not None:
        width = max(1, len(np.atleast_1d(responder.classes_)))
    return 8 * width * max(1, len(methods))


def block_rows(responder, X):
    """Rows per stacked block the responder prefers (None: fill the budget)."""
    prefer = getattr(responder, "block_rows", None)
    if prefer is None:
        return None
    if hasattr(X, "iloc"):
        row_nbytes = int(X.memory_usage(index=False).sum()) // max(1, len(X))
    else:
        dtype = responder.block_dtype or X.dtype
        row_nbytes = (
            int(np.prod(X.shape[1:], dtype=np.int64)) * np.dtype(dtype).itemsize
        )
    return prefer(row_nbytes)
