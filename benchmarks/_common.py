"""What the benchmarks share: their environment, statistics, tables, timing,
and the data and networks that more than one of them uses.

Every benchmark imports this module before Keras. On import it

* sets ``TF_CPP_MIN_LOG_LEVEL=3`` (unless already set), which TensorFlow reads
  when it loads: its C++ start-up messages stay out of the output;
* puts this checkout's root first on ``sys.path``, so that
  ``python benchmarks/bench_x.py`` measures this checkout's ``skimportance``,
  not whichever copy happens to be installed.

It imports neither Keras nor skimportance itself (the functions that need them
import them when called): ``bench_permutation.py`` chooses the Keras backend
(:func:`select_backend`) after importing this module and before Keras loads.

Sections: environment; statistics (the Wilson interval, the multiple-testing
adjustments and the split-level test, the last two as the selector computes
them); tables (markdown); timing; warnings; data and networks shared by
several benchmarks (the stand-in design, the reference workload).
"""

import argparse
import contextlib
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from scipy import stats

# --- environment -------------------------------------------------------------

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROOT = Path(__file__).resolve().parents[1]
if (ROOT / "skimportance").is_dir() and str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BACKENDS = ("tensorflow", "jax", "torch")


def select_backend(argv):
    """Set ``KERAS_BACKEND`` from ``--backend NAME`` in ``argv``, if given.

    Keras reads ``KERAS_BACKEND`` once, when it is first imported: call this
    before importing Keras.
    """
    for i, arg in enumerate(argv):
        if arg == "--backend" and i + 1 < len(argv):
            os.environ["KERAS_BACKEND"] = argv[i + 1]
        elif arg.startswith("--backend="):
            os.environ["KERAS_BACKEND"] = arg.split("=", 1)[1]


def argument_parser(doc):
    """An ``ArgumentParser`` described by the first line of ``doc``."""
    return argparse.ArgumentParser(description=doc.splitlines()[0])


# --- statistics --------------------------------------------------------------


def wilson(k, n, z=1.96):
    """Wilson score interval of a binomial proportion k/n (95% for z=1.96)."""
    if n == 0:
        return float("nan"), float("nan")
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def rate(k, n, digits=3, counts=False):
    """``k / n`` with its Wilson 95% interval, e.g. ``0.333 [0.061, 0.792]``;
    with ``counts``, preceded by ``k/n = ``."""
    lo, hi = wilson(k, n)
    text = f"{k / n:.{digits}f} [{lo:.{digits}f}, {hi:.{digits}f}]"
    return f"{k}/{n} = {text}" if counts else text


def split_level_pvalues(importances, n_splits, test_train_ratio):
    """One-sided p-values of Nadeau and Bengio's corrected resampled t-test:
    the selector's split-level test (``test_ == "split"``, for scorers that
    are not means over rows), from the statistics layer.

    ``importances``: shape (n_groups, n_splits * n_repeats), split-major (the
    selector's ``importances_``). ``bench_calibration.py`` applies it to fits
    whose own test is row-level, to compare the two tests on the same fits.
    """
    from skimportance._statistics import split_level_test

    return split_level_test(importances, n_splits, test_train_ratio)[0]


# --- tables ------------------------------------------------------------------


def table_row(cells):
    """One markdown table row: ``| a | b | c |``."""
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def table_head(columns, align=None):
    """A markdown table's header and separator lines; ``align`` has one letter
    per column, ``"l"`` (left, the default) or ``"r"`` (right)."""
    align = align or "l" * len(columns)
    if len(align) != len(columns):
        raise ValueError(f"{len(columns)} columns but align={align!r}")
    separator = "|" + "".join("---:|" if a == "r" else "---|" for a in align)
    return [table_row(columns), separator]


def print_table(columns, rows=(), align=None):
    """Print a markdown table: header, separator and ``rows`` (lists of cells).
    Flushed, so that rows printed after it as they come follow it at once."""
    lines = table_head(columns, align) + [table_row(cells) for cells in rows]
    print("\n".join(lines), flush=True)


# --- timing ------------------------------------------------------------------


class Stopwatch:
    """Wall seconds since it was made: ``clock = Stopwatch(); ...; clock.seconds``."""

    def __init__(self):
        self.start = time.perf_counter()

    @property
    def seconds(self):
        return time.perf_counter() - self.start


def timed(fn, repeats):
    """``fn()`` called ``repeats`` times: (median seconds, the last result)."""
    times, result = [], None
    for _ in range(repeats):
        clock = Stopwatch()
        result = fn()
        times.append(clock.seconds)
    return statistics.median(times), result


# --- warnings ----------------------------------------------------------------


@contextlib.contextmanager
def quiet():
    """Ignore every warning inside the block (third-party fits and explainers
    whose warnings would bury the tables)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


# --- data and networks shared by several benchmarks ---------------------------


def stand_in_inputs(X):
    """Make ``X[:, 1]`` a stand-in for ``X[:, 0]``, in place, and return X.

    For standard-normal columns, ``x1 = 0.8 * x0 + 0.6 * x1`` has unit variance
    and correlation 0.8 with x0. With :func:`stand_in_signal` for y, y does not
    depend on x1 given x0: the stand-in design of ``bench_conditional.py`` (a)
    and of ``bench_truth.py``'s stand-in dataset.
    """
    X[:, 1] = 0.8 * X[:, 0] + 0.6 * X[:, 1]
    return X


def stand_in_signal(X):
    """The noise-free y of the stand-in design: ``sin(2 * x0) + x2**2``."""
    return np.sin(2 * X[:, 0]) + X[:, 2] ** 2


def split_network(fitted):
    """The Keras model of a fitted estimator and the transform in front of it:
    a Pipeline's prefix, or ``np.asarray`` for an estimator with ``model_``."""
    if hasattr(fitted, "steps"):
        return fitted[-1].model_, fitted[:-1].transform
    return fitted.model_, np.asarray


def dense_network(n_inputs, hidden, n_outputs=1):
    """An uncompiled ``keras.Sequential``: ``Input((n_inputs,))``, a ReLU
    ``Dense`` layer per width in ``hidden``, then ``n_outputs`` units, sigmoid
    for one output and softmax for more."""
    import keras

    layers = [keras.Input((n_inputs,))]
    layers += [keras.layers.Dense(h, activation="relu") for h in hidden]
    activation = "sigmoid" if n_outputs == 1 else "softmax"
    layers.append(keras.layers.Dense(n_outputs, activation=activation))
    return keras.Sequential(layers)


def binary_mlp(n_inputs, hidden, optimizer):
    """:func:`dense_network` with one sigmoid unit, compiled with binary
    cross-entropy and ``optimizer`` (a name or a Keras optimizer)."""
    model = dense_network(n_inputs, hidden)
    model.compile(optimizer=optimizer, loss="binary_crossentropy")
    return model


def reference_mlp(meta, hidden=(64, 32)):
    """scikeras model builder of the reference workload: MLP n->64->32->1, Adam."""
    return binary_mlp(meta["n_features_in_"], hidden, "adam")


def softmax_builder(hidden):
    """``keras.wrappers`` model builder ``build(X, y)``: the same MLP with a
    softmax over y's one-hot columns, categorical cross-entropy, Adam."""

    def build(X, y):
        model = dense_network(X.shape[1], hidden, n_outputs=y.shape[1])
        model.compile(optimizer="adam", loss="categorical_crossentropy")
        return model

    return build


def make_classifier(args):
    """The reference workload's classifier (``args.hidden`` widths, 5 epochs,
    more for few rows):
    scikeras' KerasClassifier on TensorFlow; elsewhere Keras' own
    ``keras.wrappers`` (skimportance's, with predict_proba) and a softmax head:
    scikeras runs on TensorFlow only."""
    import keras

    # 5 epochs, and at least ~150 steps: --quick's 300 rows learn something too
    # (skimportance warns when the model is no better than the class frequencies)
    epochs = max(5, -(-150 * 64 // args.n_rows))
    fit_kwargs = dict(epochs=epochs, batch_size=64, verbose=0)
    if keras.backend.backend() == "tensorflow":
        from scikeras.wrappers import KerasClassifier

        return KerasClassifier(
            reference_mlp, model__hidden=tuple(args.hidden), **fit_kwargs
        )
    from skimportance.wrappers import SKLearnClassifier

    return SKLearnClassifier(softmax_builder(args.hidden), fit_kwargs=fit_kwargs)


def reference_data(args):
    """The reference workload's classification data, split into training and
    held-out halves of ``args.n_rows`` rows each (``args.n_features`` features,
    a fifth informative, seed ``args.seed``): ``X_train, X_test, y_train, y_test``."""
    from sklearn.datasets import make_classification
    from sklearn.model_selection import train_test_split

    X, y = make_classification(
        n_samples=2 * args.n_rows,
        n_features=args.n_features,
        n_informative=max(2, args.n_features // 5),
        n_redundant=0,
        random_state=args.seed,
    )
    return train_test_split(
        X, y, test_size=args.n_rows, random_state=args.seed, stratify=y
    )


def fit_reference(args):
    """Seed Keras with ``args.seed``, draw :func:`reference_data` and train
    :func:`make_classifier` on its training half:
    ``clf, X_train, X_test, y_train, y_test``."""
    import keras

    keras.utils.set_random_seed(args.seed)
    X_train, X_test, y_train, y_test = reference_data(args)
    clf = make_classifier(args).fit(X_train, y_train)
    return clf, X_train, X_test, y_train, y_test


# --- candidate CV tests (bench_calibration --cv-tests) -----------------------


def cv_candidate_pvalues(fold_means, fold_vars, n_rows, z_max=2.0):
    """One-sided p-values of the candidate CV tests on the same fit.

    ``fold_means``, ``fold_vars``: (K, n_groups), each fold's mean row drop
    and the row-level variance of that mean (the selector's
    ``split_results_``); ``n_rows``: (K,). Candidates:

    * ``row``: the selector's ``cv_test="row"`` (rows' influence only);
    * ``fold``: the selector's ``cv_test="fold"``: the folds' z-scores
      summed over ``sqrt(K (1 + (K-1) rho))``, ``1 - rho`` the mean spread of
      the quiet inputs' z-scores moderated by a prior (rho 0.3 worth 8
      degrees), t reference with the prior's plus the pool's degrees;
    * ``fold, prior rho 0.25`` / ``fold, prior worth 4 df`` / ``16 df``: the
      same with another prior;
    * ``fold, no prior (before)``: rho from the median spread alone (all
      inputs when none is quiet), t reference with the pool's degrees;
    * ``fold, no prior, normal reference``: the same with a normal reference;
    * ``row, z-inflated``: the row test's variance times ``1 + rho ((sum
      w)^2 - 1)`` (w: the row test's fold weights), the unmoderated rho;
    * ``row, mean-inflated``: the row variance times ``1 + (K-1) rho_m``,
      rho_m from the spread of the fold means relative to their row variance;
    * ``Cauchy``: per-fold t-tests combined by Cauchy's rule (Liu & Xie 2020);
    * ``split (Nadeau-Bengio)``: the corrected t-test over the fold means.

    Inputs without spread in every fold (a model that ignores them) get 1.
    """
    m, v = np.asarray(fold_means, float), np.asarray(fold_vars, float)
    n_splits = m.shape[0]
    spread_ok = v.sum(axis=0) > 0
    mean = m.mean(axis=0)
    se = np.sqrt(v.sum(axis=0)) / n_splits
    df = max(1, int(np.sum(n_rows)) - n_splits)
    chi_median = stats.chi2.median(n_splits - 1) / (n_splits - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(spread_ok, mean / se, 0.0)
        zk = np.where(v > 0, m / np.sqrt(v), 0.0)
    quiet = spread_ok & (np.abs(z) < z_max)
    pool = quiet if quiet.any() else spread_ok
    spreads = zk.var(axis=0, ddof=1)

    def rho_from(ratio):
        return float(np.clip(1 - np.median(ratio[pool]) / chi_median, 0, 1))

    def z_sum(rho):
        return zk.sum(axis=0) / np.sqrt(n_splits * (1 + (n_splits - 1) * rho))

    def moderated(rho_prior, prior_df):
        d = quiet.sum() * (n_splits - 1)
        spread = spreads[quiet].mean() if d else 0.0
        unshared = (prior_df * (1 - rho_prior) + d * spread) / (prior_df + d)
        rho = float(np.clip(1 - unshared, 0, 1))
        return stats.t.sf(z_sum(rho), prior_df + d)

    out = {"row": stats.t.sf(z, df), "fold": moderated(0.3, 8)}
    out["fold, prior rho 0.25"] = moderated(0.25, 8)
    out["fold, prior worth 4 df"] = moderated(0.3, 4)
    out["fold, prior worth 16 df"] = moderated(0.3, 16)
    rho_z = rho_from(spreads)
    out["fold, no prior (before)"] = stats.t.sf(
        z_sum(rho_z), int(pool.sum()) * (n_splits - 1)
    )
    out["fold, no prior, normal reference"] = stats.norm.sf(z_sum(rho_z))
    with np.errstate(divide="ignore", invalid="ignore"):
        weights = np.sqrt(v) / np.sqrt(v.sum(axis=0))
    factor = 1 + rho_z * (weights.sum(axis=0) ** 2 - 1)
    out["row, z-inflated"] = stats.t.sf(z / np.sqrt(factor), df)
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = rho_from(m.var(axis=0, ddof=1) / v.mean(axis=0))
    out["row, mean-inflated"] = stats.t.sf(z / np.sqrt(1 + (n_splits - 1) * rho), df)
    per_fold = stats.t.sf(zk, np.asarray(n_rows)[:, np.newaxis] - 1)
    cauchy = np.tan((0.5 - per_fold) * np.pi).mean(axis=0)
    out["Cauchy"] = 0.5 - np.arctan(cauchy) / np.pi
    with np.errstate(divide="ignore", invalid="ignore"):
        nb = m.std(axis=0, ddof=1) * np.sqrt(1 / n_splits + 1 / (n_splits - 1))
        out["split (Nadeau-Bengio)"] = stats.t.sf(mean / nb, n_splits - 1)
    return {k: np.where(spread_ok, p, 1.0) for k, p in out.items()}


def wald_pvalues(X, y):
    """The oracle: one-sided Wald p-values (coefficient > 0) of an unpenalized
    logistic regression on the true design (all inputs, an intercept)."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=np.inf, max_iter=1000).fit(X, y)
    design = np.column_stack([np.ones(len(X)), X])
    beta = np.r_[model.intercept_, model.coef_.ravel()]
    p = 1 / (1 + np.exp(-design @ beta))
    cov = np.linalg.inv(design.T @ (design * (p * (1 - p))[:, np.newaxis]))
    return stats.norm.sf(beta[1:] / np.sqrt(np.diag(cov))[1:])
