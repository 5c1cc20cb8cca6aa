"""eli5 0.16's own ``tests/test_sklearn_permutation_importance.py``, run whole
against :class:`~skimportance.KerasImportanceSelector` through a thin adapter
that translates eli5's names only (``eli5_suite/adapter.py``).

The test file is taken at run time from the eli5 sdist on PyPI (``pip
download``), never stored here; the Boston data its fixtures read comes from
scikit-learn 1.1.3's wheel (``--boston`` takes a CSV already on disk).
Prints pytest's summary and exits with its status; ``--reference`` runs the
same file against eli5's own, unchanged class (which tells a failure of
ours from one that eli5 has too under the installed scikit-learn).

Usage::

    python benchmarks/bench_eli5_suite.py [--boston boston_house_prices.csv]
"""

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import _common  # noqa: F401 - this checkout first on sys.path, quiet TensorFlow

HERE = Path(__file__).resolve().parent / "eli5_suite"
SUITE = "tests/test_sklearn_permutation_importance.py"
BOSTON = "sklearn/datasets/data/boston_house_prices.csv"


def _pip_download(spec, dest, *flags):
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(dest)]
        + list(flags)
        + [spec],
        check=True,
        timeout=600,
    )
    (path,) = Path(dest).iterdir()
    return path


def fetch_suite(work):
    """eli5's test file, from its sdist, as ``work/eli5_tests/``."""
    sdist = _pip_download("eli5==0.16", work / "sdist", "--no-binary", ":all:")
    package = work / "eli5_tests"
    package.mkdir()
    with tarfile.open(sdist) as tar:
        (member,) = [m for m in tar.getmembers() if m.name.endswith(SUITE)]
        (package / "test_sklearn_permutation_importance.py").write_bytes(
            tar.extractfile(member).read()
        )
    (package / "__init__.py").write_text("")
    shutil.copy(HERE / "utils_for_suite.py", package / "utils.py")
    return package


def fetch_boston(work):
    """The Boston CSV from scikit-learn 1.1.3's wheel (its last with it)."""
    wheel = _pip_download(
        "scikit-learn==1.1.3",
        work / "wheel",
        "--only-binary",
        ":all:",
        "--python-version",
        "3.11",
    )
    with zipfile.ZipFile(wheel) as zf:
        target = work / "boston_house_prices.csv"
        target.write_bytes(zf.read(BOSTON))
    return target


def run(boston=None, reference=False):
    """Run the suite (``reference``: against eli5's own class); return
    (pytest's exit status, its output)."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        package = fetch_suite(work)
        boston = Path(boston) if boston else fetch_boston(work)
        (work / "pytest.ini").write_text("[pytest]\n")  # none of ours
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(_common.ROOT), str(HERE)]),
            "BOSTON_CSV": str(boston),
        }
        if reference:
            env["ELI5_SUITE_REFERENCE"] = "1"
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-c", str(work / "pytest.ini")]
            + ["--rootdir", str(work), "-p", "no:cacheprovider", "-p", "plugin"]
            + ["-rsf", str(package)],
            capture_output=True,
            text=True,
            env=env,
            cwd=work,
            timeout=1200,
        )
        return proc.returncode, proc.stdout + proc.stderr


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boston", help="boston_house_prices.csv already on disk")
    parser.add_argument(
        "--reference", action="store_true", help="run against eli5's own class"
    )
    args = parser.parse_args(argv)
    code, out = run(args.boston, reference=args.reference)
    print(out[-6000:])
    return code


if __name__ == "__main__":
    sys.exit(main())
