"""Importance methods: what replaces a measured input (``method=``).

* ``base``: ``BaseSampler`` and ``Replacements``, the engine's protocol.
* ``permutation``: row permutations (plain permutation importance).
* ``conditional``: draws of an input given the others (``ConditionalSampler``);
  ``ridge``: all inputs' ridge regressions at once; ``splines``: spline
  models on the screened partners of an input, and the default model (per
  input the better of ridge and splines on held-out rows).
* ``resolve``: the named methods (``METHODS``) and ``method=`` resolved.
"""
