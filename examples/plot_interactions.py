"""
===========================
Which inputs work together?
===========================

A single input's permutation importance mixes its own effect with its share of
every interaction it takes part in. :func:`skimportance.interaction_importance`
measures, for each pair of inputs, the importance they **share**: the sum of
their single importances minus the importance of permuting both, on held-out
rows, with a test per pair. :class:`skimportance.plotting.InteractionDisplay`
draws it as a heatmap: single importances on the diagonal, shared ones off it.
"""

# %%
# Friedman #1: one product inside a sine
# --------------------------------------
# ``y = 10 sin(pi x0 x1) + 20 (x2 - 0.5)^2 + 10 x3 + 5 x4 + noise``; ``x5``,
# ``x6``, ``x7`` are unused. The only pair that acts together is ``x0`` and
# ``x1``.
import keras
from sklearn.datasets import make_friedman1
from sklearn.model_selection import train_test_split

from skimportance import interaction_importance
from skimportance.plotting import InteractionDisplay

X, y = make_friedman1(n_samples=3000, n_features=8, noise=0.5, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(
    X.astype("float32"), y, random_state=0
)

keras.utils.set_random_seed(0)
model = keras.Sequential(
    [
        keras.Input((8,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(1),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(0.005), loss="mse")
history = model.fit(X_train, y_train, epochs=60, batch_size=64, verbose=0)

# %%
# What each pair shares, with a test per pair
# -------------------------------------------
result = interaction_importance(model, X_test, y_test, random_state=0)
for j, k in result.pairs:
    if result.pvalues_adjusted[j, k] < 0.05:
        print(
            f"x{j}, x{k}: shared {result.interactions_mean[j, k]:+.3f} "
            f"(adjusted p = {result.pvalues_adjusted[j, k]:.2g})"
        )

# %%
display = InteractionDisplay.from_result(result)
display.ax_.set_title("Friedman #1: importance (diagonal) and shared importance")

# %%
# The true pair ``x0``-``x1`` stands out; the test is about *this network*, so a
# small interaction the network learned on its own would be found too. After a
# selector's fit, the interactions among the kept inputs are one call away:
# ``interaction_importance(selector.estimator_, X_test, y_test,
# features=selector.get_support(indices=True))``.
