"""The permutation engine: permutations, stacking, chunking and segment scoring.

This module knows nothing about estimators. It takes

* ``X`` (a numpy array of any number of axes, or a pandas DataFrame),
* ``groups``: the columns permuted together (one list per importance),
* ``perms``: the row permutations, one per repeat,
* ``replacements`` (optional): the values that replace a group's columns
  instead of its permuted rows (a sampler's, see :mod:`skimportance._samplers`),
* ``respond(block)``: a function returning the model's responses for a block
  of rows (a dict ``{method_name: array}``),
* ``score_segments(block, responses, n_segments)``: a function scoring each of
  the ``n_segments`` equal consecutive row segments of a block,

stacks the permuted copies of X for many (group, repeat) pairs into blocks that
stay within a memory budget, asks for the responses of each block in one call,
and scores every segment.
"""

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.random import sample_without_replacement

from ._compat import _safe_indexing

__all__ = ["BlockOptions", "draw_permutations", "permuted_scores"]


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


def _plan(
    n_segments,
    n_rows,
    row_nbytes,
    working_memory,
    n_workers,
    splittable,
    block_rows=None,
):
    """Cut the stacked rows into tasks of (segment, start, stop) pieces.

    Blocks hold whole segments while at least one segment fits in the budget
    (divided among the workers that hold blocks at once). Otherwise, when the
    scorer does not need whole segments of X, each segment is cut into row
    pieces that fit; when it does, whole segments are kept and the budget is
    exceeded (the caller warns).
    """
    budget = working_memory * 2**20 / max(1, n_workers)
    rows_fit = max(1, int(budget // max(1, row_nbytes)))
    if rows_fit >= n_rows or not splittable:
        wanted = rows_fit if block_rows is None else min(rows_fit, block_rows)
        per_block = max(1, min(n_segments, wanted // n_rows))
        # balance the blocks so the last one is not tiny
        n_blocks = math.ceil(n_segments / per_block)
        per_block = math.ceil(n_segments / n_blocks)
        return [
            [(s, 0, n_rows) for s in range(start, min(start + per_block, n_segments))]
            for start in range(0, n_segments, per_block)
        ]
    return [
        [(s, start, min(start + rows_fit, n_rows))]
        for s in range(n_segments)
        for start in range(0, n_rows, rows_fit)
    ]


class _Buffer:
    """Reusable memory for blocks, remembering which cells differ from X.

    Consecutive blocks differ from the tiled X only in their permuted columns.
    A buffer holding whole segments is therefore rebuilt by restoring the
    columns the previous block permuted and permuting the new ones, instead of
    copying all of X again (a fresh allocation of tens of MiB also page-faults
    on every block).
    """

    def __init__(self):
        self.array = None
        self.dirty = None  # [(row offset, n rows, index)] or None: unknown


def _column_index(ndim, feature_axis, cols):
    idx = [slice(None)] * ndim
    idx[feature_axis] = cols
    return tuple(idx)


def _build_block_array(
    X_eval, pieces, seg_groups, seg_perms, feature_axis, buf=None, values=None
):
    """Stack the permuted copies of the pieces of a numpy X_eval (or, with
    ``values``, copies whose group columns take ``values(s, start, stop)``)."""
    n_rows = len(X_eval)
    n_block = sum(stop - start for _, start, stop in pieces)
    whole = all(start == 0 and stop == n_rows for _, start, stop in pieces)
    reuse = buf is not None and buf.array is not None and len(buf.array) >= n_block
    if reuse and whole and buf.dirty is not None:
        block = buf.array[:n_block]
        for offset, n, idx in buf.dirty:  # back to the tiled X
            buf.array[offset : offset + n][idx] = X_eval[idx]
        buf.dirty = []
        fresh = False
    else:
        if reuse:
            block = buf.array[:n_block]
        else:
            block = np.empty((n_block,) + X_eval.shape[1:], dtype=X_eval.dtype)
            if buf is not None:
                buf.array = block
        fresh = True
        if buf is not None:
            # rows past n_block keep whatever they held: unknown from now on
            buf.dirty = [] if whole and len(buf.array) == n_block else None
    if whole and fresh:  # one broadcast copy of X_eval into every segment
        block.reshape((len(pieces),) + X_eval.shape)[...] = X_eval
    offset = 0
    for s, start, stop in pieces:
        n = stop - start
        out = block[offset : offset + n]
        if not whole:
            out[...] = X_eval[start:stop]
        idx = _column_index(X_eval.ndim, feature_axis, seg_groups[s])
        if values is not None:  # replacement values of a 2-D X_eval's columns
            out[idx] = values(s, start, stop)
        else:  # out[:, ..., cols, ...] = X_eval[source][:, ..., cols, ...]
            out[idx] = np.take(X_eval[idx], seg_perms[s][start:stop], axis=0)
        if buf is not None and buf.dirty is not None:
            buf.dirty.append((offset, n, idx))
        offset += n
    return block


def _build_block_frame(X_eval, pieces, seg_groups, seg_perms, values=None):
    """Stack the permuted copies of the pieces of a DataFrame, keeping dtypes
    (with ``values``: replaced columns take them, as floats)."""
    import pandas as pd

    columns = {}
    n_cols = X_eval.shape[1]
    identity = [np.arange(start, stop) for _, start, stop in pieces]
    for c in range(n_cols):
        col = X_eval.iloc[:, c]
        if values is not None and any(c in seg_groups[s] for s, _, _ in pieces):
            parts = [
                values(s, start, stop)[:, seg_groups[s].index(c)]
                if c in seg_groups[s]
                else col.to_numpy()[start:stop]
                for s, start, stop in pieces
            ]
            columns[c] = pd.Series(np.concatenate(parts).astype(float))
            continue
        parts = []
        for (s, start, stop), ident in zip(pieces, identity):
            if c in seg_groups[s]:
                parts.append(seg_perms[s][start:stop])
            else:
                parts.append(ident)
        take = np.concatenate(parts)
        columns[c] = col.take(take).reset_index(drop=True)
    block = pd.concat(columns, axis=1)
    block.columns = X_eval.columns
    return block


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


def permuted_scores(
    respond,
    score_segments,
    X,
    groups,
    perms,
    *,
    rows=None,
    feature_axis=1,
    block_shape=None,
    options=None,
    respond_pieces=None,
    progress=None,
    replacements=None,
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
    X : ndarray or DataFrame of shape (n_samples, ...)
        The data. Never modified.
    groups : list of list of int
        Column indices (along ``feature_axis``) permuted together.
    perms : ndarray of shape (n_repeats, n_evaluated)
        Row permutations (see :func:`draw_permutations`).
    rows : ndarray or None
        Rows of X evaluated (None: all, in order).
    feature_axis : int
        Axis of X holding the features (numpy input only).
    block_shape : tuple or None
        Trailing shape each block is viewed as before the model sees it: X
        of several axes is stacked flat (samples, product of the other axes).
    options : BlockOptions or None
        How blocks are sized and run (None: the defaults).
    respond_pieces : PieceResponder or None
        A fast path (see :mod:`skimportance._fast_paths`) answering for
        blocks without stacking them:
        ``respond_pieces(pieces, seg_groups, seg_perms) -> dict`` gives the
        responses of the permuted copies that ``pieces`` describe, and its
        ``row_nbytes`` and ``block_rows`` replace those of stacked X. Then
        ``respond`` is not used and ``score_segments`` gets no block.
    progress : callable or None
        Called with the number of segments scored after each block.
    replacements : callable or None
        ``replacements(s, start, stop) -> ndarray (stop - start, len(group))``:
        the values that replace segment ``s``'s group columns in evaluated rows
        ``start:stop`` (see :mod:`skimportance._samplers`; X must then be 2-D
        or a DataFrame). None: the rows of X in ``perms`` order.

    Returns
    -------
    scores : list
        One entry per (group, repeat), ordered group-major: the score for
        group ``g`` and repeat ``r`` is at ``g * n_repeats + r``.
    """
    options = BlockOptions() if options is None else options
    working_memory, splittable = options.working_memory, options.splittable
    n_jobs, block_dtype = options.n_jobs, options.block_dtype
    block_rows = options.block_rows
    if respond_pieces is not None:  # X is never stacked: its rows are not taken
        X_eval, is_frame = None, False
        row_nbytes = respond_pieces.row_nbytes
        block_rows = respond_pieces.block_rows
    else:
        X_eval = X if rows is None else _safe_indexing(X, rows, axis=0)
        is_frame = hasattr(X_eval, "iloc")
        if is_frame:
            row_nbytes = int(X_eval.memory_usage(index=False, deep=False).sum()) // max(
                1, len(X_eval)
            )
        else:
            if block_dtype is not None and X_eval.dtype != block_dtype:
                X_eval = X_eval.astype(block_dtype)
            feature_axis = feature_axis % X_eval.ndim
            row_nbytes = X_eval[:1].nbytes
    row_nbytes += options.response_nbytes

    n_repeats, n_rows = perms.shape
    seg_groups = [g for g in groups for _ in range(n_repeats)]
    seg_perms = [perms[r] for _ in groups for r in range(n_repeats)]
    n_segments = len(seg_groups)

    n_workers = _effective_n_jobs(n_jobs)
    # without stacking, two blocks are in flight at once (see _overlapped)
    holders = max(n_workers, 2) if respond_pieces is not None else n_workers
    tasks = _plan(
        n_segments,
        n_rows,
        row_nbytes,
        working_memory,
        holders,
        splittable,
        block_rows,
    )

    def shape(block):
        if block_shape is None:
            return block
        return block.reshape((-1,) + tuple(block_shape))

    def build(pieces, buf=None):
        if is_frame:
            return _build_block_frame(
                X_eval, pieces, seg_groups, seg_perms, replacements
            )
        return _build_block_array(
            X_eval, pieces, seg_groups, seg_perms, feature_axis, buf, replacements
        )

    def run(pieces):
        if respond_pieces is not None:
            if replacements is None:
                return None, respond_pieces(pieces, seg_groups, seg_perms)
            return None, respond_pieces(pieces, seg_groups, seg_perms, replacements)
        block = shape(build(pieces))
        return block, respond(block)

    scores = [None] * n_segments
    pending = {}  # segment -> list of response dicts of its pieces

    def collect(pieces, block, responses):
        whole = all(start == 0 and stop == n_rows for _, start, stop in pieces)
        if whole:
            seg_ids = [s for s, _, _ in pieces]
            for s, value in zip(seg_ids, score_segments(block, responses, seg_ids)):
                scores[s] = value
            if progress is not None:
                progress(len(seg_ids))
            return
        for s, _start, stop in pieces:
            pending.setdefault(s, []).append(responses)
            if stop == n_rows:
                parts = pending.pop(s)
                merged = {
                    k: np.concatenate([p[k] for p in parts], axis=0) for k in parts[0]
                }
                scores[s] = score_segments(None, merged, [s])[0]
                if progress is not None:
                    progress(1)

    if len(tasks) == 1 or (n_workers == 1 and is_frame):
        for pieces in tasks:
            block, responses = run(pieces)
            collect(pieces, block, responses)
            del block, responses
    elif respond_pieces is not None and n_workers == 1:
        _overlapped(tasks, run, collect)
    elif n_workers == 1:
        _pipelined(tasks, lambda p, b: shape(build(p, b)), respond, collect)
    else:
        # Blocks are built and predicted in parallel; each batch holds at most
        # n_workers blocks, which the budget was divided by.
        for i in range(0, len(tasks), n_workers):
            batch = tasks[i : i + n_workers]
            results = Parallel(n_jobs=n_jobs, prefer="threads")(
                delayed(run)(pieces) for pieces in batch
            )
            for pieces, (block, responses) in zip(batch, results):
                collect(pieces, block, responses)
            del results
    return scores


def _pipelined(tasks, build, respond, collect):
    """Build block i+1 in a thread while the model answers block i.

    numpy's copies and the model's inference both release the GIL, so stacking
    overlaps with inference. Two buffers alternate: a block's memory is reused
    two blocks later, after it has been scored (fresh allocations of tens of
    MiB page-fault on every block).
    """
    from concurrent.futures import ThreadPoolExecutor

    buffers = [_Buffer(), _Buffer()]
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(build, tasks[0], buffers[0])
        for i, pieces in enumerate(tasks):
            block = future.result()
            if i + 1 < len(tasks):
                future = pool.submit(build, tasks[i + 1], buffers[(i + 1) % 2])
            responses = respond(block)
            collect(pieces, block, responses)
            del block, responses


def _overlapped(tasks, run, collect, in_flight=2):
    """Run up to ``in_flight`` tasks in threads while finished ones are scored.

    The model's inference releases the GIL; two calls at once fill the gaps
    between the operations of one (measured on 2 cores: ~10% more rows/s).
    """
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=in_flight) as pool:
        queue = deque()
        next_task = 0
        while next_task < len(tasks) or queue:
            while next_task < len(tasks) and len(queue) < in_flight:
                queue.append((tasks[next_task], pool.submit(run, tasks[next_task])))
                next_task += 1
            pieces, future = queue.popleft()
            block, responses = future.result()
            collect(pieces, block, responses)
            del block, responses


def _effective_n_jobs(n_jobs):
    from joblib import effective_n_jobs

    return max(1, effective_n_jobs(n_jobs))
