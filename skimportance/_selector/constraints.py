"""The selector's ``_parameter_constraints``: its own parameters', and those it
shares with :func:`~skimportance.permutation_importance`."""

from numbers import Integral, Real

from sklearn.metrics import get_scorer_names

from .._importance.params import SHARED_CONSTRAINTS
from .._statistics import CV_TESTS, MULTIPLE_TESTING
from .._utils.compat import HasMethods, Interval, StrOptions

__all__ = ["SELECTOR_CONSTRAINTS"]

SELECTOR_CONSTRAINTS = {
    "estimator": [HasMethods(["fit"])],
    "scoring": [StrOptions(set(get_scorer_names())), callable, None],
    "cv": ["cv_object", StrOptions({"prefit"})],
    "threshold": [Interval(Real, None, None, closed="neither"), str, None],
    "alpha": [Interval(Real, 0, 1, closed="neither")],
    "multiple_testing": [StrOptions(set(MULTIPLE_TESTING))],
    "cv_test": [StrOptions(set(CV_TESTS))],
    "max_features": [Interval(Integral, 0, None, closed="left"), callable, None],
    "min_features_to_select": [Interval(Integral, 0, None, closed="left")],
    "refit": ["boolean"],
    "random_state": ["random_state"],
    "n_jobs": [Integral, None],
    "verbose": ["verbose"],
    **SHARED_CONSTRAINTS,
}
