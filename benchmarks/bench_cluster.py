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

    python benchmarks/bench_cluster.py          # the README figure
    python benchmarks/bench_cluster.py --quick  # a small smoke run
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import joblib  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.datasets import load_breast_cancer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from skimportance import KerasImportanceSelector  # noqa: E402


def mlp(meta, hidden=16):
    model = keras.Sequential(
        [
            keras.Input((meta["n_features_in_"],)),
            keras.layers.Dense(hidden, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
    return model


def grid_search(X, y, epochs, n_jobs=None):
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
    start = time.perf_counter()
    search.fit(X, y)
    return time.perf_counter() - start, search


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="smoke run")
    args = parser.parse_args(argv)
    X, y = load_breast_cancer(return_X_y=True)
    if args.quick:
        X, y, args.epochs = X[:200, :8], y[:200], 2

    runs = {}
    runs["sequential (n_jobs=None)"] = grid_search(X, y, args.epochs)
    runs["joblib loky, n_jobs=2"] = grid_search(X, y, args.epochs, n_jobs=2)

    import distributed

    start = time.perf_counter()
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
        t_start = time.perf_counter() - start
        with joblib.parallel_backend("dask"):
            runs["Dask LocalCluster, 2 workers"] = grid_search(X, y, args.epochs)

    t_seq, reference = runs["sequential (n_jobs=None)"]
    print(
        f"\nGrid: 4 candidates x 3 folds, selector cv=3, {args.epochs} epochs, "
        f"breast cancer {X.shape[0]} rows x {X.shape[1]} features; "
        f"{os.cpu_count()} cores.\n"
    )
    print("| run | wall seconds | speed-up | same best params and scores |")
    print("|---|---:|---:|---|")
    for name, (t, search) in runs.items():
        same = search.best_params_ == reference.best_params_ and np.array_equal(
            search.cv_results_["mean_test_score"],
            reference.cv_results_["mean_test_score"],
        )
        print(f"| {name} | {t:.1f} | {t_seq / t:.2f}x | {'yes' if same else 'NO'} |")
        assert same, f"{name} disagrees with the sequential run"
    print(f"\nStarting the LocalCluster (2 processes, TensorFlow): {t_start:.1f} s")
    print(f"Best parameters: {reference.best_params_}")
    return runs


if __name__ == "__main__":
    main()
