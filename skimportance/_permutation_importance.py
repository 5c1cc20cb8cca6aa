"""``permutation_importance``: scikit-learn's function, with batched model calls."""

import numbers

import numpy as np
from sklearn import get_config
from sklearn.base import clone
from sklearn.metrics import get_scorer_names
from sklearn.utils import Bunch, _safe_indexing, check_array, check_random_state
from sklearn.utils._param_validation import (
    HasMethods,
    Integral,
    Interval,
    Real,
    RealNotInt,
    StrOptions,
    validate_params,
)

from ._fast_paths import FastPathRequest, find_fast_path
from ._groups import FeatureLayout
from ._keras import KerasResponder
from ._keras_model import as_fitted_estimator
from ._permutation import BlockOptions, draw_permutations, permuted_scores
from ._responses import block_rows, make_responder, response_nbytes
from ._row_losses import row_accumulator
from ._samplers import BaseSampler, flat_numeric, is_permutation, resolve_method
from ._scoring import SegmentScorer, resolve_scoring

__all__ = ["permutation_importance"]


def _importances_bunch(baseline, permuted):
    importances = baseline - permuted
    return Bunch(
        importances_mean=np.mean(importances, axis=1),
        importances_std=np.std(importances, axis=1),
        importances=importances,
    )


def _replacements(method, X_flat, X_train, rows, groups, perms, seed):
    """The sampler's replacement values (None: plain row permutations)."""
    sampler = resolve_method(method)
    if is_permutation(sampler):
        return None
    X_eval = X_flat if rows is None else _safe_indexing(X_flat, rows, axis=0)
    X_eval = flat_numeric(X_eval)
    sampler = clone(sampler)
    if X_train is None:  # no training rows: cross-fitted on the evaluated rows
        return sampler.cross_fit(X_eval, groups, perms, seed)
    X_train = flat_numeric(X_train, "the training rows")
    return sampler.fit(X_train, groups).replacements(X_eval, perms, seed)


def compute_importances(
    estimator,
    X,
    y,
    *,
    scoring=None,
    n_repeats=5,
    n_jobs=None,
    random_seed=0,
    sample_weight=None,
    max_samples=None,
    batch_size=None,
    layout=None,
    inference="auto",
    progress=None,
    row_level=False,
    method="permutation",
    X_train=None,
):
    """Permutation importance on validated input; shared by the selector.

    Returns ``(results, baseline, scorers, multimetric)`` where ``results`` is a
    dict name -> Bunch and ``baseline`` a dict name -> score.

    ``row_level=True`` (one scorer that is a mean over rows, all rows
    evaluated) adds ``row_importances`` to the Bunch: each row's drop in score
    averaged over repeats, shape (n_groups, n_samples); see ``_row_losses``.

    ``method`` (see :mod:`skimportance._samplers`) chooses what replaces a
    measured input; a sampler other than row permutations is fitted on
    ``X_train`` (the split's training rows) or, when it is None, cross-fitted
    on the evaluated rows.
    """
    estimator = as_fitted_estimator(estimator, y)  # a raw keras.Model
    n_samples = X.shape[0]
    if max_samples is None:
        max_samples = n_samples
    if layout is None:
        layout = FeatureLayout(X)
    # the engine permutes flat columns: X of any number of axes is seen as
    # (n_samples, product of the other axes), and blocks are reshaped back
    X_flat, block_shape = X, None
    if not hasattr(X, "iloc") and X.ndim > 2:
        X_flat, block_shape = X.reshape(X.shape[0], -1), X.shape[1:]
    groups = layout.flat_groups()

    scorers, multimetric = resolve_scoring(estimator, scoring)
    responder = make_responder(
        estimator, batch_size=batch_size, fast=inference != "predict"
    )

    rows, perms = draw_permutations(random_seed, n_samples, n_repeats, max_samples)
    y_eval = y if rows is None or y is None else _safe_indexing(y, rows, axis=0)
    sw_eval = (
        sample_weight
        if rows is None or sample_weight is None
        else _safe_indexing(sample_weight, rows, axis=0)
    )
    replacements = _replacements(
        method, X_flat, X_train, rows, groups, perms, random_seed
    )
    segments = SegmentScorer(scorers, responder, y_eval, sw_eval)
    baseline = segments.baseline(X, y, sample_weight)
    methods = tuple(sorted(segments.methods))

    trusted = isinstance(responder, KerasResponder)

    def respond(block):
        if not methods:
            return {}
        if trusted:  # blocks hold copies of rows validated by the baseline
            return responder(block, methods, trusted=True)
        return responder(block, methods)

    updater = None
    if inference == "auto":
        request = FastPathRequest(
            responder,
            X_flat,
            rows,
            groups,
            methods,
            segments.needs_rows,
            block_shape,
            replaces=replacements is not None,
        )
        updater = find_fast_path(request)

    rows_acc = None
    if row_level and rows is None:
        rows_acc = row_accumulator(
            scorers,
            responder,
            methods,
            X,
            y,
            sample_weight,
            baseline,
            len(groups),
            n_repeats,
        )
    scores = permuted_scores(
        respond,
        segments if rows_acc is None else rows_acc,
        X_flat,
        groups,
        perms,
        rows=rows,
        block_shape=block_shape,
        options=BlockOptions(
            working_memory=get_config()["working_memory"],
            splittable=not segments.needs_rows,
            n_jobs=n_jobs,
            block_dtype=responder.block_dtype,
            response_nbytes=response_nbytes(responder, methods),
            block_rows=block_rows(responder, X_flat),
        ),
        respond_pieces=updater,
        progress=progress,
        replacements=replacements,
    )
    results = {}
    for name in scorers:
        base = baseline[name]
        if isinstance(base, dict):  # a callable returning several scores
            for key in base:
                permuted_key = np.array(
                    [s[name][key] for s in scores], dtype=float
                ).reshape(len(groups), n_repeats)
                results[key] = _importances_bunch(base[key], permuted_key)
            baseline = {**baseline, **base}
            multimetric = True
            continue
        permuted = np.array([s[name] for s in scores], dtype=float)
        results[name] = _importances_bunch(base, permuted.reshape(len(groups), -1))
        if rows_acc is not None:
            results[name]["row_importances"] = rows_acc.row_importances()
    return results, baseline, scorers, multimetric


@validate_params(
    {
        "estimator": [HasMethods(["fit"])],
        "X": ["array-like"],
        "y": ["array-like", None],
        "scoring": [
            StrOptions(set(get_scorer_names())),
            callable,
            list,
            tuple,
            dict,
            None,
        ],
        "n_repeats": [Interval(Integral, 1, None, closed="left")],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
        "sample_weight": ["array-like", None],
        "max_samples": [
            Interval(Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0, 1, closed="right"),
        ],
        "batch_size": [Interval(Integral, 1, None, closed="left"), None],
        "feature_groups": [dict, list, tuple, StrOptions({"correlated"}), None],
        "feature_axis": [Integral, tuple],
        "correlation_threshold": [Interval(Real, 0, 1, closed="right")],
        "inference": [StrOptions({"auto", "batched", "predict"})],
        "method": [StrOptions({"permutation", "conditional"}), BaseSampler],
    },
    prefer_skip_nested_validation=True,
)
def permutation_importance(
    estimator,
    X,
    y,
    *,
    scoring=None,
    n_repeats=5,
    n_jobs=None,
    random_state=None,
    sample_weight=None,
    max_samples=1.0,
    batch_size=None,
    feature_groups=None,
    feature_axis=-1,
    correlation_threshold=0.8,
    inference="auto",
    method="permutation",
):
    """Permutation importance, with the numbers of scikit-learn's, much faster.

    A drop-in replacement for :func:`sklearn.inspection.permutation_importance`:
    same parameters, same return value and, for the same ``random_state``, the
    same permutations and the same importances (to float tolerance). Instead of
    one model call per feature and repeat, the permuted copies of many
    (feature, repeat) pairs are stacked and predicted together, within
    scikit-learn's ``working_memory`` budget; fitted Keras wrappers (scikeras
    ``KerasClassifier``/``KerasRegressor``, ``keras.wrappers.SKLearnClassifier``/
    ``SKLearnRegressor``, also as the last step of a Pipeline) are answered by a
    compiled ``model(x, training=False)`` over large batches. Every segment is
    then scored with the real scikit-learn scorer (common scorers vectorised,
    checked against the scorer on the baseline).

    Parameters
    ----------
    estimator : object or keras.Model
        A fitted estimator compatible with ``scoring``, or a trained
        ``keras.Model`` (measured as a
        :class:`~skimportance.wrappers.FittedKerasModel`: a sigmoid or softmax
        output is a classifier whose classes are the sorted labels of ``y``).
    X : ndarray or DataFrame of shape (n_samples, n_features)
        Data on which importance is computed, preferably held out. Not modified.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs), or None
        Targets.
    scoring : str, callable, list, tuple or dict, default=None
        As in scikit-learn. ``None`` uses ``estimator.score``; for a
        ``keras.Model``, the proper scoring rule (``"neg_log_loss"`` for a
        classifier, ``"r2"`` for a regressor).
    n_repeats : int, default=5
        Number of times each feature is permuted.
    n_jobs : int, default=None
        Number of blocks predicted in parallel (threads). ``None`` means 1
        unless in a :func:`joblib.parallel_config` context. The result does
        not depend on it.
    random_state : int, RandomState instance or None, default=None
        Controls the permutations, exactly as in scikit-learn.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights used in scoring.
    max_samples : int or float, default=1.0
        Rows drawn (without replacement) from X for the permuted scores, as in
        scikit-learn (whose baseline score uses all rows).
    batch_size : int, default=None
        Rows per compiled Keras call on the fast path. ``None`` takes about
        32 MiB of input per call (1,024 to 262,144 rows). Only changes speed and
        memory, not results.
    feature_groups : dict, list of lists, "correlated" or None, default=None
        Measure groups of features together (their columns permuted with the
        same row permutation): ``{name: [columns]}`` or ``[[columns], ...]``
        (indices along ``feature_axis``, or DataFrame column names), or
        ``"correlated"`` for clusters of rank-correlated features. Features in
        no group are measured alone; groups may overlap (each is measured on
        its own). Results then have one row per group, and the ``Bunch`` also
        holds ``group_names`` and ``groups`` (feature indices).
    feature_axis : int or tuple of int, default=-1
        For X with more than 2 axes, e.g. (samples, time steps, channels) for an
        LSTM/GRU: the axis of the features. A feature's whole sequence is
        permuted across samples, keeping its time order. ``1`` gives importance
        per time step, ``(1, 2)`` per (time step, channel) cell.
    correlation_threshold : float, default=0.8
        For ``feature_groups="correlated"``: features linked at this absolute
        Spearman correlation or above share a group.
    inference : {"auto", "batched", "predict"}, default="auto"
        How the model answers for the permuted rows; results agree to float
        tolerance, only speed differs. ``"auto"``: when a Keras model's input
        feeds a Dense layer (possibly after per-feature layers such as
        ``Normalization``), exact first-layer updates: the pre-activations of
        the unpermuted rows are computed once and a permuted column adds a
        rank-1 term, so the first matmul is skipped; other Keras models get
        compiled batches of stacked permuted copies. ``"batched"``: compiled
        batches only (turns first-layer updates off). ``"predict"``: the
        estimator's public methods on stacked blocks (Keras ``predict`` path).
    method : {"permutation", "conditional"} or sampler, default="permutation"
        What replaces a measured input. ``"permutation"``: the values of other
        rows (scikit-learn's permutations and numbers exactly). ``"conditional"``:
        a draw from the input's distribution given the other inputs
        (:class:`~skimportance.ConditionalSampler` with its defaults; its
        models are fitted on folds of the evaluated rows, each row predicted
        by a model that did not see it): an input the model does not need once
        the others are known, such as a correlated stand-in, then comes out
        near zero. A :class:`~skimportance.ConditionalSampler` instance sets
        the conditional models. Needs numeric X; groups are conditioned on the
        inputs outside the group.

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch` or dict of such
        ``importances_mean`` (n_features,), ``importances_std`` (n_features,) and
        ``importances`` (n_features, n_repeats); a dict of them, keyed by scorer
        name, for multi-metric ``scoring``.

    See Also
    --------
    KerasImportanceSelector : Held-out importance across CV folds, with selection.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skimportance import permutation_importance
    >>> X = [[1, 9, 9], [1, 9, 9], [1, 9, 9], [0, 9, 9], [0, 9, 9], [0, 9, 9]]
    >>> y = [1, 1, 1, 0, 0, 0]
    >>> clf = LogisticRegression().fit(X, y)
    >>> result = permutation_importance(clf, X, y, n_repeats=10, random_state=0)
    >>> result.importances_mean.round(4)
    array([0.4667, 0.    , 0.    ])
    """
    if not hasattr(X, "iloc"):
        X = check_array(X, ensure_all_finite="allow-nan", dtype=None, allow_nd=True)
    random_state = check_random_state(random_state)
    random_seed = random_state.randint(np.iinfo(np.int32).max + 1)
    if not isinstance(max_samples, numbers.Integral):
        max_samples = int(max_samples * X.shape[0])
    elif max_samples > X.shape[0]:
        raise ValueError("max_samples must be <= n_samples")
    if max_samples < 1:
        raise ValueError(
            f"max_samples={max_samples} rows: take a larger fraction of the "
            f"{X.shape[0]} samples."
        )
    layout = FeatureLayout(X, feature_axis, feature_groups, correlation_threshold)
    results, _, _, multimetric = compute_importances(
        estimator,
        X,
        y,
        scoring=scoring,
        n_repeats=n_repeats,
        n_jobs=n_jobs,
        random_seed=random_seed,
        sample_weight=sample_weight,
        max_samples=max_samples,
        batch_size=batch_size,
        layout=layout,
        inference=inference,
        method=method,
    )
    if feature_groups is not None:
        for bunch in results.values():
            bunch["group_names"] = list(layout.group_names)
            bunch["groups"] = [list(g) for g in layout.groups]
    if multimetric:
        return results
    return next(iter(results.values()))
