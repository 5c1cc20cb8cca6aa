"""KerasImportanceSelector: held-out permutation importance as a selector.

``fit`` runs in named steps: validate the input (``fit_input``), route the
fit parameters (``routing``), plan the splits and measure each one
(``splits``), collect the importances and test them (``support``, with the
tests of ``_statistics``), choose the features (``rules``), refit.
Prediction goes to ``estimator_`` (``delegation``).
"""

from sklearn.base import BaseEstimator, MetaEstimatorMixin
from sklearn.feature_selection import SelectorMixin
from sklearn.utils import get_tags, metadata_routing

from .._keras.fitted_model import as_fitted_estimator
from .._keras.flat_problem import flat_problem
from .._keras.training import limit_tensorflow_threads
from .._utils.compat import _fit_context
from .._utils.estimators import with_type_of
from .constraints import SELECTOR_CONSTRAINTS
from .delegation import DelegateToEstimatorMixin
from .docs import fill_selector_doc
from .fit_input import target_kind, validate_fit_input
from .prefit_trap import WarnsPrefitFitTransform
from .routing import route_fit_params, selector_router
from .splits import (
    FitData,
    SplitPlan,
    SplitSettings,
    clone_estimator,
    refit,
    run_splits,
)
from .support import NDTransformMixin, SelectionMixin, set_input_layout

__all__ = ["KerasImportanceSelector"]


@fill_selector_doc
class KerasImportanceSelector(
    WarnsPrefitFitTransform,
    DelegateToEstimatorMixin,
    SelectionMixin,
    NDTransformMixin,
    MetaEstimatorMixin,
    SelectorMixin,
    BaseEstimator,
):
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
    ${n_repeats}
    cv : int, cross-validation generator, iterable or "prefit", default=3
        Splits for fitting and measuring: an int means what it means in
        scikit-learn (``check_cv``): ``StratifiedKFold`` for a classifier,
        else ``KFold``, without shuffling (rows in order: shuffle X and y
        first, or pass ``KFold(3, shuffle=True, random_state=0)``); an
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
        :class:`~sklearn.feature_selection.SelectFwe`). Like
        ``SelectFromModel``'s threshold, the selection parameters
        (``threshold``, ``alpha``, ``multiple_testing``, ``max_features``,
        ``min_features_to_select``) take effect as soon as they are set:
        ``get_support()``, ``group_support_``, ``threshold_`` and
        ``pvalues_adjusted_`` follow ``set_params`` together, without
        measuring again.
    ${cv_test}
    max_features : int, callable or None, default=None
        Keep at most this many features (best first). A callable gets the X
        given to ``fit`` (once) and returns the int.
    min_features_to_select : int, default=1
        Keep at least this many of the best features even if fewer pass; an
        input kept this way is named in a warning with its importance and
        p-value (it may have a non-positive importance). ``0`` keeps only the
        inputs that pass, possibly none.
    refit : bool, default=True
        Fit ``estimator_`` on all of X after measuring (not with ``cv="prefit"``,
        where ``estimator_`` is the given estimator itself).
    random_state : int, RandomState instance or None, default=None
        Controls the permutations (one seed per split, drawn in ``fit``)
        and, when Keras is imported, training: each
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
    ${batch_size}
    verbose : int, default=0
        0 is silent, including what training prints (Keras' epoch logs);
        1 shows a progress bar over splits and permutations on stderr; 2 and
        more also let the estimator's own training logs through.
    ${feature_groups}
        Selection keeps or drops whole groups; a feature is kept if any group
        holding it is. Per-feature attributes give each feature its group's
        values (in overlapping groups, those of its most important group);
        the ``group_*`` attributes hold one value per group.
    ${feature_axis}
        ``transform`` drops features along that axis and keeps the others;
        with ``(1, 2)`` cells are measured only (no rectangular array can drop
        single cells, so ``transform`` refuses).
    ${correlation_threshold}
    ${inference}
    ${method}
        The conditional models are fitted on each split's training rows.

    Attributes
    ----------
    estimator_ : estimator
        Fitted on all of X (``refit=True``), or the prefit estimator (a
        trained ``keras.Model`` as a
        :class:`~skimportance.wrappers.FittedKerasModel`).
    feature_importances_ : ndarray of shape (n_features,)
        Mean importance over splits and repeats (the drop in score). With
        ``feature_groups``, each feature's group's importance (its most
        important group's, when groups overlap).
    feature_importances_std_ : ndarray of shape (n_features,)
        Standard deviation of the importances over splits and repeats.
    feature_importances_ci_ : ndarray of shape (n_features, 2)
        (lower, upper) interval at level ``1 - 2 * alpha`` from the test in
        ``test_`` (NaN when none ran), around the importance.
    importances_ : ndarray of shape (n_features, n_splits * n_repeats)
        Every measured importance, split-major.
    pvalues_ : ndarray of shape (n_features,)
        One-sided p-values of H0: importance <= 0 (NaN when no valid test
        exists), not adjusted.
    pvalues_adjusted_ : ndarray of shape (n_features,)
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
    ${split_results_}
    n_features_in_ : int
        Number of features seen in ``fit`` (along ``feature_axis``).
    group_names_ : list of str
        Name of each measured group (the feature names without groups).
    feature_groups_ : list of list of int
        Feature indices of each measured group.
    group_support_ : ndarray of bool of shape (n_groups,)
        Which groups are kept.
    feature_names_in_ : ndarray of shape (n_features,)
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
    >>> X, y = make_classification(n_samples=600, n_features=6, n_informative=2,
    ...                            n_redundant=0, shuffle=False, random_state=0)
    >>> selector = KerasImportanceSelector(LogisticRegression(),
    ...                                    random_state=0).fit(X, y)
    >>> selector.get_support()
    array([ True,  True, False, False, False, False])
    >>> selector.test_
    'row'
    >>> selector.transform(X).shape
    (600, 2)
    """

    # groups is fit's own parameter, for the splitter: no set_fit_request for it
    __metadata_request__fit = {"groups": metadata_routing.UNUSED}

    _parameter_constraints: dict = SELECTOR_CONSTRAINTS

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
        cv_test="fold",
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
        self.cv_test = cv_test
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
        # the estimator's type, as RFE reports it: is_classifier, check_cv's
        # stratification, scorers
        inner_estimator = as_fitted_estimator(self.estimator)
        tags = with_type_of(super().__sklearn_tags__(), inner_estimator)
        inner = get_tags(inner_estimator)
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
        return selector_router(self)

    # ---------------------------------------------------------------- fit
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
        estimator, X, feature_groups, inputs = flat_problem(
            self.estimator, X, y, self.feature_groups
        )
        X, y, layout = validate_fit_input(self, X, y, feature_groups, inputs)
        set_input_layout(self, inputs)
        est_params, score_params, split_params = route_fit_params(
            self, fit_params, groups
        )
        self._check_selection_rule(X)
        kind, classes = target_kind(estimator, y)
        plan = SplitPlan.for_fit(
            self.cv,
            estimator,
            X,
            y,
            kind,
            split_params,
            random_state=self.random_state,
            refit=self.refit,
            n_jobs=self.n_jobs,
        )
        data = FitData(X, y, est_params, score_params.get("sample_weight"))
        results, estimator_ = run_splits(
            plan,
            estimator,
            data,
            SplitSettings.of(self, layout, classes),
            n_jobs=self.n_jobs,
            desc=type(self).__name__,
        )
        self.scoring_ = results[-1].scoring
        self._collect(results, plan.splits)
        self._mask_for(warn=True)  # names the inputs min_features_to_select kept
        if plan.refit and not plan.parallel:  # after the selection rule is valid
            estimator_ = refit(
                clone_estimator(estimator),
                data,
                train_seed=plan.train_seeds[-1],
                verbose=self.verbose,
            )
        if estimator_ is not None:
            self.estimator_ = estimator_
        return self
