"""The engine (numpy, no estimators): permutations, permuted blocks, their executors, what is permuted together."""
