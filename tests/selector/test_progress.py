"""Progress and quiet training (``_selector.progress``): ``verbose=0`` silences
Keras, ``verbose=1`` shows the bar; quiet training silences the training
thread only, and restores sys.stdout."""

import sys
import threading

import joblib
import pytest
from sklearn.datasets import make_classification

from skimportance import KerasImportanceSelector
from skimportance._selector.progress import quiet_training

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


def _printing_model(meta):
    print("building the network")  # printed during fit, in the fitting thread
    return scikeras_clf_model(meta, hidden=4)


def test_threaded_fits_restore_stdout_and_other_threads_print(clf_data, capsys):
    """joblib's threading backend, two fits at once (issue 15)."""
    from scikeras.wrappers import KerasClassifier

    X, y = clf_data
    stream = sys.stdout
    done = threading.Event()

    def other():
        while not done.is_set():
            print("other thread")
            done.wait(0.05)

    printer = threading.Thread(target=other)
    printer.start()
    try:
        with joblib.parallel_config(backend="threading"):
            KerasImportanceSelector(
                KerasClassifier(_printing_model, epochs=2, verbose=0),
                cv=2,
                n_repeats=1,
                random_state=0,
                n_jobs=2,
            ).fit(X[:100], y[:100])
    finally:
        done.set()
        printer.join()
    assert sys.stdout is stream
    out = capsys.readouterr().out
    assert "other thread" in out
    assert "building the network" not in out
    print("after")
    assert capsys.readouterr().out == "after\n"


def test_verbose_0_silences_keras_and_verbose_1_shows_progress(capsys):
    import keras
    from scikeras.wrappers import KerasClassifier

    X, y = make_classification(120, 4, random_state=0)
    est = KerasClassifier(scikeras_clf_model, epochs=2)  # scikeras' verbose=1 default
    keras.config.enable_interactive_logging()  # Keras prints epoch bars to stdout
    try:
        est.fit(X, y)
        assert "Epoch" in capsys.readouterr().out  # what verbose=0 has to silence
        KerasImportanceSelector(est, cv=2, n_repeats=2, random_state=0).fit(X, y)
        out = capsys.readouterr()
        assert out.out == "" and "%|" not in out.err
        KerasImportanceSelector(est, cv=2, n_repeats=2, random_state=0, verbose=1).fit(
            X, y
        )
        out = capsys.readouterr()
        assert "%|" in out.err and "Epoch" not in out.out
    finally:
        keras.config.disable_interactive_logging()
