"""Parameters shared by :func:`permutation_importance` and the selector:
their constraints and their docstring text, written once.

A docstring decorated with :func:`fill_doc` names a shared parameter as
``${name}`` on a line of its own, indented as the parameter list (4 spaces);
the parameter's line and description are put there, and further lines of
description may follow.
"""

import string
from numbers import Integral, Real

from .._methods.base import BaseSampler
from .._methods.resolve import METHODS
from .._utils.compat import HasMethods, Interval, RealNotInt, StrOptions

__all__ = ["FUNCTION_CONSTRAINTS", "PARAM_DOCS", "SHARED_CONSTRAINTS", "fill_doc"]

FUNCTION_CONSTRAINTS = {
    "estimator": [HasMethods(["fit"])],
    "X": ["array-like"],
    "n_jobs": [Integral, None],
    "random_state": ["random_state"],
    "sample_weight": ["array-like", None],
}
"""``validate_params`` entries of what the public functions that measure a
fitted estimator on held-out rows all take (``permutation_importance``,
``interaction_importance``)."""

SHARED_CONSTRAINTS = {
    "n_repeats": [Interval(Integral, 1, None, closed="left")],
    "max_samples": [
        Interval(Integral, 1, None, closed="left"),
        Interval(RealNotInt, 0, 1, closed="right"),
    ],
    "batch_size": [Interval(Integral, 1, None, closed="left"), None],
    "feature_groups": [dict, list, tuple, StrOptions({"correlated", "inputs"}), None],
    "feature_axis": [Integral, tuple],
    "correlation_threshold": [Interval(Real, 0, 1, closed="right")],
    "inference": [StrOptions({"auto", "batched", "predict"})],
    "method": [StrOptions(set(METHODS)), BaseSampler],
}
"""``_parameter_constraints`` entries of the shared parameters."""

PARAM_DOCS = {
    "n_repeats": """\
n_repeats : int, default=5
        Number of times each feature is permuted (in the selector: on each
        split).""",
    "batch_size": """\
batch_size : int or None, default=None
        Rows per compiled Keras call on the fast path. ``None`` takes about
        32 MiB of input per call (1,024 to 262,144 rows). Only changes speed and
        memory, not results.""",
    "feature_groups": """\
feature_groups : dict, list of lists, "correlated", "inputs" or None, default=None
        Measure groups of features together (their columns permuted with the
        same row permutation): ``{name: [columns]}`` or ``[[columns], ...]``
        (indices along ``feature_axis``, or DataFrame column names), or
        ``"correlated"`` to cluster features by absolute Spearman correlation
        (average linkage, cut at ``correlation_threshold``). Features in no
        group are measured alone; groups may overlap (each is measured on its
        own). ``"inputs"``, for a model with several inputs (X a dict or a
        list): each input is one group, its importance that of the whole
        input.""",
    "feature_axis": """\
feature_axis : int or tuple of int, default=-1
        For X with more than 2 axes, e.g. (samples, time steps, channels) for an
        LSTM/GRU/Conv1D model: the axis of the features. A feature's whole
        sequence is permuted across samples, keeping its time order. ``1``
        gives importance per time step, ``(1, 2)`` per (time step, channel)
        cell.""",
    "correlation_threshold": """\
correlation_threshold : float, default=0.8
        For ``feature_groups="correlated"``: features linked at this absolute
        Spearman correlation or above share a group.""",
    "inference": """\
inference : {"auto", "batched", "predict"}, default="auto"
        How the model answers for the permuted rows; results agree to float
        tolerance, only speed differs. ``"auto"``: when a Keras model's input
        feeds a Dense layer (possibly after per-feature layers such as
        ``Normalization``), exact first-layer updates: the pre-activations of
        the unpermuted rows are computed once and a permuted column adds a
        rank-1 term, so the first matmul is skipped; other Keras models get
        compiled batches of stacked permuted copies. ``"batched"``: compiled
        batches only (turns first-layer updates off). ``"predict"``: the
        estimator's public methods on stacked blocks (Keras ``predict`` path).""",
    "method": "method : {"
    + ", ".join(f'"{name}"' for name in METHODS)
    + """} or sampler, default="permutation"
        What replaces a measured input. ``"permutation"``: the values of other
        rows (plain permutation importance, scikit-learn's permutations and
        numbers exactly). ``"conditional"``: a draw from the input's
        distribution given the other inputs
        (:class:`~skimportance.ConditionalSampler` with its defaults): an input
        the model does not need once the others are known, such as a
        correlated stand-in, then comes out near zero. A
        :class:`~skimportance.ConditionalSampler` instance sets the conditional
        models; any :class:`~skimportance.BaseSampler` is accepted. Needs
        numeric X; groups are conditioned on the inputs outside the group.""",
}
"""Docstring entries of the shared parameters (``max_samples`` differs: the
function scores its baseline on all rows, the selector on the drawn ones)."""


def fill_doc(obj, docs=PARAM_DOCS):
    """Put the shared parameter text (``docs``: by name) into ``obj``'s
    docstring (``${name}``)."""
    if obj.__doc__:  # None under python -OO
        obj.__doc__ = string.Template(obj.__doc__).substitute(docs)
    return obj
