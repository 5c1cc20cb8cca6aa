"""The selector's fit, split by split: the cross-validation splits and their
seeds (a :class:`SplitPlan`), one task per split, and running the tasks here
or through joblib. The tasks themselves (train, then measure; the refit) are
in ``_parallel``."""

import copy
import numbers
import sys
from dataclasses import dataclass
from numbers import Integral

import numpy as np
from joblib import effective_n_jobs
from sklearn.base import clone
from sklearn.model_selection import check_cv
from sklearn.utils.parallel import Parallel, delayed

from .._keras.fitted_model import check_trainable
from .._utils.compat import _check_method_params, _num_samples
from .progress import Progress
from .split_task import fit_and_measure, refit

__all__ = [
    "SplitPlan",
    "clone_estimator",
    "make_splits",
    "run_split_tasks",
    "run_tasks",
    "split_tasks",
]


def clone_estimator(estimator):
    """``sklearn.base.clone`` that keeps Keras wrappers' ``fit_kwargs``.

    Keras 3's ``keras.wrappers`` estimators drop ``fit_kwargs`` when cloned
    (a clone trains with Keras' defaults: one epoch). Every parameter named
    ``fit_kwargs`` (also nested, e.g. ``model__fit_kwargs`` in a Pipeline) is
    copied back onto the clone.
    """
    new = clone(estimator)
    params = estimator.get_params(deep=True) if hasattr(estimator, "get_params") else {}
    lost = {
        name: copy.deepcopy(value)
        for name, value in params.items()
        if name.split("__")[-1] == "fit_kwargs" and value is not None
    }
    if lost:
        new_params = new.get_params(deep=True)
        lost = {k: v for k, v in lost.items() if new_params.get(k) is None}
        if lost:
            new.set_params(**lost)
    return new


def make_splits(cv, estimator, X, y, kind, rng, split_params):
    """The (train, test) index pairs; ``train`` is None for ``cv="prefit"``."""
    if isinstance(cv, str) and cv == "prefit":
        return [(None, np.arange(_num_samples(X)))]
    check_trainable(estimator)
    splitter = check_cv(cv, y, classifier=kind == "classifier")
    if isinstance(cv, Integral) and hasattr(splitter, "shuffle"):
        splitter.shuffle = True
        splitter.random_state = rng.randint(np.iinfo(np.int32).max)
    n_splits = splitter.get_n_splits(X, y, **split_params)
    if n_splits > _num_samples(X):
        raise ValueError(
            f"cv={cv!r} asks for {n_splits} splits but X has only "
            f"{_num_samples(X)} samples."
        )
    return list(splitter.split(X, y, **split_params))


@dataclass
class SplitPlan:
    """What ``fit`` runs: the splits, their seeds, and where.

    ``prefit`` is the estimator measured as it is (``cv="prefit"``), else
    None; ``refit``: whether to train on all of X afterwards; ``parallel``:
    whether the tasks (and the refit, alongside) go through joblib.
    """

    splits: list
    perm_seeds: np.ndarray
    train_seeds: list
    prefit: object
    refit: bool
    parallel: bool

    @classmethod
    def draw(cls, splits, rng, *, seeded, prefit, refit, n_jobs):
        """Draw the seeds from ``rng`` in a fixed order: permutation seeds,
        then (``seeded``) one training seed per split and one for the refit,
        so that a split trains the same network wherever it runs."""
        perm_seeds = rng.randint(np.iinfo(np.int32).max, size=len(splits))
        train_seeds = [None] * (len(splits) + 1)
        if seeded:
            train_seeds = rng.randint(np.iinfo(np.int32).max, size=len(splits) + 1)
        do_refit = prefit is None and refit
        n_tasks = len(splits) + do_refit
        parallel = n_tasks > 1 and effective_n_jobs(n_jobs) > 1
        return cls(splits, perm_seeds, train_seeds, prefit, do_refit, parallel)


def _index(a, rows):
    if hasattr(a, "iloc"):
        return a.iloc[rows]
    return np.asarray(a)[rows]


def _split_data(plan, train, test, data):
    """(estimator, train part, test part) of one split: the prefit estimator
    on all rows, or a fresh clone with its training rows and fit params."""
    estimator, X, y, fit_params, sample_weight = data
    if train is None:
        return plan.prefit, None, (X, y, sample_weight)
    train_part = (
        _index(X, train),
        _index(y, train),
        _check_method_params(X, fit_params, train),
    )
    sw_test = None if sample_weight is None else _index(sample_weight, test)
    test_part = (_index(X, test), _index(y, test), sw_test)
    return clone_estimator(estimator), train_part, test_part


def split_tasks(plan, data, max_samples, common, verbose):
    """``(function, args, kwargs)`` of each split, then of the refit when it
    runs alongside; generated one at a time (each holds a copy of its split).

    ``data`` is ``(estimator, X, y, fit_params, sample_weight)``; ``common``
    the keyword arguments of :func:`fit_and_measure` shared by all splits.
    """
    for i, (train, test) in enumerate(plan.splits):
        estimator, train_part, test_part = _split_data(plan, train, test, data)
        n_test = _num_samples(test_part[0])
        n_rows = max_samples
        if not isinstance(n_rows, numbers.Integral):
            n_rows = max(1, int(n_rows * n_test))
        kwargs = dict(
            train_seed=plan.train_seeds[i],
            perm_seed=plan.perm_seeds[i],
            max_samples=min(n_rows, n_test),
            **common,
        )
        yield fit_and_measure, (estimator, train_part, test_part), kwargs
    if plan.refit and plan.parallel:  # alongside the splits
        estimator, X, y, fit_params, _ = data
        args = (clone_estimator(estimator), X, y, fit_params)
        yield refit, args, dict(train_seed=plan.train_seeds[-1], verbose=verbose)


def run_tasks(plan, tasks, n_jobs, progress):
    """The tasks' outputs, in order: through joblib when ``plan.parallel``,
    else one after the other here, each labelled on the progress bar."""
    if plan.parallel:
        progress.describe(f"{len(plan.splits)} splits in parallel")
        return Parallel(n_jobs=n_jobs, return_as="generator")(
            delayed(task)(*args, **kw) for task, args, kw in tasks
        )

    def run_here():
        for i, (task, args, kw) in enumerate(tasks):
            progress.describe(f"split {i + 1}/{len(plan.splits)}")
            yield task(*args, **kw)

    return run_here()


def run_split_tasks(selector, plan, data, layout, classes):
    """Run one task per split (and the refit alongside, in parallel), with
    the selector's settings; return the splits' results and the prefit or
    refitted estimator (None when the refit runs later, here)."""
    n_splits = len(plan.splits)
    n_segments = len(layout.groups) * selector.n_repeats
    progress = Progress(
        selector.verbose, n_splits * n_segments, type(selector).__name__
    )
    common = dict(
        scoring=selector.scoring,
        n_repeats=selector.n_repeats,
        batch_size=selector.batch_size,
        layout=layout,
        labels=classes,
        inference=selector.inference,
        method=selector.method,
        # blocks in threads only when there is one split (prefit)
        n_jobs=selector.n_jobs if n_splits == 1 else None,
        verbose=selector.verbose,
        progress=None if plan.parallel else progress.update,
    )
    tasks = split_tasks(plan, data, selector.max_samples, common, selector.verbose)
    results, estimator_ = [], plan.prefit
    for i, output in enumerate(run_tasks(plan, tasks, selector.n_jobs, progress)):
        if i == n_splits:  # the refit
            estimator_ = output
            continue
        results.append(output)
        if plan.parallel:
            progress.update(n_segments)
        if selector.verbose and progress.bar is None:
            print(
                f"[KerasImportanceSelector] split {i + 1}/{n_splits}: "
                f"baseline {output.baseline:.4f}, {output.seconds:.1f}s",
                file=sys.stderr,
            )
    progress.close()
    return results, estimator_
