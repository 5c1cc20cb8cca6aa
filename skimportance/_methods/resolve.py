"""``method=`` resolved: the named methods and the sampler each one means.

The one place that lists them: :data:`METHODS` (name -> sampler class) feeds
the parameter constraint and docstring of both ``permutation_importance`` and
the selector, and the error for an unknown name. A new named method is one
entry here.
"""

import numpy as np

from .base import BaseSampler, flat_numeric
from .conditional import ConditionalSampler
from .permutation import PermutationSampler

__all__ = ["METHODS", "check_method_input", "is_permutation", "resolve_method"]

#: the names ``method=`` accepts, each with its sampler class (default
#: parameters); any :class:`BaseSampler` instance is accepted too
METHODS = {"permutation": PermutationSampler, "conditional": ConditionalSampler}


def resolve_method(method):
    """The sampler of ``method=``: a name in :data:`METHODS` or a sampler."""
    if isinstance(method, BaseSampler):
        return method
    if isinstance(method, str) and method in METHODS:
        return METHODS[method]()
    names = ", ".join(repr(name) for name in METHODS)
    raise ValueError(
        f"method must be one of {names} or a sampler (an instance of "
        f"skimportance.BaseSampler such as ConditionalSampler()); got {method!r}."
    )


def is_permutation(sampler):
    """Whether ``sampler`` replaces inputs by permuted rows (plain importance)."""
    return isinstance(sampler, PermutationSampler)


def check_method_input(method, X):
    """Raise the clear error of a sampler that needs numeric X, early."""
    if not is_permutation(resolve_method(method)):
        if hasattr(X, "iloc"):
            flat_numeric(X.iloc[:1])
        else:
            flat_numeric(np.asarray(X)[:1])
