"""Scoring: from responses to scores, fast.

* ``scorers``: ``scoring`` resolved into scorers; the default proper rule.
* ``records``: one record per metric (``METRICS``; how to add one), and the
  tables derived from them (``FAST_METRICS``, ``ROW_TERMS``, the scorer names).
* ``metrics``: vectorised metrics (every segment at once).
* ``row_terms``: per-row terms of metrics that are means over rows.
* ``no_skill``: the no-skill guard (each record's dummy reference).
* ``segment_scorer``: every segment of a block scored at once.
* ``row_accumulator``: each row's drop in score, for the row-level test.
"""
