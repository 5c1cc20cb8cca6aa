"""Samplers: the values that replace a measured input (``method=``).

The engine (:mod:`skimportance._engine.core`) scores a model on copies of the
evaluated rows in which one group of columns is replaced. *What* replaces them
is a sampler's business:

* :class:`PermutationSampler` (``method="permutation"``): the group's rows in
  a permuted order, scikit-learn's permutations exactly. It answers ``None``
  and the engine takes the permuted rows itself.
* ``ConditionalSampler`` (``method="conditional"``, in
  :mod:`skimportance._methods.conditional`): a draw of the group given the other
  inputs: a model of the group from the inputs outside it, fitted on training
  rows, predicts the evaluated rows, and the residuals are permuted
  (continuous inputs) or the values are drawn from the predicted class
  probabilities (categorical inputs).

A new method (knockoffs, say) is one subclass of :class:`BaseSampler`:
``fit(X, groups)`` learns from training rows, ``replacements(X_eval, perms,
seed)`` returns a :class:`Replacements` (the values of segment ``s``'s rows
``start:stop``), and ``cross_fit`` serves :func:`permutation_importance`,
which has no training rows. The engine, the first-layer updates and the
significance test need nothing else.
"""

import numpy as np
from sklearn.base import BaseEstimator

__all__ = [
    "BaseSampler",
    "PermutationSampler",
    "Replacements",
    "check_method_input",
    "flat_numeric",
    "resolve_method",
]


class Replacements:
    """The values that replace each segment's columns (the engine's view).

    Segment ``s`` is group ``s // n_repeats`` at repeat ``s % n_repeats``
    (the engine's group-major order). Subclasses implement :meth:`group_values`.
    """

    def __init__(self, n_repeats):
        self.n_repeats = n_repeats

    def __call__(self, s, start, stop):
        """Values of segment ``s`` for evaluated rows ``start:stop``: an array
        of shape (stop - start, len(group))."""
        g, r = divmod(s, self.n_repeats)
        return self.group_values(g, r, start, stop)

    def group_values(self, g, r, start, stop):
        raise NotImplementedError


class BaseSampler(BaseEstimator):
    """Base class of the samplers of ``method=``.

    Subclasses implement :meth:`fit` and :meth:`replacements`; they may
    override :meth:`cross_fit` (the default fits on the evaluated rows).
    ``X`` is always numeric, of shape (n_samples, n_columns): data of more
    axes is seen flat, and ``groups`` lists the flat columns of each measured
    input.
    """

    def fit(self, X, groups):
        """Learn from training rows ``X``; returns self."""
        raise NotImplementedError

    def replacements(self, X_eval, perms, seed):
        """A :class:`Replacements` for the evaluated rows, or None for plain
        row permutations (``perms``, shape (n_repeats, n_evaluated))."""
        raise NotImplementedError

    def cross_fit(self, X_eval, groups, perms, seed):
        """Replacements when there are no training rows (the function)."""
        return self.fit(X_eval, groups).replacements(X_eval, perms, seed)


class PermutationSampler(BaseSampler):
    """Row permutations: plain permutation importance (``method="permutation"``).

    The measured input takes the values of other evaluated rows, in the
    permuted order scikit-learn draws: the results equal
    :func:`sklearn.inspection.permutation_importance`'s.

    Examples
    --------
    >>> from skimportance import PermutationSampler
    >>> PermutationSampler()
    PermutationSampler()
    """

    def fit(self, X, groups):
        """Nothing to learn; returns self."""
        return self

    def replacements(self, X_eval, perms, seed):
        """None: the engine permutes the rows itself."""
        return None

    def cross_fit(self, X_eval, groups, perms, seed):
        return None


def resolve_method(method):
    """The sampler of ``method=``: a string or a :class:`BaseSampler`."""
    if isinstance(method, BaseSampler):
        return method
    if isinstance(method, str) and method == "permutation":
        return PermutationSampler()
    if isinstance(method, str) and method == "conditional":
        from .conditional import ConditionalSampler

        return ConditionalSampler()
    raise ValueError(
        "method must be 'permutation', 'conditional' or a sampler (an instance "
        f"of skimportance.BaseSampler such as ConditionalSampler()); got {method!r}."
    )


def is_permutation(sampler):
    return isinstance(sampler, PermutationSampler)


def check_method_input(method, X):
    """Raise the clear error of a sampler that needs numeric X, early."""
    if not is_permutation(resolve_method(method)):
        if hasattr(X, "iloc"):
            flat_numeric(X.iloc[:1])
        else:
            flat_numeric(np.asarray(X)[:1])


def flat_numeric(X, name="X"):
    """X as a float array of shape (n_samples, n_columns), or a clear error."""
    if hasattr(X, "iloc"):
        from pandas.api.types import is_bool_dtype, is_numeric_dtype

        bad = [
            c
            for c, t in X.dtypes.items()
            if not (is_numeric_dtype(t) or is_bool_dtype(t))
        ]
        if bad:
            raise ValueError(
                f"method='conditional' needs numeric inputs; column {bad[0]!r} of "
                f"{name} has dtype {X[bad[0]].dtype}. Encode it first (for example "
                "with a OneHotEncoder or OrdinalEncoder outside the model) or use "
                "method='permutation'."
            )
        return X.to_numpy(dtype=float)
    X = np.asarray(X)
    if not (np.issubdtype(X.dtype, np.number) or X.dtype == bool):
        raise ValueError(
            f"method='conditional' needs numeric inputs; {name} has dtype "
            f"{X.dtype}. Encode it first or use method='permutation'."
        )
    return X.reshape(len(X), -1).astype(float)
