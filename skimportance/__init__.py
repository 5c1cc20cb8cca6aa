"""skimportance: which inputs does my Keras network use, and which can I drop?

Held-out permutation importance, scored with proper scoring rules, as a
scikit-learn selector (:class:`KerasImportanceSelector`) and a fast drop-in
:func:`permutation_importance`.
"""

from ._permutation_importance import permutation_importance

__version__ = "0.1.0.dev0"

__all__ = ["permutation_importance", "__version__"]
