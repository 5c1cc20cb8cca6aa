"""Row permutations, one per part of a group: what interaction importance
permutes.

Plain permutation importance moves a group's columns together, with one row
permutation per repeat. To measure what two inputs share, each is permuted on
its own: the first with the engine's permutation of the repeat (the one every
single input sees), the second with another permutation drawn once per repeat
(:class:`PartPermutations`). A group is then a list of *parts*, each a set of
flat columns and the permutation that moves them (0: the engine's, 1: the
second), so that single inputs can be measured under either permutation and
pairs under both at once.
"""

import numpy as np

from .base import BaseSampler, Replacements

__all__ = ["PartPermutations"]


class _PartReplacements(Replacements):
    """Per group: each part's columns from the rows of its own permutation."""

    def __init__(self, X_eval, parts, perms, seed):
        super().__init__(len(perms))
        # not RandomState(seed): the engine's first shuffle comes from that same
        # stream, so repeat 0 would permute both inputs with one permutation
        rng = np.random.RandomState(None if seed is None else (int(seed) + 1) % 2**32)
        n_eval = perms.shape[1]
        # the second permutation of each repeat, drawn once for all groups
        second = np.stack([rng.permutation(n_eval) for _ in range(len(perms))])
        self.perms = (np.asarray(perms), second)
        self.X_eval = X_eval
        # per group: its width, and each part's columns, positions and permutation
        self.parts = []
        for group, spec in parts:
            where = [
                ([group.index(c) for c in cols], cols, which) for cols, which in spec
            ]
            self.parts.append((len(group), where))

    def group_values(self, g, r, start, stop):
        width, where = self.parts[g]
        out = np.empty((stop - start, width), dtype=self.X_eval.dtype)
        for positions, cols, which in where:
            rows = self.perms[which][r][start:stop]
            out[:, positions] = self.X_eval[np.ix_(rows, cols)]
        return out


class PartPermutations(BaseSampler):
    """Each part of a group permuted with its own row permutation.

    Parameters
    ----------
    parts : list of list of (list of int, int)
        Per group: its parts, each the flat columns it holds and the
        permutation that moves them (0: the engine's, 1: the second); the
        parts of a group hold exactly the group's columns.
    """

    def __init__(self, parts):
        self.parts = parts

    def fit(self, X, groups):
        """Record which columns of each group each permutation moves."""
        self.parts_ = []
        for group, spec in zip(groups, self.parts):
            group = [int(c) for c in group]
            spec = [([int(c) for c in cols], int(which)) for cols, which in spec]
            if sorted(c for cols, _ in spec for c in cols) != sorted(group):
                raise ValueError("the parts do not hold exactly the group's columns")
            self.parts_.append((group, spec))
        return self

    def replacements(self, X_eval, perms, seed):
        return _PartReplacements(np.asarray(X_eval), self.parts_, perms, seed)
