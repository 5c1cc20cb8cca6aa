"""``interaction_importance``: what two inputs share in a fitted model.

Permutation importance of one input mixes its own effect with its share of
every interaction it takes part in. For a pair (j, k) the importance they
share is

    I_j + I_k - I_jk,

the sum of their single importances minus the importance of permuting both,
each with its own row permutation. Under squared error with independent
inputs it is twice the variance of every functional-ANOVA term that holds
both j and k (the total interaction index of Fruth, Roustant & Kuhnt, 2014):
zero for a model additive in them, positive where they act together. A
negative value says the two stand in for each other (correlated inputs, or a
model that needs only one of them).

The singles are measured with the engine's permutation of each repeat (the
numbers of :func:`~skimportance.permutation_importance`), the second input of
a pair with a second permutation, and the pair with both: so the shared
importance of a pair in which the model ignores one input is zero exactly,
and every row gives one observation of it, for the row-level test.
"""

import numbers
from dataclasses import replace
from itertools import combinations

import numpy as np
from sklearn.utils import Bunch, check_array, check_random_state
from sklearn.utils.random import sample_without_replacement

from .._engine.groups import FeatureLayout
from .._importance.compute import ImportanceOptions, compute_importances
from .._importance.params import FUNCTION_CONSTRAINTS, SHARED_CONSTRAINTS, fill_doc
from .._methods.pair_permutation import PartPermutations
from .._scoring.records import ROW_METRIC_LABELS
from .._statistics import MULTIPLE_TESTING, adjust_pvalues, pair_row_test
from .._utils.compat import Interval, StrOptions, validate_params
from .._utils.indexing import take_rows

__all__ = ["interaction_importance"]


class _FlatGroups:
    """The engine's view of what is measured: flat columns of each group."""

    def __init__(self, groups):
        self.groups = groups

    def flat_groups(self):
        return [sorted(g) for g in self.groups]


_SHARED = ("n_repeats", "max_samples", "batch_size", "feature_groups", "feature_axis")


@validate_params(
    {
        **FUNCTION_CONSTRAINTS,
        "y": ["array-like"],
        "scoring": [str, callable, None],
        "inference": SHARED_CONSTRAINTS["inference"],
        "pairs": [
            StrOptions({"all"}),
            Interval(numbers.Integral, 2, None, closed="left"),
            list,
            tuple,
        ],
        "features": ["array-like", None],
        "multiple_testing": [StrOptions(set(MULTIPLE_TESTING))],
        "h_statistic": ["boolean"],
        "h_samples": [Interval(numbers.Integral, 2, None, closed="left")],
        **{name: SHARED_CONSTRAINTS[name] for name in _SHARED},
    },
    prefer_skip_nested_validation=True,
)
@fill_doc
def interaction_importance(
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
    inference="auto",
    pairs="all",
    features=None,
    multiple_testing="fdr_bh",
    h_statistic=False,
    h_samples=200,
):
    """Importance shared by each pair of inputs, with a p-value per pair.

    The measure of a pair (j, k) is ``I_j + I_k - I_jk``: the sum of their
    single permutation importances minus the importance of permuting both
    (each with its own row permutation), on the rows given (held-out rows,
    as for :func:`~skimportance.permutation_importance`). Under squared error
    (or R²) with independent inputs it is twice the variance of every
    functional-ANOVA term holding both inputs (Fruth, Roustant & Kuhnt's total
    interaction index): zero for a model additive in them, positive where they
    act together. Negative: they stand in for each other (correlated inputs).
    Under log loss it measures how the two combine on the loss scale: a model
    additive in the logit still shares some importance where its sigmoid
    saturates.

    Each evaluated row gives one observation of the shared importance
    (averaged over the repeats); the two-sided test of H0: shared importance
    = 0 is a t-test over rows, and ``multiple_testing`` adjusts the p-values
    of the pairs measured.

    Parameters
    ----------
    estimator : fitted estimator or keras.Model
        Any estimator :func:`~skimportance.permutation_importance` takes.
    X : array-like or DataFrame of shape (n_samples, n_features) or more axes
        Held-out rows. Must be numeric.
    y : array-like of shape (n_samples,)
    scoring : str, callable or None, default=None
        One scorer that is a mean over rows (log loss, Brier score,
        accuracy, R², squared error, absolute error). None: the estimator's
        proper rule.
    n_repeats : int, default=5
        Permutations of each input and pair.
    n_jobs : int or None, default=None
        Blocks predicted in parallel (threads).
    random_state : int, RandomState instance or None, default=None
    sample_weight : array-like of shape (n_samples,), default=None
    max_samples : int or float, default=1.0
        Rows evaluated (a fraction of X, or a number).
    ${batch_size}
    feature_groups : dict, list of lists, "correlated" or None, default=None
        Groups of features measured as one input, as in
        :func:`~skimportance.permutation_importance` (X of one input).
    ${feature_axis}
    inference : {"auto", "batched", "predict"}, default="auto"
        Which fast paths are allowed, as in
        :func:`~skimportance.permutation_importance`: a pair through a
        Dense-first network is a rank-2 first-layer update.
    pairs : "all", int or list of pairs, default="all"
        The pairs measured: all of them, the pairs among the ``pairs`` most
        important inputs (screened by their single importance, as R's
        ``hstats`` does), or the pairs given (indices of the inputs, or their
        names).
    features : array-like of int or str, or None, default=None
        The inputs among which pairs are formed (indices or names; None: all),
        e.g. the inputs a fitted selector kept:
        ``features=selector.get_support(indices=True)``.
    multiple_testing : {"fdr_bh", "holm", "none"}, default="fdr_bh"
        Adjustment of the pairs' p-values (``pvalues_adjusted``).
    h_statistic : bool, default=False
        Also compute Friedman and Popescu's H statistic of each pair measured
        (on ``h_samples`` rows; ``h_statistic`` in the result).
    h_samples : int, default=200
        Rows for the H statistic (it costs ``h_samples**2`` predictions per
        pair).

    Returns
    -------
    result : Bunch
        ``importances_mean``, ``importances_std`` (n_inputs,) and
        ``importances`` (n_inputs, n_repeats): the single importances;
        ``interactions_mean``, ``interactions_std`` (n_inputs, n_inputs),
        symmetric, NaN where a pair was not measured and on the diagonal;
        ``interactions`` (n_inputs, n_inputs, n_repeats); ``pvalues`` and
        ``pvalues_adjusted`` (n_inputs, n_inputs); ``pairs``: the pairs
        measured; ``feature_names``; ``baseline``: the score on the rows;
        ``h_statistic`` (n_inputs, n_inputs) when asked for.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.ensemble import HistGradientBoostingRegressor
    >>> from skimportance import interaction_importance
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-1, 1, size=(1000, 4))
    >>> y = X[:, 0] * X[:, 1] + X[:, 2] + 0.1 * rng.normal(size=1000)
    >>> model = HistGradientBoostingRegressor(random_state=0).fit(X[:600], y[:600])
    >>> result = interaction_importance(model, X[600:], y[600:], random_state=0)
    >>> i, j = np.unravel_index(np.nanargmax(result.interactions_mean), (4, 4))
    >>> sorted((int(i), int(j)))
    [0, 1]
    >>> bool(result.pvalues_adjusted[0, 1] < 0.05)
    True
    """
    X, y, sample_weight, seed = _evaluated_rows(
        X, y, sample_weight, max_samples, random_state
    )
    layout = FeatureLayout(X, feature_axis, feature_groups)
    options = ImportanceOptions(
        n_repeats=n_repeats,
        random_seed=seed,
        batch_size=batch_size,
        inference=inference,
        n_jobs=n_jobs,
        row_level=True,
    )
    measure = _Measure(estimator, X, y, scoring, sample_weight, options)
    singles = measure(layout)
    names = list(layout.group_names)
    chosen = _pairs(pairs, singles.importances.mean(axis=1), names, features)
    flat = layout.flat_columns()
    units = [sorted(flat[g].ravel().tolist()) for g in layout.groups]
    shared = _shared_importances(measure, units, chosen, singles)
    result = _result(singles, shared, chosen, names, multiple_testing, sample_weight)
    if h_statistic:
        from .friedman import h_statistic as _h

        result["h_statistic"] = _h(
            measure.estimator, X, units, chosen, h_samples, seed, batch_size
        )
    return result


def _evaluated_rows(X, y, sample_weight, max_samples, random_state):
    """The rows measured (a sorted draw when ``max_samples`` is below all) and
    the one integer seed of the permutations."""
    if not hasattr(X, "iloc"):
        X = check_array(X, dtype=None, allow_nd=True)
    n = X.shape[0]
    rng = check_random_state(random_state)
    seed = int(rng.randint(np.iinfo(np.int32).max + 1))
    if not isinstance(max_samples, numbers.Integral):
        max_samples = int(max_samples * n)
    if not 2 <= max_samples <= n:
        raise ValueError(
            f"max_samples gives {max_samples} rows of {n}: the test needs at "
            "least 2, and at most all."
        )
    rows = None
    if max_samples < n:
        rows = np.sort(sample_without_replacement(n, max_samples, random_state=seed))
    y = take_rows(np.asarray(y) if not hasattr(y, "iloc") else y, rows)
    return take_rows(X, rows), y, take_rows(sample_weight, rows), seed


class _Measure:
    """One estimator measured on fixed rows: ``measure(layout, method)`` gives
    the groups' importances per repeat and per row."""

    def __init__(self, estimator, X, y, scoring, sample_weight, options):
        self.estimator, self.X, self.y = estimator, X, y
        self.scoring, self.sample_weight, self.options = scoring, sample_weight, options

    def __call__(self, layout, method="permutation"):
        results, baseline, scorers, multimetric = compute_importances(
            self.estimator,
            self.X,
            self.y,
            scoring=self.scoring,
            sample_weight=self.sample_weight,
            layout=layout,
            options=replace(self.options, method=method),
        )
        if multimetric or len(results) != 1:
            raise ValueError("interaction_importance takes one scorer.")
        ((name, bunch),) = results.items()
        rows = bunch.get("row_importances")
        if rows is None:
            raise ValueError(
                f"scoring {name!r} is not a mean over rows: the test of each pair "
                f"needs one ({ROW_METRIC_LABELS})."
            )
        return Bunch(
            importances=bunch.importances,
            rows=np.asarray(rows),
            baseline=baseline[name],
        )


def _index(name_or_index, names):
    if isinstance(name_or_index, str):
        if name_or_index not in names:
            raise ValueError(f"no input named {name_or_index!r}; inputs: {names}.")
        return names.index(name_or_index)
    return int(name_or_index)


def _pairs(pairs, single_means, names, features=None):
    """The pairs measured, as sorted index pairs (j < k)."""
    n = len(names)
    pool = list(range(n))
    if features is not None:
        pool = sorted({_index(f, names) for f in features})
    if isinstance(pairs, str):
        if pairs != "all":
            raise ValueError(f"pairs={pairs!r}: 'all', an int or a list of pairs.")
        return list(combinations(pool, 2))
    if isinstance(pairs, numbers.Integral) and not isinstance(pairs, bool):
        if not 2 <= pairs <= len(pool):
            raise ValueError(
                f"pairs={pairs}: the top k inputs need 2 <= k <= {len(pool)}."
            )
        order = sorted(pool, key=lambda j: -single_means[j])[:pairs]
        return list(combinations(sorted(order), 2))
    chosen = set()
    for pair in pairs:
        j, k = (_index(p, names) for p in pair)
        if j == k or not (0 <= j < n and 0 <= k < n):
            raise ValueError(f"pair {pair!r}: two different inputs of {n}.")
        chosen.add((min(j, k), max(j, k)))
    return sorted(chosen)


def _shared_importances(measure, units, chosen, singles):
    """Per pair: the shared importance per repeat and per row."""
    if not chosen:
        return None
    seconds = sorted({k for _, k in chosen})
    groups = [units[k] for k in seconds]  # the second inputs, second permutation
    parts = [[(units[k], 1)] for k in seconds]
    for j, k in chosen:
        groups.append(units[j] + units[k])
        parts.append([(units[j], 0), (units[k], 1)])
    other = measure(_FlatGroups(groups), PartPermutations(parts))
    at = {k: i for i, k in enumerate(seconds)}
    first = np.array([j for j, _ in chosen])
    second = np.array([at[k] for _, k in chosen])
    both = len(seconds) + np.arange(len(chosen))
    repeats = (
        singles.importances[first] + other.importances[second] - other.importances[both]
    )
    rows = singles.rows[first] + other.rows[second] - other.rows[both]
    return Bunch(repeats=repeats, rows=rows)


def _result(singles, shared, chosen, names, multiple_testing, weights):
    n, n_repeats = singles.importances.shape
    mean = np.full((n, n), np.nan)
    std = np.full((n, n), np.nan)
    per_repeat = np.full((n, n, n_repeats), np.nan)
    pvalues = np.full((n, n), np.nan)
    adjusted = np.full((n, n), np.nan)
    if shared is not None:
        pair_mean, p = pair_row_test(shared.rows, weights)
        p_adj = adjust_pvalues(p, multiple_testing)
        for i, (j, k) in enumerate(chosen):
            for a, b in ((j, k), (k, j)):
                mean[a, b] = pair_mean[i]
                std[a, b] = shared.repeats[i].std()
                per_repeat[a, b] = shared.repeats[i]
                pvalues[a, b], adjusted[a, b] = p[i], p_adj[i]
    return Bunch(
        importances_mean=singles.importances.mean(axis=1),
        importances_std=singles.importances.std(axis=1),
        importances=singles.importances,
        interactions_mean=mean,
        interactions_std=std,
        interactions=per_repeat,
        pvalues=pvalues,
        pvalues_adjusted=adjusted,
        pairs=[(int(j), int(k)) for j, k in chosen],
        feature_names=names,
        baseline=singles.baseline,
    )
