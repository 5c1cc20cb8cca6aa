"""Progress (``_selector.progress``) as the selector shows it: ``verbose=0``
silences Keras, ``verbose=1`` shows the bar; threaded fits restore stdout."""

import sys
import threading

import joblib
from sklearn.datasets import make_classification

from skimportance import KerasImportanceSelector

from ..conftest import scikeras_clf_model


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
