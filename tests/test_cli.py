"""The command line: ``skimportance run`` on files it makes, its errors, and
``skimportance demo`` as a newcomer runs it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pandas as pd
import pytest

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


# ------------------------------------------------------------------- demo
@pytest.mark.parametrize("args", [["--cv", "2", "--epochs", "3", "--n-repeats", "2"]])
def test_demo_command(tmp_path, args):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.run(
        [sys.executable, "-m", "skimportance", "demo", "--out", str(tmp_path), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "| rank | feature |" in proc.stdout and "90% CI" in proc.stdout
    # every row says why it is kept or dropped, and the rule is on screen
    assert proc.stdout.count(" kept: ") + proc.stdout.count(" dropped: ") == 30
    assert "Rule: " in proc.stdout and "alpha=0.05" in proc.stdout
    assert "retracing" not in proc.stderr
    csv = (tmp_path / "importances.csv").read_text().splitlines()
    assert csv[0].startswith("rank,feature,importance,ci_low,ci_high,")
    assert csv[0].endswith(",kept,reason") and len(csv) == 31


def _importances(folder):
    result = json.loads((folder / "importances.json").read_text())
    return {f["feature"]: (f["importance"], f["kept"]) for f in result["features"]}


@pytest.mark.slow  # three runs of the command: about 20 s
def test_run_matches_columns_by_name(saved, tmp_path):
    """Reversed CSV columns, measured by name (sidecar, then --features), give
    the numbers of the ordered file; --threshold is the selector's."""
    frame = pd.read_csv(saved / "clf.csv")
    frame[["label", "d", "c", "b", "a"]].to_csv(tmp_path / "rev.csv", index=False)
    model = tmp_path / "clf.keras"
    model.write_bytes((saved / "clf.keras").read_bytes())
    (tmp_path / "clf.keras.features.json").write_text('["a", "b", "c", "d"]')
    common = ["--target", "label", "--n-repeats", "2", "--quiet"]
    ordered = run_cli(
        "run", "--model", saved / "clf.keras", "--data", saved / "clf.csv",
        "--out", tmp_path / "o", *common,
    )  # fmt: skip
    by_sidecar = run_cli(
        "run", "--model", model, "--data", tmp_path / "rev.csv",
        "--out", tmp_path / "s", *common,
    )  # fmt: skip
    by_option = run_cli(
        "run", "--model", saved / "clf.keras", "--data", tmp_path / "rev.csv",
        "--features", "a,b,c,d", "--threshold", "1e9", "--min-features-to-select",
        "0", "--out", tmp_path / "f", *common,
    )  # fmt: skip
    for proc in (ordered, by_sidecar, by_option):
        assert proc.returncode == 0, proc.stderr[-2000:]
    assert "no better than" not in ordered.stderr + by_sidecar.stderr
    want = _importances(tmp_path / "o")
    assert _importances(tmp_path / "s") == want
    got = _importances(tmp_path / "f")
    assert {k: v[0] for k, v in got.items()} == {k: v[0] for k, v in want.items()}
    assert not any(kept for _, kept in got.values())  # threshold 1e9: none kept


def test_run_column_mismatch_is_one_line(saved):
    proc = run_cli(
        "run", "--model", saved / "clf.keras", "--data", saved / "clf.csv",
        "--target", "label", "--features", "a,b,c,zz",
    )  # fmt: skip
    assert proc.returncode == 2
    (line,) = proc.stderr.strip().splitlines()
    assert "'zz'" in line and "not in" in line
