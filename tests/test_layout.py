"""The package's layout: subpackages on floors, imports pointing down only,
no circle, no private name crossing a subpackage, modules of modest size."""

import ast
import functools
import pathlib

import skimportance

PACKAGE = pathlib.Path(skimportance.__file__).parent

#: bottom to top; a module imports from its own subpackage or a lower floor
FLOORS = [
    {"_utils"},
    {"_statistics"},
    {"_keras"},
    {"_methods", "_engine", "_scoring", "wrappers"},
    {"_fast_paths"},
    {"_importance"},
    {"_selector"},
    {"_reporting", "_interactions"},
    {"plotting", "eli5", "estimator_checks", "report"},
    {"cli"},
    {"__init__", "__main__"},
]
FLOOR = {name: i for i, names in enumerate(FLOORS) for name in names}


def _module_name(path):
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path):
    """``(module imported, names)`` of every import of skimportance code in
    ``path``, lazy ones included."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            if node.module is None:  # from . import module
                for alias in node.names:
                    found.append((".".join(base + [alias.name]), []))
                continue
            found.append((".".join(base + [node.module]), [a.name for a in node.names]))
        elif node.module and node.module.split(".")[0] == "skimportance":
            found.append((node.module, [a.name for a in node.names]))
    return found


def _unit(module):
    """The subpackage or public module that ``module`` belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


@functools.cache
def _graph():
    return {_module_name(p): _imports(p) for p in PACKAGE.rglob("*.py")}


def test_every_subpackage_and_module_has_a_floor():
    units = {_unit(m) for m in _graph()}
    assert units <= set(FLOOR), units - set(FLOOR)


def test_imports_point_down_only():
    upward = [
        (module, target)
        for module, imports in _graph().items()
        for target, _ in imports
        if _unit(target) != _unit(module)
        and FLOOR[_unit(target)] >= FLOOR[_unit(module)]
    ]
    assert upward == []


def test_no_import_circle():
    modules = set(_graph())
    graph = {
        m: {t for t, _ in imports if t in modules} for m, imports in _graph().items()
    }
    state, cycle = {}, []

    def visit(node, path):
        state[node] = "open"
        for nxt in graph.get(node, ()):
            if state.get(nxt) == "open":
                cycle.append(path + [nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = "done"

    for node in graph:
        if node not in state:
            visit(node, [node])
    assert cycle == []


def test_no_private_name_crosses_a_subpackage():
    """Private names (``_x``) stay inside their subpackage; ``_utils.compat``
    is the one interface made of private names (scikit-learn's and Keras')."""
    crossing = [
        (module, target, name)
        for module, imports in _graph().items()
        for target, names in imports
        if _unit(target) != _unit(module) and target != "skimportance._utils.compat"
        for name in names
        if name.startswith("_")
    ]
    assert crossing == []


def test_modules_are_of_modest_size():
    sizes = {
        _module_name(p): len(p.read_text().splitlines()) for p in PACKAGE.rglob("*.py")
    }
    assert {m: n for m, n in sizes.items() if n > 420} == {}
