"""Scoring: scorers, the fast metrics registry, per-row terms, segment scoring, the per-row accumulator."""
