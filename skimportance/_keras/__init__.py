"""Keras: the backend's compiled functions, layers read, a trained model as an estimator, wrapper adapters, the batched responder, training copies."""
