"""scikeras v0.13.0's own tests, run against scikeras' classes and against
``skimportance.wrappers``' repaired ones.

The suite is scikeras' ``tests/`` folder at the installed version's tag,
unmodified. scikeras 0.13.0's source distribution on the package index ships
no tests, so give a checkout of its repository (github.com/adriangb/scikeras,
tag v0.13.0), or its ``tests/`` folder, by ``--suite`` or by the
``SKIMPORTANCE_SCIKERAS_SUITE`` environment variable; without either, the
source distribution is downloaded (``pip download``) and searched, in case a
later release ships them. The folder is copied into a temporary directory
(nothing of scikeras' is changed, and the installed scikeras is the one
tested) and run twice with pytest:

* original: scikeras' ``KerasClassifier`` and ``KerasRegressor``;
* repaired: a pytest plugin, written into the temporary directory, first
  binds ``scikeras.wrappers.KerasClassifier``/``KerasRegressor`` to
  ``skimportance.wrappers``' classes, so every test module that imports them
  (and every subclass the tests define) gets the repaired ones.

The four tests that download data (scikit-learn's ``fetch_california_housing``
in ``test_serialization.py``) are left out by name. The table gives collected,
passed, failed and skipped for each run, then every failure with its class:

* ``environment``: fails with the original classes too, for a reason of the
  installed Keras, TensorFlow or scikit-learn, not of scikit-learn >= 1.6's
  estimator API (listed with the cause);
* ``scikit-learn>=1.6``: scikeras' wrapper against scikit-learn >= 1.6's tags
  or checks;
* ``repair``: fails only with the repaired classes; none is expected;
* ``unclassified``: no rule below matched (a new failure to look at).

    python benchmarks/bench_scikeras_suite.py --suite /tmp/scikeras_src
    python benchmarks/bench_scikeras_suite.py --suite ... --files test_errors.py
    python benchmarks/bench_scikeras_suite.py --from-xml DIR   # re-read a run
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV_VAR = "SKIMPORTANCE_SCIKERAS_SUITE"

#: the files the issue names (scikeras' others need the network or test
#: scikeras' internals, which the repair does not touch)
FILES = (
    "test_api.py",
    "test_scikit_learn_checks.py",
    "test_input_outputs.py",
    "test_errors.py",
    "test_param_routing.py",
    "test_parameters.py",
    "test_serialization.py",
    "test_callbacks.py",
    "test_compile_kwargs.py",
    "test_deprecation.py",
)

#: tests that download a data set (fetch_california_housing)
NETWORK = (
    "test_serialization.py::test_custom_loss_function",
    "test_serialization.py::test_custom_model_registered",
    "test_serialization.py::test_custom_model_unregistered",
    "test_serialization.py::test_run_eagerly",
)

PLUGIN = '''"""Bind scikeras' classes to skimportance's repaired ones (repaired run).

Both runs: test_compile_kwargs.py imports Keras' private ``KerasVariable``,
now named ``Variable`` (Keras 3.15); the old name is given back so that the
file's tests are collected at all (a test-environment shim, nothing of
scikeras' or of the repair).
"""
import os

from keras.src.backend.common import variables as _variables

if not hasattr(_variables, "KerasVariable"):
    _variables.KerasVariable = _variables.Variable

if os.environ.get("SKIMPORTANCE_SCIKERAS_REPAIRED") == "1":
    import scikeras.wrappers

    from skimportance import wrappers

    scikeras.wrappers.KerasClassifier = wrappers.KerasClassifier
    scikeras.wrappers.KerasRegressor = wrappers.KerasRegressor


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    import scikeras.wrappers

    module = scikeras.wrappers.KerasClassifier.__module__
    terminalreporter.write_line(f"scikeras classes tested: {module}")
'''


@dataclass(frozen=True)
class Rule:
    """A known failure: its class, its cause, and how to recognise it (regular
    expressions searched in the test id and in the failure message)."""

    cls: str
    cause: str
    test: str = ""
    message: str = ""
    flaky: bool = False  # may fail in either run: never counted as "repair"


#: First match wins. Written from the failures seen with scikit-learn 1.9,
#: Keras 3.15, TensorFlow 2.21 (docs/user_guide/backends.md, "Keras wrappers and
#: scikit-learn >= 1.6").
RULES = [
    # scikit-learn >= 1.6 against scikeras' wrapper
    Rule(
        "scikit-learn>=1.6",
        "scikeras' BaseWrapper defines the legacy _more_tags without "
        "__sklearn_tags__; the repaired classes keep it as a base (isinstance) "
        "and declare its tags in their own __sklearn_tags__",
        test="check_estimator_tags_renamed",
    ),
    Rule(
        "scikit-learn>=1.6",
        "routed parameters (model__...) are attributes set in __init__, by "
        "scikeras' design; scikeras expected this failure in its _xfail_checks "
        "tag, which scikit-learn >= 1.6 no longer reads (the test would pass "
        "expected_failed_checks)",
        test="check_no_attributes_set_in_init",
    ),
    Rule(
        "scikit-learn>=1.6",
        "ClassifierMixin/RegressorMixin after BaseEstimator in the MRO",
        test="check_mixin_order",
    ),
    Rule(
        "scikit-learn>=1.6",
        "sparse X accepted, but the input_tags.sparse tag says no",
        test="check_estimator_sparse_tag",
    ),
    Rule(
        "scikit-learn>=1.6",
        "estimator type invisible: no classifier tags",
        message="'NoneType' object has no attribute 'multi_class'",
    ),
    Rule(
        "scikit-learn>=1.6",
        "estimator type invisible: CalibratedClassifierCV takes the network "
        "for a regressor",
        test="test_calibratedclassifiercv",
    ),
    # the installed Keras, TensorFlow and scikit-learn
    Rule(
        "environment",
        "TensorFlow refuses an unsorted scipy sparse array (a csc_array): "
        "scikeras 0.13 reformats sparse matrices only",
        message="RowPartition|from_value_rowids",
    ),
    Rule(
        "environment",
        "Keras 3 resolves the loss name 'BinaryCrossentropy' to an instance, "
        "not a class, so scikeras cannot give it routed loss__ parameters "
        "(pass keras.losses.BinaryCrossentropy itself)",
        test="test_compile_kwargs",
        message="does not accept parameters because it's not a class",
    ),
    Rule(
        "environment",
        "Keras 3 wants a loss for every output of a multi-output model",
        test="test_compile_kwargs",
        message="in loss dict, but found",
    ),
    Rule(
        "environment",
        "Keras 3 cannot rebuild the unregistered custom metric the test "
        "defines (scikeras copies models through Keras' saving)",
        message="Could not locate class",
    ),
    Rule(
        "environment",
        "Keras divides a weighted loss by the number of rows, not by the sum "
        "of the weights, and trains in float32: weights are not repeated rows "
        "to rtol=1e-7",
        test="check_sample_weight_equivalence",
    ),
    Rule(
        "environment",
        "Keras predicts in float32; the check wants float64 (in scikeras' own "
        "_xfail_checks)",
        test="check_regressor_multioutput",
        message="float32",
    ),
    Rule(
        "environment",
        "scikit-learn's newer message for X with the wrong number of features "
        "(scikeras says 'X has shape ...')",
        test="check_n_features_in_after_fitting",
    ),
    Rule(
        "environment",
        "scikit-learn's newer message for all-zero sample weights",
        test="test_sample_weights_all_zero",
        message="Regex pattern did not match",
    ),
    Rule(
        "environment",
        "a one-epoch network at chance level, which AdaBoost refuses (depends "
        "on the initial weights: fails in some runs of either class)",
        test="test_ensemble",
        message="worse than random",
        flaky=True,
    ),
]


@dataclass
class Run:
    """One pytest run of the suite, read from its JUnit XML."""

    label: str
    seconds: float = 0.0
    results: dict = field(default_factory=dict)  # test id -> (outcome, message)

    def count(self, outcome):
        return sum(o == outcome for o, _ in self.results.values())


def find_suite(path):
    """The ``tests/`` folder of scikeras' suite: from ``path``, the environment
    variable, or the source distribution on the package index."""
    path = path or os.environ.get(ENV_VAR)
    if path:
        path = Path(path)
        tests = path if (path / "test_api.py").is_file() else path / "tests"
        if not (tests / "test_api.py").is_file():
            raise SystemExit(f"no scikeras test suite (tests/test_api.py) in {path}")
        return tests
    import scikeras

    version = scikeras.__version__
    where = Path(tempfile.mkdtemp(prefix="scikeras_sdist_"))
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary"]
    cmd += [":all:", f"scikeras=={version}", "-d", str(where), "-q"]
    subprocess.run(cmd, check=True)
    for archive in where.glob("scikeras-*.tar.gz"):
        with tarfile.open(archive) as tar:
            tar.extractall(where, filter="data")
    found = [p.parent for p in where.glob("*/tests/test_api.py")]
    if not found:
        raise SystemExit(
            f"scikeras {version}'s source distribution ships no tests: give a "
            f"checkout of its repository at tag v{version} with --suite or "
            f"{ENV_VAR}."
        )
    return found[0]


def run_suite(tests, files, label, repaired, out_dir, keyword=None):
    """Run the suite (a copy of ``tests``) once; return a :class:`Run`."""
    work = Path(tempfile.mkdtemp(prefix=f"scikeras_suite_{label}_"))
    shutil.copytree(tests, work / "tests")
    (work / "_skimportance_rebind.py").write_text(PLUGIN)
    (work / "pytest.ini").write_text("[pytest]\n")  # none of ours, none of theirs
    xml = Path(out_dir) / f"{label}.xml"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(work), str(ROOT)]),
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "SKIMPORTANCE_SCIKERAS_REPAIRED": "1" if repaired else "0",
    }
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    cmd += ["-p", "_skimportance_rebind", "-c", str(work / "pytest.ini")]
    cmd += ["--continue-on-collection-errors"]
    cmd += ["--rootdir", str(work), f"--junitxml={xml}", "-o", "junit_family=xunit1"]
    for test in NETWORK:
        cmd += ["--deselect", f"tests/{test}"]
    if keyword:
        cmd += ["-k", keyword]
    cmd += [f"tests/{name}" for name in files]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    (Path(out_dir) / f"{label}.log").write_text(proc.stdout + proc.stderr)
    if not xml.is_file():
        raise SystemExit(
            f"pytest wrote no report:\n{(proc.stdout + proc.stderr)[-3000:]}"
        )
    module = "skimportance.wrappers" if repaired else "scikeras.wrappers"
    if f"scikeras classes tested: {module}" not in proc.stdout:
        raise SystemExit(f"the {label} run did not test {module}'s classes")
    run = read_xml(xml, label)
    run.seconds = seconds  # pytest's start-up included
    shutil.rmtree(work, ignore_errors=True)
    return run


def read_xml(xml, label):
    """A :class:`Run` from pytest's JUnit XML."""
    run = Run(label)
    root = ET.parse(xml).getroot()
    suite = root if root.tag == "testsuite" else root.find("testsuite")
    run.seconds = float(suite.get("time", 0.0)) if suite is not None else 0.0
    for case in root.iter("testcase"):
        test_id = f"{case.get('classname')}::{case.get('name')}"
        outcome, message = "passed", ""
        for child in case:
            if child.tag in ("failure", "error"):
                outcome = "failed"
                message = f"{child.get('message') or ''}\n{child.text or ''}"
                break
            if child.tag == "skipped":
                outcome = "skipped"
                message = child.get("message") or ""
        run.results[test_id] = (outcome, message)
    return run


def classify(test_id, message, original=None):
    """``(class, cause)`` of one failure. ``original``: the test's outcome in
    the original run when this failure is the repaired run's ("passed",
    "failed", "skipped", or None where the original run had no such test: a
    check scikit-learn generates only once the estimator type is visible)."""
    for rule in RULES:
        if re.search(rule.test, test_id) and re.search(rule.message, message):
            if original == "passed" and not rule.flaky:
                break  # passed with scikeras' classes: the repair broke it
            return rule.cls, rule.cause
    if original == "passed":
        return "repair", first_line(message)
    return "unclassified", first_line(message)


def first_line(message):
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    return lines[0][:150] if lines else ""


def report(original, repaired):
    """Print the table and the failures; return the repaired run's failures
    (the original's when only it ran) as ``[(test id, class, cause)]``."""
    runs = [run for run in (original, repaired) if run is not None]
    print(f"{'':9} {'collected':>9} {'passed':>6} {'failed':>6} {'skipped':>7} seconds")
    for run in runs:
        print(
            f"{run.label:9} {len(run.results):9} {run.count('passed'):6} "
            f"{run.count('failed'):6} {run.count('skipped'):7} {run.seconds:7.0f}"
        )
    if repaired is not None:
        rows = [
            (test_id, *classify(test_id, message, _outcome(original, test_id)))
            for test_id, (outcome, message) in sorted(repaired.results.items())
            if outcome == "failed"
        ]
    else:
        rows = [
            (test_id, *classify(test_id, message))
            for test_id, (outcome, message) in sorted(original.results.items())
            if outcome == "failed"
        ]
    classes = sorted({cls for _, cls, _ in rows})
    counts = ", ".join(f"{sum(r[1] == c for r in rows)} {c}" for c in classes)
    print(f"\nfailures, {runs[-1].label} ({counts or 'none'}):")
    for test_id, cls, cause in rows:
        where = ""
        if repaired is not None and original is not None:
            where = {"failed": "", None: " [check new with the repair]"}.get(
                _outcome(original, test_id), ""
            )
        print(f"  {cls:17} {test_id}{where}\n  {'':17} {cause}")
    if repaired is not None and original is not None:
        print("\nfailures of the original run that the repaired run passes:")
        for test_id, (outcome, message) in sorted(original.results.items()):
            if outcome == "failed" and _outcome(repaired, test_id) == "passed":
                cls, cause = classify(test_id, message)
                print(f"  {cls:17} {test_id}\n  {'':17} {cause}")
    return rows


def _outcome(run, test_id):
    return None if run is None else run.results.get(test_id, (None,))[0]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", help=f"scikeras checkout or tests/ ({ENV_VAR})")
    parser.add_argument("--files", nargs="*", default=FILES, help="test files")
    parser.add_argument("-k", dest="keyword", help="pytest -k expression")
    parser.add_argument(
        "--only", choices=("original", "repaired"), help="run one side only"
    )
    parser.add_argument("--out", help="keep the JUnit XML and logs here")
    parser.add_argument("--from-xml", help="read original.xml/repaired.xml from here")
    args = parser.parse_args(argv)
    if args.from_xml:
        found = {
            label: read_xml(Path(args.from_xml) / f"{label}.xml", label)
            for label in ("original", "repaired")
            if (Path(args.from_xml) / f"{label}.xml").is_file()
        }
        return report(found.get("original"), found.get("repaired"))
    tests = find_suite(args.suite)
    out = args.out or tempfile.mkdtemp(prefix="scikeras_suite_out_")
    Path(out).mkdir(parents=True, exist_ok=True)
    runs = {}
    for label in ("original", "repaired"):
        if args.only in (None, label):
            runs[label] = run_suite(
                tests, args.files, label, label == "repaired", out, args.keyword
            )
    print(f"scikeras suite: {tests} ({', '.join(args.files)}); reports in {out}\n")
    return report(runs.get("original"), runs.get("repaired"))


if __name__ == "__main__":
    main()
