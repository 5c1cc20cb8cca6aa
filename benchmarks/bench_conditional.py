"""Conditional importance: does a correlated stand-in stay out, and at what cost?

Three tables (issue 16):

(a) **Selection on generated data.** 8 inputs; x1 = 0.8*x0 + noise (correlation
    0.8); y = sin(2*x0) + x2**2 + noise, so y does not depend on x1 given x0;
    x3..x7 are independent noise. On each of ``--n-datasets`` datasets a
    scikit-learn ``MLPRegressor`` (and, on ``--n-keras`` of them, a tiny Keras
    network through ``keras.wrappers.SKLearnRegressor``) is measured by
    ``KerasImportanceSelector`` with its defaults (cv=3, the row-level test,
    ``fdr_bh``), once with ``method="permutation"`` and once with
    ``method="conditional"``. Printed: how often x1 is kept, how often the
    real inputs x0 and x2 are both found, and the rate at which noise inputs
    are kept, each with a Wilson 95% interval.
(b) **Cost** on the reference workload of ``bench_permutation.py`` (50
    features, 5,000 held-out rows, MLP 50->64->32->1, ``n_repeats=5``,
    ``neg_log_loss``): plain ``permutation_importance``, ``method="conditional"``
    (the conditional models' cross-fitting included) and hidimstat's ``CFI``
    (fit on the training half, then ``importance`` on the held-out half) on the
    same fitted network with ``n_permutations=5``.
(c) **Near-duplicates**: x1 = x0 + tiny noise. Under conditional importance each
    is replaceable by the other and both come out near zero; measured as a
    group they are found again.
(d) **Nonlinear stand-in** (``--nonlinear``, issue 25): x1 = x0**2 + 0.5*noise
    (no linear correlation with x0); y = x0**2 + 0.5*x0 + x2 + noise, so y does
    not depend on x1 given x0; x3..x7 noise. ``MLPRegressor`` measured as in
    (a) on ``--n-nonlinear`` datasets with ``method="permutation"``,
    ``ConditionalSampler(continuous="ridge")`` (the default before issue 25),
    ``method="conditional"`` (the default: ridge or a spline model per input,
    chosen on held-out rows) and, for reference, a degree-2 polynomial
    conditional model (the issue's). Printed: how often x1 is kept, how often
    x0 is kept, how often x1 is kept *while* x0 is kept, and the noise rate.

    nice -n 5 python benchmarks/bench_conditional.py              # (a)-(c)
    python benchmarks/bench_conditional.py --quick                # smoke run
    python benchmarks/bench_conditional.py --only cost            # one table
    python benchmarks/bench_conditional.py --only nonlinear       # (d) alone

hidimstat is optional (``pip install hidimstat``): without it its row is left out.
"""

import argparse
import warnings

import _common  # noqa: F401  (first, before Keras: the environment it sets)
import keras
import numpy as np
from _common import (
    Stopwatch,
    argument_parser,
    fit_reference,
    print_table,
    rate,
    stand_in_inputs,
    stand_in_signal,
    table_row,
    timed,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures

from skimportance import (
    ConditionalSampler,
    KerasImportanceSelector,
    permutation_importance,
)

METHODS = ("permutation", "conditional")


def stand_in_data(seed, n=600, dup_noise=None):
    """x1 a correlated (or, with ``dup_noise``, near-duplicate) copy of x0."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 8))
    if dup_noise is None:
        stand_in_inputs(X)  # correlation 0.8, unit variance
    else:
        X[:, 1] = X[:, 0] + dup_noise * X[:, 1]
    y = stand_in_signal(X) + 0.3 * rng.normal(size=n)
    return X, y


def mlp(seed):
    return MLPRegressor(
        hidden_layer_sizes=(32, 16),
        max_iter=300,
        early_stopping=True,
        n_iter_no_change=20,
        random_state=seed,
    )


def keras_net(X, y):
    model = keras.Sequential(
        [
            keras.Input((X.shape[1],)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    return model


def keras_regressor():
    from keras.wrappers import SKLearnRegressor

    return SKLearnRegressor(
        keras_net, fit_kwargs={"epochs": 40, "batch_size": 32, "verbose": 0}
    )


def count_selections(args):
    """{(model, method): [x1 kept, x0 and x2 found, noise inputs kept, datasets]}."""
    counts = {}
    models = [("MLPRegressor", args.n_datasets, mlp)]
    if args.n_keras:
        models.append(("Keras MLP", args.n_keras, lambda seed: keras_regressor()))
    for name, n_datasets, make in models:
        for seed in range(n_datasets):
            X, y = stand_in_data(1000 + seed)
            for method in METHODS:
                keras.utils.set_random_seed(seed)
                selector = KerasImportanceSelector(
                    make(seed), method=method, refit=False, random_state=seed
                )
                support = selector.fit(X, y).get_support()
                c = counts.setdefault((name, method), np.zeros(4, dtype=int))
                c += [support[1], support[0] and support[2], support[3:].sum(), 1]
    return counts


def share(k, n):
    """``k/n = 0.50 [0.15, 0.85]``: the share with its Wilson 95% interval."""
    return rate(k, n, digits=2, counts=True)


def selection_table(args):
    """(a): how often each method keeps x1, finds x0 and x2, keeps noise."""
    clock = Stopwatch()
    counts = count_selections(args)
    print(
        f"\n(a) Selection: x1 = 0.8*x0 + noise (correlation 0.8), "
        "y = sin(2*x0) + x2^2 + noise, x3..x7 noise; 600 rows, "
        "KerasImportanceSelector defaults (cv=3, cv_test='fold', fdr_bh), "
        f"Wilson 95% intervals; {clock.seconds:.0f} s\n"
    )
    columns = ["model", "method", "x1 (stand-in) kept", "x0 and x2 found"]
    print_table(
        columns + ["noise kept"],
        [
            [name, method, share(x1, n), share(real, n), share(noise, 5 * n)]
            for (name, method), (x1, real, noise, n) in counts.items()
        ],
    )
    return counts


def cost_table(args):
    """(b): seconds on bench_permutation.py's reference workload."""
    opts = argparse.Namespace(
        n_features=args.n_features, n_rows=args.n_rows, seed=0, hidden=[64, 32]
    )
    clf, X_train, X_test, y_train, y_test = fit_reference(opts)
    kw = dict(scoring="neg_log_loss", n_repeats=args.n_repeats, random_state=0)
    for method in METHODS:  # warm-up (tracing), not timed
        permutation_importance(clf, X_test[:60], y_test[:60], method=method, **kw)
    rows = []
    for method in METHODS:
        t, _ = timed(
            lambda m=method: permutation_importance(
                clf, X_test, y_test, method=m, **kw
            ),
            args.timing_repeats,
        )
        rows.append((f"skimportance, method={method!r}", t))
    t_cfi = hidimstat_seconds(clf, X_train, y_train, X_test, y_test, args)
    if t_cfi is not None:
        rows.append(("hidimstat CFI (fit + importance, RidgeCV imputation)", t_cfi))
    print_cost(rows, args)
    return dict(rows)


def print_cost(rows, args):
    plain, conditional = rows[0][1], rows[1][1]
    print(
        f"\n(b) Cost: reference workload of bench_permutation.py "
        f"({args.n_features} features, {args.n_rows} held-out rows, "
        f"MLP {args.n_features}->64->32->1, n_repeats={args.n_repeats}, "
        "neg_log_loss); median seconds\n"
    )
    print_table(
        ["method", "seconds", "vs plain permutation", "vs conditional"],
        [
            [name, f"{t:.2f}", f"{t / plain:.2f}x", f"{t / conditional:.1f}x"]
            for name, t in rows
        ],
    )


def hidimstat_seconds(clf, X_train, y_train, X_test, y_test, args):
    try:
        from hidimstat import CFI
    except ImportError:
        print("hidimstat is not installed: its row is left out")
        return None
    from sklearn.metrics import log_loss

    def run():
        cfi = CFI(
            clf,
            method="predict_proba",
            loss=log_loss,
            n_permutations=args.n_repeats,
            random_state=0,
        )
        cfi.fit(X_train, y_train)
        return cfi.importance(X_test, y_test)

    t, _ = timed(run, 1)
    return t


def duplicates_table(args):
    """(c): near-duplicates x0, x1 under each method, alone and as a group."""
    X, y = stand_in_data(7, n=1200, dup_noise=0.01)
    model = mlp(0).fit(X[:800], y[:800])
    X_test, y_test = X[800:], y[800:]
    kw = dict(n_repeats=10, random_state=0)
    print(
        "\n(c) Near-duplicates: x1 = x0 + 0.01*noise, y = sin(2*x0) + x2^2 + "
        "noise; MLPRegressor, 400 held-out rows, importance = drop in R^2 "
        "(mean over 10 repeats)\n"
    )
    print_table(["measured", "permutation", "conditional"])
    res = {
        m: permutation_importance(model, X_test, y_test, method=m, **kw)
        for m in METHODS
    }
    for j, name in enumerate(["x0", "x1 (near-duplicate of x0)", "x2"]):
        cells = [f"{res[m].importances_mean[j]:.3f}" for m in METHODS]
        print(table_row([name] + cells))
    out = {m: res[m].importances_mean for m in METHODS}
    for label, groups in (
        ("group {x0, x1}", {"x0+x1": [0, 1]}),
        ('feature_groups="correlated"', "correlated"),
    ):
        cells = []
        for m in METHODS:
            r = permutation_importance(
                model, X_test, y_test, method=m, feature_groups=groups, **kw
            )
            cells.append(f"{r.importances_mean[0]:.3f}")
        print(table_row([label] + cells))
        out[label] = cells
    if args.figure:
        save_figure(out, args.figure)
    return out


def save_figure(out, path):
    """Bars of (c): x0, x1, x2 alone and the group {x0, x1}, per method."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = ["x0", "x1 (copy of x0)", "x2", "group {x0, x1}"]
    fig, ax = plt.subplots(figsize=(6, 3))
    width, x = 0.4, np.arange(len(labels))
    for i, m in enumerate(METHODS):
        values = list(out[m][:3]) + [float(out["group {x0, x1}"][i])]
        ax.bar(x + (i - 0.5) * width, values, width, label=f'method="{m}"')
    ax.set_xticks(x, labels)
    ax.set_ylabel("importance (drop in R²)")
    ax.set_title("Near-duplicates: each ~0 under conditional; measure them as a group")
    ax.legend()
    fig.savefig(path, dpi=120, bbox_inches="tight")


def nonlinear_data(seed, n=600):
    """(d): x1 = x0**2 + 0.5*noise, y = x0**2 + 0.5*x0 + x2 + 0.3*noise."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 8))
    X[:, 1] = X[:, 0] ** 2 + 0.5 * X[:, 1]
    y = X[:, 0] ** 2 + 0.5 * X[:, 0] + X[:, 2] + 0.3 * rng.normal(size=n)
    return X, y


NONLINEAR_METHODS = {
    "permutation": lambda: "permutation",
    'ConditionalSampler(continuous="ridge")': lambda: ConditionalSampler(
        continuous="ridge"
    ),
    'conditional (default: "auto")': lambda: "conditional",
    "ConditionalSampler(continuous=degree-2 polynomial OLS), reference": lambda: (
        ConditionalSampler(
            continuous=make_pipeline(PolynomialFeatures(2), LinearRegression())
        )
    ),
}


def nonlinear_table(args):
    """(d): the stand-in x1 = x0**2 + noise under each method."""
    clock = Stopwatch()
    counts = {name: np.zeros(5, dtype=int) for name in NONLINEAR_METHODS}
    for seed in range(args.n_nonlinear):
        X, y = nonlinear_data(2000 + seed)
        for name, method in NONLINEAR_METHODS.items():
            selector = KerasImportanceSelector(
                mlp(seed), method=method(), refit=False, random_state=seed
            )
            s = selector.fit(X, y).get_support()
            counts[name] += [s[1], s[0], s[0] and s[1], s[3:].sum(), 1]
    print(
        "\n(d) Nonlinear stand-in: x1 = x0^2 + 0.5*noise (no linear correlation), "
        "y = x0^2 + 0.5*x0 + x2 + noise, x3..x7 noise; 600 rows, MLPRegressor, "
        "KerasImportanceSelector defaults (cv=3, cv_test='fold', fdr_bh), "
        f"Wilson 95% intervals; {clock.seconds:.0f} s\n"
    )
    print_table(
        ["method", "x1 (stand-in) kept", "x0 kept", "x1 kept while x0 kept"]
        + ["noise kept"],
        [
            [name, share(x1, n), share(x0, n), share(both, x0), share(noise, 5 * n)]
            for name, (x1, x0, both, noise, n) in counts.items()
        ],
    )
    return counts


def parse_args(argv):
    parser = argument_parser(__doc__)
    parser.add_argument("--n-datasets", type=int, default=120)
    parser.add_argument("--n-keras", type=int, default=4)
    parser.add_argument("--n-features", type=int, default=50)
    parser.add_argument("--n-rows", type=int, default=5000)
    parser.add_argument("--n-repeats", type=int, default=5)
    parser.add_argument("--timing-repeats", type=int, default=3)
    parser.add_argument("--n-nonlinear", type=int, default=60)
    parser.add_argument("--figure", default=None, help="save (c) as a PNG here")
    parser.add_argument(
        "--nonlinear", action="store_true", help="add (d), the nonlinear stand-in"
    )
    parser.add_argument(
        "--only",
        choices=("selection", "cost", "duplicates", "nonlinear"),
        default=None,
    )
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    args = parser.parse_args(argv)
    if args.quick:
        args.n_datasets, args.n_keras, args.n_nonlinear = 1, 0, 1
        args.n_features, args.n_rows, args.timing_repeats = 8, 300, 1
    return args


TABLES = {
    "selection": selection_table,
    "cost": cost_table,
    "duplicates": duplicates_table,
    "nonlinear": nonlinear_table,
}


def main(argv=None):
    args = parse_args(argv)
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    wanted = [args.only] if args.only else ["selection", "cost", "duplicates"]
    if args.nonlinear and "nonlinear" not in wanted:
        wanted.append("nonlinear")
    return {name: TABLES[name](args) for name in wanted}


if __name__ == "__main__":
    main()
