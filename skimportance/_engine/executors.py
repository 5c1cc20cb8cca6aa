"""Executors: how the engine's blocks are run (results do not depend on it).

Each runs the planned blocks (each a list of ``(segment, start, stop)``
pieces, see :mod:`skimportance._engine.blocks`) through a ``stacker`` (see
``_Stacker`` in :mod:`skimportance._engine.core`: ``build(pieces, buf)``
stacks a block, ``respond(block)`` answers it, ``run(pieces)`` does both, or
asks a fast path that needs no block) and hands every
``(pieces, block, responses)`` to ``collect``, in block order.
"""

from collections import deque
from concurrent.futures import ThreadPoolExecutor

from joblib import effective_n_jobs
from sklearn.utils.parallel import Parallel, delayed

from .blocks import BlockBuffer

__all__ = ["blocks_in_flight", "n_workers", "run_blocks"]


def n_workers(n_jobs):
    """Blocks processed at once with ``n_jobs`` (joblib's count, at least 1)."""
    return max(1, effective_n_jobs(n_jobs))


def blocks_in_flight(workers, stacks):
    """Blocks held in memory at once, which the memory budget is divided by.

    Without stacking, two tasks are in flight at once (see :func:`_overlapped`).
    """
    return workers if stacks else max(workers, 2)


def run_blocks(tasks, stacker, collect, n_jobs, workers):
    """Run every task, choosing the executor.

    One task, or a DataFrame on one worker: in order. A fast path on one
    worker: two tasks in flight. Stacked numpy blocks on one worker: the next
    block built while the model answers this one. Several workers: batches of
    ``workers`` tasks in joblib threads.
    """
    if len(tasks) == 1 or (workers == 1 and stacker.is_frame):
        _in_order(tasks, stacker.run, collect)
    elif not stacker.stacks and workers == 1:
        _overlapped(tasks, stacker.run, collect)
    elif workers == 1:
        _pipelined(tasks, stacker.build, stacker.respond, collect)
    else:
        _in_batches(tasks, stacker.run, collect, n_jobs, workers)


def _in_order(tasks, run, collect):
    for pieces in tasks:
        block, responses = run(pieces)
        collect(pieces, block, responses)
        del block, responses


def _in_batches(tasks, run, collect, n_jobs, workers):
    """Blocks built and predicted in parallel threads.

    Each batch holds at most ``workers`` blocks, which the budget was divided
    by.
    """
    for i in range(0, len(tasks), workers):
        batch = tasks[i : i + workers]
        results = Parallel(n_jobs=n_jobs, prefer="threads")(
            delayed(run)(pieces) for pieces in batch
        )
        for pieces, (block, responses) in zip(batch, results):
            collect(pieces, block, responses)
        del results


def _pipelined(tasks, build, respond, collect):
    """Build block i+1 in a thread while the model answers block i.

    numpy's copies and the model's inference both release the GIL, so stacking
    overlaps with inference. Two buffers alternate: a block's memory is reused
    two blocks later, after it has been scored (fresh allocations of tens of
    MiB page-fault on every block).
    """
    buffers = [BlockBuffer(), BlockBuffer()]
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
