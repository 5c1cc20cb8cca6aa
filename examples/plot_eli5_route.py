"""
======================================================
I used eli5's PermutationImportance: what is the same?
======================================================

Many people met permutation importance through eli5's ``PermutationImportance``
and ``eli5.show_weights``. This example measures one trained Keras network both
ways, on the same held-out rows: with eli5, and with
:class:`skimportance.KerasImportanceSelector`, which eli5 can show too once
``skimportance.eli5`` is imported. The importances agree; the selector adds the
test that says which of them are above zero.
"""

# %%
# One trained network, one held-out part
# --------------------------------------
# eli5 needs a scikit-learn estimator: :class:`skimportance.wrappers.FittedKerasModel`
# wraps the trained model as one (``predict_proba``, ``score``) without
# changing it.
import eli5
import keras
import matplotlib.pyplot as plt
import numpy as np
from eli5.sklearn import PermutationImportance
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

import skimportance.eli5  # noqa: F401  registers the selector with eli5
from skimportance import KerasImportanceSelector
from skimportance.wrappers import FittedKerasModel

X, y = make_classification(
    n_samples=1500,
    n_features=8,
    n_informative=3,
    n_redundant=0,
    shuffle=False,
    random_state=0,
)
X = X.astype("float32")
names = [f"x{j}" for j in range(8)]  # x0, x1, x2 informative; the rest noise
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

keras.utils.set_random_seed(0)
model = keras.Sequential(
    [
        keras.Input((8,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
model.fit(X_train, y_train, epochs=15, verbose=0)
fitted = FittedKerasModel(model)

# %%
# The eli5 route
# --------------
# ``cv="prefit"``: the fitted model, measured on the rows passed to ``fit``.
perm = PermutationImportance(
    fitted, scoring="neg_log_loss", n_iter=5, random_state=0, cv="prefit"
).fit(X_test, y_test)
eli5.format_as_dataframe(eli5.explain_weights(perm, feature_names=names))

# %%
# The same question, with a test
# ------------------------------
# The selector measures the same drop in held-out log loss, then tests over the
# rows whether each one is above zero. ``eli5.explain_weights`` shows it as it
# shows its own class (its ``std`` is the spread of the measured importances).
selector = KerasImportanceSelector(model, cv="prefit", n_repeats=5, random_state=0)
selector.fit(X_test, y_test)
print("kept:", [names[j] for j in selector.get_support(indices=True)])
eli5.format_as_dataframe(eli5.explain_weights(selector, feature_names=names))

# %%
# Side by side
# ------------
# eli5 draws its own permutations, so its numbers differ from the selector's by
# the noise of the shuffles; the ranking agrees.
fig, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
pos = np.arange(8)
ax.bar(
    pos - 0.2,
    perm.feature_importances_,
    0.4,
    yerr=perm.feature_importances_std_,
    label="eli5 PermutationImportance",
)
ax.bar(
    pos + 0.2,
    selector.feature_importances_,
    0.4,
    yerr=selector.feature_importances_std_,
    label="KerasImportanceSelector",
)
top = selector.feature_importances_ + selector.feature_importances_std_
for j in selector.get_support(indices=True):
    ax.annotate(
        "kept",
        (j + 0.2, top[j]),
        xytext=(0, 4),
        textcoords="offset points",
        ha="center",
    )
ax.set_xticks(pos, names)
ax.set_ylabel("drop in held-out log loss")
ax.legend()

# %%
# What the selector adds: ``pvalues_`` and ``pvalues_adjusted_`` from a test
# over the held-out rows (valid with ``cv="prefit"``), the decision with its
# reason (:func:`skimportance.importance_report`), and ``transform`` to keep the
# chosen columns. ``eli5.show_weights(selector)`` renders the same table as
# HTML in a notebook.
