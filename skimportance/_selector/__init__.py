"""The selector: the estimator, its fit input, routing, splits and the per-split task, the test, rules, delegation, progress."""
