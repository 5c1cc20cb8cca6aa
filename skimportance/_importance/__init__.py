"""Importance of one fitted model, shared by the function and the selector.

* ``compute``: ``compute_importances`` in named steps, ``ImportanceOptions``.
* ``inputs``: the same checks of X and y at every door (NaN, one-hot y...).
* ``responders``: an estimator as "responses for this block".
* ``params``: constraints and docstring text of the shared parameters.
* ``permutation_importance``: the public drop-in function.
"""
