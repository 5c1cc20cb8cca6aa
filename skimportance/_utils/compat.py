"""Every private scikit-learn and Keras name skimportance imports, in one place.

Public APIs are used wherever they exist (estimator tags from
``sklearn.utils``, ``sklearn.utils.validation.validate_data``,
``keras.wrappers``, ``sklearn.get_config()`` for metadata routing,
``pipeline.steps[-1]``, ``isinstance(est, sklearn.frozen.FrozenEstimator)``,
``sklearn.metrics.check_scoring`` per scorer of a multimetric dict). What
remains is imported here, each name with why it is needed and what public API
would replace it, so that a scikit-learn or Keras release that moves one
breaks one module. Each optional helper falls back to None, and its callers
then take the slower public route.

Private attributes read on objects (not importable names) are listed too:

* scikit-learn scorers' ``_score_func``, ``_kwargs``, ``_sign``,
  ``_response_method`` and ``_get_pos_label()`` (``_scoring.segment_scorer``,
  ``_scoring.records``, ``_scoring.row_accumulator``): which metric a
  scorer computes, so that it can run on stored responses (or be compared
  with its no-skill reference); no public accessor exists.
* scikeras' ``BaseWrapper._validate_data`` (``_keras.adapters``): the wrapper's own
  input preparation before its ``feature_encoder_``; scikeras has no public
  equivalent (``validate_data`` would skip scikeras' dtype handling). The
  repaired scikeras classes (``_keras.scikeras_repair``) extend it, and read
  scikeras' old-style ``_tags`` dict (its declared tags; no other place holds
  them).
* ``keras.wrappers``' ``_reverse_process_target`` (``_adapters``): decodes the
  network's outputs to labels exactly as the wrapper's ``predict`` does.
* ``keras.Sequential._functional`` (``_fast_paths.first_layer_graph``): the
  Sequential's graph, to call the layers after the first Dense; public
  ``model.layers`` loses the graph of a non-linear model.
"""

import importlib

# --------------------------------------------------------------------------
# scikit-learn
# --------------------------------------------------------------------------
# Validates the estimator's parameters from ``_parameter_constraints`` once per
# fit, as scikit-learn's own estimators do. Public replacement: none
# (calling ``self._validate_params()`` by hand is private too).
from sklearn.base import _fit_context

# Row indexing of arrays, DataFrames, lists and sparse matrices alike.
# Public replacement: none (``X.iloc[rows]`` / ``np.asarray(X)[rows]`` by type).
from sklearn.utils import _safe_indexing

# The constraint objects of ``_parameter_constraints`` and ``validate_params``.
# Public replacement: none; scikit-learn documents them for its own estimators.
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    RealNotInt,
    StrOptions,
    validate_params,
)

# ``_check_method_params``: slices fit parameters (sample_weight...) to a
# split's rows, as cross_validate does; public replacement: none.
# ``_num_samples``: number of rows of any array-like (lists, DataFrames, N-D);
# public replacement: none (``len`` fails on some array-likes).
from sklearn.utils.validation import _check_method_params, _num_samples

try:
    # The scorer class (to tell scikit-learn's scorers from opaque callables),
    # its response handling (``predict_proba`` -> positive-class column...)
    # and the choice of response method: to score stored responses exactly as
    # the scorer would. Public replacement: none; without them every segment
    # goes through the scorer itself (slower, same numbers).
    from sklearn.metrics._scorer import _Scorer
    from sklearn.utils._response import _get_response_values
    from sklearn.utils.validation import _check_response_method
except ImportError:  # pragma: no cover - another scikit-learn layout
    _Scorer = _get_response_values = _check_response_method = None

try:
    # The one-hot targets and checked probabilities that log_loss and the
    # Brier score compute from y, for their per-row terms. Public
    # replacement: none; without them no scorer has a row-level test.
    from sklearn.metrics._classification import (
        _validate_binary_probabilistic_prediction,
        _validate_multiclass_probabilistic_prediction,
    )
except ImportError:  # pragma: no cover - another scikit-learn layout
    _validate_binary_probabilistic_prediction = None
    _validate_multiclass_probabilistic_prediction = None

__all__ = [
    "HasMethods",
    "Interval",
    "RealNotInt",
    "StrOptions",
    "_Scorer",
    "_check_method_params",
    "_check_response_method",
    "_fit_context",
    "_get_response_values",
    "_num_samples",
    "_safe_indexing",
    "_validate_binary_probabilistic_prediction",
    "_validate_multiclass_probabilistic_prediction",
    "validate_params",
]

# --------------------------------------------------------------------------
# Keras (imported lazily: importing skimportance does not import Keras)
# --------------------------------------------------------------------------
_LAZY = {
    # The module whose ``python_random`` draws the default seeds of
    # initialisers and dropout: the training seed is applied there so that
    # other threads drawing from Python's global generator cannot change a
    # split's network. Public replacement: none (``keras.utils.
    # set_random_seed`` seeds the shared global generator only).
    "keras_seed_generator": "keras.src.random.seed_generator",
    # TensorFlow's op-determinism switch, as scikeras reads it
    # (``is_op_determinism_enabled``): asked once before scikeras' seeding so
    # that scikeras turns determinism off after a seeded fit. Public
    # replacement: none (``tf.config.experimental`` has the setter only).
    "tensorflow_config": "tensorflow.python.framework.config",
}


def __getattr__(name):
    """``from ._compat import keras_seed_generator`` imports Keras' (or
    TensorFlow's) module on first use; ImportError when a release has moved it."""
    if name in _LAZY:
        return importlib.import_module(_LAZY[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
