"""The engine (numpy; it knows nothing about estimators): permuted copies of
the evaluated rows, stacked into blocks, answered and scored.

* ``core``: ``permuted_scores`` over a ``PermutedInput``; permutations drawn.
* ``blocks``: the stacked rows cut into blocks within the memory budget.
* ``executors``: running the blocks (in order, pipelined, overlapped, threads).
* ``groups``: what is permuted together (axes, named groups, clusters).
"""
