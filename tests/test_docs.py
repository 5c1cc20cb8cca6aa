"""The documentation site's code runs as written: the user guide's quickstart
and its "Your own network" section (slow), every docstring example
(doctests), and, where Sphinx is installed, the whole site builds with no
warning (slow: it runs the example gallery)."""

import doctest
import importlib
import importlib.util
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import skimportance

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "user_guide"


def _python_blocks(text):
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def _section(page, title):
    """The text of ``page`` under the heading ``title`` up to the next heading
    of the same or a higher level (lines in code blocks are not headings)."""
    lines = (GUIDE / page).read_text().splitlines()
    out, level, fence = None, None, False
    for line in lines:
        if line.startswith("```"):
            fence = not fence
        heading = None if fence else re.match(r"(#+) (.*)", line)
        if heading and out is None and heading.group(2) == title:
            out, level = [], len(heading.group(1))
            continue
        if heading and out is not None and len(heading.group(1)) <= level:
            break
        if out is not None:
            out.append(line)
    assert out is not None, f"{page} has no section {title!r}"
    return "\n".join(out) + "\n"


def test_quickstart_runs(capsys):
    """The user guide's quickstart (a scikeras network in a Pipeline) keeps the
    informative inputs, and retraining on them predicts."""
    code = _python_blocks(_section("trained_model.md", "Quickstart"))[0]
    exec(compile(code, "docs quickstart", "exec"), {"__name__": "__docs__"})
    out = capsys.readouterr().out
    kept = re.search(r"kept: \[(.*)\]", out).group(1)
    assert "'age'" in kept and "'dose'" in kept
    assert "noise" not in kept
    loss = float(re.search(r"held-out log loss: ([0-9.]+)", out).group(1))
    assert loss < 0.6


@pytest.mark.slow  # trains about 40 small networks: about 90 s of CPU
def test_own_network_section_runs(capsys):
    """The "Your own network" examples (two inputs, retraining in a Pipeline
    and in GridSearchCV, a subclassed model, a GRU) run and keep the
    informative inputs."""
    title = "Your own network: several inputs, sequences, subclassed models, retraining"
    code = "\n".join(_python_blocks(_section("several_inputs.md", title)))
    exec(compile(code, "docs own network", "exec"), {"__name__": "__docs__"})
    out = capsys.readouterr().out
    assert "kept: {'numbers': ['age', 'dose'], 'other': ['score']}" in out
    assert "retrained on: {'numbers': 2, 'other': 1}" in out
    assert "subclassed, kept: ['age', 'dose', 'score']" in out


def _modules_with_examples():
    names = []
    for info in pkgutil.walk_packages(skimportance.__path__, "skimportance."):
        if info.name.endswith("__main__"):
            continue
        spec = importlib.util.find_spec(info.name)
        if spec.origin and ">>> " in Path(spec.origin).read_text():
            names.append(info.name)
    return names


@pytest.mark.parametrize("name", _modules_with_examples())
def test_docstring_examples(name):
    """Every ``>>>`` example in the package's docstrings runs and prints what
    it shows (the API reference shows them)."""
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("agg")
    module = importlib.import_module(name)
    result = doctest.testmod(
        module,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        report=True,
    )
    assert result.attempted > 0
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}"


def test_every_public_name_is_in_the_api_reference():
    """docs/api/index.rst lists everything in ``skimportance.__all__`` and in
    the ``__all__`` of each public module."""
    api = (ROOT / "docs" / "api" / "index.rst").read_text()
    listed = set(re.findall(r"^   (\w+)$", api, flags=re.M))
    listed |= set(re.findall(r"^\.\. py:data:: (\w+)", api, flags=re.M))
    public = set(skimportance.__all__)
    for name in ["wrappers", "plotting", "eli5", "estimator_checks", "report"]:
        module = importlib.import_module(f"skimportance.{name}")
        public |= set(module.__all__)
        assert f".. automodule:: skimportance.{name}" in api
    assert ".. automodule:: skimportance.cli" in api and "main" in listed
    assert public <= listed, sorted(public - listed)


def test_user_guide_pages_are_in_the_toctree():
    toctree = (GUIDE / "index.rst").read_text()
    for page in GUIDE.glob("*.md"):
        assert f"   {page.stem}\n" in toctree, page.name


@pytest.mark.slow  # reruns the examples changed since the last build (all: ~2 min)
def test_docs_build_without_warnings(tmp_path):
    """``python -m sphinx -W`` builds the site, gallery executed, with no
    warning (needs the ``docs`` extra)."""
    for module in ["sphinx", "numpydoc", "sphinx_gallery", "myst_parser"]:
        pytest.importorskip(module)
    pytest.importorskip("pydata_sphinx_theme")
    run = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-b", "html", "-q", "-E"]
        + ["-d", str(tmp_path / "doctrees"), "docs", str(tmp_path / "html")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr[-4000:]
    assert (tmp_path / "html" / "index.html").exists()
    gallery = tmp_path / "html" / "auto_examples"
    assert len(list(gallery.glob("plot_*.html"))) >= 8
