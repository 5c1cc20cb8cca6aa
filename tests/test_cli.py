"""The command line on files it makes, the plot Display, and eli5's functions."""

import json
import os
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from skimportance import KerasImportanceSelector, permutation_importance

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args, cwd=ROOT):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    return subprocess.run(
        [sys.executable, "-m", "skimportance", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=300,
    )


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A trained binary classifier and a regressor saved as .keras, and CSVs."""
    tmp = tmp_path_factory.mktemp("cli")
    rng = np.random.RandomState(0)
    X = rng.normal(size=(400, 4)).astype("float32")
    y_clf = (2 * X[:, 0] - X[:, 1] > 0).astype(int)
    y_reg = 2 * X[:, 0] - X[:, 1]
    keras.utils.set_random_seed(0)
    for name, y, act, loss in [
        ("clf", y_clf, "sigmoid", "binary_crossentropy"),
        ("reg", y_reg, None, "mse"),
    ]:
        model = keras.Sequential(
            [
                keras.Input((4,)),
                keras.layers.Dense(8, activation="relu"),
                keras.layers.Dense(1, activation=act),
            ]
        )
        model.compile(optimizer=keras.optimizers.Adam(0.02), loss=loss)
        model.fit(X[:300], y[:300], epochs=30, verbose=0)
        model.save(tmp / f"{name}.keras")
    frame = pd.DataFrame(X[300:], columns=["a", "b", "c", "d"])
    frame.assign(label=y_clf[300:]).to_csv(tmp / "clf.csv", index=False)
    frame.assign(value=y_reg[300:]).to_csv(tmp / "reg.csv", index=False)
    frame.assign(label=y_clf[300:], e=1.0).to_csv(tmp / "wide.csv", index=False)
    frame.assign(label=y_clf[300:], city="x").to_csv(tmp / "text.csv", index=False)
    return tmp


def test_run_classifier_writes_table_csv_json_png(saved, tmp_path):
    proc = run_cli(
        "run",
        "--model",
        saved / "clf.keras",
        "--data",
        saved / "clf.csv",
        "--target",
        "label",
        "--out",
        tmp_path,
        "--n-repeats",
        "3",
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "drop in neg_log_loss" in proc.stdout
    # the test it used, and whether it is valid, is on screen and in the JSON
    rule = next(line for line in proc.stdout.splitlines() if line.startswith("Rule:"))
    assert "row-level" in rule or "not a valid test" in rule
    result = json.loads((tmp_path / "importances.json").read_text())
    assert result["rule"] == rule
    assert all(f["reason"].startswith(("kept", "dropped")) for f in result["features"])
    ranked = [f["feature"] for f in result["features"]]
    assert ranked[:2] == ["a", "b"]
    assert [f["feature"] for f in result["features"] if f["kept"]] == ["a", "b"]
    assert (tmp_path / "importances.png").stat().st_size > 5000
    assert len((tmp_path / "importances.csv").read_text().splitlines()) == 5
    assert "%|" in proc.stderr  # the progress bar, shown by default


def test_run_regressor(saved, tmp_path):
    proc = run_cli(
        "run",
        "--model",
        saved / "reg.keras",
        "--data",
        saved / "reg.csv",
        "--target",
        "value",
        "--out",
        tmp_path,
        "--quiet",
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "drop in r2" in proc.stdout
    assert "%|" not in proc.stderr  # --quiet: no progress bar


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--model", "missing.keras", "--data", "clf.csv", "--target", "label"],
            "model file not found",
        ),
        (
            ["--model", "clf.keras", "--data", "missing.csv", "--target", "label"],
            "data file not found",
        ),
        (
            ["--model", "clf.keras", "--data", "clf.csv", "--target", "y"],
            "target column 'y' is not in",
        ),
        (
            ["--model", "clf.keras", "--data", "wide.csv", "--target", "label"],
            "has 5 feature columns",
        ),
        (
            ["--model", "clf.keras", "--data", "text.csv", "--target", "label"],
            "non-numeric feature columns",
        ),
        (
            [
                "--model",
                "reg.keras",
                "--data",
                "reg.csv",
                "--target",
                "value",
                "--task",
                "classification",
            ],
            "looks like a regression model",
        ),
        (
            [
                "--model",
                "clf.keras",
                "--data",
                "clf.csv",
                "--target",
                "label",
                "--scoring",
                "accuracyy",
            ],
            "scoring",
        ),
    ],
)
def test_run_errors_are_one_clear_line(saved, args, message):
    proc = run_cli("run", *args, cwd=saved)
    assert proc.returncode == 2
    lines = [
        line for line in proc.stderr.splitlines() if line.startswith("skimportance")
    ]
    assert len(lines) == 1 and message in lines[0], proc.stderr[-1500:]
    assert "Traceback" not in proc.stderr


# ------------------------------------------------------------------ plots
@pytest.fixture(scope="module")
def fitted_selector():
    rng = np.random.RandomState(0)
    X = pd.DataFrame(rng.normal(size=(300, 5)), columns=list("abcde"))
    y = (X["a"] - X["b"] > 0).astype(int)
    return KerasImportanceSelector(LogisticRegression(), cv=3, random_state=0).fit(X, y)


def test_display_draws_on_given_axis(fitted_selector):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from skimportance.plotting import PermutationImportanceDisplay

    fig, ax = plt.subplots()
    display = PermutationImportanceDisplay.from_estimator(fitted_selector, ax=ax)
    assert display.ax_ is ax and display.figure_ is fig
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-2:] == ["b", "a"] or labels[-2:] == ["a", "b"]  # best at top
    assert "neg_log_loss" in ax.get_xlabel()
    bar = PermutationImportanceDisplay.from_estimator(
        fitted_selector, kind="bar", top=3, ax=plt.subplots()[1]
    )
    assert len(bar.ax_.patches) == 3
    X_new = pd.DataFrame(
        np.random.RandomState(1).normal(size=(50, 5)), columns=list("abcde")
    )
    result = permutation_importance(
        fitted_selector.estimator_, X_new, np.arange(50) % 2, random_state=0
    )
    d = PermutationImportanceDisplay.from_result(
        result, feature_names=list("vwxyz"), threshold=0.01
    )
    assert {t.get_text() for t in d.ax_.get_yticklabels()} == set("vwxyz")
    with pytest.raises(ValueError, match="kind"):
        display.plot(kind="pie")
    plt.close("all")


# ------------------------------------------------------------------- eli5
def test_eli5_functions_show_the_selectors_importances(fitted_selector):
    import eli5

    import skimportance.eli5  # noqa: F401 - registers the selector

    explanation = eli5.explain_weights(fitted_selector)
    frame = eli5.format_as_dataframe(explanation)
    by_name = dict(zip(frame["feature"], frame["weight"]))
    for name, value in zip(
        fitted_selector.feature_names_in_, fitted_selector.feature_importances_
    ):
        assert by_name[name] == pytest.approx(value)
    stds = dict(zip(frame["feature"], frame["std"]))
    assert stds["a"] == pytest.approx(fitted_selector.feature_importances_std_[0])
    assert "held-out drop in score" in explanation.description
    html = eli5.show_weights(fitted_selector, feature_names=list("VWXYZ")).data
    top = f"{fitted_selector.feature_importances_.max():.4f}"
    assert (
        top in html and "VWXYZ"[fitted_selector.feature_importances_.argmax()] in html
    )
