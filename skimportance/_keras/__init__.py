"""Keras: a trained network measured fast and trained afresh.

* ``backend/``: compiled functions on the Keras backend, chosen once (one
  module per backend, each with the same names).
* ``batching``: rows per compiled call.
* ``layers``: a model's task, classes and inputs read from its layers.
* ``fitted_model``: a trained ``keras.Model`` as a fitted estimator
  (``FittedKerasModel``, public through ``skimportance.wrappers``).
* ``adapters``: what each wrapper (scikeras, ``keras.wrappers``, raw model)
  does around its network.
* ``scikeras_repair``: scikeras 0.13's classes rebuilt for scikit-learn >= 1.6
  (mixin order, tags, target checks; public through ``skimportance.wrappers``).
* ``responder``: batched compiled inference answering as the wrapper does.
* ``training``: quiet, seeded training of copies; TensorFlow's thread pools.
* ``trainable``, ``rebuild``, ``preprocessing``: fresh networks for each fit
  (any rank, build functions, rebuilt for the kept width, preprocessing
  layers re-adapted); ``several_inputs``, ``flat_problem``: models with
  several inputs seen as one table.
"""
