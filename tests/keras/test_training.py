"""Training copies quietly and reproducibly (``_keras.training``): quiet
training silences the training thread only and restores sys.stdout; a
training seed repeats training and restores the global random state;
TensorFlow's pools are left alone once it runs."""

import sys
import threading

import numpy as np
import pytest

from skimportance._keras.training import (
    limit_tensorflow_threads,
    quiet_training,
    training_seed,
)

from ..conftest import scikeras_clf_model


def test_only_silenced_threads_are_silenced(capsys):
    stream = sys.stdout
    inside, release = threading.Barrier(3), threading.Event()

    def silenced(i):
        with quiet_training(0):
            inside.wait()
            print(f"hidden {i}")
            release.wait()

    def loud():
        inside.wait()  # while both others are silenced
        print("shown")
        release.set()

    threads = [threading.Thread(target=silenced, args=(i,)) for i in range(2)]
    threads.append(threading.Thread(target=loud))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sys.stdout is stream
    out = capsys.readouterr().out
    assert "shown" in out
    assert "hidden" not in out


def test_stdout_is_restored_when_training_raises():
    stream = sys.stdout
    with pytest.raises(RuntimeError), quiet_training(0):
        assert sys.stdout is not stream
        raise RuntimeError("training failed")
    assert sys.stdout is stream


def test_verbose_training_prints(capsys):
    with quiet_training(2):
        print("epoch log")
    assert "epoch log" in capsys.readouterr().out


def test_training_seed_repeats_training_and_restores_global_state(clf_data):
    from scikeras.wrappers import KerasClassifier

    X, y = clf_data
    state = np.random.get_state()[1].copy()  # noqa: NPY002
    probas = []
    for _ in range(2):
        with training_seed(123):
            probas.append(
                KerasClassifier(scikeras_clf_model, epochs=5, verbose=0)
                .fit(X, y)
                .predict_proba(X)
            )
    np.testing.assert_array_equal(probas[0], probas[1])
    np.testing.assert_array_equal(np.random.get_state()[1], state)  # noqa: NPY002


def test_tensorflow_threads_are_left_alone_once_running(monkeypatch):
    """In this process TensorFlow already runs: its pools cannot change."""
    import tensorflow as tf

    tf.constant(1.0) + 1.0  # make sure the runtime has started
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert limit_tensorflow_threads() is False
    monkeypatch.setenv("OMP_NUM_THREADS", "not a number")
    assert limit_tensorflow_threads() is False


def test_quiet_predict_drops_retracing_warnings_in_its_thread_only():
    """TensorFlow's retracing warning is dropped inside quiet_predict (the
    predict calls of networks trained or copied here), in that thread only;
    other messages, other threads and calls outside still get through."""
    import logging
    import threading

    from skimportance._keras.training import quiet_predict

    class Records(logging.Handler):
        def __init__(self):
            super().__init__()
            self.messages = []

        def emit(self, record):
            self.messages.append(record.getMessage())

    logger = logging.getLogger("tensorflow")
    handler = Records()
    logger.addHandler(handler)
    retracing = (
        "5 out of the last 5 calls to <function one_step_on_data_distributed "
        "at 0x1> triggered tf.function retracing."
    )
    try:
        with quiet_predict():
            logger.warning(retracing)
            logger.warning("another warning")
            other = threading.Thread(target=logger.warning, args=(retracing,))
            other.start()
            other.join()
        logger.warning(retracing)
    finally:
        logger.removeHandler(handler)
    assert handler.messages == ["another warning", retracing, retracing]


def test_predicting_fresh_networks_logs_no_retracing(clf_data, caplog):
    """Many freshly trained copies predicting rows of several sizes (what a
    grid search's scoring does) log no retracing warning."""
    import logging

    import keras

    from skimportance.wrappers import make_trainable

    X, y = clf_data
    network = keras.Sequential(
        [keras.Input((X.shape[1],)), keras.layers.Dense(1, activation="sigmoid")]
    )
    network.compile(optimizer="adam", loss="binary_crossentropy")
    with caplog.at_level(logging.WARNING, logger="tensorflow"):
        for seed in range(4):
            fitted = make_trainable(network).fit(X[seed:], y[seed:])
            for rows in (7, 13, 29, 57):
                fitted.predict_proba(X[:rows])
    assert not [r for r in caplog.records if "retracing" in r.getMessage()]
