"""Which importance method finds the truth? Every method on the same Keras network.

On generated datasets whose relevant inputs are known by construction, one
Keras network is trained per dataset, and each method ranks or selects inputs
of that network:

* first-layer weight magnitude (sum of |W| per input),
* Olden's connection weights (product of the weight matrices, |.| per input),
* the zeros probe: output for an all-zero input with one input set to 1, minus
  the output for all zeros,
* eli5 ``PermutationImportance(cv="prefit")`` on held-out data,
* ``sklearn.inspection.permutation_importance`` on training and held-out data,
* a random forest's impurity importances (fitted on the training data),
* SHAP mean |value| (KernelExplainer) when ``shap`` is installed,
* skimportance's ``KerasImportanceSelector`` with its defaults (it trains its
  own networks on 5 CV splits of the training data: that is the method).

Metrics: Spearman correlation with the true ranking (the permutation importance
of the noise-free generating function, on a large sample) where one exists;
precision, recall and F1 of the selected set against the relevant set, where
ranking-only methods select their top k with k = the number of relevant inputs
(they are told k; the selector is not); wall time.

    python benchmarks/bench_truth.py                  # full run (~10 min on 2 cores)
    python benchmarks/bench_truth.py --quick          # tiny smoke configuration
    python benchmarks/bench_truth.py --write-readme   # also replace README's table
"""

import argparse
import os
import re
import time
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from scipy.stats import spearmanr  # noqa: E402
from sklearn.datasets import make_classification, make_friedman1  # noqa: E402
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor  # noqa: E402
from sklearn.inspection import permutation_importance as sk_pi  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from skimportance import KerasImportanceSelector  # noqa: E402
from skimportance.wrappers import KerasClassifier, KerasRegressor  # noqa: E402

README = Path(__file__).resolve().parents[1] / "README.md"
START, END = "<!-- bench_truth:start -->", "<!-- bench_truth:end -->"
METHODS = [
    "first-layer weight magnitude",
    "Olden connection weights",
    "zeros probe",
    "eli5 PermutationImportance (held-out)",
    "sklearn permutation_importance (train)",
    "sklearn permutation_importance (held-out)",
    "random forest importances",
    "SHAP mean absolute value",
    "skimportance KerasImportanceSelector (defaults)",
]


# ------------------------------------------------------------------ networks
def mlp(meta, task, hidden, learning_rate=0.005):
    layers = [keras.Input((meta["n_features_in_"],))]
    layers += [keras.layers.Dense(h, activation="relu") for h in hidden]
    if task == "regression":
        layers.append(keras.layers.Dense(1))
        loss = "mse"
    else:
        layers.append(keras.layers.Dense(1, activation="sigmoid"))
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


def network(task, hidden, epochs, sequence=False):
    if sequence:
        return KerasClassifier(gru, epochs=epochs, batch_size=32, verbose=0)
    wrapper = KerasRegressor if task == "regression" else KerasClassifier
    return make_pipeline(
        StandardScaler(),
        wrapper(
            mlp,
            model__task=task,
            model__hidden=tuple(hidden),
            epochs=epochs,
            batch_size=32,
            verbose=0,
        ),
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


def datasets(n, seed):
    rng = np.random.RandomState(seed)
    out = []

    X, y = make_friedman1(n_samples=n, n_features=15, noise=1.0, random_state=seed)

    def friedman(X):
        return (
            10 * np.sin(np.pi * X[:, 0] * X[:, 1])
            + 20 * (X[:, 2] - 0.5) ** 2
            + 10 * X[:, 3]
            + 5 * X[:, 4]
        )

    X_big = np.random.RandomState(seed + 1).uniform(size=(20000, 15))
    out.append(
        dict(
            name="Friedman #1 + 10 noise (regression)",
            X=X,
            y=(y - y.mean()) / y.std(),
            task="regression",
            relevant={0, 1, 2, 3, 4},
            truth=oracle_ranking(friedman, X_big, seed),
        )
    )

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
    out.append(
        dict(
            name="make_classification 4 informative + 2 redundant + 9 noise",
            X=X[perm],
            y=y[perm],
            task="classification",
            relevant=set(range(6)),
            truth=None,
        )
    )

    X = rng.uniform(-1, 1, size=(n, 10))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    flip = rng.uniform(size=n) < 0.05
    out.append(
        dict(
            name="XOR of x0, x1 + 8 noise",
            X=X,
            y=np.where(flip, 1 - y, y),
            task="classification",
            relevant={0, 1},
            truth=None,
        )
    )

    s = rng.normal(size=n)
    X = np.column_stack(
        [
            s + 0.1 * rng.normal(size=n),
            s + 0.1 * rng.normal(size=n),
            rng.normal(size=(n, 8)),
        ]
    )
    y = (s + X[:, 2] + 0.5 * rng.normal(size=n) > 0).astype(int)
    out.append(
        dict(
            name="correlated pair x0~x1 (r=0.99) + x2 + 7 noise",
            X=X,
            y=y,
            task="classification",
            relevant={0, 1, 2},
            truth=None,
        )
    )

    X = rng.normal(size=(n, 10, 5)).astype("float32")
    y = (X[:, :, 0].mean(axis=1) - X[:, :, 2].mean(axis=1) > 0).astype(int)
    out.append(
        dict(
            name="sequences 10 steps x 5 channels, channels 0 and 2 (GRU)",
            X=X,
            y=y,
            task="classification",
            relevant={0, 2},
            truth=None,
            sequence=True,
        )
    )
    return out


# ------------------------------------------------------------------- methods
def dense_kernels(model):
    return [
        layer.get_weights()[0]
        for layer in model.layers
        if isinstance(layer, keras.layers.Dense)
    ]


def keras_model(fitted):
    return fitted[-1].model_ if hasattr(fitted, "steps") else fitted.model_


def first_layer(fitted, data):
    model = keras_model(fitted)
    W = model.layers[0].get_weights()[0]  # Dense (in, h) or GRU kernel (in, 3u)
    return np.abs(W).sum(axis=1)


def olden(fitted, data):
    model = keras_model(fitted)
    if not isinstance(model.layers[0], keras.layers.Dense):
        raise NotImplementedError("not defined for recurrent layers")
    product = dense_kernels(model)[0]
    for W in dense_kernels(model)[1:]:
        product = product @ W
    return np.abs(product).sum(axis=1)


def zeros_probe(fitted, data):
    model = keras_model(fitted)
    shape = (data["X"].shape[2],) if data.get("sequence") else (data["X"].shape[1],)
    n = shape[0]
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


def scoring_of(data):
    return "r2" if data["task"] == "regression" else "neg_log_loss"


def eli5_pi(fitted, data):
    if data.get("sequence"):
        raise NotImplementedError("eli5 cannot take 3-D input")
    from eli5.sklearn import PermutationImportance

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
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


def shap_values(fitted, data):
    try:
        import shap
    except ImportError:
        raise NotImplementedError("shap is not installed (pip install shap)") from None
    if data.get("sequence"):
        raise NotImplementedError("KernelExplainer needs 2-D X")
    predict = (
        fitted.predict
        if data["task"] == "regression"
        else (lambda X: fitted.predict_proba(X)[:, 1])
    )
    background = shap.sample(data["X_train"], 50, random_state=0)
    explainer = shap.KernelExplainer(predict, background)
    values = explainer.shap_values(data["X_test"][:100], nsamples=200, silent=True)
    return np.abs(values).mean(axis=0)


def selector(data, args):
    sel = KerasImportanceSelector(
        network(data["task"], args.hidden, args.epochs, data.get("sequence")),
        random_state=0,
    ).fit(data["X_train"], data["y_train"])
    return sel.feature_importances_, set(np.flatnonzero(sel.get_support()))


RANKERS = {
    METHODS[0]: first_layer,
    METHODS[1]: olden,
    METHODS[2]: zeros_probe,
    METHODS[3]: eli5_pi,
    METHODS[4]: sklearn_pi("train"),
    METHODS[5]: sklearn_pi("test"),
    METHODS[6]: random_forest,
    METHODS[7]: shap_values,
}


def prf(selected, relevant):
    tp = len(selected & relevant)
    p = tp / len(selected) if selected else 0.0
    r = tp / len(relevant)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


# --------------------------------------------------------------------- main
def run(args):
    keras.config.disable_interactive_logging()
    rows = []  # (dataset, method, spearman, p, r, f1, seconds, note)
    for data in datasets(args.n, args.seed)[: args.n_datasets]:
        X_train, X_test, y_train, y_test = train_test_split(
            data["X"], data["y"], test_size=0.3, random_state=args.seed
        )
        data.update(
            X_train=X_train,
            X_test=X_test,
            y_train=y_train,
            y_test=y_test,
            n_repeats=args.n_repeats,
        )
        keras.utils.set_random_seed(args.seed)
        t0 = time.perf_counter()
        fitted = network(
            data["task"], args.hidden, args.epochs, data.get("sequence")
        ).fit(X_train, y_train)
        fit_time = time.perf_counter() - t0
        held_out = fitted.score(X_test, y_test)
        print(
            f"\n{data['name']}: network trained in {fit_time:.1f}s, held-out "
            f"{'R²' if data['task'] == 'regression' else 'accuracy'} "
            f"{held_out:.3f}",
            flush=True,
        )
        k = len(data["relevant"])
        for name in METHODS:
            t0 = time.perf_counter()
            try:
                if name == METHODS[-1]:
                    keras.utils.set_random_seed(args.seed)
                    scores, selected = selector(data, args)
                    note = "its own selection"
                else:
                    scores = np.asarray(RANKERS[name](fitted, data), dtype=float)
                    selected = set(np.argsort(-scores, kind="stable")[:k].tolist())
                    note = f"top {k}"
            except NotImplementedError as exc:
                rows.append(
                    (data["name"], name, None, None, None, None, None, str(exc))
                )
                continue
            seconds = time.perf_counter() - t0
            rho = None
            if data["truth"] is not None:
                rho = spearmanr(scores, data["truth"]).statistic
            p, r, f = prf(selected, data["relevant"])
            rows.append((data["name"], name, rho, p, r, f, seconds, note))
            print(f"  {name}: F1 {f:.2f}, {seconds:.1f}s", flush=True)
    return rows


def fmt(v, spec):
    return "n/a" if v is None else format(v, spec)


def table(rows, args):
    out = [
        f"Command: `python benchmarks/bench_truth.py --seed {args.seed} --n {args.n} "
        f"--epochs {args.epochs}` (networks: StandardScaler + MLP "
        f"{'-'.join(map(str, args.hidden))} + output; a GRU(16) for sequences).",
        "",
    ]
    for dataset in dict.fromkeys(r[0] for r in rows):
        out += [
            f"**{dataset}**",
            "",
            "| method | Spearman vs truth | precision | recall | F1 | seconds | note |",
            "|---|---:|---:|---:|---:|---:|---|",
        ]
        for r in rows:
            if r[0] == dataset:
                out.append(
                    f"| {r[1]} | {fmt(r[2], '.2f')} | {fmt(r[3], '.2f')} | "
                    f"{fmt(r[4], '.2f')} | {fmt(r[5], '.2f')} | "
                    f"{fmt(r[6], '.1f')} | {r[7]} |"
                )
        out.append("")
    out += [
        "**Mean F1 over the datasets each method could take**",
        "",
        "| method | mean F1 | datasets |",
        "|---|---:|---:|",
    ]
    for name in METHODS:
        f1 = [r[5] for r in rows if r[1] == name and r[5] is not None]
        out.append(
            f"| {name} | {fmt(np.mean(f1) if f1 else None, '.2f')} | {len(f1)} |"
        )
    return "\n".join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n", type=int, default=1500, help="samples per dataset")
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--hidden", type=int, nargs="+", default=[32, 16])
    parser.add_argument("--n-datasets", type=int, default=5)
    parser.add_argument(
        "--n-repeats",
        type=int,
        default=5,
        help="repeats of eli5's and sklearn's permutation importance",
    )
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        args.n, args.epochs, args.hidden, args.n_repeats = 200, 3, [8], 1
    rows = run(args)
    text = table(rows, args)
    print("\n" + text)
    if args.write_readme:
        readme = README.read_text()
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
        README.write_text(readme)
    return rows


if __name__ == "__main__":
    main()
