"""The selector, ``KerasImportanceSelector``, and its ``fit`` in steps.

* ``estimator``: the class and ``fit``'s named steps; ``constraints``: its
  parameters' constraints.
* ``fit_input``: X and y checked, the feature layout, the task and classes.
* ``routing``: where ``fit`` metadata goes; ``fit_params``: which fit
  parameter weights the scorer.
* ``splits``: the splits and their seeds, one split's unit of work (train,
  then measure), the refit, and running them here or through joblib.
* ``support``: fitted attributes, the support mask, N-D ``transform``.
* ``rules``: the selection rules (significance, thresholds, count caps).
* ``delegation``: ``predict``/``score``... through ``estimator_``.
* ``prefit_trap``: the warning for a prefit selector inside a Pipeline.
* ``progress``: the progress bar.
"""
