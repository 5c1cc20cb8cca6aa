"""Parallel splits through joblib: same numbers as sequential, Dask included."""

import joblib
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skimportance import KerasImportanceSelector
from skimportance._selector.split_task import limit_tensorflow_threads, training_seed

from ..conftest import scikeras_clf_model


def _keras_clf():
    from scikeras.wrappers import KerasClassifier

    return KerasClassifier(scikeras_clf_model, epochs=5, verbose=0)


def test_n_jobs_gives_the_numbers_of_a_sequential_fit(clf_data):
    """Splits and the refit in loky worker processes, seeded per split."""
    X, y = clf_data
    fitted = {
        n_jobs: KerasImportanceSelector(
            _keras_clf(), cv=2, n_repeats=2, random_state=0, n_jobs=n_jobs
        ).fit(X, y)
        for n_jobs in (None, 2)
    }
    sequential, parallel = fitted[None], fitted[2]
    assert np.abs(sequential.importances_).max() > 1e-3
    np.testing.assert_array_equal(sequential.importances_, parallel.importances_)
    np.testing.assert_array_equal(sequential.pvalues_, parallel.pvalues_)
    np.testing.assert_array_equal(sequential.get_support(), parallel.get_support())
    # the refit ran in a worker and came back: same network
    np.testing.assert_array_equal(
        sequential.estimator_.predict_proba(X), parallel.estimator_.predict_proba(X)
    )


def test_training_seed_repeats_training_and_restores_global_state(clf_data):
    X, y = clf_data
    state = np.random.get_state()[1].copy()  # noqa: NPY002
    probas = []
    for _ in range(2):
        with training_seed(123):
            probas.append(_keras_clf().fit(X, y).predict_proba(X))
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


def _grid_search(X, y):
    pipe = Pipeline(
        [
            ("scale", StandardScaler()),
            (
                "select",
                KerasImportanceSelector(
                    _keras_clf(),
                    cv=2,
                    n_repeats=2,
                    threshold=0.0,
                    random_state=0,
                    refit=False,
                ),
            ),
            ("model", LogisticRegression()),
        ]
    )
    grid = {"select__max_features": [1, 3]}
    return GridSearchCV(pipe, grid, cv=2, scoring="neg_log_loss").fit(X, y)


def test_grid_search_on_a_dask_local_cluster(clf_data):
    """GridSearchCV over a Pipeline holding the selector, on a 2-worker
    LocalCluster (separate processes) under joblib's Dask backend, finds the
    same best parameters and scores as the sequential run."""
    distributed = pytest.importorskip("distributed")
    pytest.importorskip("dask")
    X, y = clf_data
    X, y = X[:160], y[:160]
    sequential = _grid_search(X, y)
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster),
        joblib.parallel_backend("dask"),
    ):
        on_dask = _grid_search(X, y)
    assert on_dask.best_params_ == sequential.best_params_
    for key in ("mean_test_score", "split0_test_score", "split1_test_score"):
        np.testing.assert_array_equal(
            on_dask.cv_results_[key], sequential.cv_results_[key]
        )
    # the scores differ between candidates: the grid decides something
    assert np.ptp(sequential.cv_results_["mean_test_score"]) > 0
