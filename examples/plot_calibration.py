"""
=======================
Is the test calibrated?
=======================

A selector that keeps "significant" inputs is only as good as its p-values: at
``alpha=0.05``, an input the model cannot use should pass about 5% of the time.
This is a small version of ``benchmarks/bench_calibration.py``: many generated
datasets with known truth, a model trained on half the rows, the selector's
test on the other half (``cv="prefit"``), and the p-values of the inputs that
are pure noise collected over all datasets.

It also computes, on the same fits, the test people often reach for: a t-test
over the repeated shuffles. Repeats measure the noise of the shuffles, not of
the rows, so that test is far too confident.
"""

# %%
# Many datasets, known truth
# --------------------------
# The benchmark's design: ten independent inputs, ``P(y=1) = sigmoid(x0 + 0.25
# x1)``, so ``x0`` is strong, ``x1`` weak and ``x2`` to ``x9`` noise; 600 rows,
# half to train, half held out. A logistic regression stands in for the network
# here so that the whole study takes seconds; the test does not depend on the
# model.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from scipy import stats
from sklearn.linear_model import LogisticRegression

from skimportance import KerasImportanceSelector

n_datasets, n_rows = 150, 600
null_p, naive_p, weak_p = [], [], []
for seed in range(n_datasets):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_rows, 10))
    logit = 1.0 * X[:, 0] + 0.25 * X[:, 1]
    y = (rng.uniform(size=n_rows) < 1 / (1 + np.exp(-logit))).astype(int)
    model = LogisticRegression().fit(X[: n_rows // 2], y[: n_rows // 2])
    with warnings.catch_warnings():
        # on a few datasets the model scores no better than the class
        # frequencies on its held-out half, and the selector warns; they are
        # counted like the others
        warnings.simplefilter("ignore", UserWarning)
        selector = KerasImportanceSelector(
            model, cv="prefit", n_repeats=5, multiple_testing="none", random_state=seed
        ).fit(X[n_rows // 2 :], y[n_rows // 2 :])
    null_p.extend(selector.pvalues_[2:])
    weak_p.append(selector.pvalues_[1])
    # the t-test over the 5 repeats, on the same measured importances
    naive = stats.ttest_1samp(
        selector.importances_[2:], 0, axis=1, alternative="greater"
    ).pvalue
    naive_p.extend(np.nan_to_num(naive, nan=1.0))

null_p, naive_p = np.asarray(null_p), np.asarray(naive_p)


def wilson(k, n, z=1.96):
    """95% Wilson interval of a rate k / n."""
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return centre - half, centre + half


for label, p in [
    ("row-level test (selector)", null_p),
    ("t-test over repeats", naive_p),
]:
    k = int((p < 0.05).sum())
    low, high = wilson(k, p.size)
    print(
        f"{label:>26}: {k}/{p.size} noise inputs pass = {k / p.size:.3f} "
        f"[{low:.3f}, {high:.3f}]"
    )
print(f"power on the weak input x1: {np.mean(np.asarray(weak_p) < 0.05):.2f}")

# %%
# The interval counts the 8 noise inputs of a dataset as separate trials; they
# share its rows, so it is somewhat too narrow.
#
# The p-values of the noise inputs
# --------------------------------
# Valid p-values of true nulls are uniform: a flat histogram, about 5% below
# 0.05. The selector's are; the t-test over repeats piles up near zero.
fig, axes = plt.subplots(1, 2, figsize=(9, 3.2), layout="constrained", sharey=True)
bins = np.linspace(0, 1, 21)
for ax, p, title in [
    (axes[0], null_p, "selector's row-level test"),
    (axes[1], naive_p, "t-test over the repeats"),
]:
    ax.hist(p, bins=bins, color="tab:blue" if ax is axes[0] else "tab:red")
    ax.axhline(p.size / 20, color="black", linestyle="--", label="uniform")
    ax.set_title(title)
    ax.set_xlabel("p-value of a noise input")
axes[0].set_ylabel("count")
axes[0].legend()
fig.suptitle(f"{n_datasets} datasets x 8 noise inputs, cv='prefit'")

# %%
# The full benchmark (hundreds of datasets per cell, cross-validated and prefit
# modes, scikit-learn and Keras networks, multiple-testing control) and what it
# shows are in the user guide's statistics page.
