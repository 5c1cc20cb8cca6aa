"""README's code runs as written (the quickstart; the trained-model section,
slow), and its test commands are the CI's."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _python_blocks(text):
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_readme_quickstart_runs(capsys):
    readme = (ROOT / "README.md").read_text()
    quickstart = readme.split("## Quickstart", 1)[1]
    code = _python_blocks(quickstart)[0]
    exec(compile(code, "README.md quickstart", "exec"), {"__name__": "__readme__"})
    out = capsys.readouterr().out
    kept = re.search(r"kept: \[(.*)\]", out).group(1)
    assert "'age'" in kept and "'dose'" in kept
    assert "noise" not in kept
    loss = float(re.search(r"held-out log loss: ([0-9.]+)", out).group(1))
    assert loss < 0.6


def test_readme_commands_are_the_ci_commands():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    test_line = next(
        line
        for line in readme.splitlines()
        if "pytest" in line and "pip install" in line
    )
    for step in test_line.split("&&")[2:]:  # after creating/activating the venv
        assert step.strip() in ci, step


@pytest.mark.slow  # trains 5 networks: about 10 s of CPU
def test_readme_trained_model_section_runs(capsys):
    """README's "I have a trained Keras model" example runs and finds the
    informative inputs."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    title = "## I have a trained Keras model"
    text = (root / "README.md").read_text()
    section = text.split(title, 1)[1]
    code = re.findall(r"```python\n(.*?)```", section, flags=re.S)[0]
    exec(compile(code, "README trained model", "exec"), {"__name__": "__readme__"})
    out = capsys.readouterr().out
    for line in re.findall(r"kept.*: \[(.*)\]", out):
        assert "'age'" in line and "'dose'" in line and "noise" not in line, out


@pytest.mark.slow  # trains about 40 small networks: about 90 s of CPU
def test_readme_own_network_section_runs(capsys):
    """README's "Your own network" examples (two inputs, retraining in a
    Pipeline and in GridSearchCV, a subclassed model, a GRU) run and keep the
    informative inputs."""
    title = "## Your own network: several inputs"
    section = (ROOT / "README.md").read_text().split(title, 1)[1].split("\n## ", 1)[0]
    code = "\n".join(_python_blocks(section))
    exec(compile(code, "README own network", "exec"), {"__name__": "__readme__"})
    out = capsys.readouterr().out
    assert "kept: {'numbers': ['age', 'dose'], 'other': ['score']}" in out
    assert "retrained on: {'numbers': 2, 'other': 1}" in out
    assert "subclassed, kept: ['age', 'dose', 'score']" in out
