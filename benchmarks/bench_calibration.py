"""Are the selector's p-values valid, and how much power do they have?

Generated datasets with known truth: 10 independent standard-normal inputs,
of which x0 is a strong real input, x1 a weak one and x2..x9 independent noise
(exact nulls: for any fitted model, permuting an input independent of y and of
the other inputs leaves the expected held-out loss unchanged).

* classification: P(y=1) = sigmoid(1.0 * x0 + 0.25 * x1), 600 rows, scored
  by log loss (LogisticRegression; a small scikit-learn MLP; a small Keras MLP
  on a few datasets);
* regression: y = 1.0 * x0 + 0.1 * x1 + N(0, 1), 600 rows, scored by R²
  (Ridge).

Each dataset is measured by ``KerasImportanceSelector`` in several modes:
``cv="prefit"`` (the model trained on 300 rows, measured on the other 300)
with ``n_repeats`` 5 and 30 and with ``max_samples=0.5``, and ``cv`` = 2, 3, 5
(600 rows, ``n_repeats=5``), also with ``max_samples=0.5``. Reported, with
95% Wilson intervals: the false-positive rate over the noise inputs, the power
on the weak and strong inputs, the family-wise error rate (a dataset with any
noise input kept) and the false discovery rate (mean false discovery
proportion, with a normal 95% interval), for each multiple-testing option; and
the same for the previous tests on the same fits: the split-level corrected
t-test (Nadeau-Bengio) for cv = 2, 3, 5, and the t-test over repeats used
before for ``cv="prefit"``. Seconds per fit measure the training cost.

    python benchmarks/bench_calibration.py          # full run (40 min, 2 busy cores)
    python benchmarks/bench_calibration.py --quick  # smoke configuration
    python benchmarks/bench_calibration.py --cv-tests       # CV candidates (10 min)
    python benchmarks/bench_calibration.py --edge-cells --cv-datasets 400  # (2 min)
    python benchmarks/bench_calibration.py --keras-cv 120   # Keras MLP (22 min)

The CV candidates are computed from the selector's public ``split_results_``
(each split's importance and its row-level variance); the ``fold`` candidate
is checked against the selector's default p-values on every fit.
"""

import numpy as np
from _common import (
    Stopwatch,
    argument_parser,
    binary_mlp,
    cv_candidate_pvalues,
    print_table,
    quiet,
    rate,
    split_level_pvalues,
    table_row,
    wald_pvalues,
)
from scipy import stats
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.neural_network import MLPClassifier, MLPRegressor

from skimportance import KerasImportanceSelector
from skimportance._statistics import MULTIPLE_TESTING, adjust_pvalues

ALPHA = 0.05
N_ROWS = 600
N_INPUTS = 10
STRONG, WEAK = 0, 1
NULLS = list(range(2, N_INPUTS))

MODES = [  # (name, selector parameters)
    ("prefit, n_repeats=5", dict(cv="prefit", n_repeats=5)),
    ("prefit, n_repeats=30", dict(cv="prefit", n_repeats=30)),
    ("prefit, max_samples=0.5", dict(cv="prefit", n_repeats=5, max_samples=0.5)),
    ("cv=2", dict(cv=2, n_repeats=5)),
    ("cv=3", dict(cv=3, n_repeats=5)),
    ("cv=5", dict(cv=5, n_repeats=5)),
    ("cv=5, max_samples=0.5", dict(cv=5, n_repeats=5, max_samples=0.5)),
]
KERAS_MODES = ["prefit, n_repeats=5", "cv=3"]
OPTIONS = MULTIPLE_TESTING


def make_data(seed, task):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(N_ROWS, N_INPUTS))
    if task == "classification":
        logit = 1.0 * X[:, STRONG] + 0.25 * X[:, WEAK]
        y = (rng.uniform(size=N_ROWS) < 1 / (1 + np.exp(-logit))).astype(int)
    else:
        y = 1.0 * X[:, STRONG] + 0.1 * X[:, WEAK] + rng.normal(size=N_ROWS)
    return X, y


def keras_mlp(seed):
    import keras
    from scikeras.wrappers import KerasClassifier

    keras.config.disable_interactive_logging()

    def build(meta):
        return binary_mlp(meta["n_features_in_"], (16,), keras.optimizers.Adam(0.01))

    return KerasClassifier(
        build, epochs=20, batch_size=64, verbose=0, random_state=seed
    )


MODELS = {  # name -> (task, estimator factory)
    "LogisticRegression": ("classification", lambda seed: LogisticRegression()),
    "Ridge": ("regression", lambda seed: Ridge()),
    "MLPClassifier(16)": (
        "classification",
        lambda seed: MLPClassifier((16,), max_iter=300, random_state=seed),
    ),
    "Keras MLP(16)": ("classification", keras_mlp),
}


def old_prefit_pvalues(importances):
    """The previous prefit test: a t-test over the repeats of one split."""
    n = importances.shape[1]
    mean = importances.mean(axis=1)
    sd = importances.std(axis=1, ddof=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = mean / (sd / np.sqrt(n))
    p = stats.t.sf(t, df=n - 1)
    return np.where(sd > 1e-12, p, np.where(mean > 0, 0.0, 1.0))


def measure(model, seed, mode):
    """Fit one selector; return (importances, pvalues by test, seconds)."""
    task, factory = MODELS[model]
    X, y = make_data(seed, task)
    params = dict(dict(MODES)[mode])
    estimator = factory(seed)
    clock = Stopwatch()
    with quiet():
        if params["cv"] == "prefit":
            estimator.fit(X[:300], y[:300])
            X, y = X[300:], y[300:]
        selector = KerasImportanceSelector(
            estimator, refit=False, random_state=seed, **params
        ).fit(X, y)
    seconds = clock.seconds
    check_selector(selector, model, seed, mode)
    pvalues = {"row-level": selector.group_pvalues_}
    if params["cv"] == "prefit":
        pvalues["previous: t-test over repeats"] = old_prefit_pvalues(
            selector.importances_
        )
    else:
        n = params["cv"]
        pvalues["previous: split-level"] = split_level_pvalues(
            selector.importances_, n, 1 / (n - 1)
        )
    return selector.group_importances_, pvalues, seconds


def check_selector(selector, model, seed, mode):
    """The fit ran the row-level test, and the benchmark's own multiple-testing
    adjustment (the statistics layer's ``adjust_pvalues``, applied to every option in
    :func:`summarize`) reproduces the selector's for its ``multiple_testing``."""
    where = f"{model}, dataset {seed}, {mode}"
    if selector.test_ != "row":
        raise RuntimeError(f"{where}: test_ is {selector.test_!r}, not 'row'")
    ours = adjust_pvalues(selector.group_pvalues_, selector.multiple_testing)
    theirs = selector.group_pvalues_adjusted_
    if not np.allclose(ours, theirs, rtol=1e-12, atol=0, equal_nan=True):
        raise RuntimeError(
            f"{where}: adjust_pvalues(..., {selector.multiple_testing!r}) differs "
            f"from the selector's group_pvalues_adjusted_ by up to "
            f"{np.nanmax(np.abs(ours - theirs)):.3g}: {ours} vs {theirs}"
        )


def summarize(records):
    """records: list of (importances, pvalues) of one (model, mode, test)."""
    out = {}
    for option in OPTIONS:
        kept = []
        for importances, pvalues in records:
            adjusted = adjust_pvalues(pvalues, option)
            kept.append((importances > 0) & (adjusted < ALPHA))
        kept = np.asarray(kept)
        n_sets = len(kept)
        false = kept[:, NULLS].sum(axis=1)
        fdp = false / np.maximum(1, kept.sum(axis=1))
        fdr_half = 1.96 * fdp.std(ddof=1) / np.sqrt(n_sets) if n_sets > 1 else np.nan
        out[option] = dict(
            fpr=rate(int(false.sum()), n_sets * len(NULLS)),
            fpr_value=false.sum() / (n_sets * len(NULLS)),
            weak=rate(int(kept[:, WEAK].sum()), n_sets),
            weak_value=kept[:, WEAK].mean(),
            strong=rate(int(kept[:, STRONG].sum()), n_sets),
            fwer=rate(int((false > 0).sum()), n_sets),
            fdr=f"{fdp.mean():.3f} ± {fdr_half:.3f}",
            fdr_value=fdp.mean(),
        )
    return out


COLUMNS = [
    "model",
    "mode",
    "test",
    "multiple testing",
    "datasets",
    "false-positive rate",
    "power, weak input",
    "power, strong input",
    "FWER",
    "FDR",
    "s/fit",
]


def table_rows(model, mode, summaries, seconds, n):
    """Markdown rows of one (model, mode): the row-level test under each
    multiple-testing option, then the previous test."""
    rows = []
    for test, by_option in summaries.items():
        options = OPTIONS if test == "row-level" else ("none",)
        for option in options:
            s = by_option[option]
            text = table_row(
                [model, mode, test, option, n, s["fpr"], s["weak"], s["strong"]]
                + [s["fwer"], s["fdr"], f"{seconds:.2f}"]
            )
            rows.append((model, mode, test, option, s, seconds, text))
    return rows


def measure_mode(model, mode, n):
    """Every dataset of one (model, mode): its table rows."""
    records, seconds = {}, []
    for seed in range(n):
        importances, pvalues, sec = measure(model, seed, mode)
        seconds.append(sec)
        for test, p in pvalues.items():
            records.setdefault(test, []).append((importances, p))
    summaries = {test: summarize(r) for test, r in records.items()}
    return table_rows(model, mode, summaries, float(np.mean(seconds)), n)


def run(models, n_datasets, keras_datasets, quick=False):
    """Measure every (model, mode) and print its rows as soon as it is done."""
    print(
        f"\nalpha = {ALPHA}; 95% Wilson intervals; FDR = mean false discovery "
        "proportion ± 95% normal half-width; 8 noise inputs per dataset.\n"
    )
    print_table(COLUMNS)
    rows = []
    for model in models:
        keras = model.startswith("Keras")
        modes = KERAS_MODES if keras else [m for m, _ in MODES]
        n = keras_datasets if keras else n_datasets[model]
        if quick:
            modes = ["prefit, n_repeats=5", "cv=3"]
        for mode in modes:
            new = measure_mode(model, mode, n)
            for row in new:
                print(row[-1], flush=True)
            rows.extend(new)
    return rows


# --- candidate CV tests (--cv-tests) -----------------------------------------
# 10 independent N(0, 1) inputs, 5 with effects (logistic for classifiers,
# linear + N(0, 1) noise for MLPRegressor), 5 exact nulls; every candidate
# test on the same fits, from the selector's ``split_results_``.

CV_EFFECTS = np.array([1.0, 0.7, 0.5, 0.35, 0.25])
CV_NULLS = list(range(5, 10))
CV_MODELS = {
    "MLPClassifier(16)": (
        "classification",
        lambda s: MLPClassifier((16,), max_iter=200, random_state=s),
    ),
    "HistGradientBoosting": (
        "classification",
        lambda s: HistGradientBoostingClassifier(
            max_iter=30, early_stopping=False, random_state=s
        ),
    ),
    "MLPRegressor(16)": (
        "regression",
        lambda s: MLPRegressor(hidden_layer_sizes=(16,), max_iter=200, random_state=s),
    ),
    "LogisticRegression": ("classification", lambda s: LogisticRegression()),
    "Keras MLP(16)": ("classification", lambda s: keras_trainable()),  # --keras-cv
}


def keras_trainable():
    """A tiny Keras MLP (10 -> 16 -> 1, Adam 0.01, 20 epochs) made trainable
    by :func:`skimportance.wrappers.make_trainable`."""
    import keras

    from skimportance.wrappers import make_trainable

    keras.config.disable_interactive_logging()
    model = binary_mlp(N_INPUTS, (16,), keras.optimizers.Adam(0.01))
    return make_trainable(model, epochs=20, batch_size=64)


def run_keras_cv(n_sets, n_rows, quick=False):
    """The default test's false-positive rate with a Keras MLP, cv=3 (and the
    other candidates on the same fits): ``--keras-cv N``, not in the main
    candidate table (about 10 s a dataset at 2,000 rows on 2 busy cores)."""
    n_sets, n_rows = (2, 300) if quick else (n_sets, n_rows)
    print(f"\nKeras MLP(16), {n_rows} rows, cv=3, per input; 5 null inputs.\n")
    print_table(CV_COLUMNS)
    pvalues, seconds = measure_cv_cell("Keras MLP(16)", n_rows, 3, n_sets)
    lines = cv_rows("Keras MLP(16)", n_rows, 3, pvalues, seconds)
    for line in lines:
        print(line, flush=True)
    return lines


def cv_data(seed, n, task):
    rng = np.random.RandomState(1000 + seed)
    X = rng.normal(size=(n, N_INPUTS))
    signal = X[:, :5] @ CV_EFFECTS
    if task == "regression":
        return X, signal + rng.normal(size=n)
    return X, (rng.uniform(size=n) < 1 / (1 + np.exp(-signal))).astype(int)


def fold_statistics(selector, X, y):
    """Fit ``selector`` on X, y; return each fold's (mean, variance, rows)
    from its public ``split_results_``, after checking that the benchmark's
    ``fold`` candidate reproduces the selector's default p-values."""
    selector.fit(X, y)
    split = selector.split_results_
    m, v, rows = split["importances"], split["variances"], split["n_rows"]
    if selector.cv_test == "fold":
        ours = cv_candidate_pvalues(m, v, rows)["fold"]
        if not np.allclose(ours, selector.group_pvalues_, rtol=1e-9, atol=1e-12):
            raise RuntimeError(
                f"the benchmark's fold test differs from the selector's: {ours} "
                f"vs {selector.group_pvalues_}"
            )
    return m, v, rows


def measure_cv_cell(model, n, cv, n_sets):
    """Every candidate's p-values on ``n_sets`` datasets of one cell."""
    task, factory = CV_MODELS[model]
    pvalues, clock = {}, Stopwatch()
    for seed in range(n_sets):
        X, y = cv_data(seed, n, task)
        selector = KerasImportanceSelector(
            factory(seed), cv=cv, refit=False, random_state=seed
        )
        with quiet():
            m, v, rows = fold_statistics(selector, X, y)
        for name, p in cv_candidate_pvalues(m, v, rows).items():
            pvalues.setdefault(name, []).append(p)
    return {k: np.array(p) for k, p in pvalues.items()}, clock.seconds / n_sets


CV_COLUMNS = ["model", "n", "cv", "test", "datasets", "false-positive rate"]
CV_COLUMNS += [f"power, effect {e}" for e in CV_EFFECTS] + ["s/fit"]


def cv_rows(model, n, cv, pvalues, seconds):
    rows = []
    for name, p in pvalues.items():
        n_sets = len(p)
        kept = p < ALPHA
        fpr = rate(int(kept[:, CV_NULLS].sum()), n_sets * len(CV_NULLS))
        power = [f"{kept[:, j].mean():.2f}" for j in range(5)]
        cells = [model, n, cv, name, n_sets, fpr, *power, f"{seconds:.2f}"]
        rows.append(table_row(cells))
    return rows


def weak_power_cell(n_sets):
    """Power on the weak input (LogisticRegression, 600 rows, cv=3, per input)
    under each candidate, with the oracle Wald test on the same datasets."""
    pvalues = {}
    for seed in range(n_sets):
        X, y = make_data(seed, "classification")
        selector = KerasImportanceSelector(
            LogisticRegression(), cv=3, refit=False, random_state=seed
        )
        with quiet():
            m, v, rows = fold_statistics(selector, X, y)
        found = cv_candidate_pvalues(m, v, rows)
        found["oracle: logistic Wald test"] = wald_pvalues(X, y)
        for name, p in found.items():
            pvalues.setdefault(name, []).append(p)
    rows = []
    for name, p in pvalues.items():
        kept = np.array(p) < ALPHA
        fpr = rate(int(kept[:, NULLS].sum()), n_sets * len(NULLS))
        weak = rate(int(kept[:, WEAK].sum()), n_sets)
        bh = [adjust_pvalues(q, "fdr_bh")[WEAK] < ALPHA for q in p]
        rows.append(table_row([name, n_sets, fpr, weak, rate(int(sum(bh)), n_sets)]))
    return rows


# datasets per cell of the calibration table (docs/user_guide/selection.md),
# sized to 2 shared cores
CV_DATASETS = {
    ("MLPClassifier(16)", 300, 3): 150,
    ("HistGradientBoosting", 300, 3): 100,
    ("MLPRegressor(16)", 300, 3): 150,
    ("LogisticRegression", 300, 3): 150,
    ("MLPClassifier(16)", 2000, 3): 120,
    ("HistGradientBoosting", 2000, 3): 60,
    ("MLPRegressor(16)", 2000, 3): 100,
    ("LogisticRegression", 2000, 3): 120,
    ("MLPClassifier(16)", 2000, 5): 60,
    ("HistGradientBoosting", 2000, 5): 40,
}
WEAK_DATASETS = 250


def run_cv_tests(n_sets=None, n_weak=WEAK_DATASETS, quick=False):
    """The candidate table (docs/user_guide/selection.md); ``n_sets`` (an int)
    replaces every count."""
    cells = list(CV_DATASETS)
    n_sets = CV_DATASETS if n_sets is None else dict.fromkeys(cells, n_sets)
    if quick:
        cells, n_sets, n_weak = [("MLPClassifier(16)", 300, 3)], 2, 2
    print("\nCandidate CV tests, same fits; alpha = 0.05, per input (no")
    print("multiple testing); 95% Wilson intervals; 5 null inputs per dataset.\n")
    print_table(CV_COLUMNS)
    lines = []
    for model, n, cv in cells:
        count = n_sets if isinstance(n_sets, int) else n_sets[(model, n, cv)]
        pvalues, seconds = measure_cv_cell(model, n, cv, count)
        for line in cv_rows(model, n, cv, pvalues, seconds):
            print(line, flush=True)
            lines.append(line)
    print("\nWeak input (LogisticRegression, 600 rows, cv=3, per input):\n")
    columns = ["test", "datasets", "false-positive rate", "power, weak input"]
    print_table(columns + ["power, weak input, BH"])
    for line in weak_power_cell(n_weak):
        print(line, flush=True)
        lines.append(line)
    return lines


# --- edge cases (--edge-cells) -------------------------------------------------
# LogisticRegression (Ridge for the tiny loss scale) on the 10-input design
# above, the selector's defaults through the public API; a NaN p-value is
# never kept (it counts as a negative) and its share is reported.


def edge_case(name, seed):
    """(selector, X, y, fit params) of one edge case on one dataset."""
    from sklearn.model_selection import GroupKFold, LeaveOneOut

    rng = np.random.RandomState(seed)
    base = dict(refit=False, random_state=seed, min_features_to_select=0)
    X, y = make_data(seed, "classification")
    params, fit = dict(cv=3), {}
    if name == "LeaveOneOut, 40 rows":
        X, y, params = X[:40], y[:40], dict(cv=LeaveOneOut(), n_repeats=2)
    elif name == "max_samples=1":
        params["max_samples"] = 1
    elif name.startswith("tiny loss scale"):
        X, y = make_data(seed, "regression")
        y = y * 1e-6
        params["scoring"] = "neg_mean_squared_error"
        return Ridge(alpha=1e-3), X, y, params, fit, base
    elif name == "GroupKFold, 60 clusters of 10":
        cluster = np.repeat(np.arange(60), 10)
        X = 0.8 * rng.normal(size=(60, N_INPUTS))[cluster] + 0.6 * X
        logit = X[:, STRONG] + 0.25 * X[:, WEAK] + rng.normal(size=60)[cluster]
        y = (rng.uniform(size=N_ROWS) < 1 / (1 + np.exp(-logit))).astype(int)
        params["cv"], fit["groups"] = GroupKFold(3), cluster
    elif name.startswith("log-normal weights"):
        fit["sample_weight"] = rng.lognormal(size=N_ROWS)
    elif name == "rare class (4.5% positives)":
        logit = -3.6 + X[:, STRONG] + 0.25 * X[:, WEAK]
        y = (rng.uniform(size=N_ROWS) < 1 / (1 + np.exp(-logit))).astype(int)
    elif name == "accuracy":
        params["scoring"] = "accuracy"
    return LogisticRegression(), X, y, params, fit, base


EDGE_CASES = [
    "LeaveOneOut, 40 rows",
    "max_samples=1",
    "tiny loss scale (y in 1e-6)",
    "GroupKFold, 60 clusters of 10",
    "log-normal weights",
    "rare class (4.5% positives)",
    "accuracy",
]


def run_edge_cells(n_sets, quick=False):
    """False-positive rate (8 null inputs) of each edge case, CV and prefit."""
    columns = ["case", "mode", "datasets", "false-positive rate", "NaN p-values"]
    columns += ["power, strong input"]
    print("\nEdge cases, LogisticRegression (Ridge for the loss scale), per input:\n")
    print_table(columns)
    lines = []
    for name in EDGE_CASES[:2] if quick else EDGE_CASES:
        for mode in ("cv", "prefit"):
            if mode == "prefit" and name.startswith(("LeaveOneOut", "GroupKFold")):
                continue
            count = min(n_sets, 30) if name.startswith("LeaveOneOut") else n_sets
            kept, nan, strong = [], 0, 0
            for seed in range(2 if quick else count):
                est, X, y, params, fit, base = edge_case(name, seed)
                if mode == "prefit":
                    est.fit(X[:300], y[:300], **_half(fit, slice(0, 300)))
                    X, y, fit = X[300:], y[300:], _half(fit, slice(300, None))
                    params = {**params, "cv": "prefit"}
                with quiet():
                    sel = KerasImportanceSelector(est, **base, **params)
                    sel.fit(X, y, **fit)
                p = sel.group_pvalues_
                nan += int(np.isnan(p[NULLS]).sum())
                kept.append(int(np.sum(p[NULLS] < ALPHA)))
                strong += int(p[STRONG] < ALPHA)
            n_done = len(kept)
            trials = n_done * len(NULLS)
            cells = [name, mode, n_done, rate(sum(kept), trials)]
            cells += [f"{nan / trials:.2f}", rate(strong, n_done)]
            lines.append(table_row(cells))
            print(lines[-1], flush=True)
    return lines


def _half(fit, rows):
    return {k: v[rows] for k, v in fit.items()}


def parse_args(argv):
    parser = argument_parser(__doc__)
    parser.add_argument("--quick", action="store_true", help="smoke configuration")
    parser.add_argument("--datasets", type=int, default=200)
    parser.add_argument("--mlp-datasets", type=int, default=40)
    parser.add_argument("--keras-datasets", type=int, default=8)
    parser.add_argument("--no-keras", action="store_true")
    parser.add_argument(
        "--cv-tests",
        action="store_true",
        help="the candidate CV tests on flexible models (and the oracle) only",
    )
    parser.add_argument(
        "--cv-datasets", type=int, default=None, help="datasets per cell"
    )
    parser.add_argument("--edge-cells", action="store_true", help="the edge cases only")
    parser.add_argument(
        "--keras-cv",
        type=int,
        default=0,
        metavar="N",
        help="the CV tests on N datasets with a tiny Keras MLP only",
    )
    parser.add_argument("--keras-rows", type=int, default=2000)
    return parser.parse_args(argv)


def configuration(args):
    """The models to measure and the number of datasets of each."""
    models = list(MODELS)
    if args.no_keras or args.quick:
        models.remove("Keras MLP(16)")
    n_datasets = {
        "LogisticRegression": args.datasets,
        "Ridge": args.datasets,
        "MLPClassifier(16)": args.mlp_datasets,
    }
    if args.quick:
        models = ["LogisticRegression", "Ridge"]
        n_datasets = {m: 3 for m in models}
    return models, n_datasets


def main(argv=None):
    args = parse_args(argv)
    if args.keras_cv:
        return run_keras_cv(args.keras_cv, args.keras_rows, args.quick)
    if args.edge_cells:
        return run_edge_cells(args.cv_datasets or 100, args.quick)
    if args.cv_tests:
        n_weak = WEAK_DATASETS if args.cv_datasets is None else args.cv_datasets
        return run_cv_tests(args.cv_datasets, n_weak, args.quick)
    models, n_datasets = configuration(args)
    clock = Stopwatch()
    rows = run(models, n_datasets, args.keras_datasets, quick=args.quick)
    print(f"\n{clock.seconds:.0f} s in all")
    return rows


if __name__ == "__main__":
    main()
