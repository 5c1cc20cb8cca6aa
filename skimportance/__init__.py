"""skimportance: which inputs does my Keras network use, and which can I drop?

Held-out permutation importance, scored with proper scoring rules, as a
scikit-learn selector (:class:`KerasImportanceSelector`) and a fast drop-in
:func:`permutation_importance`. :mod:`skimportance.wrappers` holds Keras
wrappers repaired for scikit-learn >= 1.6.

Public names
------------
* :func:`permutation_importance`: held-out permutation importance, the
  scikit-learn function's numbers, much faster on Keras networks;
* :class:`KerasImportanceSelector`: importance measured during ``fit``
  (prefit or cross-validated), p-values, a support, ``transform``: a
  selector for ``Pipeline``, ``GridSearchCV``, ``RFECV``;
* :func:`interaction_importance`: which inputs work together, with a test;
* :func:`importance_report`: a fitted selector's table as a DataFrame;
* :func:`rfe_importance`, :func:`groups_from_column_transformer`;
  samplers :class:`PermutationSampler`, :class:`ConditionalSampler`,
  :class:`BaseSampler` (``method=``); :class:`PrefitInPipelineWarning`;
* modules :mod:`skimportance.wrappers` (repaired Keras wrappers,
  ``FittedKerasModel``, ``make_trainable``), :mod:`skimportance.plotting`
  (Displays), :mod:`skimportance.eli5`, :mod:`skimportance.cli` (the
  ``skimportance`` command), :mod:`skimportance.estimator_checks`.

The user guide, the examples and the API reference are in ``docs/`` (build
with ``python -m sphinx -b html docs docs/_build/html``); the package map for
contributors is in its development page.
"""

import sys

from ._engine.groups import groups_from_column_transformer
from ._importance.permutation_importance import permutation_importance
from ._interactions.importance import interaction_importance
from ._methods.base import BaseSampler
from ._methods.conditional import ConditionalSampler
from ._methods.permutation import PermutationSampler
from ._selector.estimator import KerasImportanceSelector
from ._selector.prefit_trap import PrefitInPipelineWarning
from ._selector.rules import rfe_importance
from .report import importance_report

if "eli5.sklearn.explain_weights" in sys.modules:  # eli5 already imported
    from . import eli5  # noqa: F401 - registers the selector with eli5

__version__ = "0.1.0.dev0"

__all__ = [
    "BaseSampler",
    "ConditionalSampler",
    "KerasImportanceSelector",
    "PermutationSampler",
    "PrefitInPipelineWarning",
    "groups_from_column_transformer",
    "interaction_importance",
    "importance_report",
    "permutation_importance",
    "rfe_importance",
    "__version__",
]
