"""skimportance: which inputs does my Keras network use, and which can I drop?

Held-out permutation importance, scored with proper scoring rules, as a
scikit-learn selector (:class:`KerasImportanceSelector`) and a fast drop-in
:func:`permutation_importance`. :mod:`skimportance.wrappers` holds Keras
wrappers repaired for scikit-learn >= 1.6.

Package map (one job per module)
--------------------------------
Public:

* ``wrappers``: Keras wrappers repaired for scikit-learn, ``make_trainable``.
* ``plotting``: ``PermutationImportanceDisplay`` (scikit-learn's Display style).
* ``eli5``: ``import skimportance.eli5`` registers the selector with eli5.
* ``cli`` / ``__main__``: the ``skimportance`` command line (``_demo``: its
  built-in example; ``_report``: the tables and text it prints).

The selector (``KerasImportanceSelector.fit`` in named steps):

* ``_selector``: the estimator class, its parameters and ``fit``'s steps.
* ``_fit_input``: X and y checked, the task and classes of y.
* ``_routing``: where ``fit`` metadata goes (estimator, scorer, splitter).
* ``_fit_params``: which fit parameter weights the scorer (Pipelines).
* ``_splits``: the CV splits, their seeds, one task per split, running them.
* ``_parallel``: the tasks themselves (train then measure; refit) and seeding.
* ``_selection``: the fitted attributes, the test, the support mask, N-D
  ``transform``; ``_threshold``: the selection rules; ``_inference``: tests,
  intervals, multiple-testing control.
* ``_delegation``: ``predict``/``score``... through ``estimator_``.
* ``_params``: constraints and docstring text shared with the function.

The function and its engine:

* ``_permutation_importance``: the public ``permutation_importance``.
* ``_measure``: ``compute_importances`` in named steps (shared by the function
  and the selector), with ``ImportanceOptions``, the settings that travel
  together.
* ``_engine``: the engine: permutations, segments, scoring every block
  (knows nothing about estimators); ``_blocks``: stacking permuted copies
  into blocks within the memory budget; ``_executors``: running the blocks
  (in order, pipelined, overlapped, in threads).
* ``_groups``: what is permuted together (axes, groups, clusters).
* ``_responses``: an estimator as a "responses for this block" function.
* ``_fast_paths``: the ordered fast-path candidates; ``_first_layer``,
  ``_pipeline_prefix``: exact first-layer updates (Dense-first models, and
  through a Pipeline's per-column transformers).

Scoring:

* ``_scorers``: ``scoring`` -> scorers, the stand-in estimator scorers are
  handed, the default proper scorer of a task.
* ``_metrics``: the fast metrics registry (how to add a scorer: its docstring);
  ``_row_terms``: per-row terms of metrics that are means over rows.
* ``_segment_scorer``: scoring every segment of a block; ``_row_losses``: each
  row's drop in score for the row-level test.
* ``_estimators``: estimator plumbing (FrozenEstimator, Pipeline, task, tags).

Keras:

* ``_keras``: the fast path's compiled batched inference on ``model_``.
* ``_adapters``: what each wrapper (scikeras, keras.wrappers, raw model) does
  around its network (input preparation, output decoding).
* ``_keras_model``: a trained ``keras.Model`` as a fitted estimator;
  ``_keras_layers``: its task, classes and inputs read from its layers.
* ``_backend``: compiled functions on the current Keras backend.
* ``_progress``: progress bar and quiet training.
* ``_compat``: every private scikit-learn / Keras name used, with why.

Where new code goes:

* a new importance method: a subclass of ``_samplers.BaseSampler`` (the
  values that replace a measured input; ``_conditional`` is the example),
  accepted by ``method=`` everywhere;
* a new scorer made fast: an entry in ``_metrics.FAST_METRICS`` (segments
  and/or row terms in ``_row_terms``); any scikit-learn scorer works without;
* a new fast path: a candidate class in ``_fast_paths`` (deciding for itself
  whether it applies), checked with ``tests/_checks.py``;
* a new wrapper or model style: an adapter in ``_adapters`` (and, for a public
  class, ``wrappers``);
* a private scikit-learn or Keras name: ``_compat``, with why and what would
  replace it.
"""

import sys

from ._engine.groups import groups_from_column_transformer
from ._importance.permutation_importance import permutation_importance
from ._methods.base import BaseSampler
from ._methods.conditional import ConditionalSampler
from ._methods.permutation import PermutationSampler
from ._selector.estimator import KerasImportanceSelector
from ._selector.rules import rfe_importance

if "eli5.sklearn.explain_weights" in sys.modules:  # eli5 already imported
    from . import eli5  # noqa: F401 - registers the selector with eli5

__version__ = "0.1.0.dev0"

__all__ = [
    "BaseSampler",
    "ConditionalSampler",
    "KerasImportanceSelector",
    "PermutationSampler",
    "groups_from_column_transformer",
    "permutation_importance",
    "rfe_importance",
    "__version__",
]
