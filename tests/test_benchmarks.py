"""The benchmarks keep working: each runs on a tiny configuration."""

import sys
from pathlib import Path

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
    """Trains every method on 5 small datasets: over a minute, not default."""
    import bench_truth

    rows = bench_truth.main(["--quick"])
    out = capsys.readouterr().out
    datasets = {r[0] for r in rows}
    assert len(datasets) == 5
    assert len(rows) == 5 * len(bench_truth.METHODS)
    # methods that cannot take a dataset are reported as such, not dropped
    sequence = {r[1]: r for r in rows if "GRU" in r[0]}
    assert sequence["eli5 PermutationImportance (held-out)"][7] == (
        "eli5 cannot take 3-D input"
    )
    assert sequence["skimportance KerasImportanceSelector (defaults)"][5] is not None
    for r in rows:
        assert r[5] is None or 0.0 <= r[5] <= 1.0
    friedman = [r for r in rows if "Friedman" in r[0] and r[2] is not None]
    assert friedman  # Spearman against the true ranking where one exists
    assert "Mean F1 over the datasets" in out


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
def test_bench_permutation_styles_quick(capsys):
    """Seven model styles trained and measured: ~1 min, not default."""
    import bench_permutation

    rows = bench_permutation.main(["--styles", "--quick"])
    assert len(rows) == 7
    # every style is served by a fast path, with scikit-learn's numbers
    assert all(used != "none" for _, _, _, used, _ in rows)
    assert all(diff[0] < 1e-4 for *_, diff in rows)
    assert "| model style |" in capsys.readouterr().out
