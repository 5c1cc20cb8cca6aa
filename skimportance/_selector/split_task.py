"""The selector's units of work: one split (train, then measure) and the refit.

They are plain functions of picklable arguments, so that joblib can run them
in this process, in its loky worker processes, or on a Dask cluster
(``joblib.parallel_config(backend="dask")``). They return importances, scores
and (for the refit) the fitted estimator, never per-split models.

Two things make a split give the same numbers wherever it runs:

* its permutations come from a seed drawn in ``fit`` (as before), and
* with a ``random_state``, its training starts from
  ``keras.utils.set_random_seed(seed of the split)``: weight initialisation,
  dropout and the shuffling of training batches no longer depend on what the
  process ran before. Python's and NumPy's global random states are restored
  afterwards; Keras' and TensorFlow's global seeds stay set.
"""

import contextlib
import os
import sys
import time

import numpy as np
from sklearn.utils import Bunch
from sklearn.utils.random import sample_without_replacement

from .._importance.compute import ImportanceOptions, compute_importances
from .._importance.responders import make_responder
from .._scoring.scorers import default_scoring as _default_scoring
from .._scoring.scorers import labelled_scorer as _labelled_scorer
from .._utils.compat import _safe_indexing
from .progress import quiet_training

__all__ = ["fit_and_measure", "limit_tensorflow_threads", "refit", "training_seed"]


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


def fit_and_measure(
    estimator,
    train,
    test,
    *,
    train_seed,
    perm_seed,
    scoring,
    n_repeats,
    max_samples,
    batch_size,
    layout,
    inference,
    n_jobs,
    verbose,
    progress=None,
    labels=None,
    method="permutation",
):
    """Train ``estimator`` on one split (unless ``train`` is None: prefit),
    then measure its permutation importance on the split's held-out rows.

    Parameters
    ----------
    estimator : estimator
        An unfitted clone (or the prefit estimator when ``train`` is None).
    train : tuple (X, y, fit_params) or None
    test : tuple (X, y, sample_weight)
    labels : ndarray or None
        All classes of y, for a log loss whose held-out rows miss a class.
    method : str or sampler
        What replaces a measured input (see :mod:`skimportance._methods.base`);
        a conditional sampler is fitted on the split's training rows (prefit:
        cross-fitted on the held-out rows).

    Returns
    -------
    result : Bunch
        ``importances`` (n_groups, n_repeats); ``baseline`` (float, on the
        evaluated rows); ``scorer``; ``scoring`` (the default is resolved
        from the fitted estimator); ``seconds``; ``rows``: the evaluated
        positions within the held-out part (``max_samples`` of them, the same
        rows for the baseline and every permuted copy); ``row_importances``:
        each evaluated row's drop in score averaged over repeats,
        (n_groups, n_rows), or None when the scorer is not a mean over rows;
        ``row_weights``: the evaluated rows' sample weights or None.
    """
    limit_tensorflow_threads()
    start = time.perf_counter()
    X_train = None
    if train is not None:
        X_train, y_train, fit_params = train
        with quiet_training(verbose), training_seed(train_seed):
            estimator.fit(X_train, y_train, **fit_params)
    X_test, y_test, sw_test, rows = _evaluated_part(test, max_samples, perm_seed)
    scoring, responder = _split_scoring(estimator, scoring, batch_size)
    results, baseline, scorers, _ = compute_importances(
        estimator,
        X_test,
        y_test,
        scoring=_labelled_scorer(scoring, responder, labels),
        sample_weight=sw_test,
        layout=layout,
        options=ImportanceOptions(
            n_repeats=n_repeats,
            random_seed=int(perm_seed),
            method=method,
            batch_size=batch_size,
            inference=inference,
            n_jobs=n_jobs,
            row_level=True,
        ),
        progress=progress,
        X_train=None if X_train is None else _flat(X_train),
    )
    (name,) = results
    return Bunch(
        importances=results[name].importances,
        baseline=baseline[name],
        scorer=scorers[name],
        scoring=scoring,
        seconds=time.perf_counter() - start,
        rows=rows,
        row_importances=results[name].get("row_importances"),
        row_weights=None if sw_test is None else np.asarray(sw_test, dtype=float),
    )


def _split_scoring(estimator, scoring, batch_size):
    """``(scoring, responder)``: the default scoring resolved from the fitted
    estimator; the responder (None unless needed) labels a log loss."""
    responder = None
    if scoring is None or (isinstance(scoring, str) and scoring == "neg_log_loss"):
        responder = make_responder(estimator, batch_size)
    if scoring is None:
        scoring = _default_scoring(responder)
    return scoring, responder


def _evaluated_part(test, max_samples, perm_seed):
    """The held-out part's evaluated rows: ``(X, y, sample_weight, rows)``.

    When ``max_samples`` is below the held-out rows, a sorted draw of them
    (seeded by ``perm_seed``): the baseline is scored on the same rows as
    every permuted copy.
    """
    X_test, y_test, sw_test = test
    n_test = X_test.shape[0]
    rows = np.arange(n_test)
    if max_samples < n_test:
        rows = np.sort(
            sample_without_replacement(n_test, max_samples, random_state=perm_seed)
        )
        X_test = _safe_indexing(X_test, rows, axis=0)
        y_test = _safe_indexing(y_test, rows, axis=0)
        if sw_test is not None:
            sw_test = _safe_indexing(sw_test, rows, axis=0)
    return X_test, y_test, sw_test, rows


def _flat(X):
    """The training rows as the engine's columns (X of more axes seen flat)."""
    if hasattr(X, "iloc"):
        return X
    X = np.asarray(X)
    if X.ndim <= 2:
        return X
    return X.reshape(X.shape[0], -1)


def refit(estimator, X, y, fit_params, *, train_seed, verbose):
    """Fit ``estimator`` (an unfitted clone) on all of X and return it."""
    limit_tensorflow_threads()
    with quiet_training(verbose), training_seed(train_seed):
        return estimator.fit(X, y, **fit_params)
