"""pytest plugin: point scikit-learn's own permutation importance tests at
:func:`skimportance.permutation_importance` (used by test_sklearn_suite.py).

Every collected test module that imported scikit-learn's
``permutation_importance`` gets skimportance's in its place, before any test
runs; the count is reported so that the caller can check the swap happened.
"""

from sklearn.inspection import permutation_importance as sklearn_function

import skimportance


def pytest_collection_modifyitems(session, config, items):
    swapped = 0
    for module in {item.module for item in items}:
        if getattr(module, "permutation_importance", None) is sklearn_function:
            module.permutation_importance = skimportance.permutation_importance
            swapped += 1
    config._skimportance_swapped = swapped


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    swapped = getattr(config, "_skimportance_swapped", 0)
    terminalreporter.write_line(f"skimportance swapped in {swapped} module(s)")
