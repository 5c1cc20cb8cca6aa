"""Ridge regressions of every column (or group) on all the other columns, at once.

The default continuous model of :class:`~skimportance.ConditionalSampler`:
one eigendecomposition of the correlation matrix serves every group and every
penalty, so modelling 50 inputs costs about as much as one regression.
"""

import numpy as np

__all__ = ["RidgeAll"]


class RidgeAll:
    """Ridge regressions of every group of standardised columns on the other
    columns, from one eigendecomposition.

    With ``Theta = (Z'Z/n + alpha I)^-1``, the ridge coefficients of the
    columns G on the others O are ``-Theta[O, G] Theta[G, G]^-1`` (block
    inversion). The penalty of each group is chosen on a held-out fifth of
    the rows, then the coefficients are recomputed on all rows.
    """

    def __init__(self, Z, alphas):
        self.alphas = alphas
        n = len(Z)
        rng = np.random.default_rng(0)
        val = np.zeros(n, dtype=bool)
        if n >= 10 and len(alphas) > 1:
            val[rng.permutation(n)[: max(2, n // 5)]] = True
        self.val = val  # the held-out rows (none for few rows or one penalty)
        self.Z_val = Z[val]
        self.fit_part = _Eigen(Z[~val]) if val.any() else None
        self.all = _Eigen(Z)

    def coef(self, cols, others, with_resid=False):
        """Coefficients of ``Z[:, cols]`` on ``Z[:, others]``; with
        ``with_resid``, also the held-out residuals at the chosen penalty
        (None without held-out rows)."""
        alpha, best = self.alphas[0], None
        if self.fit_part is not None:
            errors, resids = [], []
            for a in self.alphas:
                beta = self.fit_part.coef(a, cols, others)
                resids.append(self.Z_val[:, cols] - self.Z_val[:, others] @ beta)
                errors.append(np.mean(resids[-1] ** 2))
            best = int(np.argmin(errors))
            alpha = self.alphas[best]
        coef = self.all.coef(alpha, cols, others)
        if with_resid:
            return coef, None if best is None else resids[best]
        return coef

    def singles(self, with_resid=False):
        """Coefficients of every column on all the others, shape (p, p):
        column ``j`` predicts ``Z[:, j]`` (its own entry is 0). With
        ``D = diag(Theta)``, the residuals are ``Z Theta D^-1``, so the
        coefficients are ``I - Theta D^-1``; the penalty is chosen per column.
        With ``with_resid``, also the held-out residuals of each column at its
        penalty, shape (n_held_out, p) (None without held-out rows)."""
        p = len(self.all.values)
        alphas = np.full(p, self.alphas[0])
        resid = None
        if self.fit_part is not None:
            errors, resids = [], []
            for a in self.alphas:
                theta = self.fit_part.theta(a)
                resids.append(self.Z_val @ (theta / np.diag(theta)))
                errors.append(np.mean(resids[-1] ** 2, axis=0))
            best = np.argmin(np.array(errors), axis=0)
            alphas = self.alphas[best]
            resid = np.array(resids)[best, :, np.arange(p)].T
        coef = np.empty((p, p))
        for a in np.unique(alphas):
            theta = self.all.theta(a)
            cols = np.flatnonzero(alphas == a)
            coef[:, cols] = -theta[:, cols] / np.diag(theta)[cols]
            coef[cols, cols] = 0.0
        return (coef, resid) if with_resid else coef


class _Eigen:
    """``Theta = (gram + alpha I)^-1`` for any penalty, from one
    eigendecomposition of ``gram = Z'Z/n``."""

    def __init__(self, Z):
        gram = Z.T @ Z / max(1, len(Z))
        self.values, self.vectors = np.linalg.eigh(gram)
        self._theta = {}

    def theta(self, alpha):
        if alpha not in self._theta:
            inv = 1.0 / np.maximum(self.values + alpha, 1e-12)
            self._theta[alpha] = (self.vectors * inv) @ self.vectors.T
        return self._theta[alpha]

    def coef(self, alpha, cols, others):
        theta = self.theta(alpha)
        block = theta[np.ix_(cols, cols)]
        return -theta[np.ix_(others, cols)] @ np.linalg.inv(block)
