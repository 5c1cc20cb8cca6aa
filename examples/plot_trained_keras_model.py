"""
===============================================
I have a trained Keras model: what does it use?
===============================================

You built and trained a network the usual Keras way and want to know which of its
inputs it actually uses, and which you could drop. Pass the trained model itself:
:func:`skimportance.permutation_importance` shuffles each column of held-out rows
and measures how much the held-out log loss gets worse, and
:class:`skimportance.KerasImportanceSelector` with ``cv="prefit"`` tests which of
those drops are significantly above zero.
"""

# %%
# A network trained the usual way
# -------------------------------
# Four inputs: ``age`` and ``dose`` decide the outcome, ``weight`` and ``noise``
# do not. The network is trained on one part of the rows; the other part is held
# out, as it would be for any honest evaluation.
import keras
import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from skimportance import (
    KerasImportanceSelector,
    importance_report,
    permutation_importance,
)
from skimportance.plotting import PermutationImportanceDisplay

rng = np.random.default_rng(0)
X = pd.DataFrame(
    rng.normal(size=(2000, 4)).astype("float32"),
    columns=["age", "dose", "weight", "noise"],
)
y = (X["age"] + 2 * X["dose"] + 0.5 * rng.normal(size=2000) > 0).astype(int)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

keras.utils.set_random_seed(0)
model = keras.Sequential(
    [
        keras.Input((4,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer="adam", loss="binary_crossentropy")
history = model.fit(X_train, y_train, epochs=10, verbose=0)

# %%
# How much worse does the held-out log loss get without each input?
# -----------------------------------------------------------------
# The task (a classifier, from the sigmoid) and the score (log loss) are read
# from the model. The model is not changed by measuring it.
result = permutation_importance(model, X_test, y_test, n_repeats=10, random_state=0)
for name, mean, std in zip(X.columns, result.importances_mean, result.importances_std):
    print(f"{name:>6}: {mean:.3f} +/- {std:.3f}")

# %%
# Which inputs to keep?
# ---------------------
# The selector tests, over the held-out rows, whether each importance is
# significantly above zero (Benjamini-Hochberg control of the false discovery
# rate by default). The report says why each input is kept or dropped.
selector = KerasImportanceSelector(model, cv="prefit", random_state=0)
selector.fit(X_test, y_test)
print("kept:", list(selector.get_feature_names_out()))
report = importance_report(selector)
report[["importance", "ci_low", "ci_high", "pvalue_adjusted", "reason"]]

# %%
# The chart
# ---------
# Each input's measured drops (a box per input), its mean and interval in
# black; the kept inputs in blue.
display = PermutationImportanceDisplay.from_estimator(selector)
display.ax_.set_title("Held-out permutation importance of a trained network")

# %%
# ``weight`` and ``noise`` come out at about zero and are dropped; ``age`` and
# ``dose`` are kept. To ask instead whether the *architecture*, trained afresh,
# needs each input, wrap the model with
# :func:`skimportance.wrappers.make_trainable` and give the selector ``cv=3``
# (see :ref:`sphx_glr_auto_examples_plot_pipeline_gridsearch.py`).
