"""skimportance: which inputs does my Keras network use, and which can I drop?

Held-out permutation importance, scored with proper scoring rules, as a
scikit-learn selector (:class:`KerasImportanceSelector`) and a fast drop-in
:func:`permutation_importance`. :mod:`skimportance.wrappers` holds Keras
wrappers repaired for scikit-learn >= 1.6.
"""

from . import _eli5
from ._conditional import ConditionalSampler
from ._groups import groups_from_column_transformer
from ._permutation_importance import permutation_importance
from ._samplers import BaseSampler, PermutationSampler
from ._selector import KerasImportanceSelector
from ._threshold import rfe_importance

_eli5.install()  # eli5.explain_weights(selector) works, eli5 is not imported

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
