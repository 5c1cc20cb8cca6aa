"""KerasImportanceSelector: held-out permutation importance as a selector."""

import copy
import numbers
import sys
import warnings
from numbers import Integral, Real

import numpy as np
from joblib import effective_n_jobs
from sklearn.base import (
    BaseEstimator,
    MetaEstimatorMixin,
    _fit_context,
    clone,
)
from sklearn.exceptions import NotFittedError
from sklearn.feature_selection import SelectorMixin
from sklearn.metrics import get_scorer, get_scorer_names
from sklearn.model_selection import check_cv
from sklearn.utils import check_random_state, get_tags, metadata_routing
from sklearn.utils._param_validation import HasMethods, Interval, RealNotInt, StrOptions
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    _routing_enabled,
    process_routing,
)
from sklearn.utils.metaestimators import available_if
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import (
    _check_feature_names,
    _check_method_params,
    _check_n_features,
    _num_samples,
    check_array,
    check_consistent_length,
    check_is_fitted,
)

from ._fit_params import scorer_weight_key
from ._groups import FeatureLayout
from ._inference import (
    MULTIPLE_TESTING,
    adjust_pvalues,
    row_level_test,
    split_level_test,
)
from ._keras_model import as_fitted_estimator, check_trainable
from ._parallel import fit_and_measure, limit_tensorflow_threads, refit
from ._progress import Progress
from ._samplers import BaseSampler, check_method_input
from ._scoring import estimator_type
from ._threshold import forced_features, resolve_threshold, support_mask

__all__ = ["KerasImportanceSelector", "clone_estimator"]


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


def _estimator_has(attr):
    def check(self):
        if hasattr(self, "estimator_"):
            getattr(self.estimator_, attr)
        else:
            getattr(self.estimator, attr)
        return True

    return check


class KerasImportanceSelector(MetaEstimatorMixin, SelectorMixin, BaseEstimator):
    """Select features by held-out permutation importance of a (Keras) estimator.

    In ``fit``, the estimator is cloned and trained on each training part of a
    cross-validation split; each fitted copy is measured on its held-out part:
    every feature is permuted ``n_repeats`` times and the drop in a proper
    scoring rule (log loss for classifiers, R² for regressors) is its
    importance. Features whose importance is significantly above zero are kept
    (or those above a threshold); then, if ``refit``, the estimator is trained
    on all of X. Works with scikeras ``KerasClassifier``/``KerasRegressor``,
    ``keras.wrappers.SKLearnClassifier``/``SKLearnRegressor`` (whose
    ``fit_kwargs`` survive cloning here) and any scikit-learn estimator or
    Pipeline; Keras models are measured through a fast batched path.

    Parameters
    ----------
    estimator : estimator object or keras.Model
        The model whose use of the features is measured. Must implement
        ``fit``; any of ``predict``, ``predict_proba``, ``decision_function``
        serve the scorer. A trained ``keras.Model`` is measured as it is with
        ``cv="prefit"`` (see :class:`~skimportance.wrappers.FittedKerasModel`);
        to train fresh copies, pass
        :func:`skimportance.wrappers.make_trainable(model, epochs=...)
        <skimportance.wrappers.make_trainable>`.
    scoring : str or callable, default=None
        The score whose drop measures importance. ``None`` picks a proper
        scoring rule: ``"neg_log_loss"`` for classifiers with probabilities
        (including ``keras.wrappers`` classifiers ending in a softmax), else
        ``"accuracy"``; ``"r2"`` for regressors. Any scikit-learn scorer name
        or callable ``scorer(estimator, X, y)`` works, including ``"roc_auc"``
        and ``"neg_log_loss"`` on scikeras classifiers under scikit-learn >= 1.6.
    n_repeats : int, default=5
        Permutations of each feature per split.
    cv : int, cross-validation generator, iterable or "prefit", default=3
        Splits for fitting and measuring: an int gives (Stratified)KFold, an
        object or iterable is used as given (a group splitter such as
        ``GroupKFold`` gets the ``groups`` passed to ``fit``). Every row is
        held out once whatever the number of splits, so the row-level test
        keeps its power with 3 splits (in ``benchmarks/bench_calibration.py``,
        power on a weak input within noise of 5 splits), at half the training
        of 5. ``"prefit"``: ``estimator`` is already fitted (also as
        :class:`~sklearn.frozen.FrozenEstimator`, or a trained ``keras.Model``)
        and is measured on the X, y passed to ``fit``, which should be
        held-out data.
    threshold : float, str or None, default=None
        ``None``: keep the features whose importance is significantly greater
        than zero at level ``alpha`` (one-sided). For scorers that are means
        over rows (log loss, Brier, accuracy, R², squared and absolute error)
        the test is **row-level** and cross-fitted: each held-out row's drop in
        score (averaged over repeats) comes from the network that did not
        train on it, and the standard error comes from the rows; this is
        valid with ``cv="prefit"`` too. For other scorers (``roc_auc``,
        callables) it is Nadeau and Bengio's corrected resampled t-test over
        the per-split mean importances; with one split no valid test exists
        and the p-values are NaN (a warning says so). ``test_`` tells which
        ran. A float, ``"mean"``, ``"median"`` or a scaled string such as
        ``"1.25*mean"``: keep importances >= that value. Either way a kept
        feature has a positive mean importance: a feature whose permutation
        improves the score is never rewarded.
    alpha : float, default=0.05
        Significance level for ``threshold=None``, applied to the p-values
        adjusted by ``multiple_testing``. Confidence intervals have level
        ``1 - 2 * alpha``: their lower end is the one-sided bound.
    multiple_testing : {"fdr_bh", "holm", "none"}, default="fdr_bh"
        Control over all the inputs tested: ``"fdr_bh"``, the false discovery
        rate (Benjamini-Hochberg: the expected share of unused inputs among
        the kept ones is at most ``alpha``); ``"holm"``, the family-wise error
        rate (Holm's step-down: the chance of keeping any unused input);
        ``"none"``, level ``alpha`` per input (with 8 unused inputs of 10,
        26-48% of the datasets in ``benchmarks/bench_calibration.py`` kept at
        least one, and 11-27% of the kept inputs were unused). ``pvalues_``
        stay raw; ``pvalues_adjusted_`` hold the adjusted ones (as in
        :class:`~sklearn.feature_selection.SelectFdr` and
        :class:`~sklearn.feature_selection.SelectFwe`).
    max_features : int, callable or None, default=None
        Keep at most this many features (best first). A callable gets X and
        returns the int.
    min_features_to_select : int, default=1
        Keep at least this many of the best features even if fewer pass; an
        input kept this way is named in a warning with its importance and
        p-value (it may have a non-positive importance). ``0`` keeps only the
        inputs that pass, possibly none.
    refit : bool, default=True
        Fit ``estimator_`` on all of X after measuring (not with ``cv="prefit"``,
        where ``estimator_`` is the given estimator itself).
    random_state : int, RandomState instance or None, default=None
        Controls the permutations (one seed per split, drawn in ``fit``), the
        shuffling of an int ``cv`` and, when Keras is imported, training: each
        split (and the refit) trains after
        ``keras.utils.set_random_seed(seed of the split)``, so a split trains
        the same network whatever ran before it and in whichever process it
        runs, which makes results independent of ``n_jobs``. Python's and
        NumPy's global random states are restored after each training; Keras'
        and TensorFlow's global seeds stay set. ``None`` leaves training
        randomness alone.
    n_jobs : int or None, default=None
        Splits (training and measuring) and the refit run in parallel through
        joblib, honouring an enclosing :func:`joblib.parallel_config`
        (``backend="loky"`` processes by default, ``"dask"`` for a cluster).
        ``None`` means 1 unless in such a context; ``-1`` uses all cores.
        With ``cv="prefit"`` there is one split: blocks of permuted rows are
        then predicted in parallel threads instead. In a worker process,
        TensorFlow's thread pools are sized to ``OMP_NUM_THREADS`` (set by
        joblib and Dask to the worker's share of the cores).
    max_samples : int or float, default=1.0
        Held-out rows drawn for each split (all by default); the baseline and
        every permuted copy are scored on the same rows.
    batch_size : int or None, default=None
        Rows per compiled Keras call; ``None`` sizes it automatically.
    verbose : int, default=0
        0 is silent, including what training prints (Keras' epoch logs);
        1 shows a progress bar over splits and permutations on stderr; 2 and
        more also let the estimator's own training logs through.
    feature_groups : dict, list of lists, "correlated" or None, default=None
        Measure and select groups of features together: ``{name: [columns]}``
        or ``[[columns], ...]`` (indices along ``feature_axis`` or DataFrame
        column names), or ``"correlated"`` to cluster features by absolute
        Spearman correlation (average linkage, cut at
        ``correlation_threshold``). A group's columns are permuted with the
        same row permutation; selection keeps or drops whole groups. Features
        in no group form groups of their own. Groups may overlap: each is
        measured on its own, and a feature is kept if any group holding it is.
        Per-feature attributes give each feature its group's values (in
        overlapping groups, those of its most important group); the
        ``group_*`` attributes hold one value per group.
    feature_axis : int or tuple of int, default=-1
        For X with more than 2 axes, e.g. (samples, time steps, channels) for an
        LSTM/GRU/Conv1D model: the axis of the features; a feature's whole
        sequence is permuted across samples, in time order. ``transform``
        drops features along that axis and keeps the others. ``1`` measures
        time steps instead; ``(1, 2)`` each (time step, channel) cell (measured
        only: no rectangular array can drop single cells, so ``transform``
        refuses).
    correlation_threshold : float, default=0.8
        For ``feature_groups="correlated"``.
    inference : {"auto", "batched", "predict"}, default="auto"
        How the model answers for permuted rows; see
        :func:`skimportance.permutation_importance`. ``"batched"`` turns the
        exact first-layer updates of Dense-first Keras models off.
    method : {"permutation", "conditional"} or sampler, default="permutation"
        What replaces a measured input. ``"permutation"``: other rows' values
        (plain permutation importance). ``"conditional"``: a draw from the
        input's distribution given the other inputs
        (:class:`~skimportance.ConditionalSampler`, whose models are fitted on
        each split's training rows): an input that the model does not need
        once the others are known, such as a correlated stand-in, is then
        dropped. A :class:`~skimportance.ConditionalSampler` instance sets the
        conditional models. Needs numeric X.

    Attributes
    ----------
    estimator_ : estimator
        Fitted on all of X (``refit=True``), or the prefit estimator (a
        trained ``keras.Model`` as a
        :class:`~skimportance.wrappers.FittedKerasModel`).
    feature_importances_ : ndarray of shape (n_features_in_,)
        Mean importance over splits and repeats (the drop in score). With
        ``feature_groups``, each feature's group's importance (its most
        important group's, when groups overlap).
    feature_importances_std_ : ndarray of shape (n_features_in_,)
        Standard deviation of the importances over splits and repeats.
    feature_importances_ci_ : ndarray of shape (n_features_in_, 2)
        (lower, upper) confidence interval of the importance at level
        ``1 - 2 * alpha``, from the test in ``test_`` (NaN when none ran).
    importances_ : ndarray of shape (n_features_in_, n_splits * n_repeats)
        Every measured importance, split-major.
    pvalues_ : ndarray of shape (n_features_in_,)
        One-sided p-values of H0: importance <= 0 (NaN when no valid test
        exists), not adjusted.
    pvalues_adjusted_ : ndarray of shape (n_features_in_,)
        The p-values adjusted by ``multiple_testing`` (over the groups tested).
    test_ : {"row", "split"} or None
        The test behind ``pvalues_``: the row-level cross-fitted test, the
        split-level corrected t-test, or None (no valid test: one split and a
        scorer that is not a mean over rows).
    group_importances_ : ndarray of shape (n_groups,)
        Mean importance of each measured group (each feature without groups).
    group_importances_std_ : ndarray of shape (n_groups,)
    group_importances_ci_ : ndarray of shape (n_groups, 2)
    group_pvalues_ : ndarray of shape (n_groups,)
    group_pvalues_adjusted_ : ndarray of shape (n_groups,)
    threshold_ : float
        The importance threshold in force (0.0 for ``threshold=None``, where
        the test decides and the positive-importance rule applies); relative
        thresholds ("mean") refer to ``group_importances_``.
    scorer_ : callable
        The scorer used.
    scoring_ : str or callable
        The scoring in force (the default's name when ``scoring=None``).
    baseline_score_ : float
        Held-out score before any permutation, averaged over splits.
    baseline_scores_ : ndarray of shape (n_splits,)
        The baseline score of each split.
    n_splits_ : int
        Number of splits measured.
    n_features_in_ : int
        Number of features seen in ``fit`` (along ``feature_axis``).
    group_names_ : list of str
        Name of each measured group (the feature names without groups).
    feature_groups_ : list of list of int
        Feature indices of each measured group.
    group_support_ : ndarray of bool of shape (n_groups,)
        Which groups are kept.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features, when X is a DataFrame with string columns.

    See Also
    --------
    permutation_importance : The drop-in function, for one fitted model.
    sklearn.feature_selection.SelectFromModel : Selection from a model's own
        importances (absolute values).

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skimportance import KerasImportanceSelector
    >>> X, y = make_classification(n_samples=400, n_features=6, n_informative=2,
    ...                            n_redundant=0, shuffle=False, random_state=0)
    >>> selector = KerasImportanceSelector(LogisticRegression(),
    ...                                    random_state=0).fit(X, y)
    >>> selector.get_support()
    array([ True,  True, False, False, False, False])
    >>> selector.test_
    'row'
    >>> selector.transform(X).shape
    (400, 2)
    """

    # groups is fit's own parameter, for the splitter: no set_fit_request for it
    __metadata_request__fit = {"groups": metadata_routing.UNUSED}

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit"])],
        "scoring": [StrOptions(set(get_scorer_names())), callable, None],
        "n_repeats": [Interval(Integral, 1, None, closed="left")],
        "cv": ["cv_object", StrOptions({"prefit"})],
        "threshold": [Interval(Real, None, None, closed="neither"), str, None],
        "alpha": [Interval(Real, 0, 1, closed="neither")],
        "multiple_testing": [StrOptions(set(MULTIPLE_TESTING))],
        "max_features": [Interval(Integral, 0, None, closed="left"), callable, None],
        "min_features_to_select": [Interval(Integral, 0, None, closed="left")],
        "refit": ["boolean"],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
        "max_samples": [
            Interval(Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0, 1, closed="right"),
        ],
        "batch_size": [Interval(Integral, 1, None, closed="left"), None],
        "verbose": ["verbose"],
        "feature_groups": [dict, list, tuple, StrOptions({"correlated"}), None],
        "feature_axis": [Integral, tuple],
        "correlation_threshold": [Interval(Real, 0, 1, closed="right")],
        "inference": [StrOptions({"auto", "batched", "predict"})],
        "method": [StrOptions({"permutation", "conditional"}), BaseSampler],
    }

    def __init__(
        self,
        estimator,
        *,
        scoring=None,
        n_repeats=5,
        cv=3,
        threshold=None,
        alpha=0.05,
        multiple_testing="fdr_bh",
        max_features=None,
        min_features_to_select=1,
        refit=True,
        random_state=None,
        n_jobs=None,
        max_samples=1.0,
        batch_size=None,
        verbose=0,
        feature_groups=None,
        feature_axis=-1,
        correlation_threshold=0.8,
        inference="auto",
        method="permutation",
    ):
        self.estimator = estimator
        self.scoring = scoring
        self.n_repeats = n_repeats
        self.cv = cv
        self.threshold = threshold
        self.alpha = alpha
        self.multiple_testing = multiple_testing
        self.max_features = max_features
        self.min_features_to_select = min_features_to_select
        self.refit = refit
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.max_samples = max_samples
        self.batch_size = batch_size
        self.verbose = verbose
        self.feature_groups = feature_groups
        self.feature_axis = feature_axis
        self.correlation_threshold = correlation_threshold
        self.inference = inference
        self.method = method

    # ------------------------------------------------------------------ tags
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(as_fitted_estimator(self.estimator))
        tags.input_tags.allow_nan = inner.input_tags.allow_nan
        tags.input_tags.sparse = False
        tags.target_tags.required = True
        return tags

    # ------------------------------------------------------------- routing
    def get_metadata_routing(self):
        """Route ``fit`` metadata to the estimator, the scorer and the splitter.

        As in :class:`~sklearn.feature_selection.RFECV`: ``groups`` go to the
        CV splitter's ``split`` (``GroupKFold`` requests them), other metadata
        to the estimator's ``fit`` and to a scorer that requests it.

        Returns
        -------
        routing : MetadataRouter
        """
        router = MetadataRouter(owner=self).add(
            estimator=self.estimator,
            method_mapping=MethodMapping().add(caller="fit", callee="fit"),
        )
        if not (isinstance(self.cv, str) and self.cv == "prefit"):
            router.add(
                splitter=check_cv(self.cv),
                method_mapping=MethodMapping().add(caller="fit", callee="split"),
            )
        scorer = self.scoring if callable(self.scoring) else None
        if scorer is None and isinstance(self.scoring, str):
            scorer = get_scorer(self.scoring)
        if scorer is not None and hasattr(scorer, "get_metadata_routing"):
            router.add(
                scorer=scorer,
                method_mapping=MethodMapping().add(caller="fit", callee="score"),
            )
        return router

    def _split_params(self, fit_params, groups=None):
        """(estimator fit params, scorer params, splitter params) for this call.

        Without metadata routing, ``groups`` go to ``cv.split`` and everything
        else to the estimator's ``fit``; ``sample_weight`` (or, for a Pipeline,
        the final step's ``<step>__sample_weight``) also weights the scorer.
        With routing, each goes where it is requested; the default scorer
        (``scoring=None``) is weighted by ``sample_weight`` whenever it is
        passed, as without routing.
        """
        prefit = isinstance(self.cv, str) and self.cv == "prefit"
        if groups is not None and prefit:
            raise ValueError(
                "groups are used to split X for cross-validation; cv='prefit' "
                "makes no splits. Pass a group splitter such as cv=GroupKFold(5)."
            )
        if _routing_enabled():
            if groups is not None:
                fit_params = {**fit_params, "groups": groups}
            routed = process_routing(self, "fit", **fit_params)
            # .get, not "in": without metadata, sklearn returns a stand-in on
            # which "in" never ends
            scorer, splitter = routed.get("scorer"), routed.get("splitter")
            score_params = {} if scorer is None else dict(scorer.score)
            if self.scoring is None and fit_params.get("sample_weight") is not None:
                score_params["sample_weight"] = fit_params["sample_weight"]
            split_params = {} if splitter is None else dict(splitter.split)
            return dict(routed.estimator.fit), score_params, split_params
        weight_key = scorer_weight_key(self.estimator, fit_params, trains=not prefit)
        score_params = {}
        if fit_params.get(weight_key) is not None:
            score_params["sample_weight"] = fit_params[weight_key]
        split_params = {} if groups is None else {"groups": groups}
        return dict(fit_params), score_params, split_params

    # ---------------------------------------------------------------- fit
    def _validate_input(self, X, y):
        _check_feature_names(self, X, reset=True)
        if not hasattr(X, "iloc"):
            allow_nan = get_tags(
                as_fitted_estimator(self.estimator)
            ).input_tags.allow_nan
            X = check_array(
                X,
                dtype=None,
                ensure_all_finite="allow-nan" if allow_nan else True,
                allow_nd=True,
                input_name="X",
                estimator=self,
            )
        if X.ndim < 2:
            raise ValueError(f"X must have at least 2 dimensions; got {X.ndim}.")
        _check_n_features(self, X, reset=True)
        if y is None:
            raise ValueError(
                "KerasImportanceSelector requires y to be passed, but the target y "
                "is None: importance is a drop in a supervised score."
            )
        if not hasattr(y, "iloc"):
            y = np.asarray(y)
        check_consistent_length(X, y)
        return X, y

    def _check_selection_rule(self, X):
        """Validate the threshold and a callable max_features before training."""
        resolve_threshold(self.threshold, np.zeros(1))  # raises for a bad string
        if callable(self.max_features):
            value = self.max_features(X)
            if not isinstance(value, Integral) or value < 0:
                raise ValueError(
                    f"max_features callable returned {value!r}; an int >= 0 "
                    "was expected."
                )

    def _make_splits(self, X, y, kind, rng, split_params):
        """The (train, test) index pairs; ``train`` is None for ``cv="prefit"``."""
        if self.cv == "prefit":
            return [(None, np.arange(_num_samples(X)))]
        check_trainable(self.estimator)
        cv = check_cv(self.cv, y, classifier=kind == "classifier")
        if isinstance(self.cv, Integral) and hasattr(cv, "shuffle"):
            cv.shuffle = True
            cv.random_state = rng.randint(np.iinfo(np.int32).max)
        n_splits = cv.get_n_splits(X, y, **split_params)
        if n_splits > _num_samples(X):
            raise ValueError(
                f"cv={self.cv!r} asks for {n_splits} splits but X has only "
                f"{_num_samples(X)} samples."
            )
        return list(cv.split(X, y, **split_params))

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, groups=None, **fit_params):
        """Measure held-out permutation importance and choose the features.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Training data (with ``cv="prefit"``: held-out data).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        groups : array-like of shape (n_samples,), default=None
            Group labels for a group splitter such as
            :class:`~sklearn.model_selection.GroupKFold`: passed to
            ``cv.split``, never to the estimator. With metadata routing
            enabled, routed to the splitter (and to any other consumer that
            requests it).
        **fit_params : dict
            Passed to the estimator's ``fit`` (split per fold). ``sample_weight``
            also weights the scorer. A Pipeline takes no ``sample_weight``:
            pass ``<final step>__sample_weight`` (e.g.
            ``logisticregression__sample_weight=w``), which then weights the
            scorer too. With metadata routing enabled, each goes where it is
            requested (and ``sample_weight`` weights the default scorer).

        Returns
        -------
        self : object
        """
        limit_tensorflow_threads()
        X, y = self._validate_input(X, y)
        check_method_input(self.method, X)
        layout = FeatureLayout(
            X, self.feature_axis, self.feature_groups, self.correlation_threshold
        )
        self.x_ndim_ = 2 if hasattr(X, "iloc") else X.ndim
        self.feature_axis_ = layout.axes
        if self.x_ndim_ > 2:
            self.n_features_in_ = layout.n_features
        self.feature_groups_ = [list(g) for g in layout.groups]
        self.group_names_ = list(layout.group_names)
        est_params, score_params, split_params = self._split_params(fit_params, groups)
        self._check_selection_rule(X)
        sample_weight = score_params.get("sample_weight")
        kind = estimator_type(self.estimator)
        classes = None
        if kind == "classifier":
            classes = (
                np.unique(np.asarray(y)[~_is_missing(y)]) if np.ndim(y) == 1 else None
            )
            if classes is not None and len(classes) < 2:
                raise ValueError(
                    f"y has only one class ({classes[0]!r}): importance for a "
                    "classifier needs at least two."
                )
        rng = check_random_state(self.random_state)

        splits = self._make_splits(X, y, kind, rng, split_params)
        estimator_ = None
        if self.cv == "prefit":
            self._check_prefit()
            estimator_ = as_fitted_estimator(self.estimator, y)  # a keras.Model
        seeds = rng.randint(np.iinfo(np.int32).max, size=len(splits))
        # training seeds: one per split and one for the refit, so that a
        # split trains the same network wherever (whichever process) it runs
        train_seeds = [None] * (len(splits) + 1)
        if self.random_state is not None:
            train_seeds = rng.randint(np.iinfo(np.int32).max, size=len(splits) + 1)
        do_refit = estimator_ is None and self.refit
        n_tasks = len(splits) + do_refit
        parallel = n_tasks > 1 and effective_n_jobs(self.n_jobs) > 1

        n_segments = len(layout.groups) * self.n_repeats
        progress = Progress(
            self.verbose, len(splits) * n_segments, "KerasImportanceSelector"
        )
        common = dict(
            scoring=self.scoring,
            n_repeats=self.n_repeats,
            batch_size=self.batch_size,
            layout=layout,
            labels=classes,
            inference=self.inference,
            method=self.method,
            # blocks in threads only when there is one split (prefit)
            n_jobs=self.n_jobs if len(splits) == 1 else None,
            verbose=self.verbose,
            progress=None if parallel else progress.update,
        )

        def make_tasks():  # one at a time: each holds a copy of its split
            for i, (train, test) in enumerate(splits):
                if train is None:
                    estimator, train_part = estimator_, None
                    test_part = (X, y, sample_weight)
                else:
                    estimator = clone_estimator(self.estimator)
                    train_part = (
                        _index(X, train),
                        _index(y, train),
                        _check_method_params(X, est_params, train),
                    )
                    sw_test = (
                        None if sample_weight is None else _index(sample_weight, test)
                    )
                    test_part = (_index(X, test), _index(y, test), sw_test)
                max_samples = self.max_samples
                n_test = _num_samples(test_part[0])
                if not isinstance(max_samples, numbers.Integral):
                    max_samples = max(1, int(max_samples * n_test))
                yield (
                    fit_and_measure,
                    (estimator, train_part, test_part),
                    dict(
                        train_seed=train_seeds[i],
                        perm_seed=seeds[i],
                        max_samples=min(max_samples, n_test),
                        **common,
                    ),
                )
            if do_refit and parallel:  # alongside the splits
                yield (
                    refit,
                    (clone_estimator(self.estimator), X, y, est_params),
                    dict(train_seed=train_seeds[-1], verbose=self.verbose),
                )

        if parallel:
            progress.describe(f"{len(splits)} splits in parallel")
            outputs = Parallel(n_jobs=self.n_jobs, return_as="generator")(
                delayed(task)(*args, **kw) for task, args, kw in make_tasks()
            )
        else:

            def run_here():  # one split after the other, labelled before it runs
                for i, (task, args, kw) in enumerate(make_tasks()):
                    progress.describe(f"split {i + 1}/{len(splits)}")
                    yield task(*args, **kw)

            outputs = run_here()
        results = []
        for i, output in enumerate(outputs):
            if i == len(splits):  # the refit
                estimator_ = output
                continue
            results.append(output)
            self.scoring_ = output.scoring
            if parallel:
                progress.update(n_segments)
            if self.verbose and progress.bar is None:
                print(
                    f"[KerasImportanceSelector] split {i + 1}/{len(splits)}: "
                    f"baseline {output.baseline:.4f}, {output.seconds:.1f}s",
                    file=sys.stderr,
                )
        progress.close()
        self._collect(results, splits)
        # validate the selection rule now rather than at transform; a callable
        # max_features needs X, so its mask is the one computed here
        self._support_at_fit = self._mask_for(X, warn=True)
        if do_refit and not parallel:  # after the selection rule is validated
            estimator_ = refit(
                clone_estimator(self.estimator),
                X,
                y,
                est_params,
                train_seed=train_seeds[-1],
                verbose=self.verbose,
            )
        if estimator_ is not None:
            self.estimator_ = estimator_
        return self

    def _collect(self, results, splits):
        """Fitted attributes from the splits' results (``fit_and_measure``)."""
        group_imp = np.concatenate([r.importances for r in results], axis=1)
        self.n_splits_ = len(splits)
        self.baseline_scores_ = np.asarray([r.baseline for r in results], dtype=float)
        self.baseline_score_ = float(self.baseline_scores_.mean())
        self.scorer_ = results[-1].scorer
        if all(r.row_importances is not None for r in results):
            rows = [
                r.rows if train is None else np.asarray(test)[r.rows]
                for r, (train, test) in zip(results, splits)
            ]
            _, _, pvalues, ci = row_level_test(
                [r.row_importances for r in results],
                [r.row_weights for r in results],
                rows,
                alpha=self.alpha,
            )
            self.test_ = "row"
        else:
            ratios = [len(te) / len(tr) for tr, te in splits if tr is not None]
            pvalues, ci = split_level_test(
                group_imp,
                self.n_splits_,
                float(np.mean(ratios)) if ratios else 0.0,
                alpha=self.alpha,
            )
            self.test_ = "split" if self.n_splits_ > 1 else None
        if self.test_ is None:
            warnings.warn(
                f"scoring={self.scoring_!r} is not a mean over rows, and one split "
                "gives no valid test of it: pvalues_ and the intervals are NaN "
                "and threshold=None keeps no input by the test. Use a scorer "
                "that is a mean over rows (neg_log_loss, neg_brier_score, "
                "accuracy, r2, neg_mean_squared_error, neg_mean_absolute_error), "
                "several splits (cv=3), or select by a threshold.",
                UserWarning,
                stacklevel=4,
            )
        self.group_importances_ = group_imp.mean(axis=1)
        self.group_importances_std_ = group_imp.std(axis=1)
        self.group_pvalues_ = pvalues
        self.group_pvalues_adjusted_ = adjust_pvalues(pvalues, self.multiple_testing)
        self.group_importances_ci_ = ci
        owner = _owner_groups(
            self.feature_groups_, self.group_importances_, self.n_features_in_
        )
        self.importances_ = group_imp[owner]
        self.feature_importances_ = self.group_importances_[owner]
        self.feature_importances_std_ = self.group_importances_std_[owner]
        self.pvalues_ = pvalues[owner]
        self.pvalues_adjusted_ = self.group_pvalues_adjusted_[owner]
        self.feature_importances_ci_ = ci[owner]

    def _check_prefit(self):
        try:
            check_is_fitted(as_fitted_estimator(self.estimator))
        except NotFittedError as exc:
            raise NotFittedError(
                "cv='prefit' needs a fitted estimator; "
                f"{type(self.estimator).__name__} is not fitted. Fit it first, or "
                "pass cv=3 to fit it on each training split."
            ) from exc

    # ----------------------------------------------------------- selection
    def _mask_for(self, X=None, warn=False):
        """Mask over groups (one per feature without groups)."""
        max_features = self.max_features
        if callable(max_features):
            if X is None:
                raise ValueError("a callable max_features needs X")
            max_features = max_features(X)
            if not isinstance(max_features, Integral) or max_features < 0:
                raise ValueError(
                    f"max_features callable returned {max_features!r}; an int >= 0 "
                    "was expected."
                )
        adjusted = adjust_pvalues(self.group_pvalues_, self.multiple_testing)
        mask, forced = support_mask(
            self.group_importances_,
            adjusted,
            threshold=self.threshold,
            alpha=self.alpha,
            max_features=max_features,
            min_features_to_select=self.min_features_to_select,
            return_forced=True,
        )
        if warn and forced:
            names = forced_features(
                self.group_importances_,
                self.group_pvalues_,
                forced,
                self.group_names_,
                None if self.multiple_testing == "none" else adjusted,
            )
            warnings.warn(
                f"min_features_to_select={self.min_features_to_select} kept "
                f"{len(forced)} input(s) that did not pass the selection rule: "
                f"{names}. Set min_features_to_select=0 to keep only the inputs "
                "that pass.",
                UserWarning,
                stacklevel=4,
            )
        return mask

    @property
    def group_support_(self):
        """Which groups are kept (one per feature when there are no groups)."""
        check_is_fitted(self, "feature_importances_")
        if callable(self.max_features):
            return self._support_at_fit
        return self._mask_for()

    def _get_support_mask(self):
        groups = self.group_support_
        mask = np.zeros(self.n_features_in_, dtype=bool)
        for keep, members in zip(groups, self.feature_groups_):
            if keep:
                mask[members] = True
        return mask

    # ------------------------------------------------ N-D transform
    def _check_nd(self, X):
        allow_nan = get_tags(self).input_tags.allow_nan
        X = check_array(
            X,
            dtype=None,
            allow_nd=True,
            input_name="X",
            estimator=self,
            ensure_all_finite="allow-nan" if allow_nan else True,
        )
        if X.ndim != self.x_ndim_:
            raise ValueError(
                f"X has {X.ndim} dimensions, but {type(self).__name__} was fitted "
                f"on {self.x_ndim_}."
            )
        if len(self.feature_axis_) != 1:
            raise ValueError(
                f"feature_axis={self.feature_axis!r} measures cells across several "
                "axes; no rectangular array can drop single cells, so there is "
                "nothing to transform. Use one axis to select."
            )
        axis = self.feature_axis_[0]
        if X.shape[axis] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[axis]} features along axis {axis}, but "
                f"{type(self).__name__} is expecting {self.n_features_in_}."
            )
        return X, axis

    def transform(self, X):
        """Keep the selected features.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or with more axes
            For N-D input, features are dropped along ``feature_axis`` and the
            other axes are kept.

        Returns
        -------
        X_selected : array-like
        """
        check_is_fitted(self, "feature_importances_")
        if getattr(self, "x_ndim_", 2) == 2:
            return super().transform(X)
        X, axis = self._check_nd(X)
        return np.take(X, np.flatnonzero(self.get_support()), axis=axis)

    def inverse_transform(self, X):
        """Put the kept features back in place, zeros for the dropped ones.

        Parameters
        ----------
        X : array-like with the selected features

        Returns
        -------
        X_original : array-like
        """
        check_is_fitted(self, "feature_importances_")
        if getattr(self, "x_ndim_", 2) == 2:
            return super().inverse_transform(X)
        X = np.asarray(X)
        axis = self.feature_axis_[0]
        shape = list(X.shape)
        shape[axis] = self.n_features_in_
        out = np.zeros(shape, dtype=X.dtype)
        index = [slice(None)] * X.ndim
        index[axis] = np.flatnonzero(self.get_support())
        out[tuple(index)] = X
        return out

    @property
    def threshold_(self):
        """The importance threshold in force (0.0 when significance decides)."""
        check_is_fitted(self, "feature_importances_")
        cut = resolve_threshold(self.threshold, self.group_importances_)
        return 0.0 if cut is None else cut

    # ---------------------------------------------------------- delegation
    @available_if(_estimator_has("predict"))
    def predict(self, X, **predict_params):
        """Predict with ``estimator_`` (fitted on all features).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features_in_)
        **predict_params : dict
            Passed to ``estimator_.predict``.

        Returns
        -------
        y_pred : ndarray
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict(X, **predict_params)

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities from ``estimator_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features_in_)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict_proba(X)

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X):
        """Decision function of ``estimator_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features_in_)

        Returns
        -------
        scores : ndarray
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.decision_function(X)

    @available_if(_estimator_has("score"))
    def score(self, X, y, **score_params):
        """Score of ``estimator_`` on (X, y).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features_in_)
        y : array-like of shape (n_samples,)
        **score_params : dict
            Passed to ``estimator_.score``.

        Returns
        -------
        score : float
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.score(X, y, **score_params)

    @property
    def classes_(self):
        """Classes of ``estimator_``."""
        return self.estimator_.classes_


def _owner_groups(groups, importances, n_features):
    """For each feature, the group whose values it takes: its most important
    group (the first of equals), so a feature in overlapping groups reports
    the strongest evidence that it matters."""
    owner = np.full(n_features, -1, dtype=np.intp)
    for g in np.argsort(-np.asarray(importances), kind="stable"):
        members = np.asarray(groups[g], dtype=np.intp)
        members = members[owner[members] < 0]
        owner[members] = g
    return owner


def _is_missing(y):
    y = np.asarray(y)
    if y.dtype.kind == "f":
        return np.isnan(y)
    return np.zeros(y.shape, dtype=bool)


def _index(a, rows):
    if hasattr(a, "iloc"):
        return a.iloc[rows]
    return np.asarray(a)[rows]
