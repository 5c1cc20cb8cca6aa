"""The floor below everything: every private scikit-learn/Keras name (compat) and estimator plumbing."""
