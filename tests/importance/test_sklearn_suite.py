"""scikit-learn's own ``test_permutation_importance.py``, run whole against
:func:`skimportance.permutation_importance` (the installed scikit-learn's file,
not a copy: a new scikit-learn brings its new tests)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sklearn

ROOT = Path(__file__).resolve().parents[2]
SUITE = (
    Path(sklearn.__file__).parent
    / "inspection"
    / "tests"
    / "test_permutation_importance.py"
)


@pytest.mark.skipif(not SUITE.is_file(), reason="scikit-learn installed without tests")
def test_sklearn_permutation_importance_suite_passes_with_ours(tmp_path):
    # an empty ini file: none of this project's pytest settings apply there
    ini = tmp_path / "pytest.ini"
    ini.write_text("[pytest]\n")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(Path(__file__).parent)]),
        "TF_CPP_MIN_LOG_LEVEL": "3",
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-c",
            str(ini),
            "--rootdir",
            str(SUITE.parents[2]),
            "-p",
            "no:cacheprovider",
            "-p",
            "_swap_permutation_importance",
            str(SUITE),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=600,
    )
    out = proc.stdout + proc.stderr
    assert "skimportance swapped in 1 module(s)" in out, out[-3000:]
    assert proc.returncode == 0, out[-3000:]
    passed = re.search(r"(\d+) passed", out)
    assert passed and int(passed.group(1)) >= 30, out[-3000:]
    assert "failed" not in out.splitlines()[-1], out[-3000:]
