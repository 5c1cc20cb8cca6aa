"""The CV-mode test that allows for the correlation between the folds.

Each fold's rows trained the other folds' models, so the folds' row-level
tests are correlated: for the null inputs of the benchmark's models (an MLP,
gradient boosting, a logistic regression, cv=3) the folds' z-scores
correlate +0.17 to +0.34, and the rows' influence alone understates the
variance of their sum (the row-level test then runs at 8-10% for flexible
models at alpha = 5%). :func:`fold_test` estimates that correlation from the
folds' spread, pooled over the quiet inputs and moderated by a prior
(``RHO_PRIOR`` worth ``PRIOR_DF`` degrees of freedom, as in Smyth's moderated
t-statistics, Stat. Appl. Genet. Mol. Biol. 2004), so that few quiet inputs
give neither a noisy estimate nor a t reference with two degrees of freedom.
"""

import numpy as np

__all__ = ["CV_TESTS", "PRIOR_DF", "RHO_PRIOR", "fold_test"]

CV_TESTS = ("fold", "row")
# the prior correlation of the folds' z-scores (measured: 0.17-0.34), and its
# weight in degrees of freedom (4 quiet inputs at cv=3)
RHO_PRIOR = 0.3
PRIOR_DF = 8.0


def fold_test(means, split_var, z_max=2.0, rho_prior=RHO_PRIOR, prior_df=PRIOR_DF):
    """The folds' z-scores combined with their estimated correlation.

    With fold z-scores ``z_k = m_k / sqrt(v_k)`` of unit variance and
    correlation ``rho``, ``sum_k z_k`` has variance ``K (1 + (K - 1) rho)``,
    and the spread of the ``z_k`` (their variance over the folds) has
    expectation ``1 - rho`` with ``K - 1`` degrees of freedom. The spread
    is averaged over the quiet inputs, those whose row-level ``|z|`` is below
    ``z_max`` (their folds differ by noise, not by what each fold's model
    learned), ``d = n_quiet (K - 1)`` degrees in all, and moderated by the
    prior: ``1 - rho = (prior_df (1 - rho_prior) + d * spread) / (prior_df +
    d)``, clipped to [0, 1]. With no quiet input the prior alone decides. The
    statistic ``sum_k z_k / sqrt(K (1 + (K - 1) rho))`` gets a t reference
    with ``prior_df + d`` degrees of freedom, for the noise in ``rho``.

    On the importance's scale the statistic is ``centre / se``, with
    ``centre`` the folds' means weighted by ``1 / sqrt(v_k)`` and ``se =
    sqrt(K (1 + (K - 1) rho)) / sum_k v_k ** -0.5``. The selector's interval
    is of the importance itself (the plain mean of the folds), its row
    variance times ``1 + rho ((sum_k w_k)**2 - 1)``, ``w_k = sqrt(v_k /
    sum_j v_j)``: it agrees with the test except near the boundary.

    Parameters
    ----------
    means : ndarray of shape (n_splits, n_groups)
    split_var : ndarray of shape (n_splits, n_groups)
        Row-level variance of each split's mean (groups whose folds have no
        spread at all are left to the row-level test by the caller).
    z_max : float, default=2.0
        Inputs with a row-level ``|z|`` below it are pooled.
    rho_prior : float, default=RHO_PRIOR
    prior_df : float, default=PRIOR_DF
        ``0`` estimates ``rho`` from the pooled inputs alone (all inputs when
        none is quiet), with ``d`` degrees of freedom.

    Returns
    -------
    centre, se : ndarray of shape (n_groups,)
    df : float
    rho : float
    """
    n_splits, n_groups = means.shape
    if n_groups == 0:
        return np.zeros(0), np.zeros(0), max(float(prior_df), 1.0), rho_prior
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(split_var > 0, 1.0 / np.sqrt(split_var), 0.0)
    z_folds = means * precision
    with np.errstate(divide="ignore", invalid="ignore"):
        z = means.sum(axis=0) / np.sqrt(split_var.sum(axis=0))
    pool = np.abs(z) < z_max
    if prior_df <= 0 and not pool.any():
        pool = np.ones_like(pool)
    d = float(pool.sum() * (n_splits - 1))
    spread = float(np.mean(z_folds[:, pool].var(axis=0, ddof=1))) if d else 0.0
    unshared = (prior_df * (1.0 - rho_prior) + d * spread) / (prior_df + d)
    rho = float(np.clip(1.0 - unshared, 0.0, 1.0))
    total = precision.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = z_folds.sum(axis=0) / total
        se = np.sqrt(n_splits * (1.0 + (n_splits - 1) * rho)) / total
    return centre, se, prior_df + d, rho
