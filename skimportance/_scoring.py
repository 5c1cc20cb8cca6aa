"""Transition names for the engine's imports (``_permutation_importance``).

Scoring now lives in modules with one concern each: ``_estimators``
(estimator plumbing), ``_scorers`` (resolving ``scoring``, the stand-in
estimator, default scorers), ``_metrics`` (the fast metrics registry) and
``_segment_scorer``. This module only re-exports the names other modules
still import from here; import from the modules above in new code.
"""

from ._scorers import resolve_scoring
from ._segment_scorer import SegmentScorer

__all__ = ["SegmentScorer", "resolve_scoring"]
