"""Command line: ``skimportance demo`` and ``skimportance run``.

``skimportance demo`` trains a small Keras network on scikit-learn's breast
cancer data (nothing is downloaded), measures held-out permutation importance
with the selector's defaults, prints a ranked table and writes CSV, JSON and a
PNG chart.

``skimportance run --model MODEL.keras --data DATA.csv --target COLUMN``
measures a saved, trained Keras model on a held-out CSV. Its columns are
matched by name when the model's input columns are known (``--features a,b,c``
or a JSON list in ``MODEL.keras.features.json``: a ``.keras`` file has no place
for them); otherwise they are taken in file order. The selector's selection
options are there too (``--threshold``, ``--alpha``, ``--multiple-testing``,
``--max-features``, ``--min-features-to-select``).
"""

import argparse
import json
import os
import sys
import time


class UsageError(Exception):
    """A mistake of the user's: reported as one line, exit status 2."""


def _quiet_tensorflow():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def _demo(args):
    _quiet_tensorflow()
    import keras

    from ._reporting.demo import demo_data, demo_selector

    keras.utils.set_random_seed(args.random_state)
    X, y = demo_data()
    print(
        f"Breast cancer data (ships with scikit-learn): {X.shape[0]} samples, "
        f"{X.shape[1]} features. Network: StandardScaler -> Dense(16, relu) -> "
        f"Dense(1, sigmoid), {args.epochs} epochs, trained and measured on "
        f"each of {args.cv} CV splits.",
        flush=True,
    )
    start = time.perf_counter()
    selector = demo_selector(
        random_state=args.random_state,
        epochs=args.epochs,
        cv=args.cv,
        n_repeats=args.n_repeats,
        verbose=args.verbose,
    ).fit(X, y)
    _report_results(selector, args.out)
    print(f"Done in {time.perf_counter() - start:.1f}s.")
    return 0


def _report_results(selector, out, data=None):
    """Print the ranked table, the rule in force and the kept inputs; write
    CSV, JSON and the chart to ``out``."""
    from ._reporting.table import (
        format_table,
        importance_table,
        interval_level,
        rule_text,
    )

    rows = importance_table(selector)
    scoring = selector.scoring_ if isinstance(selector.scoring_, str) else "score"
    print(format_table(rows, scoring, interval_level(selector)))
    kept = [r["feature"] for r in rows if r["kept"]]
    where = f" on {data}" if data else ""
    print(
        f"\n{rule_text(selector)}\nHeld-out {scoring}{where}: "
        f"{selector.baseline_score_:.4f}. Kept {len(kept)} of {len(rows)}: "
        f"{', '.join(kept) if kept else 'none'}."
    )
    _write_outputs(selector, rows, out)


def _write_outputs(selector, rows, out):
    if not out:
        return
    from ._reporting.table import summary, write_csv

    os.makedirs(out, exist_ok=True)
    write_csv(rows, os.path.join(out, "importances.csv"))
    with open(os.path.join(out, "importances.json"), "w") as fh:
        json.dump(summary(selector, rows), fh, indent=2)
    written = ["importances.csv", "importances.json"]
    try:
        import matplotlib

        matplotlib.use("Agg")
        from .plotting import PermutationImportanceDisplay

        display = PermutationImportanceDisplay.from_estimator(selector, top=30)
        display.figure_.savefig(os.path.join(out, "importances.png"), dpi=110)
        written.append("importances.png")
    except ImportError:
        print(
            "matplotlib is not installed: no chart (pip install 'skimportance[plot]').",
            file=sys.stderr,
        )
    print(f"Wrote {', '.join(written)} to {out}/")


def _feature_names(args):
    """The model's input columns, in input order: ``--features``, else the
    JSON list in ``<model>.features.json`` beside the model, else None (the
    CSV's columns in their order)."""
    if args.features:
        return [name.strip() for name in args.features.split(",") if name.strip()]
    sidecar = args.model + ".features.json"
    if not os.path.isfile(sidecar):
        return None
    try:
        with open(sidecar) as fh:
            names = json.load(fh)
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read {sidecar}: {exc}") from exc
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise UsageError(f"{sidecar} must hold a JSON list of column names")
    return names


def _select_columns(X, names, path):
    """X's columns ``names``, in that order; a one-line error for any missing."""
    if names is None:
        return X
    missing = [n for n in names if n not in X.columns]
    if missing:
        raise UsageError(
            f"the model's input column(s) {', '.join(map(repr, missing))} are not "
            f"in {path}; its columns are: {', '.join(map(str, X.columns))}"
        )
    return X[names]


def _threshold(text):
    """``--threshold``: a number, or a scikit-learn rule such as "mean"."""
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return text


def _read_csv(path, target):
    import pandas as pd

    if not os.path.isfile(path):
        raise UsageError(f"data file not found: {path}")
    try:
        frame = pd.read_csv(path)
    except Exception as exc:  # noqa: BLE001 - any parse failure is the user's file
        raise UsageError(f"cannot read {path} as CSV: {exc}") from exc
    if target not in frame.columns:
        raise UsageError(
            f"target column {target!r} is not in {path}; its columns are: "
            f"{', '.join(map(str, frame.columns))}"
        )
    X = frame.drop(columns=[target])
    bad = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
    if bad:
        raise UsageError(
            f"non-numeric feature columns in {path}: {', '.join(map(str, bad))}. "
            "Encode them as the model was trained (the model takes numbers)."
        )
    if X.isna().any().any():
        cols = [c for c in X.columns if X[c].isna().any()]
        raise UsageError(f"missing values in columns: {', '.join(map(str, cols))}")
    return X, frame[target]


def _load_model(path):
    if not os.path.isfile(path):
        raise UsageError(f"model file not found: {path}")
    import keras

    try:
        model = keras.saving.load_model(path, compile=False)
    except Exception as exc:  # noqa: BLE001
        raise UsageError(f"cannot load a Keras model from {path}: {exc}") from exc
    if len(model.inputs) != 1:
        raise UsageError(
            f"the model has {len(model.inputs)} inputs; the command line measures "
            "models with one input (one CSV table). For several inputs use the "
            "Python API: permutation_importance(model, {'input name': table, ...}, "
            "y) or KerasImportanceSelector, which take X as a dict or list"
        )
    if len(model.outputs) != 1:
        raise UsageError("the model must have one output")
    return model


def _run(args):
    _quiet_tensorflow()
    import numpy as np

    from ._keras.fitted_model import FittedKerasModel
    from ._keras.layers import model_n_classes, output_activation
    from ._selector.estimator import KerasImportanceSelector

    X, y = _read_csv(args.data, args.target)
    X = _select_columns(X, _feature_names(args), args.data)
    model = _load_model(args.model)
    n_inputs = model.inputs[0].shape[1:]
    if len(n_inputs) != 1 or n_inputs[0] != X.shape[1]:
        raise UsageError(
            f"the model takes {tuple(n_inputs)} inputs per row but {args.data} has "
            f"{X.shape[1]} feature columns (besides {args.target!r})"
        )
    activation = output_activation(model)
    n_out = int(model.outputs[0].shape[-1])
    task = args.task or (
        "classification" if activation in ("sigmoid", "softmax") else "regression"
    )
    if task == "classification":
        if activation not in ("sigmoid", "softmax"):
            raise UsageError(
                f"--task classification, but the model's output layer is "
                f"{activation!r}, not sigmoid or softmax: it looks like a "
                "regression model (use --task regression)"
            )
        classes = np.unique(y.to_numpy())
        try:
            expected = model_n_classes(model)
        except ValueError as exc:  # several sigmoid outputs: multi-label
            raise UsageError(str(exc)) from exc
        if len(classes) != expected:
            raise UsageError(
                f"the model has {n_out} {activation} output(s), for {expected} "
                f"classes, but {args.target!r} holds {len(classes)} classes"
            )
        estimator = FittedKerasModel(model, classes=classes, task=task)
    else:
        if not pd_is_numeric(y):
            raise UsageError(f"--task regression needs a numeric {args.target!r}")
        estimator = FittedKerasModel(model, task=task)
    import keras

    keras.utils.set_random_seed(args.random_state)
    selector = KerasImportanceSelector(
        estimator,
        cv="prefit",
        scoring=args.scoring,
        n_repeats=args.n_repeats,
        random_state=args.random_state,
        threshold=_threshold(args.threshold),
        alpha=args.alpha,
        multiple_testing=args.multiple_testing,
        max_features=args.max_features,
        min_features_to_select=args.min_features_to_select,
        verbose=0 if args.quiet else 1,
    )
    try:
        selector.fit(X, y.to_numpy())
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    _report_results(selector, args.out, data=args.data)
    return 0


def pd_is_numeric(series):
    import pandas as pd

    return pd.api.types.is_numeric_dtype(series)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="skimportance",
        description="Which inputs does a Keras network use? Held-out permutation "
        "importance with proper scoring.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="run on an embedded dataset, no data needed")
    demo.add_argument(
        "--out",
        default="skimportance_out",
        help="folder for results (default: skimportance_out)",
    )
    demo.add_argument("--random-state", type=int, default=0)
    demo.add_argument("--epochs", type=int, default=20)
    demo.add_argument("--cv", type=int, default=5)
    demo.add_argument("--n-repeats", type=int, default=5)
    demo.add_argument("--verbose", type=int, default=1)
    demo.set_defaults(func=_demo)

    run = sub.add_parser("run", help="measure a saved Keras model on a held-out CSV")
    run.add_argument("--model", required=True, help="a saved model (.keras)")
    run.add_argument("--data", required=True, help="held-out data (.csv)")
    run.add_argument("--target", required=True, help="the target column")
    run.add_argument(
        "--task",
        choices=["classification", "regression"],
        help="default: from the output layer (sigmoid/softmax or not)",
    )
    run.add_argument(
        "--scoring",
        default=None,
        help="a scikit-learn scorer name (default: neg_log_loss for "
        "classification, r2 for regression)",
    )
    run.add_argument(
        "--features",
        help="the model's input columns, comma-separated, in input order (default: "
        "the JSON list in MODEL.features.json if present, else the CSV's columns "
        "besides the target, in file order)",
    )
    run.add_argument("--n-repeats", type=int, default=5)
    run.add_argument("--random-state", type=int, default=0)
    run.add_argument(
        "--threshold",
        help="keep importances >= this (a number, 'mean', 'median', '1.25*mean'); "
        "default: the significance test",
    )
    run.add_argument("--alpha", type=float, default=0.05)
    run.add_argument(
        "--multiple-testing", choices=["fdr_bh", "holm", "none"], default="fdr_bh"
    )
    run.add_argument("--max-features", type=int, default=None)
    run.add_argument("--min-features-to-select", type=int, default=1)
    run.add_argument("--out", default="skimportance_out")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.set_defaults(func=_run)

    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"skimportance: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
