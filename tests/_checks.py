"""Reusable checks for the fast paths (see skimportance._fast_paths.registry).

Every fast path's tests call :func:`check_fast_path_equals_plain`: on a given
estimator and data, the path is used, and its importances equal those of the
plain path (stacked permuted copies, ``inference="batched"``) and, optionally,
scikit-learn's.
"""

import contextlib
import logging

import numpy as np
from sklearn.inspection import permutation_importance as sklearn_pi

from skimportance import permutation_importance


class _UsedPaths(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.used = []

    def emit(self, record):
        message = record.getMessage()
        if message.endswith(" used"):
            self.used.append(message[: -len(" used")])


@contextlib.contextmanager
def recorded_fast_paths():
    """Names of the fast paths used inside the block (from the debug log)."""
    logger = logging.getLogger("skimportance")
    handler, level = _UsedPaths(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    propagate, logger.propagate = logger.propagate, False  # not to root handlers
    try:
        yield handler.used
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


def _bunches(result):
    if "importances" in result:
        return {"": result}
    return dict(result)


def check_fast_path_equals_plain(
    estimator,
    X,
    y,
    *,
    scoring=None,
    path=None,
    n_repeats=3,
    against_sklearn=False,
    rtol=1e-5,
    atol=1e-6,
    **kwargs,
):
    """Assert that a fast path answers, and gives the plain path's numbers.

    Parameters
    ----------
    estimator, X, y, scoring :
        As in :func:`skimportance.permutation_importance`.
    path : str or None, default=None
        Name of the fast path that must be used (``FastPath.name``); None
        asserts that no fast path is used (the estimator falls back).
    n_repeats : int, default=3
    against_sklearn : bool, default=False
        Also compare with :func:`sklearn.inspection.permutation_importance`
        (one public call per feature and repeat: slower).
    rtol, atol : float
        Tolerance of the comparisons.
    **kwargs :
        More parameters of ``permutation_importance`` (``feature_groups``,
        ``max_samples``...).

    Returns
    -------
    result : Bunch or dict of Bunch
        The fast path's result.
    """
    kw = dict(scoring=scoring, n_repeats=n_repeats, random_state=0, **kwargs)
    with recorded_fast_paths() as used:
        fast = permutation_importance(estimator, X, y, inference="auto", **kw)
    expected_used = [] if path is None else [path]
    assert used == expected_used, f"fast paths used: {used}, expected {expected_used}"
    plain = permutation_importance(estimator, X, y, inference="batched", **kw)
    fast_b, plain_b = _bunches(fast), _bunches(plain)
    assert fast_b.keys() == plain_b.keys()
    for key in fast_b:
        assert np.abs(plain_b[key].importances).max() > 1e-3  # something to compare
        np.testing.assert_allclose(
            fast_b[key].importances, plain_b[key].importances, rtol=rtol, atol=atol
        )
    if against_sklearn:
        assert "feature_groups" not in kwargs, "scikit-learn has no feature groups"
        theirs = _bunches(sklearn_pi(estimator, X, y, **kw))
        for key in fast_b:
            np.testing.assert_allclose(
                fast_b[key].importances, theirs[key].importances, rtol=1e-4, atol=1e-5
            )
    return fast
