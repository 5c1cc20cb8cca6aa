"""``compute_importances``: measuring a fitted estimator on validated input.

Shared by :func:`skimportance.permutation_importance` and the selector's
splits (:func:`skimportance._selector.splits.measure_split`). In named steps: the
scorers and the estimator's responder; what is permuted (X seen flat, the
groups, the rows and permutations, a sampler's replacements); the baseline;
the permuted scores, by the engine (:mod:`skimportance._engine.core`) or a fast
path (:mod:`skimportance._fast_paths.registry`); one ``Bunch`` per score.
"""

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from sklearn import get_config
from sklearn.base import clone
from sklearn.utils import Bunch

from .._engine.core import (
    BlockOptions,
    PermutedInput,
    draw_permutations,
    permuted_scores,
)
from .._engine.groups import FeatureLayout
from .._fast_paths.registry import FastPathRequest, find_fast_path
from .._keras.fitted_model import as_fitted_estimator
from .._keras.responder import KerasResponder
from .._methods.base import flat_numeric
from .._methods.resolve import is_permutation, resolve_method
from .._scoring.row_accumulator import row_accumulator
from .._scoring.scorers import resolve_scoring
from .._scoring.segment_scorer import SegmentScorer
from .._utils.indexing import take_rows
from .responders import block_rows, make_responder, response_nbytes

__all__ = ["ImportanceOptions", "compute_importances"]


@dataclass(frozen=True)
class ImportanceOptions:
    """How :func:`compute_importances` measures (settings that travel together).

    Attributes
    ----------
    n_repeats : int, default=5
        Permutations (or sampler draws) per group.
    random_seed : int, default=0
        The one integer seed of the evaluated rows and the permutations.
    max_samples : int or None, default=None
        Rows evaluated (None: all, in order).
    method : str or sampler, default="permutation"
        What replaces a measured input (see :mod:`skimportance._methods.base`).
    batch_size : int or None, default=None
        Rows per model call.
    inference : {"auto", "batched", "predict"}, default="auto"
        Which fast paths are allowed (see :mod:`skimportance._fast_paths.registry`).
    n_jobs : int or None, default=None
        Blocks predicted in parallel (threads).
    row_level : bool, default=False
        Also return each row's drop in score (see :func:`compute_importances`).
    """

    n_repeats: int = 5
    random_seed: int = 0
    max_samples: Any = None
    method: Any = "permutation"
    batch_size: Any = None
    inference: str = "auto"
    n_jobs: Any = None
    row_level: bool = False


def compute_importances(
    estimator,
    X,
    y,
    *,
    scoring=None,
    sample_weight=None,
    layout=None,
    options=None,
    progress=None,
    X_train=None,
):
    """Permutation importance on validated input; shared by the selector.

    ``options`` (an :class:`ImportanceOptions`; None: the defaults) says how
    to measure; ``layout`` (a :class:`~skimportance._engine.groups.FeatureLayout`;
    None: one group per column) what is permuted together; ``progress`` is
    called with the number of segments scored after each block.

    Returns ``(results, baseline, scorers, multimetric)`` where ``results`` is a
    dict name -> Bunch and ``baseline`` a dict name -> score.

    ``options.row_level=True`` (one scorer that is a mean over rows, all rows
    evaluated) adds ``row_importances`` to the Bunch: each row's drop in score
    averaged over repeats, shape (n_groups, n_samples); see ``_row_losses``.

    ``options.method`` (see :mod:`skimportance._methods.base`) chooses what
    replaces a measured input; a sampler other than row permutations is fitted
    on ``X_train`` (the split's training rows) or, when it is None,
    cross-fitted on the evaluated rows.
    """
    options = ImportanceOptions() if options is None else options
    estimator = as_fitted_estimator(estimator, y)  # a raw keras.Model
    scorers, multimetric = resolve_scoring(estimator, scoring)
    responder = make_responder(
        estimator, batch_size=options.batch_size, fast=options.inference != "predict"
    )
    permuted = _what_is_permuted(X, layout, options, X_train)
    rows = permuted.rows
    segments = SegmentScorer(
        scorers, responder, take_rows(y, rows), take_rows(sample_weight, rows)
    )
    baseline = segments.baseline(X, y, sample_weight)
    methods = tuple(sorted(segments.methods))
    rows_acc = None
    if options.row_level and rows is None:
        n_groups = len(permuted.groups)
        rows_acc = row_accumulator(
            scorers,
            responder,
            methods,
            X,
            y,
            sample_weight,
            baseline,
            n_groups,
            options.n_repeats,
        )
    scores = permuted_scores(
        _block_responder(responder, methods),
        segments if rows_acc is None else rows_acc,
        permuted,
        options=_block_options(responder, methods, permuted.X, segments, options),
        respond_pieces=_fast_path(options, responder, methods, segments, permuted),
        progress=progress,
    )
    results, baseline, several = _results(scorers, baseline, scores, permuted, rows_acc)
    return results, baseline, scorers, multimetric or several


def _what_is_permuted(X, layout, options, X_train):
    """The engine's input: X seen flat, its groups, rows, permutations and
    replacements (a :class:`~skimportance._engine.core.PermutedInput`).

    The engine permutes flat columns: X of any number of axes is seen as
    (n_samples, product of the other axes), and blocks are reshaped back.
    """
    X_flat, block_shape = X, None
    if not hasattr(X, "iloc") and X.ndim > 2:
        X_flat, block_shape = X.reshape(X.shape[0], -1), X.shape[1:]
    groups = (FeatureLayout(X) if layout is None else layout).flat_groups()
    n_samples = X.shape[0]
    max_samples = n_samples if options.max_samples is None else options.max_samples
    rows, perms = draw_permutations(
        options.random_seed, n_samples, options.n_repeats, max_samples
    )
    permuted = PermutedInput(X_flat, groups, perms, rows, None, block_shape)
    replacements = _replacements(
        options.method, permuted.X_eval, X_train, groups, perms, options.random_seed
    )
    return replace(permuted, replacements=replacements)


def _replacements(method, X_eval, X_train, groups, perms, seed):
    """The sampler's replacement values (None: plain row permutations)."""
    sampler = resolve_method(method)
    if is_permutation(sampler):
        return None
    sampler = clone(sampler)
    sampler = sampler.with_dtypes(X_eval)  # kinds read from the dtypes as given
    X_eval = flat_numeric(X_eval)
    if X_train is None:  # no training rows: cross-fitted on the evaluated rows
        return sampler.cross_fit(X_eval, groups, perms, seed)
    X_train = flat_numeric(X_train, "the training rows")
    return sampler.fit(X_train, groups).replacements(X_eval, perms, seed)


def _block_responder(responder, methods):
    """``respond(block)``: the responses the scorers need for a block."""
    trusted = isinstance(responder, KerasResponder)

    def respond(block):
        if not methods:
            return {}
        if trusted:  # blocks hold copies of rows validated by the baseline
            return responder(block, methods, trusted=True)
        return responder(block, methods)

    return respond


def _block_options(responder, methods, X_flat, segments, options):
    """The engine's block sizing: the memory budget, the model's dtype."""
    return BlockOptions(
        working_memory=get_config()["working_memory"],
        splittable=not segments.needs_rows,
        n_jobs=options.n_jobs,
        block_dtype=responder.block_dtype,
        response_nbytes=response_nbytes(responder, methods),
        block_rows=block_rows(responder, X_flat),
    )


def _fast_path(options, responder, methods, segments, permuted):
    """The first fast path that applies (None: blocks are stacked)."""
    if options.inference != "auto":
        return None
    request = FastPathRequest(
        responder,
        permuted.X,
        permuted.rows,
        permuted.groups,
        methods,
        segments.needs_rows,
        permuted.block_shape,
        replaces=permuted.replacements is not None,
        X_eval=permuted.X_eval,
    )
    return find_fast_path(request)


def _results(scorers, baseline, scores, permuted, rows_acc):
    """One Bunch per score name, from the baseline and the permuted scores.

    Returns ``(results, baseline, several)``: a callable scorer returning a
    dict of scores gives one Bunch and one baseline per key, and ``several``
    is then True.
    """
    shape = (len(permuted.groups), permuted.perms.shape[0])
    results, several = {}, False
    for name in scorers:
        base = baseline[name]
        if isinstance(base, dict):  # a callable returning several scores
            for key in base:
                values = np.array([s[name][key] for s in scores], dtype=float)
                results[key] = _importances_bunch(base[key], values.reshape(shape))
            baseline = {**baseline, **base}
            several = True
            continue
        values = np.array([s[name] for s in scores], dtype=float)
        results[name] = _importances_bunch(base, values.reshape(shape))
        if rows_acc is not None:
            results[name]["row_importances"] = rows_acc.row_importances()
    return results, baseline, several


def _importances_bunch(baseline, permuted):
    importances = baseline - permuted
    return Bunch(
        importances_mean=np.mean(importances, axis=1),
        importances_std=np.std(importances, axis=1),
        importances=importances,
    )
