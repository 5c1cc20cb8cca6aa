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

A new method (knockoffs, say) is one module here with one subclass of
:class:`BaseSampler`, and, for a name that ``method=`` accepts, one entry in
:data:`skimportance._methods.resolve.METHODS`:
``fit(X, groups)`` learns from training rows, ``replacements(X_eval, perms,
seed)`` returns a :class:`Replacements` (the values of segment ``s``'s rows
``start:stop``), and ``cross_fit`` serves :func:`permutation_importance`,
which has no training rows. The engine, the first-layer updates and the
significance test need nothing else.
"""

import numpy as np
from sklearn.base import BaseEstimator

__all__ = ["BaseSampler", "Replacements", "flat_numeric"]


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

    def with_dtypes(self, X):
        """The sampler to use on X as given (before it is seen as floats):
        ``self`` unless a sampler reads kinds of columns from the dtypes."""
        return self

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


def integer_columns(X):
    """Which flat columns of X hold integer codes by their dtype (integer or
    boolean): a DataFrame per column, an array all alike."""
    if hasattr(X, "iloc"):
        from pandas.api.types import is_bool_dtype, is_integer_dtype

        return np.array(
            [is_integer_dtype(t) or is_bool_dtype(t) for t in X.dtypes], dtype=bool
        )
    X = np.asarray(X)
    n_columns = int(np.prod(X.shape[1:], dtype=np.int64))
    return np.full(n_columns, X.dtype.kind in "biu", dtype=bool)


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
                "a method other than 'permutation' needs numeric inputs; column "
                f"{bad[0]!r} of {name} has dtype {X[bad[0]].dtype}. Encode it first "
                "(for example with a OneHotEncoder or OrdinalEncoder outside the "
                "model) or use method='permutation'."
            )
        return X.to_numpy(dtype=float)
    X = np.asarray(X)
    if not (np.issubdtype(X.dtype, np.number) or X.dtype == bool):
        raise ValueError(
            f"a method other than 'permutation' needs numeric inputs; {name} has dtype "
            f"{X.dtype}. Encode it first or use method='permutation'."
        )
    return X.reshape(len(X), -1).astype(float)
