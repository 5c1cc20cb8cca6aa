"""The selector's fit, split by split: the cross-validation splits and their
seeds (a :class:`SplitPlan`), the unit of work of one split (train, then
measure: :func:`measure_split`) and the refit, and running them here or
through joblib (:func:`run_splits`), as scikit-learn's ``_rfe.py`` keeps
``_rfe_single_fit`` beside ``RFECV.fit``.

The units of work are plain functions of picklable arguments, so that joblib
can run them in this process, in its loky worker processes, or on a Dask
cluster (``joblib.parallel_config(backend="dask")``). They return importances,
scores and (for the refit) the fitted estimator, never per-split models. A
split gives the same numbers wherever it runs: its permutations come from a
seed drawn in ``fit``, and with a ``random_state`` its training starts from
its own seed (:func:`skimportance._keras.training.training_seed`).
"""

import sys
import time
from dataclasses import dataclass, field, replace
from numbers import Integral
from typing import Any

import numpy as np
from joblib import effective_n_jobs
from sklearn.model_selection import check_cv
from sklearn.utils import Bunch, check_random_state
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.random import sample_without_replacement

from .._importance.compute import ImportanceOptions, compute_importances
from .._importance.responders import make_responder
from .._keras.fitted_model import as_fitted_estimator, check_trainable
from .._keras.training import (
    clone_estimator,
    limit_tensorflow_threads,
    quiet_training,
    training_seed,
)
from .._scoring.no_skill import no_skill_score, scorer_name
from .._scoring.scorers import default_scoring, labelled_scorer
from .._utils.compat import _check_method_params, _num_samples
from .._utils.indexing import take_rows
from .fit_input import check_prefit
from .progress import Progress

__all__ = [
    "FitData",
    "SplitPlan",
    "SplitSettings",
    "SplitTask",
    "clone_estimator",
    "make_splits",
    "measure_split",
    "refit",
    "run_splits",
]


def make_splits(cv, estimator, X, y, kind, split_params):
    """The (train, test) index pairs; ``train`` is None for ``cv="prefit"``."""
    if isinstance(cv, str) and cv == "prefit":
        return [(None, np.arange(_num_samples(X)))]
    check_trainable(estimator)
    # an int means what it means in scikit-learn: (Stratified)KFold, in order
    splitter = check_cv(cv, y, classifier=kind == "classifier")
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
    groups: Any = None

    @classmethod
    def for_fit(
        cls, cv, estimator, X, y, kind, split_params, *, random_state, refit, n_jobs
    ):
        """The plan of a selector's ``fit``: its splits (prefit: the fitted
        estimator on all rows), then the seeds drawn from ``random_state``."""
        rng = check_random_state(random_state)
        splits = make_splits(cv, estimator, X, y, kind, split_params)
        prefit = None
        if isinstance(cv, str) and cv == "prefit":
            check_prefit(estimator)
            prefit = as_fitted_estimator(estimator, y)  # a keras.Model
        plan = cls.draw(
            splits,
            rng,
            seeded=random_state is not None,
            prefit=prefit,
            refit=refit,
            n_jobs=n_jobs,
        )
        groups = split_params.get("groups")
        if groups is not None:  # they enter the test's variance (clusters)
            plan.groups = np.asarray(groups)
        return plan

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


@dataclass(frozen=True)
class FitData:
    """What ``fit`` was given, checked: X, y, the estimator's fit parameters
    and the scorer's sample weights. :meth:`take` gives the part at some rows
    (fit parameters split as scikit-learn's searches split them)."""

    X: Any
    y: Any
    fit_params: dict = field(default_factory=dict)
    sample_weight: Any = None

    @property
    def n_samples(self):
        return _num_samples(self.X)

    def take(self, rows):
        """The part at ``rows`` (positions; None: all)."""
        if rows is None:
            return self
        return FitData(
            take_rows(self.X, rows),
            take_rows(self.y, rows),
            _check_method_params(self.X, self.fit_params, rows),
            take_rows(self.sample_weight, rows),
        )


@dataclass(frozen=True)
class SplitSettings:
    """What every split measures with: the selector's settings, read once in
    ``fit`` (the split runner never sees the selector)."""

    scoring: Any
    layout: Any
    labels: Any
    n_repeats: int
    max_samples: Any
    batch_size: Any
    inference: str
    method: Any
    verbose: int = 0

    @classmethod
    def of(cls, selector, layout, labels):
        """The settings of a selector's parameters (read once, here)."""
        names = ("scoring", "n_repeats", "max_samples", "batch_size")
        names += ("inference", "method", "verbose")
        params = {name: getattr(selector, name) for name in names}
        return cls(layout=layout, labels=labels, **params)


@dataclass(frozen=True)
class SplitTask:
    """One split's unit of work: an unfitted clone and its training part
    (``train`` None: the prefit estimator, measured as it is), the held-out
    part, the split's seeds and how many blocks run in threads."""

    estimator: Any
    train: Any
    test: FitData
    train_seed: Any
    perm_seed: int
    n_jobs: Any = None
    test_groups: Any = None


def measure_split(task, settings, progress=None):
    """Train ``task.estimator`` on the split's training part (unless prefit),
    then measure its permutation importance on the held-out part.

    A conditional sampler (``settings.method``) is fitted on the split's
    training rows (prefit: cross-fitted on the held-out rows).

    Returns
    -------
    result : Bunch
        ``importances`` (n_groups, n_repeats); ``baseline`` (float, on the
        evaluated rows); ``scorer``; ``scoring`` (the default is resolved
        from the fitted estimator); ``seconds``; ``rows``: the evaluated
        positions within the held-out part (``max_samples`` of them, the same
        rows for the baseline and every permuted copy); ``row_groups``: the
        evaluated rows' ``groups`` labels (None without groups), for the
        cluster-robust test; ``row_importances``:
        each evaluated row's drop in score averaged over repeats,
        (n_groups, n_rows), or None when the scorer is not a mean over rows;
        ``row_weights``: the evaluated rows' sample weights or None;
        ``no_skill``: the no-skill reference's score on the evaluated rows
        (:mod:`skimportance._scoring.no_skill`; None where there is none).
    """
    limit_tensorflow_threads()
    start = time.perf_counter()
    estimator, X_train = task.estimator, None
    if task.train is not None:
        X_train = task.train.X
        with quiet_training(settings.verbose), training_seed(task.train_seed):
            estimator.fit(X_train, task.train.y, **task.train.fit_params)
    rows = _evaluated_rows(task.test.n_samples, settings.max_samples, task.perm_seed)
    test = task.test.take(None if len(rows) == task.test.n_samples else rows)
    scoring, responder = _split_scoring(estimator, settings)
    results, baseline, scorers, _ = compute_importances(
        estimator,
        test.X,
        test.y,
        scoring=labelled_scorer(scoring, responder, settings.labels),
        sample_weight=test.sample_weight,
        layout=settings.layout,
        options=ImportanceOptions(
            n_repeats=settings.n_repeats,
            random_seed=int(task.perm_seed),
            method=settings.method,
            batch_size=settings.batch_size,
            inference=settings.inference,
            n_jobs=task.n_jobs,
            row_level=True,
        ),
        progress=progress,
        X_train=None if X_train is None else _flat(X_train),
    )
    (name,) = results
    weights = test.sample_weight
    return Bunch(
        importances=results[name].importances,
        baseline=baseline[name],
        no_skill=no_skill_score(
            scoring if isinstance(scoring, str) else scorer_name(scorers[name]),
            test.y,
            weights,
        ),
        scorer=scorers[name],
        scoring=scoring,
        seconds=time.perf_counter() - start,
        rows=rows,
        row_groups=None if task.test_groups is None else task.test_groups[rows],
        row_importances=results[name].get("row_importances"),
        row_weights=None if weights is None else np.asarray(weights, dtype=float),
    )


def _split_scoring(estimator, settings):
    """``(scoring, responder)``: the default scoring resolved from the fitted
    estimator; the responder (None unless needed) labels a log loss."""
    scoring, responder = settings.scoring, None
    if scoring is None or (isinstance(scoring, str) and scoring == "neg_log_loss"):
        responder = make_responder(estimator, settings.batch_size)
    if scoring is None:
        scoring = default_scoring(responder)
    return scoring, responder


def _evaluated_rows(n_test, max_samples, perm_seed):
    """The held-out part's evaluated positions: all of them, or (``max_samples``
    below the held-out rows) a sorted draw seeded by ``perm_seed``, so that the
    baseline is scored on the same rows as every permuted copy."""
    n_rows = max_samples
    if not isinstance(n_rows, Integral):
        n_rows = max(1, int(n_rows * n_test))
    n_rows = min(n_rows, n_test)
    if n_rows >= n_test:
        return np.arange(n_test)
    return np.sort(sample_without_replacement(n_test, n_rows, random_state=perm_seed))


def _flat(X):
    """The training rows as the engine's columns (X of more axes seen flat)."""
    if hasattr(X, "iloc"):
        return X
    X = np.asarray(X)
    if X.ndim <= 2:
        return X
    return X.reshape(X.shape[0], -1)


def refit(estimator, data, *, train_seed, verbose):
    """Fit ``estimator`` (an unfitted clone) on all of ``data`` and return it."""
    limit_tensorflow_threads()
    with quiet_training(verbose), training_seed(train_seed):
        return estimator.fit(data.X, data.y, **data.fit_params)


def split_tasks(plan, estimator, data, n_jobs=None):
    """The :class:`SplitTask` of each split, generated one at a time (each
    holds a copy of its split's rows); ``n_jobs`` threads for the blocks of
    a single (prefit) split."""
    for i, (train, test) in enumerate(plan.splits):
        if train is None:  # prefit: the fitted estimator on all rows
            task_estimator, train_part = plan.prefit, None
            test_part = replace(data, fit_params={})
        else:
            task_estimator, train_part = clone_estimator(estimator), data.take(train)
            test_part = replace(data.take(test), fit_params={})
        yield SplitTask(
            task_estimator,
            train_part,
            test_part,
            plan.train_seeds[i],
            plan.perm_seeds[i],
            n_jobs if len(plan.splits) == 1 else None,
            None if plan.groups is None else plan.groups[np.asarray(test)],
        )


def run_splits(plan, estimator, data, settings, *, n_jobs=None, desc="selector"):
    """Run :func:`measure_split` on every split (and the refit alongside, in
    parallel); return the splits' results and the prefit or refitted
    estimator (None when the refit runs later, in ``fit``)."""
    n_splits = len(plan.splits)
    n_segments = len(settings.layout.groups) * settings.n_repeats
    progress = Progress(settings.verbose, n_splits * n_segments, desc)
    tasks = split_tasks(plan, estimator, data, n_jobs)
    results, estimator_ = [], plan.prefit
    outputs = _dispatch(plan, tasks, estimator, data, settings, n_jobs, progress)
    for i, output in enumerate(outputs):
        if i == n_splits:  # the refit
            estimator_ = output
            continue
        results.append(output)
        if plan.parallel:
            progress.update(n_segments)
        if settings.verbose and progress.bar is None:
            print(
                f"[{desc}] split {i + 1}/{n_splits}: "
                f"baseline {output.baseline:.4f}, {output.seconds:.1f}s",
                file=sys.stderr,
            )
    progress.close()
    return results, estimator_


def _dispatch(plan, tasks, estimator, data, settings, n_jobs, progress):
    """The outputs of the splits (then of the refit when it runs alongside),
    in order: through joblib when ``plan.parallel``, else one after the other
    here, each labelled on the progress bar."""
    n_splits = len(plan.splits)
    if plan.parallel:
        progress.describe(f"{n_splits} splits in parallel")

        def jobs():  # one at a time: each holds a copy of its split's rows
            for task in tasks:
                yield delayed(measure_split)(task, settings)
            if plan.refit:  # alongside the splits
                yield delayed(refit)(
                    clone_estimator(estimator),
                    data,
                    train_seed=plan.train_seeds[-1],
                    verbose=settings.verbose,
                )

        return Parallel(n_jobs=n_jobs, return_as="generator")(jobs())

    def run_here():
        for i, task in enumerate(tasks):
            progress.describe(f"split {i + 1}/{n_splits}")
            yield measure_split(task, settings, progress.update)

    return run_here()
