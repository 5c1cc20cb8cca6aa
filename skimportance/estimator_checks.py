"""Reusable checks for code that extends skimportance.

In the manner of :mod:`sklearn.utils.estimator_checks` and
``imblearn.utils.estimator_checks``: each ``check_*`` function raises an
``AssertionError`` (with a message saying what failed) when its subject does
not behave as the rest of the package relies on, and returns quietly
otherwise. The package's own tests call them; so can the tests of a new fast
path or a new importance method.

* :func:`check_fast_path_equals_plain`: a fast path (see
  ``skimportance._fast_paths.registry``) is used on a given estimator and data,
  and gives the plain path's numbers (and, optionally, scikit-learn's).
* :func:`check_sampler`: a sampler of ``method=`` (a
  :class:`~skimportance.BaseSampler` subclass) learns from the training rows,
  returns values shaped like each measured group, leaves X unchanged, and is
  reproducible for a given seed.
* :func:`recorded_fast_paths`: the names of the fast paths used inside a
  ``with`` block.
"""

import contextlib
import logging

import numpy as np
from sklearn.base import clone
from sklearn.inspection import permutation_importance as sklearn_pi
from sklearn.linear_model import LinearRegression

from ._importance.permutation_importance import permutation_importance
from ._methods.base import BaseSampler, Replacements
from ._selector.estimator import KerasImportanceSelector

__all__ = [
    "check_fast_path_equals_plain",
    "check_sampler",
    "recorded_fast_paths",
]


class _UsedPaths(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.used = []

    def emit(self, record):
        message = record.getMessage()
        if message.endswith(" used"):
            self.used.append(message[: -len(" used")])


@contextlib.contextmanager
def recorded_fast_paths():
    """Record the names of the fast paths used inside the block.

    The names are read from the debug log of the ``"skimportance"`` logger,
    which is restored afterwards (its level, and its propagation to the root
    logger's handlers).

    Yields
    ------
    used : list of str
        Filled in as the block runs: the ``FastPath.name`` of each fast path
        used, in order.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skimportance import permutation_importance
    >>> from skimportance.estimator_checks import recorded_fast_paths
    >>> X, y = make_classification(n_samples=100, n_features=4, random_state=0)
    >>> clf = LogisticRegression().fit(X, y)
    >>> with recorded_fast_paths() as used:
    ...     _ = permutation_importance(clf, X, y, n_repeats=2, random_state=0)
    >>> used  # a scikit-learn model: no fast path applies
    []
    """
    logger = logging.getLogger("skimportance")
    handler, level = _UsedPaths(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    propagate, logger.propagate = logger.propagate, False  # not to root handlers
    try:
        yield handler.used
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


def _bunches(result):
    if "importances" in result:
        return {"": result}
    return dict(result)


def check_fast_path_equals_plain(
    estimator,
    X,
    y,
    *,
    scoring=None,
    path=None,
    n_repeats=3,
    against_sklearn=False,
    rtol=1e-5,
    atol=1e-6,
    **kwargs,
):
    """Check that a fast path answers, and gives the plain path's numbers.

    :func:`~skimportance.permutation_importance` is run twice: with
    ``inference="auto"`` (where fast paths apply), recording which fast path
    was used, and with ``inference="batched"`` (stacked permuted copies, no
    fast path). The importances must be the same.

    Parameters
    ----------
    estimator : estimator
        A fitted estimator, as in :func:`~skimportance.permutation_importance`.
    X : array-like or DataFrame
        Data to measure on.
    y : array-like or None
        Targets.
    scoring : str, callable, list, tuple, dict or None, default=None
        As in :func:`~skimportance.permutation_importance`.
    path : str or None, default=None
        Name of the fast path that must be used (``FastPath.name``); None
        asserts that no fast path is used (the estimator falls back to the
        plain path).
    n_repeats : int, default=3
        Permutations per feature.
    against_sklearn : bool, default=False
        Also compare with :func:`sklearn.inspection.permutation_importance`
        (one public call per feature and repeat: slower). Not with
        ``feature_groups``, which scikit-learn does not have.
    rtol : float, default=1e-5
        Relative tolerance of the comparison with the plain path.
    atol : float, default=1e-6
        Absolute tolerance of the comparison with the plain path.
    **kwargs : dict
        More parameters of :func:`~skimportance.permutation_importance`
        (``feature_groups``, ``max_samples``, ``method``...).

    Returns
    -------
    result : Bunch or dict of Bunch
        The fast path's result.

    Raises
    ------
    AssertionError
        When another fast path (or none) was used, when the plain path's
        importances are all near zero (nothing to compare), or when the
        numbers differ.

    Examples
    --------
    A scikit-learn model takes no fast path (``path=None``); a Keras network
    whose first layer is Dense takes ``path="first-layer updates"``.

    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skimportance.estimator_checks import check_fast_path_equals_plain
    >>> X, y = make_classification(n_samples=100, n_features=4, random_state=0)
    >>> clf = LogisticRegression().fit(X, y)
    >>> _ = check_fast_path_equals_plain(clf, X, y, scoring="neg_log_loss")
    """
    kw = dict(scoring=scoring, n_repeats=n_repeats, random_state=0, **kwargs)
    with recorded_fast_paths() as used:
        fast = permutation_importance(estimator, X, y, inference="auto", **kw)
    expected_used = [] if path is None else [path]
    assert used == expected_used, f"fast paths used: {used}, expected {expected_used}"
    plain = permutation_importance(estimator, X, y, inference="batched", **kw)
    fast_b, plain_b = _bunches(fast), _bunches(plain)
    assert fast_b.keys() == plain_b.keys()
    for key in fast_b:
        assert np.abs(plain_b[key].importances).max() > 1e-3, "nothing to compare"
        np.testing.assert_allclose(
            fast_b[key].importances, plain_b[key].importances, rtol=rtol, atol=atol
        )
    if against_sklearn:
        assert "feature_groups" not in kwargs, "scikit-learn has no feature groups"
        theirs = _bunches(sklearn_pi(estimator, X, y, **kw))
        for key in fast_b:
            np.testing.assert_allclose(
                fast_b[key].importances, theirs[key].importances, rtol=1e-4, atol=1e-5
            )
    return fast


def _sampler_data(random_state):
    """Four continuous columns (x1 correlated with x0) and a binary one."""
    rng = np.random.RandomState(random_state)
    X = rng.normal(size=(240, 5))
    X[:, 1] = 0.8 * X[:, 0] + 0.6 * X[:, 1]
    X[:, 4] = (X[:, 0] + 0.5 * rng.normal(size=len(X)) > 0).astype(float)
    return X


def _fitted_attributes(sampler):
    return sorted(
        name
        for name in vars(sampler)
        if name.endswith("_") and not name.startswith("_")
    )


def _all_values(replacements, n_groups, n_repeats, n_rows):
    """Every segment's values for all rows, segment-major (a list of arrays)."""
    if replacements is None:
        return None
    return [replacements(s, 0, n_rows) for s in range(n_groups * n_repeats)]


def _check_values(values, replacements, groups, n_repeats, n_rows, what):
    if values is None:
        return
    assert isinstance(replacements, Replacements), (
        f"{what} must return None or a skimportance Replacements; got "
        f"{type(replacements).__name__}"
    )
    for s, array in enumerate(values):
        group = groups[s // n_repeats]
        array = np.asarray(array)
        assert array.shape == (n_rows, len(group)), (
            f"{what}: segment {s} (group {group}) has values of shape "
            f"{array.shape}; expected {(n_rows, len(group))}"
        )
        assert np.all(np.isfinite(array)), f"{what}: segment {s} is not finite"
        # the engine asks for row pieces: a piece is the slice of the whole
        cut = n_rows // 3
        for start, stop in ((0, cut), (cut, n_rows)):
            np.testing.assert_array_equal(
                replacements(s, start, stop),
                array[start:stop],
                err_msg=f"{what}: rows {start}:{stop} of segment {s}",
            )


def _assert_same(first, second, message):
    if first is None or second is None:
        assert first is None and second is None, message
        return
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b, err_msg=message)


def check_sampler(sampler, X=None, groups=None, *, n_repeats=3, random_state=0):
    """Check a sampler of ``method=`` against what the engine relies on.

    The sampler (a clone of it) is fitted on training rows and asked for the
    replacement values of other, evaluated rows; then used through
    :func:`~skimportance.permutation_importance` (cross-fitted on the
    evaluated rows) and :class:`~skimportance.KerasImportanceSelector`
    (fitted on each split's training rows). The check asserts that:

    * ``fit`` returns the sampler and leaves the training rows unchanged;
    * ``replacements`` and ``cross_fit`` return None (plain row permutations)
      or a ``Replacements`` whose values for segment ``s`` (group
      ``s // n_repeats``) have shape ``(n_rows, len(group))``, are finite, and
      agree piece by piece with the values for all rows;
    * the values come from what ``fit`` learnt: other training rows give
      other values, while asking ``replacements`` about other rows in
      between changes none (it learns nothing from the evaluated rows);
    * the same training rows and seed give the same values (a fresh clone
      fitted again, and the whole importance computation run again);
    * the evaluated rows are unchanged, and the caller's sampler is not
      fitted (the package works on clones).

    Parameters
    ----------
    sampler : BaseSampler
        The sampler to check (it is cloned, not fitted).
    X : ndarray of shape (n_samples, n_columns), default=None
        Numeric data, at least 40 rows; its first 60% are the training rows,
        the rest the evaluated rows. None: 240 rows of five columns, two of
        them correlated and one binary (a categorical input).
    groups : list of list of int, default=None
        Columns measured together. None: each column alone, except the
        second and third columns together (a group of two), when X has at
        least three columns.
    n_repeats : int, default=3
        Repeats of each group.
    random_state : int, default=0
        Seed of the data, the permutations and the samplers' draws.

    Raises
    ------
    AssertionError
        When the sampler breaks one of the rules above.

    Examples
    --------
    >>> from skimportance import ConditionalSampler, PermutationSampler
    >>> from skimportance.estimator_checks import check_sampler
    >>> check_sampler(PermutationSampler())
    >>> check_sampler(ConditionalSampler())
    """
    assert isinstance(sampler, BaseSampler), (
        f"a sampler is a skimportance.BaseSampler; got {type(sampler).__name__}"
    )
    X = _sampler_data(random_state) if X is None else np.asarray(X, dtype=float)
    assert X.ndim == 2 and len(X) >= 40, "X must be 2-D, with at least 40 rows"
    X_before = X.copy()
    n_columns = X.shape[1]
    if groups is None:
        groups = [[j] for j in range(n_columns)]
        if n_columns >= 3:
            groups = [[0], [1, 2]] + [[j] for j in range(3, n_columns)]
    groups = [list(g) for g in groups]
    n_train = int(0.6 * len(X))
    X_train, X_eval = X[:n_train].copy(), X[n_train:].copy()
    X_train_before, X_eval_before = X_train.copy(), X_eval.copy()
    n_eval, n_groups = len(X_eval), len(groups)
    rng = np.random.RandomState(random_state)
    perms = np.stack([rng.permutation(n_eval) for _ in range(n_repeats)])
    seed = int(rng.randint(np.iinfo(np.int32).max))

    # fitted on the training rows, asked about the evaluated rows
    fitted = clone(sampler)
    assert fitted.fit(X_train, groups) is fitted, "fit must return self"
    np.testing.assert_array_equal(
        X_train, X_train_before, err_msg="fit changed the training rows"
    )
    replacements = fitted.replacements(X_eval, perms, seed)
    values = _all_values(replacements, n_groups, n_repeats, n_eval)
    _check_values(values, replacements, groups, n_repeats, n_eval, "replacements")
    np.testing.assert_array_equal(
        X_eval, X_eval_before, err_msg="replacements changed the evaluated rows"
    )

    # the fitted state is the training rows': other rows asked about in
    # between change nothing, and a fresh clone fitted again agrees
    other = X_train[: max(2 * n_repeats, n_eval // 2)]
    other_perms = np.stack([rng.permutation(len(other)) for _ in range(n_repeats)])
    fitted.replacements(other, other_perms, seed + 1)
    again = fitted.replacements(X_eval, perms, seed)
    _assert_same(
        values,
        _all_values(again, n_groups, n_repeats, n_eval),
        "replacements learnt from the rows it was asked about",
    )
    refitted = clone(sampler).fit(X_train_before.copy(), groups)
    _assert_same(
        values,
        _all_values(
            refitted.replacements(X_eval, perms, seed), n_groups, n_repeats, n_eval
        ),
        "the same training rows and seed gave other values",
    )
    if values is not None:  # learnt from the training rows given to fit
        shifted = clone(sampler).fit(2.0 * X_train_before + 1.0, groups)
        moved = _all_values(
            shifted.replacements(X_eval, perms, seed), n_groups, n_repeats, n_eval
        )
        assert any(not np.array_equal(a, b) for a, b in zip(values, moved)), (
            "the replacements do not depend on the training rows given to fit"
        )

    # no training rows: cross-fitted on the evaluated rows
    crossed = clone(sampler).cross_fit(X_eval, groups, perms, seed)
    cross_values = _all_values(crossed, n_groups, n_repeats, n_eval)
    _check_values(cross_values, crossed, groups, n_repeats, n_eval, "cross_fit")
    np.testing.assert_array_equal(
        X_eval, X_eval_before, err_msg="cross_fit changed the evaluated rows"
    )
    _assert_same(
        cross_values,
        _all_values(
            clone(sampler).cross_fit(X_eval, groups, perms, seed),
            n_groups,
            n_repeats,
            n_eval,
        ),
        "cross_fit with the same seed gave other values",
    )

    # through the package: the function and the selector
    coef = np.linspace(1.0, 0.2, n_columns)
    y = X @ coef + 0.1 * rng.normal(size=len(X))
    model = LinearRegression().fit(X_train, y[:n_train])
    kw = dict(n_repeats=n_repeats, random_state=random_state, method=sampler)
    first = permutation_importance(
        model, X_eval, y[n_train:], feature_groups=groups, **kw
    )
    second = permutation_importance(
        model, X_eval, y[n_train:], feature_groups=groups, **kw
    )
    assert first.importances.shape == (n_groups, n_repeats)
    assert np.all(np.isfinite(first.importances)), "importances are not finite"
    np.testing.assert_array_equal(
        first.importances,
        second.importances,
        err_msg="the same random_state gave other importances",
    )
    selector = KerasImportanceSelector(
        LinearRegression(), cv=2, feature_groups=groups, **kw
    ).fit(X, y)
    assert np.all(np.isfinite(selector.importances_)), "importances are not finite"
    np.testing.assert_array_equal(X, X_before, err_msg="measuring changed X")
    assert _fitted_attributes(sampler) == [], (
        f"the caller's sampler was fitted: {_fitted_attributes(sampler)}"
    )
