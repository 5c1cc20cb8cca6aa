"""Friedman and Popescu's H statistic (2008), for comparison with the anchors
(R's ``hstats``, ``pyartemis``).

For a pair (j, k), with partial dependence functions centred over the rows,

    H²_jk = Σ_i [PD_jk(x_ij, x_ik) - PD_j(x_ij) - PD_k(x_ik)]² / Σ_i PD_jk(x_ij, x_ik)²,

the share of the pair's joint effect that its single effects do not explain.
It costs ``n**2`` predictions per pair and per input; here every partial
dependence is one call of the estimator's responder on the stacked copies.
"""

import numpy as np
from sklearn.utils.random import sample_without_replacement

from .._importance.responders import make_responder
from .._utils.estimators import estimator_type

__all__ = ["h_statistic"]


def _responses(responder, kind, X):
    """The responses the H statistic compares: probabilities of a classifier,
    predictions of a regressor, one column per output."""
    if kind == "classifier" and "predict_proba" in getattr(
        responder, "methods", ("predict_proba",)
    ):
        out = responder(X, ("predict_proba",))["predict_proba"]
    else:
        out = responder(X, ("predict",))["predict"]
    out = np.asarray(out, dtype=float)
    return out.reshape(len(X), -1)


def _partial_dependence(respond, X, cols):
    """Centred partial dependence of flat columns ``cols`` at each row of the
    flat X: (n, n_outputs)."""
    n = len(X)
    stacked = np.repeat(X[np.newaxis], n, axis=0)  # copy i: cols set to row i
    stacked[:, :, cols] = X[:, np.newaxis, cols]
    pd = respond(stacked.reshape(n * n, -1)).reshape(n, n, -1).mean(axis=1)
    return pd - pd.mean(axis=0)


def h_statistic(estimator, X, units, pairs, n_samples, seed, batch_size=None):
    """H of each pair (symmetric matrix, NaN where not measured) on at most
    ``n_samples`` rows of X (2-D numeric view)."""
    columns = X.columns if hasattr(X, "iloc") else None
    shape = np.shape(X)[1:]
    X = np.asarray(X, dtype=float).reshape(len(X), -1)
    if len(X) > n_samples:
        rows = np.sort(sample_without_replacement(len(X), n_samples, random_state=seed))
        X = X[rows]
    responder = make_responder(estimator, batch_size)
    kind = getattr(responder, "estimator_type", None) or estimator_type(estimator)

    def respond(flat):  # flat rows back in the estimator's own form
        if columns is not None:
            import pandas as pd

            return _responses(responder, kind, pd.DataFrame(flat, columns=columns))
        return _responses(responder, kind, flat.reshape((len(flat),) + shape))

    single = {}
    for j in sorted({u for pair in pairs for u in pair}):
        single[j] = _partial_dependence(respond, X, units[j])
    H = np.full((len(units), len(units)), np.nan)
    for j, k in pairs:
        joint = _partial_dependence(respond, X, units[j] + units[k])
        num = np.sum((joint - single[j] - single[k]) ** 2)
        den = np.sum(joint**2)
        H[j, k] = H[k, j] = np.sqrt(num / den) if den > 0 else 0.0
    return H
