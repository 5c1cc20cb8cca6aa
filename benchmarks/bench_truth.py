"""Which importance method finds the truth? Every answer people give, side by side.

On generated datasets whose relevant inputs are known by construction, one
Keras network is trained per dataset (the same recipe for every dataset, see
below), and each method ranks or selects inputs of that network:

* first-layer weight magnitude (sum of |W| per input),
* Olden's connection weights (product of the weight matrices, |.| per input),
* the zeros probe: output for an all-zero input with one input set to 1, minus
  the output for all zeros,
* eli5 ``PermutationImportance(cv="prefit")`` on held-out data,
* ``sklearn.inspection.permutation_importance`` on training and held-out data,
* a random forest's impurity importances (fitted on the training data),
* SHAP mean |value| over held-out rows, one row per explainer (Deep,
  Gradient, Kernel, Permutation); an explainer that fails on the network says
  why in one line,
* LIME mean |weight| over held-out rows (``LimeTabularExplainer``; its
  ``RecurrentTabularExplainer`` for sequences, summed over time steps),
* hidimstat's ``PFI`` (permutation) and ``CFI`` (conditional) importance on
  held-out rows, selecting with their own p-values (t-test over permutations,
  Benjamini-Hochberg at 0.05 through ``fdr_selection``),
* skimportance's ``KerasImportanceSelector`` with its defaults (it trains its
  own networks on the CV splits of the training data: that is the method;
  ``refit=False`` because the refit does not change the selection), and with
  ``method="conditional"`` where the installed version has it.

Datasets: Friedman #1 + 10 noise (regression); make_classification with 4
informative + 2 redundant + 9 noise; XOR of x0, x1 + 8 noise; a correlated
pair x0 ~ x1 (r = 0.99) both relevant, + x2 + 7 noise; sequences 10 steps x 5
channels (GRU), channels 0 and 2 relevant; an irrelevant correlated stand-in
(x1 = 0.8 x0 + noise, r = 0.8, y = sin(2 x0) + x2^2 + noise: x1 is not
relevant, y is independent of it given x0); and a null dataset (y independent
of all 10 inputs: every kept input is a false positive).

Metrics: Spearman correlation with the true ranking (the permutation importance
of the noise-free generating function, on a large sample) where one exists;
precision, recall, F1 and the number of false positives of the selected set
against the relevant set. Ranking-only methods select their top k with k = the
number of relevant inputs (they are told k; on the null dataset k = 0, so they
select nothing by construction and are not scored there); hidimstat and the
selector are not told k. Seconds: wall time of each method on that dataset
(the selector's include training its own networks).

The networks (one recipe, not tuned per dataset)
------------------------------------------------

======================  =========================================================
tabular datasets        StandardScaler, Dense 32 ReLU, Dense 16 ReLU, output
                        (1 sigmoid unit, or 1 linear unit for regression); L2
                        weight decay 1e-4 on every kernel; Adam 0.005
sequences               GRU(16), 1 sigmoid unit; Adam 0.01
training (both)         batch 32, at most 200 epochs, early stopping on the
                        loss of a 20% validation split (patience 15, best
                        weights restored); predict in batches of 1024
======================  =========================================================

The previous recipe (fixed 60 epochs, no validation) overfitted XOR: held-out
log loss 0.58-0.84 at 84% accuracy, noisy log-loss importances, and two noise
inputs kept by the selector (F1 0.67).

    python benchmarks/bench_truth.py                  # full run (~13 min, 2 cores)
    python benchmarks/bench_truth.py --quick          # tiny smoke configuration
    python benchmarks/bench_truth.py --write-docs     # also replace the docs' table
"""

import re
from pathlib import Path
from typing import NamedTuple

import _common  # noqa: F401  (first, before Keras: the environment it sets)
import keras
import numpy as np
from _common import (
    Stopwatch,
    argument_parser,
    quiet,
    split_network,
    stand_in_inputs,
    stand_in_signal,
    table_head,
    table_row,
)
from scipy.stats import spearmanr
from sklearn.datasets import make_classification, make_friedman1
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.inspection import permutation_importance as sk_pi
from sklearn.metrics import log_loss, mean_squared_error
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skimportance import KerasImportanceSelector
from skimportance.wrappers import KerasClassifier, KerasRegressor

# the table's home: the benchmarks page of the user guide (it was README's)
PAGE = Path(__file__).resolve().parents[1] / "docs" / "user_guide" / "benchmarks.md"
START, END = "<!-- bench_truth:start -->", "<!-- bench_truth:end -->"
SELECTOR = "skimportance KerasImportanceSelector (defaults)"
CONDITIONAL = 'skimportance KerasImportanceSelector (method="conditional")'


class Row(NamedTuple):
    dataset: str
    method: str
    spearman: float | None
    precision: float | None
    recall: float | None
    f1: float | None
    false_positives: int | None
    seconds: float | None
    note: str
    told_k: bool


# ------------------------------------------------------------------ networks
def mlp(meta, task, hidden, learning_rate=0.005, weight_decay=1e-4):
    layers = [keras.Input((meta["n_features_in_"],))]
    regularizer = keras.regularizers.L2(weight_decay)
    layers += [
        keras.layers.Dense(h, activation="relu", kernel_regularizer=regularizer)
        for h in hidden
    ]
    if task == "regression":
        layers.append(keras.layers.Dense(1, kernel_regularizer=regularizer))
        loss = "mse"
    else:
        layers.append(
            keras.layers.Dense(1, activation="sigmoid", kernel_regularizer=regularizer)
        )
        loss = "binary_crossentropy"
    model = keras.Sequential(layers)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=loss)
    return model


def gru(meta, units=16):
    model = keras.Sequential(
        [
            keras.Input(meta["X_shape_"][1:]),
            keras.layers.GRU(units),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
    return model


def training(epochs, patience):
    """Fit parameters shared by every network: early stopping on 20% held back."""
    stop = keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=patience, restore_best_weights=True
    )
    return dict(
        epochs=epochs,
        batch_size=32,
        predict__batch_size=1024,
        validation_split=0.2,
        callbacks=[stop],
        verbose=0,
    )


def network(task, args, sequence=False):
    fit = training(args.epochs, args.patience)
    if sequence:
        return KerasClassifier(gru, **fit)
    wrapper = KerasRegressor if task == "regression" else KerasClassifier
    return make_pipeline(
        StandardScaler(),
        wrapper(mlp, model__task=task, model__hidden=tuple(args.hidden), **fit),
    )


# ------------------------------------------------------------------ datasets
def oracle_ranking(f, X, seed):
    """Permutation importance of the noise-free generating function."""
    rng = np.random.RandomState(seed)
    base = f(X)
    out = []
    for j in range(X.shape[1]):
        Xp = X.copy()
        Xp[:, j] = X[rng.permutation(len(X)), j]
        out.append(np.mean((f(Xp) - base) ** 2))
    return np.array(out)


def friedman(n, seed, rng):
    X, y = make_friedman1(n_samples=n, n_features=15, noise=1.0, random_state=seed)

    def f(X):
        return (
            10 * np.sin(np.pi * X[:, 0] * X[:, 1])
            + 20 * (X[:, 2] - 0.5) ** 2
            + 10 * X[:, 3]
            + 5 * X[:, 4]
        )

    X_big = np.random.RandomState(seed + 1).uniform(size=(20000, 15))
    return dict(
        name="Friedman #1 + 10 noise (regression)",
        X=X,
        y=(y - y.mean()) / y.std(),
        task="regression",
        relevant={0, 1, 2, 3, 4},
        truth=oracle_ranking(f, X_big, seed),
    )


def classification(n, seed, rng):
    X, y = make_classification(
        n_samples=n,
        n_features=15,
        n_informative=4,
        n_redundant=2,
        n_repeated=0,
        shuffle=False,
        class_sep=1.0,
        random_state=seed,
    )
    perm = rng.permutation(n)
    return dict(
        name="make_classification 4 informative + 2 redundant + 9 noise",
        X=X[perm],
        y=y[perm],
        task="classification",
        relevant=set(range(6)),
    )


def xor(n, seed, rng):
    X = rng.uniform(-1, 1, size=(n, 10))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    flip = rng.uniform(size=n) < 0.05
    return dict(
        name="XOR of x0, x1 + 8 noise",
        X=X,
        y=np.where(flip, 1 - y, y),
        task="classification",
        relevant={0, 1},
    )


def correlated_pair(n, seed, rng):
    s = rng.normal(size=n)
    X = np.column_stack(
        [
            s + 0.1 * rng.normal(size=n),
            s + 0.1 * rng.normal(size=n),
            rng.normal(size=(n, 8)),
        ]
    )
    y = (s + X[:, 2] + 0.5 * rng.normal(size=n) > 0).astype(int)
    return dict(
        name="correlated pair x0~x1 (r=0.99) + x2 + 7 noise",
        X=X,
        y=y,
        task="classification",
        relevant={0, 1, 2},
    )


def sequences(n, seed, rng):
    X = rng.normal(size=(n, 10, 5)).astype("float32")
    y = (X[:, :, 0].mean(axis=1) - X[:, :, 2].mean(axis=1) > 0).astype(int)
    return dict(
        name="sequences 10 steps x 5 channels, channels 0 and 2 (GRU)",
        X=X,
        y=y,
        task="classification",
        relevant={0, 2},
        sequence=True,
    )


def stand_in(n, seed, rng):
    """x1 stands in for x0 (r = 0.8) but y is independent of x1 given x0."""

    def draw(n, rng):
        return stand_in_inputs(rng.normal(size=(n, 8)))

    X = draw(n, rng)
    y = stand_in_signal(X) + 0.5 * rng.normal(size=n)
    return dict(
        name="irrelevant stand-in x1 = 0.8 x0 + noise; y = sin(2 x0) + x2^2 + 5 noise",
        X=X,
        y=(y - y.mean()) / y.std(),
        task="regression",
        relevant={0, 2},
        truth=oracle_ranking(
            stand_in_signal, draw(20000, np.random.RandomState(seed + 2)), seed
        ),
    )


def null(n, seed, rng):
    return dict(
        name="null: y independent of all 10 inputs",
        X=rng.normal(size=(n, 10)),
        y=rng.randint(2, size=n),
        task="classification",
        relevant=set(),
    )


DATASETS = [
    friedman,
    classification,
    xor,
    correlated_pair,
    sequences,
    stand_in,
    null,
]


def datasets(n, seed, which=None):
    """The datasets (those at indices ``which``), each drawn as in a full run."""
    rng = np.random.RandomState(seed)
    out = [make(n, seed, rng) for make in DATASETS]
    return out if which is None else [out[i] for i in which]


# ------------------------------------------------------- methods: the network
def n_inputs(data):
    return data["X"].shape[-1]


def first_layer(fitted, data):
    model, _ = split_network(fitted)
    W = model.layers[0].get_weights()[0]  # Dense (in, h) or GRU kernel (in, 3u)
    return np.abs(W).sum(axis=1)


def olden(fitted, data):
    model, _ = split_network(fitted)
    if not isinstance(model.layers[0], keras.layers.Dense):
        raise NotImplementedError("not defined for recurrent layers")
    kernels = [
        layer.get_weights()[0]
        for layer in model.layers
        if isinstance(layer, keras.layers.Dense)
    ]
    product = kernels[0]
    for W in kernels[1:]:
        product = product @ W
    return np.abs(product).sum(axis=1)


def zeros_probe(fitted, data):
    model, _ = split_network(fitted)
    n = n_inputs(data)
    if data.get("sequence"):
        zeros = np.zeros((1, data["X"].shape[1], n), "float32")
        probes = np.repeat(zeros, n, axis=0)
        for j in range(n):
            probes[j, :, j] = 1.0
    else:
        zeros = np.zeros((1, n), "float32")
        probes = np.eye(n, dtype="float32")  # in the network's (scaled) input space
    base = model.predict(zeros, verbose=0)[0, 0]
    return np.abs(model.predict(probes, verbose=0)[:, 0] - base)


def network_output(fitted):
    """X -> the network's output (probability of class 1, or the regression value).

    Through ``predict_on_batch`` in chunks: what the pipeline's predict_proba
    gives, without Keras' per-call ``predict`` overhead (SHAP and LIME call it
    many times).
    """
    model, transform = split_network(fitted)

    def f(X):
        Z = np.asarray(transform(np.asarray(X)), dtype="float32")
        chunks = [
            np.asarray(model.predict_on_batch(Z[i : i + 8192]))
            for i in range(0, len(Z), 8192)
        ]
        return np.concatenate(chunks)[:, 0]

    return f


def scoring_of(data):
    return "r2" if data["task"] == "regression" else "neg_log_loss"


def eli5_pi(fitted, data):
    if data.get("sequence"):
        raise NotImplementedError("eli5 cannot take 3-D input")
    from eli5.sklearn import PermutationImportance

    with quiet():
        pi = PermutationImportance(
            fitted,
            scoring=scoring_of(data),
            n_iter=data["n_repeats"],
            random_state=0,
            cv="prefit",
        )
        pi.fit(data["X_test"], data["y_test"])
    return pi.feature_importances_


def sklearn_pi(which):
    def method(fitted, data):
        if data.get("sequence"):
            raise NotImplementedError("sklearn's permutation_importance needs 2-D X")
        X, y = data[f"X_{which}"], data[f"y_{which}"]
        return sk_pi(
            fitted,
            X,
            y,
            scoring=scoring_of(data),
            n_repeats=data["n_repeats"],
            random_state=0,
        ).importances_mean

    return method


def random_forest(fitted, data):
    X = data["X_train"]
    forest = (
        RandomForestRegressor
        if data["task"] == "regression"
        else RandomForestClassifier
    )(n_estimators=200, random_state=0, n_jobs=-1)
    if X.ndim == 3:  # per channel: the sum over its time steps
        forest.fit(X.reshape(len(X), -1), data["y_train"])
        return forest.feature_importances_.reshape(X.shape[1:]).sum(axis=0)
    return forest.fit(X, data["y_train"]).feature_importances_


# ----------------------------------------------------- methods: SHAP and LIME
def one_line(exc):
    """An explainer's failure as one table-friendly line."""
    text = str(exc).strip().splitlines()
    text = text[-1] if text else ""
    text = re.sub(r"\s+", " ", text).strip().replace("|", "/")
    return f"fails: {type(exc).__name__}: {text[:110]}"


def per_input(values, data):
    """Mean |value| per input of SHAP values shaped like X (or X plus outputs)."""
    values = np.abs(np.asarray(values, dtype=float))
    shape = data["X_test"].shape[1:]
    values = values.reshape(values.shape[0], *shape, -1).sum(axis=-1)
    axes = tuple(range(values.ndim - 1))  # rows and time steps
    return values.mean(axis=axes)


def shap_gradient_based(kind):
    """SHAP's Deep or Gradient explainer on the Keras model (scaled inputs)."""

    def method(fitted, data):
        import shap
        from tensorflow.python.eager import execute  # shap patches it, see below

        model, transform = split_network(fitted)
        rows = data["n_explain"]
        background = np.asarray(transform(data["X_train"][: data["n_background"]]))
        X = np.asarray(transform(data["X_test"][:rows]))
        record_gradient = execute.record_gradient
        try:
            with quiet():
                if kind == "deep":
                    explainer = shap.DeepExplainer(model, background)
                    values = explainer.shap_values(X, check_additivity=False)
                else:
                    explainer = shap.GradientExplainer(model, background)
                    values = explainer.shap_values(X, nsamples=200, rseed=0)
        except Exception as exc:  # which explainer runs on Keras 3 is the question
            raise NotImplementedError(one_line(exc)) from exc
        finally:
            # shap 0.51's DeepExplainer swaps TensorFlow's record_gradient and
            # puts it back only on success: after a failure (the GRU) every
            # later gradient, Keras training included, would look up shap's ops.
            execute.record_gradient = record_gradient
        return per_input(values, data)

    return method


def shap_model_agnostic(kind):
    """SHAP's Kernel or Permutation explainer on the network's output function."""

    def method(fitted, data):
        import shap

        if data.get("sequence"):
            raise NotImplementedError(
                f"{kind.capitalize()}Explainer takes 2-D X, not (rows, steps, channels)"
            )
        f = network_output(fitted)
        background = shap.sample(data["X_train"], data["n_background"], random_state=0)
        X = data["X_test"][: data["n_explain"]]
        try:
            if kind == "kernel":
                explainer = shap.KernelExplainer(f, background)
                values = explainer.shap_values(X, nsamples=500, silent=True)
            else:
                masker = shap.maskers.Independent(
                    background, max_samples=len(background)
                )
                explainer = shap.PermutationExplainer(f, masker, seed=0)
                values = explainer(X, max_evals=2 * X.shape[1] + 1, silent=True).values
        except Exception as exc:
            raise NotImplementedError(one_line(exc)) from exc
        return per_input(values, data)

    return method


def lime_weights(fitted, data):
    """Mean |LIME weight| per input over held-out rows (summed over time steps)."""
    from lime.lime_tabular import LimeTabularExplainer, RecurrentTabularExplainer

    f = network_output(fitted)
    mode = data["task"]
    n = n_inputs(data)
    sequence = data.get("sequence")
    explainer = (RecurrentTabularExplainer if sequence else LimeTabularExplainer)(
        data["X_train"],
        mode=mode,
        feature_names=[f"x{j}" for j in range(n)],
        random_state=0,
    )

    def predict(X):
        X = np.asarray(X, dtype="float32")
        if sequence:  # lime hands back rows flattened channel-major
            X = X.reshape(len(X), n, -1).transpose(0, 2, 1)
        p = f(X)
        return p if mode == "regression" else np.column_stack([1 - p, p])

    n_cells = int(np.prod(data["X"].shape[1:]))
    steps = n_cells // n
    total = np.zeros(n)
    rows = data["X_test"][: data["n_explain"]]
    for row in rows:
        exp = explainer.explain_instance(
            row,
            predict,
            num_features=n_cells,
            num_samples=data["lime_samples"],
        )
        weights = exp.local_exp[1]  # class 1, or the regression value
        for cell, w in weights:
            total[cell // steps] += abs(w)
    return total / len(rows)


# ------------------------------------------------ methods: their own selection
def hidimstat_importance(kind):
    """hidimstat's PFI or CFI on held-out rows, selected by its own p-values."""

    def method(fitted, data):
        from hidimstat import CFI, PFI

        if data.get("sequence"):
            raise NotImplementedError("hidimstat takes 2-D X")
        if data["task"] == "regression":
            options = dict(method="predict", loss=mean_squared_error)
        else:
            options = dict(method="predict_proba", loss=log_loss)
        cls = PFI if kind == "pfi" else CFI
        estimator = cls(fitted, random_state=0, **options)
        with quiet():
            estimator.fit(data["X_train"], data["y_train"])
            scores = estimator.importance(data["X_test"], data["y_test"])
        selected = estimator.fdr_selection(0.05, fdr_control="bhq")
        return scores, set(np.flatnonzero(selected > 0).tolist()), "BH FDR 0.05"

    return method


def has_conditional():
    return "method" in KerasImportanceSelector(None).get_params()


def selector(method):
    def run_selector(fitted, data):
        if method is not None and not has_conditional():
            raise NotImplementedError(
                'not available: this KerasImportanceSelector has no "method"'
            )
        options = {} if method is None else {"method": method}
        keras.utils.set_random_seed(data["seed"])
        sel = KerasImportanceSelector(
            network(data["task"], data["args"], data.get("sequence")),
            random_state=0,
            refit=False,
            **options,
        )
        # quiet: the warning naming inputs kept by min_features_to_select is
        # in the note
        with quiet():
            try:
                sel.fit(data["X_train"], data["y_train"])
            except (ValueError, TypeError, NotImplementedError) as exc:
                if method is None:
                    raise
                raise NotImplementedError(one_line(exc)) from exc
        support = sel.get_support()
        passed = (sel.pvalues_adjusted_ <= sel.alpha) & (sel.feature_importances_ > 0)
        forced = int(np.sum(support & ~passed))
        note = f"its own selection ({sel.multiple_testing}, alpha {sel.alpha})"
        if forced:
            note += (
                f"; {forced} kept only by "
                f"min_features_to_select={sel.min_features_to_select}"
            )
        return sel.feature_importances_, set(np.flatnonzero(support).tolist()), note

    return run_selector


RANKERS = {
    "first-layer weight magnitude": first_layer,
    "Olden connection weights": olden,
    "zeros probe": zeros_probe,
    "eli5 PermutationImportance (held-out)": eli5_pi,
    "sklearn permutation_importance (train)": sklearn_pi("train"),
    "sklearn permutation_importance (held-out)": sklearn_pi("test"),
    "random forest importances": random_forest,
    "SHAP DeepExplainer, mean abs": shap_gradient_based("deep"),
    "SHAP GradientExplainer, mean abs": shap_gradient_based("gradient"),
    "SHAP KernelExplainer, mean abs": shap_model_agnostic("kernel"),
    "SHAP PermutationExplainer, mean abs": shap_model_agnostic("permutation"),
    "LIME, mean abs weight": lime_weights,
}
SELECTORS = {
    "hidimstat PFI (permutation, p-values)": hidimstat_importance("pfi"),
    "hidimstat CFI (conditional, p-values)": hidimstat_importance("cfi"),
    SELECTOR: selector(None),
    CONDITIONAL: selector("conditional"),
}
METHODS = list(RANKERS) + list(SELECTORS)


def prf(selected, relevant):
    """Precision, recall, F1 (None where undefined) and false positives."""
    fp = len(selected - relevant)
    if not relevant:
        return None, None, None, fp
    tp = len(selected & relevant)
    p = tp / len(selected) if selected else 0.0
    r = tp / len(relevant)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f, fp


# --------------------------------------------------------------------- main
def measure(name, fitted, data):
    """One method on one dataset: its Row."""
    k = len(data["relevant"])
    told_k = name in RANKERS
    if told_k and k == 0:
        note = "told k = 0: selects nothing by construction"
        return Row(data["name"], name, *[None] * 6, note, told_k)
    clock = Stopwatch()
    try:
        if told_k:
            scores = np.asarray(RANKERS[name](fitted, data), dtype=float)
            selected = set(np.argsort(-scores, kind="stable")[:k].tolist())
            note = f"top {k}"
        else:
            scores, selected, note = SELECTORS[name](fitted, data)
    except NotImplementedError as exc:
        return Row(data["name"], name, *[None] * 6, str(exc), told_k)
    seconds = clock.seconds
    rho = None
    if data.get("truth") is not None:
        rho = spearmanr(scores, data["truth"]).statistic
    return Row(
        data["name"], name, rho, *prf(selected, data["relevant"]), seconds, note, told_k
    )


def prepare(data, args):
    X_train, X_test, y_train, y_test = train_test_split(
        data["X"], data["y"], test_size=0.3, random_state=args.seed
    )
    data.update(
        X_train=X_train,
        X_test=X_test,
        y_train=y_train,
        y_test=y_test,
        n_repeats=args.n_repeats,
        n_explain=args.n_explain,
        n_background=args.n_background,
        lime_samples=args.lime_samples,
        seed=args.seed,
        args=args,
    )


def warm_up_shap():
    """SHAP's numba code compiles on first use (~10 s): once here, not timed."""
    import shap

    background = np.zeros((2, 3))
    masker = shap.maskers.Independent(background)
    explainer = shap.PermutationExplainer(lambda X: X.sum(axis=1), masker)
    explainer(np.ones((1, 3)), max_evals=7, silent=True)


def train(data, args):
    """The dataset's network, trained; its one-line description in
    ``data["network"]`` (epochs run, held-out score), printed."""
    keras.utils.set_random_seed(args.seed)
    clock = Stopwatch()
    fitted = network(data["task"], args, data.get("sequence")).fit(
        data["X_train"], data["y_train"]
    )
    fit_time = clock.seconds
    held_out = fitted.score(data["X_test"], data["y_test"])
    epochs = len(
        fitted[-1].history_["loss"]
        if hasattr(fitted, "steps")
        else fitted.history_["loss"]
    )
    data["network"] = (
        f"{epochs} epochs, held-out "
        f"{'R²' if data['task'] == 'regression' else 'accuracy'} {held_out:.3f}"
    )
    print(f"\n{data['name']}: trained in {fit_time:.1f}s, {data['network']}")
    return fitted


def run(args, networks=None):
    """Every method on every dataset; ``networks`` gets one line per network."""
    keras.config.disable_interactive_logging()
    networks = [] if networks is None else networks
    warm_up_shap()
    rows = []
    for data in datasets(args.n, args.seed, args.datasets):
        prepare(data, args)
        fitted = train(data, args)
        networks.append(f"{data['name']}: {data['network']}")
        for name in METHODS:
            row = measure(name, fitted, data)
            rows.append(row)
            shown = "n/a" if row.seconds is None else f"{row.seconds:.1f}s"
            print(
                f"  {name}: F1 {fmt(row.f1, '.2f')}, "
                f"FP {fmt(row.false_positives, 'd')}, {shown}, {row.note}",
                flush=True,
            )
    return rows


def fmt(v, spec):
    return "n/a" if v is None else format(v, spec)


def command(args):
    return (
        f"python benchmarks/bench_truth.py --seed {args.seed} --n {args.n} "
        f"--epochs {args.epochs} --n-repeats {args.n_repeats} "
        f"--n-explain {args.n_explain} --n-background {args.n_background} "
        f"--lime-samples {args.lime_samples}"
    )


DATASET_COLUMNS = [
    "method",
    "Spearman vs truth",
    "precision",
    "recall",
    "F1",
    "false positives",
    "seconds",
    "note",
]
SUMMARY_COLUMNS = [
    "method",
    "told k",
    "mean F1",
    "datasets",
    "false positives (all datasets)",
    "false positives (null)",
    "seconds (total)",
]


def dataset_table(rows, dataset):
    out = [f"**{dataset}**", ""] + table_head(DATASET_COLUMNS, align="lrrrrrrl")
    for r in rows:
        if r.dataset == dataset:
            numbers = [r.spearman, r.precision, r.recall, r.f1]
            out.append(
                table_row(
                    [r.method]
                    + [fmt(v, ".2f") for v in numbers]
                    + [fmt(r.false_positives, "d"), fmt(r.seconds, ".1f"), r.note]
                )
            )
    return out + [""]


def summary_table(rows):
    out = [
        "**Summary: mean F1 over the datasets with relevant inputs each method could "
        "take, false positives, seconds**",
        "",
    ] + table_head(SUMMARY_COLUMNS, align="llrrrrr")
    for name in METHODS:
        mine = [r for r in rows if r.method == name]
        f1 = [r.f1 for r in mine if r.f1 is not None]
        fps = [r.false_positives for r in mine if r.false_positives is not None]
        null = [r.false_positives for r in mine if r.dataset.startswith("null")]
        seconds = [r.seconds for r in mine if r.seconds is not None]
        out.append(
            table_row(
                [
                    name,
                    "yes" if mine and mine[0].told_k else "no",
                    fmt(np.mean(f1) if f1 else None, ".2f"),
                    len(f1),
                    fmt(sum(fps) if fps else None, "d"),
                    fmt(null[0] if null else None, "d"),
                    fmt(sum(seconds) if seconds else None, ".0f"),
                ]
            )
        )
    return out


def table(rows, args, networks=()):
    out = [
        f"Command: `{command(args)}` (networks: StandardScaler + MLP "
        f"{'-'.join(map(str, args.hidden))} + output with L2 1e-4, a GRU(16) for "
        f"sequences; at most {args.epochs} epochs with early stopping, patience "
        f"{args.patience}, on a 20% validation split).",
        "",
    ]
    for line in networks:
        out.append(f"* {line}")
    if networks:
        out.append("")
    for dataset in dict.fromkeys(r.dataset for r in rows):
        out += dataset_table(rows, dataset)
    return "\n".join(out + summary_table(rows))


def parse_args(argv):
    parser = argument_parser(__doc__)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n", type=int, default=1000, help="samples per dataset")
    parser.add_argument("--epochs", type=int, default=200, help="most epochs")
    parser.add_argument("--patience", type=int, default=15)
    parser.add_argument("--hidden", type=int, nargs="+", default=[32, 16])
    parser.add_argument(
        "--datasets",
        type=int,
        nargs="+",
        default=list(range(len(DATASETS))),
        help="which datasets (indices into DATASETS, in order)",
    )
    parser.add_argument(
        "--n-repeats",
        type=int,
        default=3,
        help="repeats of eli5's and sklearn's permutation importance",
    )
    parser.add_argument(
        "--n-explain", type=int, default=50, help="held-out rows SHAP and LIME explain"
    )
    parser.add_argument("--n-background", type=int, default=50, help="SHAP background")
    parser.add_argument("--lime-samples", type=int, default=1000)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--write-docs",
        "--write-readme",
        dest="write_docs",
        action="store_true",
        help="replace the table on docs/user_guide/benchmarks.md",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.n, args.epochs, args.patience, args.hidden = 200, 3, 2, [8]
        args.n_repeats, args.n_explain, args.n_background = 1, 3, 5
        args.lime_samples = 100
    return args


def write_docs(text):
    """Put ``text`` between the benchmarks page's bench_truth markers
    (appended if none)."""
    readme = PAGE.read_text()
    block = f"{START}\n{text}\n{END}"
    if START in readme:
        readme = re.sub(
            re.escape(START) + ".*?" + re.escape(END),
            lambda _: block,
            readme,
            flags=re.S,
        )
    else:
        readme += "\n" + block + "\n"
    PAGE.write_text(readme)


def main(argv=None):
    args = parse_args(argv)
    networks = []
    rows = run(args, networks)
    text = table(rows, args, networks)
    print("\n" + text)
    if args.write_docs:
        write_docs(text)
    return rows


if __name__ == "__main__":
    main()
