"""Importance of one fitted model, shared by the function and the selector.

* ``compute``: ``compute_importances`` in named steps, ``ImportanceOptions``.
* ``responders``: an estimator as "responses for this block".
* ``params``: constraints and docstring text of the shared parameters.
* ``permutation_importance``: the public drop-in function.
"""
