"""The floor below everything: private scikit-learn and Keras names, estimator
plumbing, row indexing.

* ``compat``: every private scikit-learn / Keras name the package uses, each
  with why and its public replacement (the only module that imports them).
* ``estimators``: what is inside a FrozenEstimator or Pipeline; classifier or
  regressor (also for scikeras); estimator tags of a task.
* ``indexing``: rows of X, y or weights, whatever their container.
"""
