"""Importance methods: what replaces a measured input (``method=``).

* ``base``: ``BaseSampler`` and ``Replacements``, the engine's protocol.
* ``permutation``: row permutations (plain permutation importance).
* ``conditional``: draws of an input given the others (``ConditionalSampler``);
  ``ridge``: all inputs' ridge regressions at once, its default model.
* ``resolve``: the named methods (``METHODS``) and ``method=`` resolved.
"""
