"""Training Keras quietly and reproducibly, wherever a copy is trained.

* :func:`quiet_training`: below ``verbose=2``, what training prints (Keras'
  epoch logs) is swallowed, for the calling thread only.
* :func:`training_seed`: a split trains the same network wherever it runs:
  with a ``random_state``, its training starts from
  ``keras.utils.set_random_seed(seed of the split)``; Python's and NumPy's
  global random states are restored afterwards.
* :func:`limit_tensorflow_threads`: TensorFlow's thread pools sized to
  ``OMP_NUM_THREADS`` in joblib and Dask workers.
* :func:`quiet_predict`: TensorFlow's retracing warnings dropped while this
  package calls ``model.predict`` (for the calling thread only).
* :func:`clone_estimator`: ``sklearn.base.clone`` that keeps Keras wrappers'
  ``fit_kwargs`` (:func:`keep_fit_kwargs`, the one clone repair: the
  selector's splits and the wrappers' ``__sklearn_clone__`` both use it).
"""

import contextlib
import copy
import logging
import os
import sys
import threading

import numpy as np
from sklearn.base import clone

__all__ = [
    "clone_estimator",
    "keep_fit_kwargs",
    "limit_tensorflow_threads",
    "quiet_predict",
    "quiet_training",
    "training_seed",
]


def keep_fit_kwargs(estimator, new):
    """``new``, a clone of ``estimator``, given back the ``fit_kwargs`` it lost.

    Keras 3's ``keras.wrappers`` estimators drop ``fit_kwargs`` when cloned
    (a clone trains with Keras' defaults: one epoch). Every parameter named
    ``fit_kwargs`` (also nested, e.g. ``model__fit_kwargs`` in a Pipeline)
    that is set on ``estimator`` and None on ``new`` is copied onto ``new``.

    Parameters
    ----------
    estimator : estimator
        The original.
    new : estimator
        Its clone, changed in place.

    Returns
    -------
    new : estimator
    """
    params = estimator.get_params(deep=True) if hasattr(estimator, "get_params") else {}
    lost = {
        name: copy.deepcopy(value)
        for name, value in params.items()
        if name.split("__")[-1] == "fit_kwargs" and value is not None
    }
    if lost:
        new_params = new.get_params(deep=True)
        lost = {k: v for k, v in lost.items() if new_params.get(k) is None}
        if lost:
            new.set_params(**lost)
    return new


def clone_estimator(estimator):
    """``sklearn.base.clone`` that keeps Keras wrappers' ``fit_kwargs``
    (:func:`keep_fit_kwargs`)."""
    return keep_fit_kwargs(estimator, clone(estimator))


def limit_tensorflow_threads():
    """Size TensorFlow's thread pools to ``OMP_NUM_THREADS`` when it is set
    and TensorFlow has not started yet in this process.

    joblib's loky workers get ``OMP_NUM_THREADS`` = their share of the cores
    and Dask's worker processes get 1; TensorFlow ignores that variable and
    would start one thread per core in every worker. Once TensorFlow runs,
    its pools cannot be resized: nothing is changed then.
    """
    value = os.environ.get("OMP_NUM_THREADS", "")
    tf = sys.modules.get("tensorflow")
    if tf is None or not value.isdigit() or int(value) < 1:
        return False
    try:
        tf.config.threading.set_intra_op_parallelism_threads(int(value))
        tf.config.threading.set_inter_op_parallelism_threads(int(value))
    except (RuntimeError, ValueError):  # already running
        return False
    return True


def _keras_seed_module():
    """Keras' module whose ``python_random`` draws the default seeds of
    initialisers and dropout (``random.randint``), or None if it moved."""
    import random

    try:
        from .._utils.compat import keras_seed_generator as seed_generator
    except ImportError:  # pragma: no cover - another Keras layout
        return None
    if getattr(seed_generator, "python_random", None) is not random:
        return None
    return seed_generator


@contextlib.contextmanager
def training_seed(seed):
    """Seed Keras' training with ``seed`` (None: leave it alone).

    ``keras.utils.set_random_seed`` seeds Python's global generator, from
    which Keras draws the seeds of initialisers and dropout layers. Other
    threads of the process draw from it too: a Dask worker's event loop does
    (connection back-off, retry jitter), which made one split in a few train
    a different network. While training, Keras draws its default seeds from a
    generator of its own, seeded with ``seed``.
    """
    if seed is None or "keras" not in sys.modules:
        yield
        return
    import random

    import keras

    module = _keras_seed_module()
    # Keras draws from the legacy global generators: saved and restored
    py_state, np_state = random.getstate(), np.random.get_state()  # noqa: NPY002
    if module is not None:
        module.python_random = random.Random(int(seed))
    keras.utils.set_random_seed(int(seed))
    try:
        yield
    finally:
        if module is not None:
            module.python_random = random
        random.setstate(py_state)
        np.random.set_state(np_state)  # noqa: NPY002


class _ThreadMutedStdout:
    """Stands in for ``sys.stdout``: drops what silenced threads write and
    passes everything else to the stream it replaced."""

    def __init__(self, target):
        self._target = target

    def write(self, text):
        if threading.get_ident() in _muted:
            return len(text)
        return self._target.write(text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        if threading.get_ident() not in _muted:
            self._target.flush()

    def __getattr__(self, name):
        return getattr(self._target, name)


_lock = threading.Lock()
_muted = {}  # thread id -> depth of quiet_training blocks it is in
_installed = None  # the proxy while any thread is silenced


def _enter(depths):
    """One block deeper for the calling thread (``depths``: thread id ->
    depth; under ``_lock``)."""
    tid = threading.get_ident()
    depths[tid] = depths.get(tid, 0) + 1


def _leave(depths):
    """One block out for the calling thread (under ``_lock``)."""
    tid = threading.get_ident()
    depths[tid] -= 1
    if not depths[tid]:
        del depths[tid]


def _mute():
    global _installed
    with _lock:
        if _installed is None:
            _installed = _ThreadMutedStdout(sys.stdout)
            sys.stdout = _installed
        _enter(_muted)


def _unmute():
    global _installed
    with _lock:
        _leave(_muted)
        if not _muted and _installed is not None:
            # the last silenced thread leaves: put the stream back, unless
            # someone replaced sys.stdout meanwhile (the proxy then passes
            # everything through to the stream it replaced)
            if sys.stdout is _installed:
                sys.stdout = _installed._target
            _installed = None


@contextlib.contextmanager
def quiet_training(verbose):
    """Below verbose=2, swallow what training prints (Keras' epoch logs).

    Only the calling thread is silenced: ``sys.stdout`` is replaced, while
    any thread is silenced, by a proxy that drops the writes of silenced
    threads and passes the others through. Safe with threads (joblib's
    threading backend): the original stream is restored when the last
    silenced thread leaves, whatever happens inside.
    """
    if verbose >= 2:
        yield
        return
    _mute()
    try:
        yield
    finally:
        _unmute()


class _PredictRetracing(logging.Filter):
    """Drops TensorFlow's retracing warning in the threads inside
    :func:`quiet_predict`; passes everything else."""

    def filter(self, record):
        if threading.get_ident() not in _predicting:
            return True
        return "triggered tf.function retracing" not in record.getMessage()


_predicting = {}  # thread id -> depth of quiet_predict blocks it is in
_PREDICT_RETRACING = _PredictRetracing()


@contextlib.contextmanager
def quiet_predict():
    """Without TensorFlow's retracing warnings, for the calling thread only.

    Each network trained here (one per CV split, one per grid candidate) or
    copied here gets its own ``predict`` function, traced on first use and
    for a new batch shape: expected here, and TensorFlow's warning that it
    "triggered tf.function retracing" would read as the user's mistake. The
    user's own calls, in other threads or outside the block, still warn.
    """
    logger = logging.getLogger("tensorflow")
    with _lock:
        if _PREDICT_RETRACING not in logger.filters:
            logger.addFilter(_PREDICT_RETRACING)
        _enter(_predicting)
    try:
        yield
    finally:
        with _lock:
            _leave(_predicting)
