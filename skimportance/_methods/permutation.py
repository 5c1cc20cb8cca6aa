"""Row permutations, ``method="permutation"``: scikit-learn's permutation
importance exactly (the engine permutes the rows itself)."""

from .base import BaseSampler

__all__ = ["PermutationSampler"]


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
