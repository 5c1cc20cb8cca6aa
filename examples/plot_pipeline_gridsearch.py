"""
========================================================
Select inputs, then retrain on them, inside GridSearchCV
========================================================

Which inputs to keep is a choice made from the data, so it belongs inside the
cross-validation that judges the result: otherwise the held-out score of the
retrained network is measured on rows that helped choose its inputs. Here the
selector and the network retrained on what it keeps sit in one
:class:`~sklearn.pipeline.Pipeline`, and :class:`~sklearn.model_selection.GridSearchCV`
tunes how many inputs to keep, selecting afresh inside every fold.
"""

# %%
# The data and the network
# ------------------------
# Eight inputs, three of which matter (``x0``, ``x1``, ``x2``).
# :func:`skimportance.wrappers.make_trainable` turns a compiled Keras model into
# an estimator that trains a fresh copy on every fit; when it is given fewer
# columns than the model was built for, the copy is rebuilt for them.
import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.datasets import make_classification
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.utils import shuffle

from skimportance import KerasImportanceSelector
from skimportance.wrappers import make_trainable

X, y = make_classification(
    n_samples=600,
    n_features=8,
    n_informative=3,
    n_redundant=0,
    shuffle=False,
    random_state=0,
)
# x0, x1, x2 informative, the rest noise; rows in random order (make_classification
# with shuffle=False orders them by cluster, and the folds do not shuffle)
X, y = shuffle(X.astype("float32"), y, random_state=0)

keras.utils.set_random_seed(0)
network = keras.Sequential(
    [
        keras.Input((8,)),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
network.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")

pipe = Pipeline(
    [
        (
            "select",
            KerasImportanceSelector(
                make_trainable(network, epochs=10), cv=2, refit=False, random_state=0
            ),
        ),
        ("net", make_trainable(network, epochs=10)),
    ]
)

# %%
# The search
# ----------
# ``max_features=None`` keeps every input the test finds significant; 1 and 2
# cap the count by rank. Each candidate is scored by the retrained network's
# held-out log loss (its ``score``), on rows the selection did not see.
search = GridSearchCV(
    pipe,
    {"select__max_features": [1, 2, None]},
    cv=StratifiedKFold(2, shuffle=True, random_state=0),
).fit(X, y)
print("best:", search.best_params_)
kept = search.best_estimator_["select"].get_support(indices=True)
print("the refitted pipeline keeps inputs", kept.tolist())

results = pd.DataFrame(search.cv_results_)
results[["param_select__max_features", "mean_test_score", "std_test_score"]]

# %%
# The figure: held-out log loss per candidate
# -------------------------------------------
labels = [
    "None (the test decides)" if v is None else str(v)
    for v in results["param_select__max_features"]
]
fig, ax = plt.subplots(figsize=(6, 3.2), layout="constrained")
ax.bar(
    labels,
    -results["mean_test_score"],
    yerr=results["std_test_score"],
    color="tab:blue",
)
ax.set_xlabel("select__max_features")
ax.set_ylabel("held-out log loss (lower is better)")
ax.set_title("Selection inside each fold, then retraining")
ax.set_ylim(0, None)
print("log loss per candidate:", np.round(-results["mean_test_score"], 3).tolist())

# %%
# Keeping what the test finds (``max_features=None``: here ``x0``, ``x1``,
# ``x2``) gives the lowest held-out log loss on average over the two folds;
# capping the count at 1 or 2 drops an input the network needs. With two folds
# of 300 rows the spread is wide: this is one small run, not a benchmark.
#
# The selector trains its own networks on the pipeline's training rows (``cv=2``
# here) to decide; ``refit=False`` spares it a final fit it does not need, since
# the next step trains the network that predicts. Inside a Pipeline, use a ``cv``,
# never ``cv="prefit"``: a prefit model would be measured on the rows it was
# trained on, and the selector warns if asked to.
