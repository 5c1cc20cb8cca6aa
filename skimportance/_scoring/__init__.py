"""Scoring: from responses to scores, fast.

* ``scorers``: ``scoring`` resolved into scorers; the default proper rule.
* ``metrics``: the fast metrics registry (``FAST_METRICS``; how to add one).
* ``row_terms``: per-row terms of metrics that are means over rows.
* ``segment_scorer``: every segment of a block scored at once.
* ``row_accumulator``: each row's drop in score, for the row-level test.
"""
