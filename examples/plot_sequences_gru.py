"""
=====================================================
Which channels, and which time steps, does a GRU use?
=====================================================

For an LSTM, GRU or Conv1D network, X has shape ``(samples, time steps,
channels)``. Permutation importance works as is: a channel's whole sequence is
shuffled across samples, keeping its time order, so the answer is per channel.
``feature_axis=1`` asks about the time steps instead: which lags matter.
"""

# %%
# Sequences where two channels matter, late in the window
# -------------------------------------------------------
# Four channels over 12 steps; y depends on channels 0 and 2 in the last four
# steps only.
import keras
import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import train_test_split

from skimportance import KerasImportanceSelector, permutation_importance

rng = np.random.default_rng(0)
n, steps, channels = 1200, 12, 4
X = rng.normal(size=(n, steps, channels)).astype("float32")
signal = X[:, -4:, 0].mean(axis=1) - X[:, -4:, 2].mean(axis=1)
y = (signal + 0.3 * rng.normal(size=n) > 0).astype(int)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

keras.utils.set_random_seed(0)
model = keras.Sequential(
    [
        keras.Input((steps, channels)),
        keras.layers.GRU(8),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
history = model.fit(X_train, y_train, epochs=8, batch_size=32, verbose=0)

# %%
# Per channel, and per time step
# ------------------------------
by_channel = permutation_importance(model, X_test, y_test, n_repeats=5, random_state=0)
by_step = permutation_importance(
    model, X_test, y_test, n_repeats=5, random_state=0, feature_axis=1
)
print("per channel:", by_channel.importances_mean.round(3))
print("per step:   ", by_step.importances_mean.round(3))

# %%
# Which channels to keep: the selector drops channels and keeps the 3-D shape,
# so a second sequence model can train on what it returns.
selector = KerasImportanceSelector(model, cv="prefit", random_state=0)
selector.fit(X_test, y_test)
print("channels kept:", selector.get_support())
print("shape after transform:", selector.transform(X_test).shape)

# %%
fig, axes = plt.subplots(1, 2, figsize=(9, 3.2), layout="constrained")
axes[0].bar(
    [f"ch {c}" for c in range(channels)],
    by_channel.importances_mean,
    yerr=by_channel.importances_std,
    color="tab:blue",
)
axes[0].set_title("per channel")
axes[0].set_ylabel("drop in held-out log loss")
axes[1].bar(
    np.arange(steps),
    by_step.importances_mean,
    yerr=by_step.importances_std,
    color="tab:orange",
)
axes[1].set_title("per time step (feature_axis=1)")
axes[1].set_xlabel("time step")
fig.suptitle("GRU on (samples, 12 steps, 4 channels)")

# %%
# Channels 0 and 2 carry the signal, and only the last steps matter; the
# network has learned to ignore the rest of the window. ``feature_axis=(1, 2)``
# measures every (time step, channel) cell; cells are measured only, since they
# cannot be dropped from a rectangular array.
