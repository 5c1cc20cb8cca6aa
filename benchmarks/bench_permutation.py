"""How fast is permutation importance on a Keras model? One run, side by side.

On one fitted scikeras model and one held-out set, times

* ``sklearn.inspection.permutation_importance``,
* eli5's ``PermutationImportance(cv="prefit")``,
* ``skimportance.permutation_importance`` as shipped (exact first-layer
  updates, since the network's input feeds a Dense layer) and with them
  turned off (``inference="batched"``: compiled batches of stacked copies),
* the floor: one compiled forward pass (``model(x, training=False)``) over the
  same total number of permuted rows, already stacked in memory (best of a few
  batch sizes), and Keras' own ``model.predict`` over the same rows,

prints a markdown table of median seconds and ratios, and checks that the
methods agree on the importances.

Reference workload (the default): binary classification, 50 features, an MLP
50->64->32->1, 5,000 held-out rows, ``n_repeats=5``, ``scoring="neg_log_loss"``.
Wide workload (``--wide``): 500 features, an MLP 500->64->1, 2,000 held-out
rows, ``n_repeats=5``.

    python benchmarks/bench_permutation.py            # reference workload
    python benchmarks/bench_permutation.py --wide     # wide workload
    python benchmarks/bench_permutation.py --quick    # a small smoke run
    python benchmarks/bench_permutation.py --styles   # per model style
    python benchmarks/bench_permutation.py --backend jax   # or torch, tensorflow

``--styles`` measures the same workload with the network written and wrapped
the ways Keras code does it (see :func:`run_styles`); ``--two-inputs`` a
functional model with two ``keras.Input`` (X a dict of two tables) against its
own floor, beside the same network taking one table (see
:func:`run_two_inputs`).

    python benchmarks/bench_permutation.py --two-inputs

``--backend`` runs Keras on that backend (see ``_common.select_backend``): the
estimator is then ``skimportance.wrappers.SKLearnClassifier`` (Keras' own
``keras.wrappers``, softmax head) on JAX and PyTorch, scikeras' on TensorFlow,
and the floor is the backend's own compiled forward pass.
"""

import os
import platform
import sys
import tempfile

import _common

# Keras reads KERAS_BACKEND once, when it is first imported: --backend is read
# from the command line before the imports below.
if __name__ == "__main__":
    _common.select_backend(sys.argv[1:])

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import sklearn  # noqa: E402
from _common import (  # noqa: E402
    BACKENDS,
    argument_parser,
    dense_network,
    fit_reference,
    print_table,
    quiet,
    reference_data,
    softmax_builder,
    split_network,
    timed,
)
from scipy.stats import spearmanr  # noqa: E402
from sklearn.inspection import permutation_importance as sk_pi  # noqa: E402

import skimportance  # noqa: E402
from skimportance import permutation_importance  # noqa: E402


def forward_floor(model, X_eval, n_features, n_repeats):
    """Seconds of compiled forward passes over all permuted rows.

    Each batch is stacked in memory before the clock starts (one batch,
    reused: all permuted rows of the wide workload would take 10 GB), so
    this is the model's work alone. Keras' ``model.predict`` over all rows
    is timed too when they fit in 2 GiB.
    """
    X32 = X_eval.astype(np.float32)
    n_total = len(X32) * n_features * n_repeats
    fn = compiled_floor(model, X32.shape[1])
    best = np.inf
    for bs in (8192, 32768, 131072):
        bs = min(bs, n_total)
        batch = np.resize(X32, (bs, X32.shape[1]))  # rows of X repeated
        sizes = [bs] * (n_total // bs) + ([n_total % bs] if n_total % bs else [])
        for m in set(sizes):  # JAX compiles once per shape: not timed
            fn(batch[:m])
        t, _ = timed(lambda b=batch, s=sizes: [fn(b[:m]) for m in s], 3)
        best = min(best, t)
    t_predict = None
    if n_total * X32.shape[1] * 4 <= 2 * 2**30:
        stacked = np.tile(X32, (n_features * n_repeats, 1))
        t_predict, _ = timed(
            lambda: model.predict(stacked, batch_size=32768, verbose=0), 1
        )
    return best, t_predict, n_total


# --- Keras backend: the floor and the device per backend ----------------------


def compiled_floor(model, n_features):
    """The backend's own compiled ``model(x, training=False)``, numpy in and
    out: ``tf.function`` (TensorFlow), ``jax.jit`` of ``model.stateless_call``
    (JAX), ``torch.no_grad()`` (PyTorch)."""
    name = keras.backend.backend()
    if name == "jax":
        import jax

        @jax.jit
        def forward(trainable, non_trainable, x):
            return model.stateless_call(trainable, non_trainable, x, training=False)[0]

        trainable = [v.value for v in model.trainable_variables]
        non_trainable = [v.value for v in model.non_trainable_variables]
        return lambda x: np.asarray(forward(trainable, non_trainable, x))
    if name == "torch":
        import torch

        def call(x):
            with torch.no_grad():
                out = model(keras.ops.convert_to_tensor(x), training=False)
            return keras.ops.convert_to_numpy(out)

        return call
    import tensorflow as tf

    spec = tf.TensorSpec((None, n_features), tf.float32)
    fn = tf.function(lambda x: model(x, training=False), input_signature=[spec])
    return lambda x: fn(x).numpy()


def device_name():
    """The device Keras computes on, as its backend names it."""
    name = keras.backend.backend()
    if name == "jax":
        import jax

        device = jax.devices()[0]
        return f"{device.platform} ({device.device_kind})"
    if name == "torch":
        import torch

        if torch.cuda.is_available():
            return f"cuda ({torch.cuda.get_device_name(0)})"
        return "cpu"
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        details = tf.config.experimental.get_device_details(gpus[0])
        return f"gpu ({details.get('device_name', gpus[0].name)})"
    return "cpu"


def check_backend(parser, args):
    if args.backend is not None and args.backend != keras.backend.backend():
        parser.error(
            f"--backend {args.backend}: Keras already runs on "
            f"{keras.backend.backend()}; the backend is chosen when the script "
            "starts (or set KERAS_BACKEND)"
        )


def parse_args(argv):
    parser = argument_parser(__doc__)
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        default=None,
        help="Keras backend (default: KERAS_BACKEND, else TensorFlow)",
    )
    parser.add_argument("--n-features", type=int, default=50)
    parser.add_argument("--n-rows", type=int, default=5000, help="held-out rows")
    parser.add_argument("--n-repeats", type=int, default=5)
    parser.add_argument("--hidden", type=int, nargs="+", default=[64, 32])
    parser.add_argument("--scoring", default="neg_log_loss")
    parser.add_argument(
        "--repeats",
        type=int,
        default=5,
        help="timing repeats of the fast methods (median)",
    )
    parser.add_argument(
        "--slow-repeats",
        type=int,
        default=1,
        help="timing repeats of sklearn and eli5 (median)",
    )
    parser.add_argument(
        "--skip-slow", action="store_true", help="do not time sklearn and eli5"
    )
    parser.add_argument(
        "--wide",
        action="store_true",
        help="wide workload: 500 features, MLP 500->64->1, 2,000 rows",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small smoke configuration (used by the tests)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--styles",
        action="store_true",
        help="one row per model style (Sequential, add(), functional, "
        "keras.wrappers, Pipelines, saved model), each against its floor",
    )
    parser.add_argument(
        "--two-inputs",
        action="store_true",
        help="a two-input functional model (X a dict) against its own floor, "
        "beside the same network taking one table",
    )
    parser.add_argument(
        "--sklearn-n-repeats",
        type=int,
        default=1,
        help="with --styles: n_repeats of the scikit-learn agreement check",
    )
    args = parser.parse_args(argv)
    check_backend(parser, args)
    return workload(args)


def workload(args):
    """``args`` with the workload of ``--wide`` or ``--quick`` filled in."""
    if args.wide:
        args.n_features, args.n_rows, args.hidden = 500, 2000, [64]
    if args.quick:
        args.n_features, args.n_rows, args.n_repeats = 8, 300, 2
        args.hidden, args.repeats = [8], 1
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.styles:
        return run_styles(args)
    if args.two_inputs:
        return run_two_inputs(args)
    clf, _, X_test, _, y_test = fit_reference(args)
    kw = dict(scoring=args.scoring, n_repeats=args.n_repeats, random_state=args.seed)
    rows, results = time_skimportance(clf, X_test, y_test, kw, args.repeats)
    if not args.skip_slow:
        time_slow_methods(clf, X_test, y_test, kw, args, rows, results)
    rows += floor_rows(clf, X_test, args)
    print_reference(args, clf, rows)
    check_agreement(results, args)
    return rows


SKIMPORTANCE = "skimportance.permutation_importance (first-layer updates)"
FRAME = "skimportance, X as a DataFrame (same values, first-layer updates)"
FLOOR = "floor: one compiled forward pass over all permuted rows"


def time_skimportance(clf, X_test, y_test, kw, repeats):
    """skimportance as shipped and with first-layer updates off: (rows of
    (name, median seconds), {"skimportance": result, "batched": result})."""
    # warm-up (tracing) is excluded from every method's timing alike
    for inference in ("auto", "batched"):
        permutation_importance(
            clf, X_test[:50], y_test[:50], inference=inference, **{**kw, "n_repeats": 1}
        )
    t_ski, ours = timed(
        lambda: permutation_importance(clf, X_test, y_test, **kw), repeats
    )
    # the same values as a DataFrame (integer column labels: no feature names
    # for a wrapper fitted on arrays); it keeps the first-layer updates
    frame = pd.DataFrame(X_test)
    t_frame, framed = timed(
        lambda: permutation_importance(clf, frame, y_test, **kw), repeats
    )
    t_batched, batched = timed(
        lambda: permutation_importance(clf, X_test, y_test, inference="batched", **kw),
        repeats,
    )
    rows = [
        (SKIMPORTANCE, t_ski),
        (FRAME, t_frame),
        ("skimportance, inference='batched' (updates off)", t_batched),
    ]
    return rows, {"skimportance": ours, "batched": batched, "frame": framed}


def time_slow_methods(clf, X_test, y_test, kw, args, rows, results):
    """scikit-learn's and eli5's permutation importance: their rows appended
    to ``rows``, their importances to ``results`` (eli5's only if installed)."""
    clf.predict_proba(X_test[:10])
    t_sk, theirs = timed(lambda: sk_pi(clf, X_test, y_test, **kw), args.slow_repeats)
    rows.append(("sklearn.inspection.permutation_importance", t_sk))
    results["sklearn"] = theirs
    try:
        from eli5.sklearn import PermutationImportance

        def run_eli5():
            return PermutationImportance(
                clf,
                scoring=args.scoring,
                n_iter=args.n_repeats,
                random_state=args.seed,
                cv="prefit",
            ).fit(X_test, y_test)

        with quiet():
            t_eli5, eli5_est = timed(run_eli5, args.slow_repeats)
        rows.append(("eli5 PermutationImportance(cv='prefit')", t_eli5))
        results["eli5"] = eli5_est
    except ImportError:
        print("eli5 is not installed: its row is left out")


def floor_rows(clf, X_test, args):
    """The compiled forward pass over all permuted rows, and model.predict."""
    t_floor, t_predict, _ = forward_floor(
        clf.model_, X_test, args.n_features, args.n_repeats
    )
    rows = [(FLOOR, t_floor)]
    if t_predict is not None:
        rows.append(("Keras model.predict over all permuted rows", t_predict))
    return rows


def print_reference(args, clf, rows):
    """The workload, the machine and the table of median seconds and ratios."""
    n_total = args.n_features * args.n_repeats * args.n_rows
    print(
        f"\nWorkload: {args.n_features} features, MLP {args.n_features}->"
        f"{'->'.join(map(str, args.hidden))}->1, {args.n_rows} held-out rows, "
        f"n_repeats={args.n_repeats}, scoring={args.scoring!r}: "
        f"{n_total:,} permuted rows."
    )
    print(
        f"Machine: {os.cpu_count()} cores, "
        f"{platform.processor() or platform.machine()}; "
        f"skimportance {skimportance.__version__}, scikit-learn {sklearn.__version__}, "
        f"Keras {keras.__version__}."
    )
    print(
        f"Keras backend: {keras.backend.backend()}, device: {device_name()}; "
        f"estimator: {type(clf).__module__}.{type(clf).__name__}.\n"
    )
    t_ski, t_floor = dict(rows)[SKIMPORTANCE], dict(rows)[FLOOR]
    print_table(
        ["method", "median seconds", "x skimportance", "x floor"],
        [
            [name, f"{t:.3f}", f"{t / t_ski:.1f}", f"{t / t_floor:.2f}"]
            for name, t in rows
        ],
        align="lrrr",
    )


def max_abs_diff(a, b):
    """Max |diff| of all importances (every repeat) of two results."""
    return float(np.max(np.abs(a.importances - b.importances)))


def check_agreement(results, args):
    """Print how well the methods agree; raise RuntimeError where they do not."""
    ours = results["skimportance"]
    update_diff = max_abs_diff(results["batched"], ours)
    print("\nAgreement of importances:")
    print(
        f"- first-layer updates vs batched copies: max |diff| of all "
        f"importances = {update_diff:.2e}"
    )
    if not update_diff < 1e-5:
        raise RuntimeError(
            "first-layer updates disagree with the plain (batched) path: max "
            f"|diff| of all importances {update_diff:.2e}, tolerance 1e-05"
        )
    if "frame" in results:
        frame_diff = max_abs_diff(results["frame"], ours)
        print(
            f"- DataFrame vs numpy X: max |diff| of all importances = {frame_diff:.2e}"
        )
        if not frame_diff == 0:
            raise RuntimeError(
                f"a DataFrame of the same values gives other importances: max "
                f"|diff| {frame_diff:.2e}, 0 expected"
            )
    if "sklearn" in results:
        max_diff = max_abs_diff(results["sklearn"], ours)
        print(
            f"- skimportance vs sklearn (same permutations): max |diff| of all "
            f"importances = {max_diff:.2e}"
        )
        if not max_diff < 1e-4:
            raise RuntimeError(
                "skimportance and sklearn disagree (same permutations): max "
                f"|diff| of all importances {max_diff:.2e}, tolerance 1e-04"
            )
    for other, means in (
        ("sklearn", lambda r: r.importances_mean),
        ("eli5", lambda r: r.feature_importances_),
    ):
        if other in results:
            rho = spearmanr(ours.importances_mean, means(results[other])).statistic
            print(f"- Spearman(skimportance, {other}) = {rho:.3f}")
            if other == "eli5" and args.n_features >= 10 and not rho > 0.8:
                raise RuntimeError(
                    f"skimportance and eli5 rank features differently: Spearman "
                    f"{rho:.3f}, at least 0.8 expected with {args.n_features} features"
                )


# --- model styles (--styles) ------------------------------------------------


def _sequential_add(n_in, hidden):
    model = keras.Sequential([keras.Input((n_in,))])
    for h in hidden:
        model.add(keras.layers.Dense(h, activation="relu"))
    model.add(keras.layers.Dense(1, activation="sigmoid"))
    return model


def _functional(n_in, hidden):
    inputs = x = keras.Input((n_in,))
    for h in hidden:
        x = keras.layers.Dense(h, activation="relu")(x)
    outputs = keras.layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(inputs, outputs)


def _scikeras_builder(make):
    """scikeras model builder from ``make(n_inputs, hidden)``, compiled as the
    reference workload's network (binary cross-entropy, Adam)."""

    def build(meta, hidden=(64, 32)):
        model = make(meta["n_features_in_"], hidden)
        model.compile(optimizer="adam", loss="binary_crossentropy")
        return model

    return build


def _categorical_frame(X, n_categorical=5, levels=8):
    """X as a DataFrame whose first columns are binned into string levels."""
    import pandas as pd

    frame = pd.DataFrame(X, columns=[f"x{j}" for j in range(X.shape[1])])
    for j in range(n_categorical):
        edges = np.quantile(X[:, j], np.linspace(0, 1, levels + 1)[1:-1])
        frame[f"x{j}"] = np.array([f"q{k}" for k in range(levels)])[
            np.digitize(X[:, j], edges)
        ]
    return frame


def _one_hot_scaler():
    """One-hot encoding of the string columns, the others standardised."""
    from sklearn.compose import ColumnTransformer, make_column_selector
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    one_hot = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
    return ColumnTransformer(
        [("cat", one_hot, make_column_selector(dtype_include=object))],
        remainder=StandardScaler(),
    )


def _style_estimators(args, X_train, y_train, tmpdir):
    """(name, fitted estimator, data kind) per style, fitted in this order."""
    from keras.wrappers import SKLearnClassifier
    from scikeras.wrappers import KerasClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skimportance.wrappers import FittedKerasModel

    hidden = tuple(args.hidden)
    fit_kw = dict(epochs=5, batch_size=64, verbose=0)

    def scikeras(make):
        return KerasClassifier(_scikeras_builder(make), model__hidden=hidden, **fit_kw)

    seq = scikeras(dense_network).fit(X_train, y_train)
    styles = [
        ("Sequential([...]) list, scikeras", seq, "array"),
        (
            "Sequential grown with add(), scikeras",
            scikeras(_sequential_add).fit(X_train, y_train),
            "array",
        ),
        (
            "functional keras.Model, scikeras",
            scikeras(_functional).fit(X_train, y_train),
            "array",
        ),
    ]
    wrapper = SKLearnClassifier(softmax_builder(hidden), fit_kwargs=fit_kw)
    styles.append(
        (
            "keras.wrappers.SKLearnClassifier (softmax, 2 outputs)",
            wrapper.fit(X_train, y_train),
            "array",
        )
    )
    scaled = make_pipeline(StandardScaler(), scikeras(dense_network))
    styles.append(
        ("Pipeline(StandardScaler, network)", scaled.fit(X_train, y_train), "array")
    )
    encoded = make_pipeline(_one_hot_scaler(), scikeras(dense_network))
    styles.append(
        (
            "Pipeline(ColumnTransformer(one-hot 5 columns, scaler), network)",
            encoded.fit(_categorical_frame(X_train), y_train),
            "frame",
        )
    )
    path = os.path.join(tmpdir, "network.keras")
    seq.model_.save(path)
    loaded = keras.saving.load_model(path, compile=False)  # as the CLI loads it
    styles.append(
        (
            "saved .keras model, the CLI's adapter (FittedKerasModel)",
            FittedKerasModel(loaded, classes=[0, 1]),
            "array",
        )
    )
    return styles


def _network_input(estimator, X):
    """The Keras network and the rows it sees for X (after a Pipeline's prefix)."""
    model, transform = split_network(estimator)
    return model, np.asarray(transform(X), dtype=np.float32)


def _fast_path_used(fn):
    """``fn()`` and the names of the fast paths it used (debug log)."""
    import logging

    used = []

    class Handler(logging.Handler):
        def emit(self, record):
            message = record.getMessage()
            if message.endswith(" used"):
                used.append(message[: -len(" used")])

    logger = logging.getLogger("skimportance")
    handler, level = Handler(logging.DEBUG), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    propagate, logger.propagate = logger.propagate, False  # not to root handlers
    try:
        result = fn()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate
    return result, used


def run_styles(args):
    """Per model style: skimportance's time against its network's floor, and
    agreement with scikit-learn (on ``--sklearn-n-repeats`` repeats).

    The floor is one compiled forward pass of the style's own network over all
    permuted rows (for a Pipeline: rows already transformed by its prefix).
    Returns rows ``(style, seconds, floor seconds, fast path, max |diff|)``.
    """
    keras.config.disable_interactive_logging()  # keras.wrappers' predict bars
    keras.utils.set_random_seed(args.seed)
    X_train, X_test, y_train, y_test = reference_data(args)
    held_out = {"array": X_test, "frame": _categorical_frame(X_test)}
    kw = dict(scoring=args.scoring, n_repeats=args.n_repeats, random_state=args.seed)
    with tempfile.TemporaryDirectory() as tmpdir:
        styles = _style_estimators(args, X_train, y_train, tmpdir)
        rows = [
            _measure_style(name, est, held_out[kind], y_test, kw, args)
            for name, est, kind in styles
        ]
    _print_styles(args, rows)
    _check_styles(rows)
    return rows


def _measure_style(name, est, X_eval, y_test, kw, args):
    """One style's row: (name, seconds, floor seconds, fast paths, diff)."""
    warm = {**kw, "n_repeats": 1}
    permutation_importance(est, X_eval[:50], y_test[:50], **warm)
    t, (ours, used) = timed(
        lambda: _fast_path_used(
            lambda: permutation_importance(est, X_eval, y_test, **kw)
        ),
        args.repeats,
    )
    model, net_X = _network_input(est, X_eval)
    t_floor, _, _ = forward_floor(model, net_X, X_eval.shape[1], args.n_repeats)
    diff = None
    if not args.skip_slow:
        diff = _sklearn_diff(est, X_eval, y_test, kw, args.sklearn_n_repeats)
    return name, t, t_floor, ", ".join(used) or "none", diff


def _sklearn_diff(est, X_eval, y_test, kw, n_repeats):
    """Max |diff| of all importances against scikit-learn's (same seed).

    keras.wrappers' classifier has no ``predict_proba`` (scikit-learn cannot
    score log loss on it): it is compared on accuracy, said in the table.
    """
    few = {**kw, "n_repeats": n_repeats}
    note = ""
    if not hasattr(est, "predict_proba"):
        few["scoring"], note = "accuracy", " (accuracy)"
    mine = permutation_importance(est, X_eval, y_test, **few)
    theirs = sk_pi(est, X_eval, y_test, **few)
    return max_abs_diff(mine, theirs), note


def _print_styles(args, rows):
    n_total = args.n_features * args.n_repeats * args.n_rows
    print(
        f"\nWorkload: {args.n_features} columns, MLP ->"
        f"{'->'.join(map(str, args.hidden))}->1, {args.n_rows} held-out rows, "
        f"n_repeats={args.n_repeats}, scoring={args.scoring!r}: "
        f"{n_total:,} permuted rows; scikit-learn compared on "
        f"n_repeats={args.sklearn_n_repeats}. {os.cpu_count()} cores, "
        f"Keras {keras.__version__}, scikit-learn {sklearn.__version__}.\n"
    )
    columns = ["model style", "fast path", "seconds", "floor seconds", "x floor"]
    table = []
    for name, t, t_floor, used, diff in rows:
        shown = "not run" if diff is None else f"{diff[0]:.1e}{diff[1]}"
        table.append(
            [name, used, f"{t:.3f}", f"{t_floor:.3f}", f"{t / t_floor:.2f}", shown]
        )
    print_table(columns + ["max abs diff vs sklearn"], table, align="llrrrr")


def _check_styles(rows):
    """Every style measured has scikit-learn's importances (within 1e-4)."""
    for name, _, _, _, diff in rows:
        if diff is not None and not diff[0] < 1e-4:
            raise RuntimeError(
                f"{name}: disagrees with sklearn: max |diff| of all importances "
                f"{diff[0]:.2e}{diff[1]}, tolerance 1e-04"
            )


# --- two inputs ----------------------------------------------------------------
def _two_input_networks(n_features, hidden):
    """A functional model with inputs "a" (the first half of the columns) and
    "b" (the rest), each into its own Dense, concatenated; and the same layers
    as one model taking the flat table (``x[:, :k]`` and ``x[:, k:]``)."""
    k = n_features // 2
    a, b = keras.Input((k,), name="a"), keras.Input((n_features - k,), name="b")
    width = hidden[0]
    h = keras.layers.Concatenate()(
        [
            keras.layers.Dense(width, activation="relu")(a),
            keras.layers.Dense(width, activation="relu")(b),
        ]
    )
    for units in hidden[1:]:
        h = keras.layers.Dense(units, activation="relu")(h)
    out = keras.layers.Dense(1, activation="sigmoid")(h)
    two = keras.Model({"a": a, "b": b}, out)
    two.compile(optimizer="adam", loss="binary_crossentropy")
    flat_in = keras.Input((n_features,))
    one = keras.Model(flat_in, two({"a": flat_in[:, :k], "b": flat_in[:, k:]}))
    return two, one, k


def run_two_inputs(args):
    """A two-input model measured with X as a dict, against its own floor
    (one compiled forward pass of the same network over all permuted rows),
    beside the same network taking one table; both checked against
    scikit-learn's importances on the one-table network (same seed).

    Returns rows ``(name, seconds, floor seconds, fast path, max |diff|)``.
    """
    from skimportance.wrappers import FittedKerasModel

    keras.config.disable_interactive_logging()
    keras.utils.set_random_seed(args.seed)
    X_train, X_test, y_train, y_test = reference_data(args)
    two, one, k = _two_input_networks(args.n_features, args.hidden)
    two.fit(
        {"a": X_train[:, :k], "b": X_train[:, k:]},
        y_train,
        epochs=5,
        batch_size=64,
        verbose=0,
    )
    X_dict = {"a": X_test[:, :k], "b": X_test[:, k:]}
    kw = dict(scoring=args.scoring, n_repeats=args.n_repeats, random_state=args.seed)
    estimator = FittedKerasModel(one, classes=[0, 1], task="classification")
    reference = None
    if not args.skip_slow:
        few = {**kw, "n_repeats": args.sklearn_n_repeats}
        reference = sk_pi(estimator, X_test, y_test, **few)
    rows = []
    t_floor, _, _ = forward_floor(one, X_test, args.n_features, args.n_repeats)
    for name, model, X in [
        ("two inputs, X a dict", two, X_dict),
        ("the same network taking one table", estimator, X_test),
    ]:
        permutation_importance(
            model, _head(X, 50), y_test[:50], **{**kw, "n_repeats": 1}
        )
        t, (_, used) = timed(
            lambda m=model, x=X: _fast_path_used(
                lambda: permutation_importance(m, x, y_test, **kw)
            ),
            args.repeats,
        )
        diff = None
        if reference is not None:
            few = {**kw, "n_repeats": args.sklearn_n_repeats}
            diff = (
                max_abs_diff(
                    permutation_importance(model, X, y_test, **few), reference
                ),
                "",
            )
        rows.append((name, t, t_floor, ", ".join(used) or "none", diff))
    _print_styles(args, rows)
    _check_styles(rows)
    return rows


def _head(X, n):
    if isinstance(X, dict):
        return {key: value[:n] for key, value in X.items()}
    return X[:n]


if __name__ == "__main__":
    main()
