"""skimportance: which inputs does my Keras network use, and which can I drop?

Held-out permutation importance, scored with proper scoring rules, as a
scikit-learn selector (:class:`KerasImportanceSelector`) and a fast drop-in
:func:`permutation_importance`. :mod:`skimportance.wrappers` holds Keras
wrappers repaired for scikit-learn >= 1.6.

Package map
-----------
Public modules at the top: ``wrappers`` (repaired Keras wrappers,
``FittedKerasModel``, ``make_trainable``), ``plotting``
(``PermutationImportanceDisplay``), ``report`` (``importance_report``: the
table as a DataFrame), ``eli5`` (``import skimportance.eli5``
registers the selector), ``cli`` / ``__main__`` (the ``skimportance``
command), ``estimator_checks`` (the checks a new fast path or sampler calls).

Private subpackages, one job each, from the floor up (a module imports only
from its own subpackage or a lower floor; ``tests/test_layout.py`` checks it):

1. ``_utils``: private scikit-learn/Keras names (``compat``), estimator
   plumbing, row indexing.
2. ``_keras``: the backend (``backend/``, one module per backend, chosen once),
   batching, layers read, ``fitted_model`` (a trained model as an estimator),
   wrapper ``adapters``, the batched ``responder``, ``training`` copies.
3. ``_methods`` (what replaces a measured input: ``base``, ``permutation``,
   ``conditional``, ``ridge``, ``splines``, ``resolve``), ``_engine`` (numpy only:
   ``core``, ``blocks``, ``executors``, ``groups``) and ``_scoring``
   (``scorers``, ``metrics``, ``row_terms``, ``segment_scorer``,
   ``row_accumulator``), side by side.
4. ``_fast_paths``: the ``registry`` of candidates, ``first_layer``,
   ``pipeline_prefix``.
5. ``_importance``: ``compute_importances`` (shared by the function and the
   selector), ``responders``, shared ``params``, the public function.
6. ``_selector``: the ``estimator``, ``fit_input``, ``routing``, ``splits``
   (the per-split work beside its dispatch), ``support``, ``significance``,
   ``rules``, ``delegation``, ``progress``.
7. ``_reporting`` (the importance ``table``, the built-in ``demo``) and
   ``_interactions`` (which inputs work together: ``importance``,
   ``friedman``'s H, the ``display``), side by side.

Where new code goes
-------------------
* an importance method: a module in ``_methods`` with a subclass of
  ``BaseSampler``; for a name that ``method=`` accepts, one entry in
  ``_methods.resolve.METHODS`` (constraints, docstrings and errors follow);
  tested with ``estimator_checks.check_sampler``;
* a scorer made fast: an entry in ``_scoring.metrics.FAST_METRICS`` (and its
  row terms in ``_scoring.row_terms``); any scikit-learn scorer works without;
* a fast path: a candidate class in ``_fast_paths.registry`` (deciding for
  itself whether it applies) and its module beside it, checked with
  ``estimator_checks.check_fast_path_equals_plain``;
* a Keras backend: a module in ``_keras/backend/`` with the same four names
  as the others, listed in its ``_MODULES``;
* a wrapper or model style: an adapter in ``_keras.adapters`` (and, for a
  public class, ``wrappers``);
* a private scikit-learn or Keras name: ``_utils.compat``, with why and what
  would replace it.
"""

import sys

from ._engine.groups import groups_from_column_transformer
from ._importance.permutation_importance import permutation_importance
from ._interactions.importance import interaction_importance
from ._methods.base import BaseSampler
from ._methods.conditional import ConditionalSampler
from ._methods.permutation import PermutationSampler
from ._selector.estimator import KerasImportanceSelector
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
    "groups_from_column_transformer",
    "interaction_importance",
    "importance_report",
    "permutation_importance",
    "rfe_importance",
    "__version__",
]
