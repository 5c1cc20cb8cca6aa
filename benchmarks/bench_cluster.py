"""Wall time of a grid search over the selector: sequential vs a 2-worker cluster.

One grid, run three ways in one process, side by side:

* sequential (``n_jobs=None``),
* joblib's default process backend (loky) with ``n_jobs=2``,
* a ``dask.distributed`` LocalCluster of 2 worker processes (1 thread each,
  bound to 127.0.0.1) under ``joblib.parallel_backend("dask")``.

The grid: ``GridSearchCV`` (3 folds) over ``Pipeline(StandardScaler,
KerasImportanceSelector(scikeras MLP, cv=3), LogisticRegression)`` on
scikit-learn's breast-cancer data, 4 candidates: 12 pipeline fits, each training
3 networks for the selector's splits and 1 refit. Checks that every run finds
the same best parameters and the same scores.

    python benchmarks/bench_cluster.py          # the table on the scale-out page
    python benchmarks/bench_cluster.py --quick  # a small smoke run
"""

import os

import _common  # noqa: F401  (first, before Keras: the environment it sets)
import joblib
import keras
import numpy as np
from _common import Stopwatch, argument_parser, binary_mlp, print_table, timed
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skimportance import KerasImportanceSelector


def mlp(meta, hidden=16):
    return binary_mlp(meta["n_features_in_"], (hidden,), keras.optimizers.Adam(0.01))


def grid_search(X, y, epochs, n_jobs=None):
    """The grid, fitted: (seconds, the fitted GridSearchCV)."""
    from scikeras.wrappers import KerasClassifier

    pipe = Pipeline(
        [
            ("scale", StandardScaler()),
            (
                "select",
                KerasImportanceSelector(
                    KerasClassifier(mlp, epochs=epochs, batch_size=32, verbose=0),
                    cv=3,
                    n_repeats=5,
                    random_state=0,
                ),
            ),
            ("model", LogisticRegression(max_iter=1000)),
        ]
    )
    grid = {
        "select__threshold": [None, 0.0],
        "select__max_features": [5, 15],
    }
    search = GridSearchCV(pipe, grid, cv=3, scoring="neg_log_loss", n_jobs=n_jobs)
    return timed(lambda: search.fit(X, y), 1)


def dask_grid_search(X, y, epochs):
    """The grid on a 2-process LocalCluster: ((seconds, search), seconds to
    start the cluster)."""
    import distributed

    clock = Stopwatch()
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        client.wait_for_workers(2)
        t_start = clock.seconds
        with joblib.parallel_backend("dask"):
            return grid_search(X, y, epochs), t_start


def run_all(X, y, epochs):
    """The grid three ways: ({run: (seconds, search)}, cluster start seconds)."""
    runs = {}
    runs["sequential (n_jobs=None)"] = grid_search(X, y, epochs)
    runs["joblib loky, n_jobs=2"] = grid_search(X, y, epochs, n_jobs=2)
    runs["Dask LocalCluster, 2 workers"], t_start = dask_grid_search(X, y, epochs)
    return runs, t_start


def agrees(search, reference):
    """Same best parameters and the same mean test scores."""
    return search.best_params_ == reference.best_params_ and np.array_equal(
        search.cv_results_["mean_test_score"],
        reference.cv_results_["mean_test_score"],
    )


def print_runs(runs, X, epochs):
    t_seq, reference = runs["sequential (n_jobs=None)"]
    print(
        f"\nGrid: 4 candidates x 3 folds, selector cv=3, {epochs} epochs, "
        f"breast cancer {X.shape[0]} rows x {X.shape[1]} features; "
        f"{os.cpu_count()} cores.\n"
    )
    rows = []
    for name, (t, search) in runs.items():
        same = "yes" if agrees(search, reference) else "NO"
        rows.append([name, f"{t:.1f}", f"{t_seq / t:.2f}x", same])
    columns = ["run", "wall seconds", "speed-up", "same best params and scores"]
    print_table(columns, rows, align="lrrl")


def check_runs(runs):
    """Every run found what the sequential one found."""
    _, reference = runs["sequential (n_jobs=None)"]
    for name, (_, search) in runs.items():
        if not agrees(search, reference):
            raise RuntimeError(
                f"{name} disagrees with the sequential run: best parameters "
                f"{search.best_params_} vs {reference.best_params_}, mean test "
                f"scores {search.cv_results_['mean_test_score']} vs "
                f"{reference.cv_results_['mean_test_score']}"
            )


def parse_args(argv):
    parser = argument_parser(__doc__)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="smoke run")
    args = parser.parse_args(argv)
    if args.quick:
        args.epochs = 2
    return args


def load_data(args):
    X, y = load_breast_cancer(return_X_y=True)
    if args.quick:
        X, y = X[:200, :8], y[:200]
    return X, y


def main(argv=None):
    args = parse_args(argv)
    X, y = load_data(args)
    runs, t_start = run_all(X, y, args.epochs)
    print_runs(runs, X, args.epochs)
    check_runs(runs)
    _, reference = runs["sequential (n_jobs=None)"]
    print(f"\nStarting the LocalCluster (2 processes, TensorFlow): {t_start:.1f} s")
    print(f"Best parameters: {reference.best_params_}")
    return runs


if __name__ == "__main__":
    main()
