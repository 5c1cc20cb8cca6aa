"""The benchmarks keep working: each runs on a tiny configuration."""

import sys
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCH))


def test_bench_permutation_quick(capsys):
    import bench_permutation

    rows = dict(bench_permutation.main(["--quick", "--repeats", "1"]))
    out = capsys.readouterr().out
    assert "first-layer updates vs batched copies" in out
    assert "max |diff| of all importances" in out
    assert set(rows) >= {
        "skimportance.permutation_importance (first-layer updates)",
        "skimportance, inference='batched' (updates off)",
        "floor: one compiled forward pass over all permuted rows",
        "sklearn.inspection.permutation_importance",
        "eli5 PermutationImportance(cv='prefit')",
    }
    assert all(t > 0 for t in rows.values())


@pytest.mark.slow
def test_bench_truth_quick(capsys):
    """Every method on XOR, the GRU sequences and the null dataset: ~2 min."""
    for package in ("shap", "lime", "hidimstat", "eli5"):  # the methods compared
        pytest.importorskip(package)
    import bench_truth

    rows = bench_truth.main(["--quick", "--datasets", "2", "4", "6"])
    out = capsys.readouterr().out
    by = {(r.dataset.split()[0], r.method): r for r in rows}
    assert len(rows) == 3 * len(bench_truth.METHODS)
    assert {r.method for r in rows} == set(bench_truth.METHODS)
    # every row has numbers or a one-line reason, and numbers come with seconds
    for r in rows:
        assert (r.seconds is None) == (r.false_positives is None)
        assert r.seconds is not None or (r.note and "\n" not in r.note)
        assert r.f1 is None or 0.0 <= r.f1 <= 1.0
    assert by["sequences", "eli5 PermutationImportance (held-out)"].note == (
        "eli5 cannot take 3-D input"
    )
    assert by["sequences", "hidimstat PFI (permutation, p-values)"].note == (
        "hidimstat takes 2-D X"
    )
    # the selector, LIME and SHAP's gradient explainers take the GRU's 3-D input
    for method in (bench_truth.SELECTOR, "LIME, mean abs weight"):
        assert by["sequences", method].f1 is not None
    # on the null dataset F1 is undefined: false positives are reported instead
    null = [r for r in rows if r.dataset.startswith("null")]
    assert all(r.f1 is None for r in null)
    assert by["null:", "zeros probe"].note.startswith("told k = 0")
    # the selector trains on the null dataset after DeepExplainer failed on the
    # GRU: a failing SHAP explainer must not break the training that follows
    assert by["null:", bench_truth.SELECTOR].false_positives is not None
    assert by["XOR", "SHAP KernelExplainer, mean abs"].f1 is not None
    assert "| false positives (null) |" in out and "| told k |" in out


@pytest.mark.slow
def test_bench_cluster_quick(capsys):
    """Starts a 2-process Dask cluster and loky workers: ~1 min, not default."""
    pytest.importorskip("distributed")
    import bench_cluster

    runs = bench_cluster.main(["--quick"])
    assert len(runs) == 3
    assert "same best params and scores" in capsys.readouterr().out


def test_bench_calibration_quick(capsys):
    import bench_calibration

    rows = bench_calibration.main(["--quick"])
    out = capsys.readouterr().out
    assert "false-positive rate" in out and "Wilson" in out
    models = {r[0] for r in rows}
    assert models == {"LogisticRegression", "Ridge"}
    tests = {r[2] for r in rows}
    assert tests == {
        "row-level",
        "previous: t-test over repeats",
        "previous: split-level",
    }
    options = {r[3] for r in rows if r[2] == "row-level"}
    assert options == {"none", "holm", "fdr_bh"}
    for r in rows:
        assert 0.0 <= r[4]["fpr_value"] <= 1.0 and 0.0 <= r[4]["fdr_value"] <= 1.0


@pytest.mark.slow
def test_bench_calibration_cv_tests_and_edge_cells_quick(capsys):
    """The candidate CV tests and the edge cases, smoke configuration."""
    import bench_calibration

    lines = bench_calibration.main(["--cv-tests", "--quick"])
    out = capsys.readouterr().out
    assert "| fold |" in out and "oracle: logistic Wald test" in out
    assert any("Cauchy" in line for line in lines)
    lines = bench_calibration.main(["--edge-cells", "--quick"])
    assert any("LeaveOneOut" in line for line in lines)


@pytest.mark.slow
def test_bench_calibration_keras_cv_quick(capsys):
    """The Keras confirmation of the CV tests, smoke configuration."""
    import bench_calibration

    lines = bench_calibration.main(["--keras-cv", "40", "--quick"])
    assert any("| Keras MLP(16) | 300 | 3 | fold |" in line for line in lines)
    assert "Keras MLP(16), 300 rows" in capsys.readouterr().out


@pytest.mark.slow
def test_bench_permutation_styles_quick(capsys):
    """Seven model styles trained and measured: ~1 min, not default."""
    import bench_permutation

    rows = bench_permutation.main(["--styles", "--quick"])
    assert len(rows) == 7
    # every style is served by a fast path, with scikit-learn's numbers
    assert all(used != "none" for _, _, _, used, _ in rows)
    assert all(diff[0] < 1e-4 for *_, diff in rows)
    assert rows[0][3] == "first-layer updates"  # per input
    assert "| model style |" in capsys.readouterr().out


def test_bench_conditional_quick(capsys):
    """The benchmark's three tables run and show what they should."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import bench_conditional

    out = bench_conditional.main(["--quick"])
    assert out["selection"][("MLPRegressor", "permutation")][3] == 1
    assert set(out["cost"]) >= {
        "skimportance, method='permutation'",
        "skimportance, method='conditional'",
    }
    dup = out["duplicates"]
    # near-duplicates: both near zero under conditional, not under permutation
    assert np.all(np.abs(dup["conditional"][:2]) < 0.05)
    assert np.all(dup["permutation"][:2] > 0.05)
    assert "| x1 (near-duplicate of x0) |" in capsys.readouterr().out


def test_bench_conditional_nonlinear_quick(capsys):
    """(d), the nonlinear stand-in: one dataset under each method."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import bench_conditional

    counts = bench_conditional.main(["--quick", "--only", "nonlinear"])["nonlinear"]
    assert len(counts) == 4 and all(c[4] == 1 for c in counts.values())
    # x0 = the real input, found by every method
    assert all(c[1] == 1 for c in counts.values())
    assert "x1 kept while x0 kept |" in capsys.readouterr().out


def test_common_tables():
    import _common

    assert _common.table_row(["a", 1, 2.5]) == "| a | 1 | 2.5 |"
    assert _common.table_head(["x", "y", "z"], align="lrr") == [
        "| x | y | z |",
        "|---|---:|---:|",
    ]
    assert _common.table_head(["x", "y"])[1] == "|---|---|"
    with pytest.raises(ValueError):
        _common.table_head(["x", "y"], align="l")
    assert _common.rate(1, 3) == "0.333 [0.061, 0.792]"
    assert _common.rate(1, 3, digits=2, counts=True) == "1/3 = 0.33 [0.06, 0.79]"


def _selector_data(n=300, seed=0):
    import numpy as np

    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 6))
    logit = 1.5 * X[:, 0] + 0.4 * X[:, 1] + 0.2 * X[:, 2]
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(int)
    return X, y


def test_benchmarks_take_their_tests_from_the_statistics_layer():
    """No benchmark keeps its own Holm/BH or split-level test: they import
    the statistics layer, the selector's and the interactions' own."""
    import ast
    import pathlib

    folder = pathlib.Path(__file__).parent.parent / "benchmarks"
    for path in folder.glob("*.py"):
        tree = ast.parse(path.read_text())
        defined = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        assert not defined & {"adjust_pvalues", "row_level_test", "fold_test"}, path
    source = (folder / "bench_calibration.py").read_text()
    assert "from skimportance._statistics import" in source


def test_common_split_level_pvalues_is_the_selectors():
    """``_common.split_level_pvalues`` is the selector's split-level test
    (``test_ == "split"``, chosen by a scorer that is not a mean over rows)."""
    import _common
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import KFold

    from skimportance import KerasImportanceSelector

    X, y = _selector_data()
    selector = KerasImportanceSelector(
        LogisticRegression(),
        cv=KFold(3, shuffle=True, random_state=0),  # 100 held out, 200 trained
        scoring="roc_auc",
        n_repeats=3,
        min_features_to_select=0,
        refit=False,
        random_state=0,
    ).fit(X, y)
    assert selector.test_ == "split"
    ours = _common.split_level_pvalues(selector.importances_, 3, 100 / 200)
    np.testing.assert_allclose(ours, selector.pvalues_, rtol=1e-10)


def test_bench_permutation_disagreement_raises(capsys):
    """Agreement checks raise RuntimeError (not assert: they hold under -O)."""
    from types import SimpleNamespace

    import bench_permutation
    import numpy as np

    ours = SimpleNamespace(importances=np.zeros((3, 2)), importances_mean=np.zeros(3))
    off = SimpleNamespace(importances=np.full((3, 2), 1e-3))
    args = SimpleNamespace(n_features=3)
    with pytest.raises(RuntimeError, match="first-layer updates disagree"):
        bench_permutation.check_agreement({"skimportance": ours, "batched": off}, args)
    results = {"skimportance": ours, "batched": ours, "sklearn": off}
    with pytest.raises(RuntimeError, match="skimportance and sklearn disagree"):
        bench_permutation.check_agreement(results, args)
    assert "max |diff| of all importances = 1.00e-03" in capsys.readouterr().out
    results = {"skimportance": ours, "batched": ours, "frame": off}
    with pytest.raises(RuntimeError, match="DataFrame of the same values"):
        bench_permutation.check_agreement(results, args)


@pytest.mark.slow
def test_bench_interactions_quick(capsys):
    """Four Keras networks trained, the null models, pyartemis and shapiq where
    they import (``/tmp/bench-extra``): ~25 s, not default."""
    import bench_interactions

    out = bench_interactions.main(["--quick", "--extra-path", "/tmp/bench-extra"])
    text = capsys.readouterr().out
    assert [r["case"] for r in out["truth"]] == [
        "Friedman #1",
        "XOR",
        "products + additive",
        "sequences (channels)",
    ]
    for r in out["truth"]:
        assert 0 <= r["false_significant"] <= r["n_false"] and r["seconds"] > 0
    assert set(out["nulls"]) == {
        "LinearRegression",
        "HistGradientBoosting (additive)",
        "MLPRegressor(16)",
    }
    for k, n in (v for r in out["nulls"].values() for v in r.values()):
        assert 0 <= k <= n
    methods = [r["method"] for r in out["others"]]
    assert methods[0].startswith("skimportance interaction_importance")
    assert out["others"][0]["ratio"] == 1.0
    if any(m.startswith("pyartemis") for m in methods):
        assert "skimportance's H² and pyartemis' agree" in text
    else:
        assert "pyartemis does not import" in text
    assert "| dataset | network |" in text and "Wilson 95%" in text


@pytest.mark.slow  # downloads eli5's sdist and a wheel, runs its suite twice: ~1 min
def test_eli5_suite_passes_but_where_eli5_fails_too():
    """eli5 0.16's test_sklearn_permutation_importance.py against the selector:
    every test eli5's own class passes, the adapter passes (under scikit-learn
    1.9, eli5's test_cv_sample_weight fails for eli5's class too: a
    RandomForest given sample_weight=ones draws other bootstraps)."""
    import re

    import bench_eli5_suite

    try:
        ours_code, ours = bench_eli5_suite.run()
        _, reference = bench_eli5_suite.run(reference=True)
    except Exception as exc:  # noqa: BLE001 - no index to download from
        pytest.skip(f"eli5's sdist or the Boston data unavailable: {exc}")

    def failed(out):
        return set(re.findall(r"^FAILED \S+::(\w+)", out, flags=re.M))

    assert int(re.search(r"(\d+) passed", ours).group(1)) >= 7, ours[-3000:]
    assert failed(ours) <= failed(reference), ours[-3000:]
    assert ours_code == 0 or failed(ours), ours[-3000:]


@pytest.mark.slow
def test_bench_permutation_two_inputs_quick(capsys):
    """A two-input model (X a dict) against its floor, beside one table."""
    import bench_permutation

    rows = bench_permutation.main(["--two-inputs", "--quick"])
    assert [r[0] for r in rows] == [
        "two inputs, X a dict",
        "the same network taking one table",
    ]
    assert all(diff[0] < 1e-4 for *_, diff in rows)
    assert rows[0][3] == "first-layer updates"  # per input
    assert "| model style |" in capsys.readouterr().out
