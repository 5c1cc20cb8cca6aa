"""Blocks: stacked permuted copies of X, cut to fit a memory budget.

A block holds, one after the other, the permuted copies of X's evaluated rows
for several segments (one segment per (group, repeat) pair), or a piece of
one segment's rows when a single segment exceeds the budget. A task is the
list of ``(segment, start, stop)`` pieces one block holds.
"""

import math

import numpy as np

__all__ = ["BlockBuffer", "build_block_array", "build_block_frame", "plan_blocks"]


def plan_blocks(
    n_segments,
    n_rows,
    row_nbytes,
    working_memory,
    n_workers,
    splittable,
    block_rows=None,
):
    """Cut the stacked rows into blocks, each a list of (segment, start, stop) pieces.

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


class BlockBuffer:
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


def _whole(pieces, n_rows):
    return all(start == 0 and stop == n_rows for _, start, stop in pieces)


def _block_memory(X_eval, n_block, whole, buf):
    """The block's array, and whether it must be filled from X_eval anew.

    A buffer that holds whole segments and knows its permuted cells is put
    back to the tiled X by restoring only those cells.
    """
    reuse = buf is not None and buf.array is not None and len(buf.array) >= n_block
    if reuse and whole and buf.dirty is not None:
        block = buf.array[:n_block]
        for offset, n, idx in buf.dirty:  # back to the tiled X
            buf.array[offset : offset + n][idx] = X_eval[idx]
        buf.dirty = []
        return block, False
    if reuse:
        block = buf.array[:n_block]
    else:
        block = np.empty((n_block,) + X_eval.shape[1:], dtype=X_eval.dtype)
        if buf is not None:
            buf.array = block
    if buf is not None:
        # rows past n_block keep whatever they held: unknown from now on
        buf.dirty = [] if whole and len(buf.array) == n_block else None
    return block, True


def build_block_array(
    X_eval, pieces, seg_groups, seg_perms, feature_axis, buf=None, values=None
):
    """Stack the permuted copies of the pieces of a numpy X_eval (or, with
    ``values``, copies whose group columns take ``values(s, start, stop)``)."""
    n_rows = len(X_eval)
    n_block = sum(stop - start for _, start, stop in pieces)
    whole = _whole(pieces, n_rows)
    block, fresh = _block_memory(X_eval, n_block, whole, buf)
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


def build_block_frame(X_eval, pieces, seg_groups, seg_perms, values=None):
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
