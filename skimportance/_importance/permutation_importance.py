"""``permutation_importance``: scikit-learn's function, with batched model calls."""

import numbers

import numpy as np
from sklearn.metrics import get_scorer_names
from sklearn.utils import check_array, check_random_state

from .._engine.groups import FeatureLayout
from .._keras.flat_problem import flat_problem
from .._utils.compat import StrOptions, validate_params
from .compute import ImportanceOptions, compute_importances
from .inputs import check_missing, check_target, warn_if_no_skill
from .params import FUNCTION_CONSTRAINTS, SHARED_CONSTRAINTS, fill_doc

__all__ = ["permutation_importance"]


@validate_params(
    {
        **FUNCTION_CONSTRAINTS,
        "y": ["array-like", None],
        "scoring": [
            StrOptions(set(get_scorer_names())),
            callable,
            list,
            tuple,
            dict,
            None,
        ],
        **SHARED_CONSTRAINTS,
    },
    prefer_skip_nested_validation=True,
)
@fill_doc
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
    X : ndarray or DataFrame of shape (n_samples, n_features), or dict or list
        Data on which importance is computed, preferably held out. Not modified.
        For a model with several inputs: a dict by input name or a list, one
        2-D array or DataFrame per input; one importance per column of every
        input, in that order (``feature_names`` in the result).
    y : array-like of shape (n_samples,) or (n_samples, n_outputs), or None
        Targets.
    scoring : str, callable, list, tuple or dict, default=None
        As in scikit-learn. ``None`` uses ``estimator.score``; for a
        ``keras.Model``, the proper scoring rule (``"neg_log_loss"`` for a
        classifier, ``"r2"`` for a regressor).
    ${n_repeats}
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
    ${batch_size}
    ${feature_groups}
        Results then have one row per group, and the ``Bunch`` also holds
        ``group_names`` and ``groups`` (feature indices).
    ${feature_axis}
    ${correlation_threshold}
    ${inference}
    ${method}
        The conditional models are fitted on folds of the evaluated rows, each
        row predicted by a model that did not see it.

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch` or dict of such
        ``importances_mean`` (n_features,), ``importances_std`` (n_features,) and
        ``importances`` (n_features, n_repeats); a dict of them, keyed by scorer
        name, for multi-metric ``scoring``. With several inputs also
        ``feature_names``: a DataFrame's column names, or ``input[j]``.

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
    estimator, X, feature_groups, inputs = flat_problem(estimator, X, y, feature_groups)
    if not hasattr(X, "iloc"):
        X = check_array(X, ensure_all_finite="allow-nan", dtype=None, allow_nd=True)
    check_missing(estimator, X)
    y = check_target(estimator, y)
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
    layout = FeatureLayout(
        X,
        feature_axis,
        feature_groups,
        correlation_threshold,
        feature_names=None if inputs is None else inputs.feature_names,
    )
    results, baseline, scorers, multimetric = compute_importances(
        estimator,
        X,
        y,
        scoring=scoring,
        sample_weight=sample_weight,
        layout=layout,
        options=ImportanceOptions(
            n_repeats=n_repeats,
            random_seed=random_seed,
            max_samples=max_samples,
            method=method,
            batch_size=batch_size,
            inference=inference,
            n_jobs=n_jobs,
        ),
    )
    warn_if_no_skill(scorers, baseline, y, sample_weight)
    if feature_groups is not None:
        for bunch in results.values():
            bunch["group_names"] = list(layout.group_names)
            bunch["groups"] = [list(g) for g in layout.groups]
    if inputs is not None:
        for bunch in results.values():
            bunch["feature_names"] = list(inputs.feature_names)
    if multimetric:
        return results
    return next(iter(results.values()))
