"""The selector's splits (``_selector.splits``): stratified for a
classifier, the evaluated rows of each, and running them in parallel through
joblib with the numbers of a sequential fit (Dask included)."""

import joblib
import numpy as np
import pytest
from sklearn.base import is_classifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skimportance import KerasImportanceSelector

from ..conftest import _logistic, scikeras_clf_model


# ----------------------------------------------------------------- the splits
def test_stratified_for_scikeras_with_rare_class():
    """cv=5 is stratified for a scikeras classifier too, which scikit-learn >= 1.6
    does not see as a classifier (check_cv alone would give KFold)."""
    from scikeras.wrappers import KerasClassifier

    rng = np.random.RandomState(0)
    X = rng.normal(size=(100, 3))
    y = np.zeros(100, dtype=int)
    y[:5] = 1  # 5 positives in 5 folds: stratified, exactly one in each
    X[:5, 0] += 3
    estimator = KerasClassifier(scikeras_clf_model, epochs=2, verbose=0)
    assert not is_classifier(estimator)
    held_out = []  # the labels of every held-out part the scorer is given

    def log_loss_seen(est, X_part, y_part):
        held_out.append(np.asarray(y_part).copy())
        return -log_loss(y_part, est.predict_proba(X_part), labels=[0, 1])

    sel = KerasImportanceSelector(
        estimator,
        cv=5,
        n_repeats=2,
        random_state=0,
        scoring=log_loss_seen,
        min_features_to_select=0,
    ).fit(X, y)
    assert sel.n_splits_ == 5
    assert np.all(np.isfinite(sel.importances_))
    # every split's held-out rows hold the rare class once (a shuffled KFold
    # with this seed leaves one part without it and puts two in another)
    assert {len(part) for part in held_out} == {20}
    assert [int(part.sum()) for part in held_out] == [1] * len(held_out)


def test_max_samples_scores_baseline_on_the_same_rows():
    """Before: inputs an L1 model ignores got importance 0.0119, p=0, kept."""
    X, y = _logistic(0, n=400, coefs=(1.5,))
    est = LogisticRegression(l1_ratio=1, C=0.05, solver="liblinear").fit(X, y)
    zero = np.flatnonzero(est.coef_[0] == 0)
    assert len(zero) >= 5
    for cv in ("prefit", 3):
        model = (
            est
            if cv == "prefit"
            else LogisticRegression(l1_ratio=1, C=0.05, solver="liblinear")
        )
        sel = KerasImportanceSelector(
            model, cv=cv, max_samples=0.5, random_state=0, min_features_to_select=0
        ).fit(X, y)
        if cv == "prefit":
            np.testing.assert_array_equal(sel.importances_[zero], 0.0)
            assert np.all(sel.pvalues_[zero] == 1.0)
        assert not sel.get_support()[zero].any()
        assert sel.get_support()[0]


# ---------------------------------------------- in parallel, seeded per split
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
