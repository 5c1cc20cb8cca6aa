"""The fast paths: ways to answer permuted segments without stacking copies of X.

The engine (:func:`skimportance._engine.core.permuted_scores`) scores
(group, repeat) segments. By default it stacks permuted copies of X and asks
the responder for their responses. A fast path instead answers for *pieces*
of segments directly, from work done once on the unpermuted rows; it follows
the :class:`PieceResponder` protocol.

:data:`FAST_PATHS` lists the candidates, in order of preference. Each owns
its preconditions: :meth:`FastPath.why_not` says why it does not apply (or
None), :meth:`FastPath.build` returns a :class:`PieceResponder` or None (its
check against the plain path failed). :func:`find_fast_path` returns the first
that applies. A new path (Embedding-first, Conv1D-first) is one more
candidate here, and its tests call
:func:`skimportance.estimator_checks.check_fast_path_equals_plain` (the fast
path is used, and equals the plain path).
"""

import logging
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from .._utils.indexing import take_rows

__all__ = ["FAST_PATHS", "FastPathRequest", "PieceResponder", "find_fast_path"]

logger = logging.getLogger("skimportance")


@runtime_checkable
class PieceResponder(Protocol):
    """Answers for pieces of permuted segments, without stacked copies of X.

    Attributes
    ----------
    row_nbytes : int
        Bytes of working memory per answered row (replaces a stacked row's
        bytes in the engine's ``working_memory`` budget).
    block_rows : int
        Rows per call it prefers.
    """

    row_nbytes: int
    block_rows: int

    def __call__(self, pieces, seg_groups, seg_perms, values=None):
        """Responses of the permuted copies that ``pieces`` describe.

        Parameters
        ----------
        pieces : list of (segment, start, stop)
            Rows ``start:stop`` of the evaluated rows of each segment; all
            pieces of one call have the same number of rows.
        seg_groups : list of list of int
            Per segment, the columns permuted together.
        seg_perms : list of ndarray
            Per segment, the row permutation of the evaluated rows.
        values : callable or None
            With a sampler other than row permutations, ``values(s, start,
            stop)``: the values replacing segment ``s``'s group columns in
            rows ``start:stop`` (see :mod:`skimportance._methods.base`). Only
            passed to paths whose ``why_not`` allowed ``replaces``.

        Returns
        -------
        responses : dict
            Response method -> array over the pieces' rows, in order.
        """


@dataclass(frozen=True)
class FastPathRequest:
    """What a fast path may look at to decide whether it applies.

    Attributes
    ----------
    responder : object
        The responder of the estimator (see :mod:`skimportance._importance.responders`).
    X : ndarray or DataFrame of shape (n_samples, n_columns)
        The data as the engine permutes it (flat columns).
    rows : ndarray or None
        Evaluated rows of X (None: all).
    groups : list of list of int
        Columns permuted together.
    methods : tuple of str
        Response methods the scorers need.
    needs_rows : bool
        Whether a scorer must see the stacked rows themselves.
    block_shape : tuple or None
        Trailing shape blocks are viewed as (X of more than two axes).
    replaces : bool
        Whether the measured columns take a sampler's values rather than
        permuted rows (``method="conditional"``).
    X_eval : ndarray or DataFrame, default=None
        The evaluated rows of X (None: taken from ``rows`` here).
    """

    responder: Any
    X: Any
    rows: Any
    groups: list
    methods: tuple
    needs_rows: bool = False
    block_shape: Any = None
    replaces: bool = False
    X_eval: Any = None

    def __post_init__(self):
        if self.X_eval is None:
            object.__setattr__(self, "X_eval", take_rows(self.X, self.rows))

    @property
    def max_group(self):
        return max((len(g) for g in self.groups), default=1)


class FastPath:
    """A candidate fast path: its preconditions and how to build it."""

    name = "fast path"

    def why_not(self, request):
        """Why this path does not apply to ``request`` (None: it may)."""
        if not request.methods:
            return "no response method is needed"
        if request.needs_rows:
            return "a scorer needs the permuted rows themselves"
        if request.block_shape is not None:
            return "X has more than two axes"
        return None

    def build(self, request):
        """A :class:`PieceResponder`, or None when its check failed."""
        raise NotImplementedError


def _numeric_frame(X):
    """Whether every column of the DataFrame X is numbers (or booleans)."""
    import pandas as pd

    return all(
        pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)
        for dtype in X.dtypes
    )


class FirstLayerPath(FastPath):
    """A Keras network whose input feeds a Dense layer: rank-k updates of the
    first layer's pre-activations (:mod:`skimportance._fast_paths.first_layer`)."""

    name = "first-layer updates"

    def why_not(self, request):
        from .._keras.responder import KerasResponder

        reason = super().why_not(request)
        if reason:
            return reason
        responder = request.responder
        if not isinstance(responder, KerasResponder):
            return "not a Keras wrapper"
        if responder.block_dtype is None:
            return "the wrapper's feature encoder transforms X"
        if hasattr(request.X, "iloc") and not _numeric_frame(request.X):
            return "X is a DataFrame with non-numeric columns"
        return None

    def build(self, request):
        from .first_layer import first_layer_updater

        responder = request.responder
        X_eval = request.X_eval
        if hasattr(X_eval, "iloc"):  # validated as the estimator's predict would
            X_eval = responder.prepare(X_eval)
        X_eval = np.asarray(X_eval, dtype=responder.block_dtype)
        return first_layer_updater(
            responder, X_eval, request.methods, request.max_group
        )


class PipelinePrefixPath(FastPath):
    """A Pipeline of per-column transformers then a Keras network: the prefix
    applied once, then first-layer updates (see
    :mod:`skimportance._fast_paths.pipeline_prefix`)."""

    name = "pipeline prefix, then first-layer updates"

    def why_not(self, request):
        from .._keras.responder import KerasResponder

        reason = super().why_not(request)
        if reason:
            return reason
        responder = request.responder
        final = getattr(responder, "final", None)
        if getattr(responder, "prefix", None) is None or not isinstance(
            final, KerasResponder
        ):
            return "not a Pipeline ending in a Keras wrapper"
        if final.block_dtype is None:
            return "the wrapper's feature encoder transforms X"
        if len(request.X.shape) != 2:
            return "X has more than two axes"
        if request.replaces:
            return "the measured columns take a sampler's values, not permuted rows"
        return None

    def build(self, request):
        from .pipeline_prefix import prefix_updater

        try:
            return prefix_updater(
                request.responder,
                request.X_eval,
                request.groups,
                request.methods,
            )
        except Exception:  # a transformer that cannot take the probe: fall back
            logger.debug("pipeline prefix path failed", exc_info=True)
            return None


#: candidates, in order of preference
FAST_PATHS = (FirstLayerPath(), PipelinePrefixPath())


def find_fast_path(request, paths=FAST_PATHS):
    """The first fast path that applies to ``request``, built; or None.

    Parameters
    ----------
    request : FastPathRequest
    paths : sequence of FastPath, default=FAST_PATHS

    Returns
    -------
    responder : PieceResponder or None
        None: the plain path (stacked permuted copies) answers.
    """
    for path in paths:
        reason = path.why_not(request)
        if reason is None:
            updater = path.build(request)
            if updater is not None:
                logger.debug("%s used", path.name)
                return updater
            reason = "its check against the plain path failed"
        logger.debug("%s not used: %s", path.name, reason)
    return None


def fast_path_reasons(request, paths=FAST_PATHS):
    """Each candidate's name and why it does not apply (None: it may)."""
    return [(path.name, path.why_not(request)) for path in paths]
