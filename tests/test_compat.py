"""Every private scikit-learn / Keras import goes through ``_utils/compat.py``
(the explicit eli5 registration: test_eli5.py)."""

import ast
import pathlib

import skimportance

PACKAGE = pathlib.Path(skimportance.__file__).parent
COMPAT = PACKAGE / "_utils" / "compat.py"


def _private_imports(path):
    """(module, name) of each private name imported from sklearn/keras."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            root = node.module.split(".")[0]
            if root not in ("sklearn", "keras", "scikeras", "tensorflow"):
                continue
            private_module = any(p.startswith("_") for p in node.module.split("."))
            for alias in node.names:
                if private_module or alias.name.startswith("_"):
                    found.append((node.module, alias.name))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(("keras.src", "sklearn.")) and "._" in (
                    "." + alias.name
                ):
                    found.append((alias.name, ""))
    return found


def test_private_imports_live_in_compat_only():
    modules = [p for p in sorted(PACKAGE.rglob("*.py")) if p != COMPAT]
    offenders = {
        str(path.relative_to(PACKAGE)): _private_imports(path)
        for path in modules
        if _private_imports(path)
    }
    assert offenders == {}
    assert _private_imports(COMPAT)  # the list itself
    assert "keras.src" not in "".join(p.read_text() for p in modules)
