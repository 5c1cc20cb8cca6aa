"""
=========================================================
Correlated inputs: permutation or conditional importance?
=========================================================

When inputs are correlated, shuffling one of them alone makes rows that never
occur (a tall person with a child's weight), and the network is asked about a
region it never saw. A stand-in that is correlated with a useful input but adds
nothing to it can then look important. ``method="conditional"`` replaces the
input by a draw from its distribution *given the other inputs* instead, and
answers "what does this input add once the others are known?".
"""

# %%
# A stand-in for a useful input
# -----------------------------
# y depends on ``x0`` and ``x2``. ``x1 = 0.9 x0 + noise`` (correlation 0.9) does
# not enter y: given ``x0``, it carries nothing. ``x3`` to ``x5`` are noise.
import keras
import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import train_test_split

from skimportance import KerasImportanceSelector, permutation_importance

rng = np.random.default_rng(0)
n = 800
X = rng.normal(size=(n, 6))
X[:, 1] = 0.9 * X[:, 0] + np.sqrt(1 - 0.9**2) * rng.normal(size=n)
y = np.sin(2 * X[:, 0]) + X[:, 2] ** 2 + 0.5 * rng.normal(size=n)
X = X.astype("float32")
names = ["x0", "x1 (stand-in)", "x2", "x3", "x4", "x5"]
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

keras.utils.set_random_seed(0)
model = keras.Sequential(
    [
        keras.Input((6,)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(1),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(0.005), loss="mse")
history = model.fit(X_train, y_train, epochs=40, batch_size=32, verbose=0)

# %%
# Both measures on the same held-out rows
# ---------------------------------------
# The score is R² (a regressor: the output layer is linear). The conditional
# models (a ridge regression per input, by default) are cross-fitted on the
# evaluated rows.
kwargs = dict(n_repeats=10, random_state=0)
plain = permutation_importance(model, X_test, y_test, **kwargs)
conditional = permutation_importance(
    model, X_test, y_test, method="conditional", **kwargs
)
for name, p, c in zip(names, plain.importances_mean, conditional.importances_mean):
    print(f"{name:>14}: permutation {p:+.3f}   conditional {c:+.3f}")

# %%
# Which inputs a selector keeps, each way (the test over the held-out rows, with
# its default false-discovery-rate control):
for method in ("permutation", "conditional"):
    selector = KerasImportanceSelector(
        model, cv="prefit", method=method, random_state=0
    ).fit(X_test, y_test)
    print(f"{method:>12}: kept", [names[j] for j in selector.get_support(indices=True)])

# %%
fig, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
pos = np.arange(len(names))
ax.barh(
    pos + 0.2,
    plain.importances_mean,
    0.4,
    xerr=plain.importances_std,
    label='method="permutation"',
)
ax.barh(
    pos - 0.2,
    conditional.importances_mean,
    0.4,
    xerr=conditional.importances_std,
    label='method="conditional"',
)
ax.set_yticks(pos, names)
ax.invert_yaxis()
ax.set_xlabel("drop in held-out R²")
ax.legend(loc="lower right")
ax.set_title("A correlated stand-in, measured two ways")

# %%
# Under plain permutation the stand-in ``x1`` gets an importance of its own, and
# the selector keeps it: the network leans on it, and shuffling it alone moves
# rows off the data. Conditionally it is about zero and dropped, while ``x2``
# keeps its importance. ``x0``'s conditional importance is smaller than its
# plain one: part of what it carries can be guessed from ``x1``, and a
# conditional draw keeps that part. Which
# one to use depends on the question: "how much does the score depend on this
# input's values?" (permutation) or "what does it add to the others?"
# (conditional, the one to decide what to *drop*). Two near-copies both come out
# near zero conditionally (each is predicted from the other): measure them
# together with ``feature_groups``. The default conditional model is linear; for
# nonlinear dependence pass your own, through
# :class:`skimportance.ConditionalSampler`.
