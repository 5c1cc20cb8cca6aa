"""The permutation engine: permutations, stacking, chunking and segment scoring.

This module knows nothing about estimators. It takes

* a :class:`PermutedInput`: ``X`` (a numpy array of any number of axes, or a
  pandas DataFrame), ``groups`` (the columns permuted together, one list per
  importance), ``perms`` (the row permutations, one per repeat) and, optionally,
  ``replacements``: the values that replace a group's columns instead of its
  permuted rows (a sampler's, see :mod:`skimportance._methods.base`),
* ``respond(block)``: a function returning the model's responses for a block
  of rows (a dict ``{method_name: array}``),
* ``score_segments(block, responses, n_segments)``: a function scoring each of
  the ``n_segments`` equal consecutive row segments of a block,

stacks the permuted copies of X for many (group, repeat) pairs into blocks that
stay within a memory budget, asks for the responses of each block in one call,
and scores every segment. Blocks are built in :mod:`skimportance._engine.blocks` and
run by :mod:`skimportance._engine.executors`.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils.random import sample_without_replacement

from .._utils.indexing import take_rows
from .blocks import build_block_array, build_block_frame, plan_blocks
from .executors import blocks_in_flight, n_workers, run_blocks

__all__ = ["BlockOptions", "PermutedInput", "draw_permutations", "permuted_scores"]


def draw_permutations(random_seed, n_samples, n_repeats, max_samples):
    """Draw the rows and the per-repeat permutations exactly as scikit-learn does.

    scikit-learn's ``permutation_importance`` seeds a fresh ``RandomState`` with
    the same integer for every column, draws the evaluated rows without
    replacement when ``max_samples < n_samples``, and then, at each repeat,
    shuffles an index array in place and re-indexes the *already permuted*
    column with it: the permutations compose across repeats. Every column
    therefore sees the same sequence of permutations, which is what makes
    batching them possible.

    Parameters
    ----------
    random_seed : int
        The seed scikit-learn draws once per call.
    n_samples : int
        Number of rows of X.
    n_repeats : int
        Number of repeats.
    max_samples : int
        Number of rows evaluated (already converted from a fraction).

    Returns
    -------
    rows : ndarray of shape (max_samples,) or None
        The evaluated rows of X, or None when all rows are used in order.
    perms : ndarray of shape (n_repeats, n_evaluated)
        ``perms[r]`` gives, for each evaluated row, the evaluated row whose
        value the permuted column takes at repeat ``r``.
    """
    rng = check_random_state(random_seed)
    rows = None
    n_eval = n_samples
    if max_samples < n_samples:
        rows = sample_without_replacement(n_samples, max_samples, random_state=rng)
        n_eval = max_samples
    shuffling_idx = np.arange(n_eval)
    current = np.arange(n_eval)
    perms = np.empty((n_repeats, n_eval), dtype=np.intp)
    for r in range(n_repeats):
        rng.shuffle(shuffling_idx)
        current = current[shuffling_idx]
        perms[r] = current
    return rows, perms


@dataclass(frozen=True)
class BlockOptions:
    """How the engine sizes and runs its blocks (results do not depend on it).

    Attributes
    ----------
    working_memory : float, default=1024
        Budget, in MiB, for the stacked input block.
    splittable : bool, default=True
        Whether a segment may be assembled from row pieces when one segment
        alone exceeds the budget.
    n_jobs : int or None, default=None
        Blocks processed in parallel by joblib (threads preferred).
    block_dtype : dtype or None, default=None
        Cast numpy X to this dtype once before stacking (the model's input
        dtype, so that the conversion is not repeated for every copy).
    response_nbytes : int, default=0
        Bytes of responses per row, counted in the budget.
    block_rows : int or None, default=None
        Preferred rows per block (whole segments are kept together); None
        fills the budget. The Keras fast path prefers blocks of one compiled
        batch, which stay in the CPU cache between stacking and inference.
    """

    working_memory: float = 1024
    splittable: bool = True
    n_jobs: Any = None
    block_dtype: Any = None
    response_nbytes: int = 0
    block_rows: Any = None


@dataclass(frozen=True)
class PermutedInput:
    """What the engine permutes: X, its groups, the rows and permutations.

    Attributes
    ----------
    X : ndarray or DataFrame of shape (n_samples, ...)
        The data. Never modified.
    groups : list of list of int
        Column indices (along ``feature_axis``) permuted together.
    perms : ndarray of shape (n_repeats, n_evaluated)
        Row permutations (see :func:`draw_permutations`).
    rows : ndarray or None, default=None
        Rows of X evaluated (None: all, in order).
    replacements : callable or None, default=None
        ``replacements(s, start, stop) -> ndarray (stop - start, len(group))``:
        the values that replace segment ``s``'s group columns in evaluated rows
        ``start:stop`` (see :mod:`skimportance._methods.base`; X must then be 2-D
        or a DataFrame). None: the rows of X in ``perms`` order.
    block_shape : tuple or None, default=None
        Trailing shape each block is viewed as before the model sees it: X
        of several axes is stacked flat (samples, product of the other axes).
    feature_axis : int, default=1
        Axis of X holding the features (numpy input only).
    X_eval : ndarray or DataFrame, default=None
        The evaluated rows of X, taken once here (None: taken from ``rows``).
    """

    X: Any
    groups: list
    perms: np.ndarray
    rows: Any = None
    replacements: Any = None
    block_shape: Any = None
    feature_axis: int = 1
    X_eval: Any = None

    def __post_init__(self):
        if self.X_eval is None:
            object.__setattr__(self, "X_eval", take_rows(self.X, self.rows))


def permuted_scores(
    respond,
    score_segments,
    permuted,
    *,
    options=None,
    respond_pieces=None,
    progress=None,
):
    """Score the model on every (group, repeat) permutation of X.

    Parameters
    ----------
    respond : callable
        ``respond(block) -> dict`` of responses for the rows of ``block``.
    score_segments : callable
        ``score_segments(block_or_None, responses, segment_ids) -> list`` of
        scores, one per segment, in order. ``block`` is None when segments
        were assembled from several pieces.
    permuted : PermutedInput
        X and the copies made of it.
    options : BlockOptions or None
        How blocks are sized and run (None: the defaults).
    respond_pieces : PieceResponder or None
        A fast path (see :mod:`skimportance._fast_paths.registry`) answering for
        blocks without stacking them:
        ``respond_pieces(pieces, seg_groups, seg_perms) -> dict`` gives the
        responses of the permuted copies that ``pieces`` describe, and its
        ``row_nbytes`` and ``block_rows`` replace those of stacked X. Then
        ``respond`` is not used and ``score_segments`` gets no block.
    progress : callable or None
        Called with the number of segments scored after each block.

    Returns
    -------
    scores : list
        One entry per (group, repeat), ordered group-major: the score for
        group ``g`` and repeat ``r`` is at ``g * n_repeats + r``.
    """
    options = BlockOptions() if options is None else options
    X_eval, feature_axis, row_nbytes, rows_wanted = _evaluated_input(
        permuted, options, respond_pieces
    )
    groups, perms = permuted.groups, permuted.perms
    n_repeats, n_rows = perms.shape
    seg_groups = [g for g in groups for _ in range(n_repeats)]
    seg_perms = [perms[r] for _ in groups for r in range(n_repeats)]
    workers = n_workers(options.n_jobs)
    tasks = plan_blocks(
        len(seg_groups),
        n_rows,
        row_nbytes,
        options.working_memory,
        blocks_in_flight(workers, stacks=respond_pieces is None),
        options.splittable,
        rows_wanted,
    )
    stacker = _Stacker(
        X_eval,
        feature_axis,
        (seg_groups, seg_perms),
        block_shape=permuted.block_shape,
        replacements=permuted.replacements,
        respond=respond,
        respond_pieces=respond_pieces,
    )
    collect = _Collector(score_segments, len(seg_groups), n_rows, progress)
    run_blocks(tasks, stacker, collect, options.n_jobs, workers)
    return collect.scores


def _evaluated_input(permuted, options, respond_pieces):
    """X's evaluated rows as blocks are stacked from them.

    Returns ``(X_eval, feature_axis, row_nbytes, block_rows)``: numpy X_eval
    cast to ``options.block_dtype`` once, its non-negative feature axis, the
    bytes one row of a block takes (responses included) and the preferred rows
    per block. A fast path answers without stacking.
    """
    feature_axis = permuted.feature_axis
    if respond_pieces is not None:
        row_nbytes = respond_pieces.row_nbytes + options.response_nbytes
        return None, feature_axis, row_nbytes, respond_pieces.block_rows
    X_eval = permuted.X_eval
    if hasattr(X_eval, "iloc"):
        row_nbytes = int(X_eval.memory_usage(index=False, deep=False).sum()) // max(
            1, len(X_eval)
        )
    else:
        block_dtype = options.block_dtype
        if block_dtype is not None and X_eval.dtype != block_dtype:
            X_eval = X_eval.astype(block_dtype)
        feature_axis = feature_axis % X_eval.ndim
        row_nbytes = X_eval[:1].nbytes
    return (
        X_eval,
        feature_axis,
        row_nbytes + options.response_nbytes,
        options.block_rows,
    )


class _Stacker:
    """Builds the blocks of one call and gets their responses.

    ``segments`` is ``(seg_groups, seg_perms)``: each segment's group and
    permutation. ``respond`` answers a stacked block; ``respond_pieces`` (a
    fast path, or None) answers a task's pieces without a block.
    """

    def __init__(
        self,
        X_eval,
        feature_axis,
        segments,
        *,
        block_shape,
        replacements,
        respond,
        respond_pieces,
    ):
        self.X_eval = X_eval
        self.feature_axis = feature_axis
        self.seg_groups, self.seg_perms = segments
        self.block_shape = block_shape
        self.replacements = replacements
        self.respond = respond
        self.respond_pieces = respond_pieces
        self.is_frame = hasattr(X_eval, "iloc")

    @property
    def stacks(self):
        """Whether blocks are stacked (False: a fast path answers pieces)."""
        return self.respond_pieces is None

    def build(self, pieces, buf=None):
        """The block of ``pieces``, viewed as ``block_shape`` when given."""
        if self.is_frame:
            return build_block_frame(
                self.X_eval, pieces, self.seg_groups, self.seg_perms, self.replacements
            )
        block = build_block_array(
            self.X_eval,
            pieces,
            self.seg_groups,
            self.seg_perms,
            self.feature_axis,
            buf,
            self.replacements,
        )
        if self.block_shape is None:
            return block
        return block.reshape((-1,) + tuple(self.block_shape))

    def run(self, pieces):
        """``(block, responses)`` of a task (block None for a fast path)."""
        if self.respond_pieces is None:
            block = self.build(pieces)
            return block, self.respond(block)
        args = (pieces, self.seg_groups, self.seg_perms)
        if self.replacements is not None:
            args += (self.replacements,)
        return None, self.respond_pieces(*args)


class _Collector:
    """Scores the segments of each finished task, in place in ``scores``.

    A segment assembled from row pieces is scored once its last piece is in,
    on the pieces' responses concatenated (with no block).
    """

    def __init__(self, score_segments, n_segments, n_rows, progress):
        self.score_segments = score_segments
        self.n_rows = n_rows
        self.progress = progress
        self.scores = [None] * n_segments
        self.pending = {}  # segment -> list of response dicts of its pieces

    def __call__(self, pieces, block, responses):
        if all(start == 0 and stop == self.n_rows for _, start, stop in pieces):
            seg_ids = [s for s, _, _ in pieces]
            values = self.score_segments(block, responses, seg_ids)
            for s, value in zip(seg_ids, values):
                self.scores[s] = value
            self._advance(len(seg_ids))
            return
        for s, _start, stop in pieces:
            self.pending.setdefault(s, []).append(responses)
            if stop == self.n_rows:
                parts = self.pending.pop(s)
                merged = {
                    k: np.concatenate([p[k] for p in parts], axis=0) for k in parts[0]
                }
                self.scores[s] = self.score_segments(None, merged, [s])[0]
                self._advance(1)

    def _advance(self, n_scored):
        if self.progress is not None:
            self.progress(n_scored)
