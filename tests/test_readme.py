"""README's code runs as written (the trained-model section, slow), its test
commands are the CI's, and it stays an entry point: short, its links into the
docs and examples pointing at files that exist. The user guide's code (the
quickstart, several inputs) is run by tests/test_docs.py."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _python_blocks(text):
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


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


def test_readme_is_an_entry_point():
    """At most about 300 lines, and every relative link points at a file."""
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 300
    links = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", readme)
    local = [link for link in links if not link.startswith("http")]
    assert len(local) >= 10
    for link in local:
        assert (ROOT / link).exists(), link
