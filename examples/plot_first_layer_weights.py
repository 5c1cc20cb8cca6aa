"""
====================================================
Do the first-layer weights tell which inputs matter?
====================================================

A common first answer to "which inputs does my network use?" is the size of each
input's weights in the first layer. It answers a different question: how large
the numbers are that multiply an input, which depends on the input's units and on
what the later layers do with the units it feeds. Here a network is trained on
inputs in their natural units, and the first-layer weights are compared with the
held-out permutation importance of the same network.
"""

# %%
# Inputs in their own units
# -------------------------
# ``income`` (in thousands, spread ~50) and ``age`` decide the outcome;
# ``x1`` to ``x4`` are noise on the unit scale. A network fed raw numbers needs
# only small weights on ``income``.
import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from skimportance import permutation_importance

rng = np.random.default_rng(0)
n = 3000
X = pd.DataFrame(
    {
        "income": rng.normal(60, 50, n),
        "age": rng.normal(0, 1, n),
        **{f"x{j}": rng.normal(0, 1, n) for j in range(1, 5)},
    }
).astype("float32")
logit = (X["income"] - 60) / 25 + X["age"]
y = (logit + 0.5 * rng.normal(size=n) > 0).astype(int)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

keras.utils.set_random_seed(0)
model = keras.Sequential(
    [
        keras.Input((6,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(0.005), loss="binary_crossentropy")
model.fit(X_train, y_train, epochs=15, batch_size=64, verbose=0)
accuracy = ((model.predict(X_test, verbose=0)[:, 0] > 0.5) == y_test).mean()
print(f"held-out accuracy: {accuracy:.3f}")

# %%
# Two answers from the same network
# ---------------------------------
# The first-layer answer: the sum of the absolute weights leaving each input.
# The held-out answer: the drop in log loss when the input is shuffled.
weights = np.abs(model.layers[0].get_weights()[0]).sum(axis=1)
result = permutation_importance(model, X_test, y_test, n_repeats=5, random_state=0)

table = pd.DataFrame(
    {
        "first-layer |W| (share)": weights / weights.sum(),
        "permutation importance": result.importances_mean,
    },
    index=X.columns,
)
table.round(3)

# %%
fig, axes = plt.subplots(1, 2, figsize=(9, 3.5), layout="constrained")
names = list(X.columns)[::-1]
axes[0].barh(names, table["first-layer |W| (share)"][names], color="tab:gray")
axes[0].set_title("first-layer weights")
axes[0].set_xlabel("share of sum |W|")
axes[1].barh(
    names,
    table["permutation importance"][names],
    xerr=result.importances_std[::-1],
    color="tab:blue",
)
axes[1].set_title("held-out permutation importance")
axes[1].set_xlabel("drop in log loss")
fig.suptitle("The same trained network, two answers")

# %%
# The weights rank ``income``, the strongest input, among the noise: its
# values are large, so small weights suffice, and the noise inputs keep weights
# of about their random initial size. Permutation importance, measured on the
# network's output, ranks ``income`` first and gives the noise inputs about
# zero. Standardising the inputs removes the units problem but not the other
# one: a weight feeds a hidden unit, and what that unit contributes depends on
# every layer after it.
