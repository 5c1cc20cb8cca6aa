"""Samplers: the values that replace a measured input (``method=``).

The engine (:mod:`skimportance._permutation`) scores a model on copies of the
evaluated rows in which one group of columns is replaced. *What* replaces them
is a sampler's business:

* :class:`PermutationSampler` (``method="permutation"``): the group's rows in
  a permuted order, scikit-learn's permutations exactly. It answers ``None``
  and the engine takes the permuted rows itself.
* :class:`ConditionalSampler` (``method="conditional"``): a draw of the group
  given the other inputs: a model of the group from the inputs outside it,
  fitted on training rows, predicts the evaluated rows, and the residuals are
  permuted (continuous inputs) or the values are drawn from the predicted
  class probabilities (categorical inputs).

A new method (knockoffs, say) is one subclass of :class:`BaseSampler`:
``fit(X, groups)`` learns from training rows, ``replacements(X_eval, perms,
seed)`` returns a :class:`Replacements` (the values of segment ``s``'s rows
``start:stop``), and ``cross_fit`` serves :func:`permutation_importance`,
which has no training rows. The engine, the first-layer updates and the
significance test need nothing else.
"""

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.model_selection import KFold
from sklearn.utils._param_validation import (
    HasMethods,
    Integral,
    Interval,
    StrOptions,
)

__all__ = [
    "BaseSampler",
    "ConditionalSampler",
    "PermutationSampler",
    "Replacements",
    "resolve_method",
]


class Replacements:
    """The values that replace each segment's columns (the engine's view).

    Segment ``s`` is group ``s // n_repeats`` at repeat ``s % n_repeats``
    (the engine's group-major order). Subclasses implement :meth:`group_values`.
    """

    def __init__(self, n_repeats):
        self.n_repeats = n_repeats

    def __call__(self, s, start, stop):
        """Values of segment ``s`` for evaluated rows ``start:stop``: an array
        of shape (stop - start, len(group))."""
        g, r = divmod(s, self.n_repeats)
        return self.group_values(g, r, start, stop)

    def group_values(self, g, r, start, stop):
        raise NotImplementedError


class BaseSampler(BaseEstimator):
    """Base class of the samplers of ``method=``.

    Subclasses implement :meth:`fit` and :meth:`replacements`; they may
    override :meth:`cross_fit` (the default fits on the evaluated rows).
    ``X`` is always numeric, of shape (n_samples, n_columns): data of more
    axes is seen flat, and ``groups`` lists the flat columns of each measured
    input.
    """

    def fit(self, X, groups):
        """Learn from training rows ``X``; returns self."""
        raise NotImplementedError

    def replacements(self, X_eval, perms, seed):
        """A :class:`Replacements` for the evaluated rows, or None for plain
        row permutations (``perms``, shape (n_repeats, n_evaluated))."""
        raise NotImplementedError

    def cross_fit(self, X_eval, groups, perms, seed):
        """Replacements when there are no training rows (the function)."""
        return self.fit(X_eval, groups).replacements(X_eval, perms, seed)


class PermutationSampler(BaseSampler):
    """Row permutations: plain permutation importance (``method="permutation"``).

    The measured input takes the values of other evaluated rows, in the
    permuted order scikit-learn draws: the results equal
    :func:`sklearn.inspection.permutation_importance`'s.

    Examples
    --------
    >>> from skimportance import PermutationSampler
    >>> PermutationSampler()
    PermutationSampler()
    """

    def fit(self, X, groups):
        """Nothing to learn; returns self."""
        return self

    def replacements(self, X_eval, perms, seed):
        """None: the engine permutes the rows itself."""
        return None

    def cross_fit(self, X_eval, groups, perms, seed):
        return None


class _ConditionalReplacements(Replacements):
    """Per group: predicted values plus permuted residuals (continuous
    columns) and draws from predicted probabilities (categorical columns)."""

    def __init__(self, X_eval, groups, predictions, perms, seed):
        super().__init__(len(perms))
        self.perms = perms
        self.parts = []
        for g, (group, pred) in enumerate(zip(groups, predictions)):
            cont, mean, cat = pred
            width = len(group)
            resid = None
            if cont:
                resid = X_eval[:, [group[i] for i in cont]] - mean
            draws = {}
            if cat:
                rng = np.random.default_rng([int(seed), g])
                for i, (classes, proba) in cat.items():
                    u = rng.random((len(perms), len(X_eval)))
                    cum = np.cumsum(proba, axis=1)
                    cum[:, -1] = 1.0
                    idx = (u[:, :, None] > cum[None]).sum(axis=2)
                    draws[i] = classes[idx]  # (n_repeats, n_evaluated)
            self.parts.append((width, cont, mean, resid, draws))

    def group_values(self, g, r, start, stop):
        width, cont, mean, resid, draws = self.parts[g]
        out = np.empty((stop - start, width), dtype=float)
        if cont:
            perm = self.perms[r][start:stop]
            out[:, cont] = mean[start:stop] + resid[perm]
        for i, values in draws.items():
            out[:, i] = values[r, start:stop]
        return out


def _is_categorical(column, max_categories):
    finite = column[np.isfinite(column)]
    if not np.all(finite == np.round(finite)):
        return False
    return len(np.unique(finite)) <= max_categories


class ConditionalSampler(BaseSampler):
    """Conditional sampling: conditional permutation importance.

    Each measured input (or group) is replaced by a draw from its distribution
    given the other inputs, rather than by other rows' values: the permuted
    rows then look like real rows, and an input the model does not need once
    the others are known (a correlated stand-in) gets an importance near zero
    (Chamma, Engemann & Thirion, NeurIPS 2023; hidimstat's CFI). For each
    split a model of the group from the inputs outside the group is fitted on
    the training rows and predicts the held-out rows; at each repeat the
    continuous columns take the prediction plus the residuals in permuted
    order, and the categorical columns a draw from the predicted class
    probabilities. :func:`~skimportance.permutation_importance`, which has no
    training rows, fits those models on ``cv`` folds of the evaluated rows
    (each row predicted by a model that did not see it).

    Parameters
    ----------
    continuous : regressor or None, default=None
        Model of a group's continuous columns from the columns outside the
        group (cloned for each group; given 2-D targets for groups of several
        columns). None: ridge regression on the standardised columns, its
        penalty chosen per group on a fifth of the training rows from
        ``alphas``; all groups are solved from one eigendecomposition of the
        correlation matrix, which keeps it cheap.
    categorical : classifier or None, default=None
        Model of a categorical column (with ``predict_proba``) from the columns
        outside its group, cloned for each. None: a
        :class:`~sklearn.linear_model.LogisticRegression` on the standardised
        columns.
    feature_types : "auto", "continuous" or array-like of str, default="auto"
        Kind of each (flat) column: "continuous" or "categorical". "auto":
        columns of whole numbers with at most ``max_categories`` distinct
        values in the training rows are categorical.
    max_categories : int, default=10
        See ``feature_types``.
    alphas : array-like of float, default=(1e-4, 1e-3, 1e-2, 0.1, 1, 10)
        Penalties tried by the default ridge model (relative to unit variance).
    cv : int, default=3
        Folds of the cross-fitting in :func:`permutation_importance`.

    Attributes
    ----------
    feature_types_ : ndarray of str
        The kind of each column, as used.

    See Also
    --------
    PermutationSampler : Plain row permutations (``method="permutation"``).

    Notes
    -----
    Near-duplicate inputs both come out near zero: each is replaceable by the
    other. Measure them together with ``feature_groups`` (or
    ``feature_groups="correlated"``) to learn what the pair is worth.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression, RidgeCV
    >>> from skimportance import ConditionalSampler
    >>> sampler = ConditionalSampler(continuous=RidgeCV(),
    ...                              categorical=LogisticRegression())
    """

    _parameter_constraints: dict = {
        "continuous": [HasMethods(["fit", "predict"]), None],
        "categorical": [HasMethods(["fit", "predict_proba"]), None],
        "feature_types": [StrOptions({"auto", "continuous"}), "array-like"],
        "max_categories": [Interval(Integral, 1, None, closed="left")],
        "alphas": ["array-like"],
        "cv": [Interval(Integral, 2, None, closed="left")],
    }

    def __init__(
        self,
        continuous=None,
        categorical=None,
        *,
        feature_types="auto",
        max_categories=10,
        alphas=(1e-4, 1e-3, 1e-2, 0.1, 1.0, 10.0),
        cv=3,
    ):
        self.continuous = continuous
        self.categorical = categorical
        self.feature_types = feature_types
        self.max_categories = max_categories
        self.alphas = alphas
        self.cv = cv

    # ------------------------------------------------------------ fitting
    def _types(self, X):
        n = X.shape[1]
        if isinstance(self.feature_types, str):
            if self.feature_types == "continuous":
                return np.array(["continuous"] * n)
            return np.array(
                [
                    "categorical"
                    if _is_categorical(X[:, j], self.max_categories)
                    else "continuous"
                    for j in range(n)
                ]
            )
        types = np.asarray(self.feature_types, dtype=str)
        if types.shape != (n,) or not set(types) <= {"continuous", "categorical"}:
            raise ValueError(
                f"feature_types must hold 'continuous' or 'categorical' for each "
                f"of the {n} columns; got {self.feature_types!r}."
            )
        return types

    def fit(self, X, groups):
        """Fit the models of each group from the other columns.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_columns)
            Training rows, numeric (data of more axes seen flat).
        groups : list of list of int
            Columns measured together.

        Returns
        -------
        self : object
        """
        self._validate_params()
        X = np.asarray(X, dtype=float)
        if X.shape[1] < 2:
            raise ValueError(
                "method='conditional' needs at least 2 input columns: the "
                "measured input is modelled from the others."
            )
        if not np.all(np.isfinite(X)):
            raise ValueError(
                "method='conditional' needs finite inputs (no NaN or inf); "
                "impute them first or use method='permutation'."
            )
        self.groups_ = [list(g) for g in groups]
        self.feature_types_ = self._types(X)
        self.mean_ = X.mean(axis=0)
        scale = X.std(axis=0)
        self.scale_ = np.where(scale > 0, scale, 1.0)
        Z = (X - self.mean_) / self.scale_
        self.models_ = []
        ridge = None
        if self.continuous is None:
            ridge = _RidgeAll(Z, np.asarray(self.alphas, dtype=float))
        for group in self.groups_:
            others = np.setdiff1d(np.arange(X.shape[1]), group)
            cont = [i for i, j in enumerate(group) if self._kind(j) == "continuous"]
            cat = [i for i, j in enumerate(group) if self._kind(j) == "categorical"]
            cont_model = None
            if cont and len(others):
                cols = [group[i] for i in cont]
                if ridge is not None and len(cols) == 1:
                    cont_model = "single"  # a column of ridge.singles()
                elif ridge is not None:
                    cont_model = ridge.coef(cols, others)
                else:
                    target = X[:, cols] if len(cols) > 1 else X[:, cols[0]]
                    cont_model = clone(self.continuous).fit(X[:, others], target)
            cat_models = {}
            for i in cat:
                cat_models[i] = self._fit_categorical(X, Z, others, group[i])
            self.models_.append((others, cont, cont_model, cat_models))
        single = any(isinstance(m[2], str) for m in self.models_)
        self.single_coef_ = ridge.singles() if single else None
        return self

    def _kind(self, j):
        return self.feature_types_[j]

    def _fit_categorical(self, X, Z, others, j):
        y = X[:, j]
        classes = np.unique(y)
        if len(classes) < 2 or not len(others):
            counts = np.array([np.mean(y == c) for c in classes])
            return ("constant", classes, counts)
        if self.categorical is None:
            from sklearn.linear_model import LogisticRegression

            model = LogisticRegression(max_iter=1000).fit(Z[:, others], y)
            return ("standardised", model.classes_, model)
        model = clone(self.categorical).fit(X[:, others], y)
        return ("raw", model.classes_, model)

    # --------------------------------------------------------- predicting
    def _predict(self, X_eval):
        """Per group ``(continuous positions, their predicted values,
        {position: (classes, probabilities)})``."""
        X_eval = np.asarray(X_eval, dtype=float)
        Z = (X_eval - self.mean_) / self.scale_
        out = []
        singles = None
        if self.single_coef_ is not None:  # every single column at once
            singles = Z @ self.single_coef_
        for group, (others, cont, cont_model, cat_models) in zip(
            self.groups_, self.models_
        ):
            mean = None
            if cont:
                cols = [group[i] for i in cont]
                if cont_model is None:  # no other column: the training mean
                    mean = np.broadcast_to(self.mean_[cols], (len(X_eval), len(cols)))
                elif isinstance(cont_model, str):  # "single"
                    mean = singles[:, cols] * self.scale_[cols] + self.mean_[cols]
                elif isinstance(cont_model, np.ndarray):
                    mean = Z[:, others] @ cont_model
                    mean = mean * self.scale_[cols] + self.mean_[cols]
                else:
                    mean = np.asarray(cont_model.predict(X_eval[:, others]), float)
                    mean = mean.reshape(len(X_eval), len(cols))
            cat = {}
            for i, (how, classes, model) in cat_models.items():
                if how == "constant":
                    proba = np.broadcast_to(model, (len(X_eval), len(classes)))
                else:
                    source = Z if how == "standardised" else X_eval
                    proba = model.predict_proba(source[:, others])
                cat[i] = (np.asarray(classes, dtype=float), np.asarray(proba))
            out.append((cont, mean, cat))
        return out

    def replacements(self, X_eval, perms, seed):
        """Predicted values plus permuted residuals, per group and repeat."""
        X_eval = np.asarray(X_eval, dtype=float)
        predictions = self._predict(X_eval)
        return _ConditionalReplacements(X_eval, self.groups_, predictions, perms, seed)

    def cross_fit(self, X_eval, groups, perms, seed):
        """Replacements from models fitted on ``cv`` folds of the evaluated
        rows: each row is predicted by a model that did not see it."""
        X_eval = np.asarray(X_eval, dtype=float)
        n = len(X_eval)
        if n < 2 * self.cv:
            raise ValueError(
                f"method='conditional' fits its models on {self.cv} folds of the "
                f"evaluated rows: {n} rows are too few."
            )
        self._validate_params()
        # the column kinds, from all evaluated rows, for every fold
        kinds = clone(self).set_params(feature_types=self._types(X_eval))
        predictions = None
        folds = KFold(self.cv, shuffle=True, random_state=int(seed) % 2**32)
        for train, test in folds.split(X_eval):
            fold = clone(kinds).fit(X_eval[train], groups)
            pred = fold._predict(X_eval[test])
            if predictions is None:
                predictions = [_empty_like(p, n) for p in pred]
            for whole, part in zip(predictions, pred):
                _put(whole, part, test)
        return _ConditionalReplacements(X_eval, groups, predictions, perms, seed)


def _empty_like(pred, n):
    cont, mean, cat = pred
    mean = None if mean is None else np.empty((n, mean.shape[1]))
    cat = {i: [None, np.zeros((n, len(c)))] for i, (c, _) in cat.items()}
    return [cont, mean, cat]


def _put(whole, part, rows):
    """Store a fold's predictions in the rows ``rows`` of ``whole``; class
    probabilities are aligned on the union of the folds' classes."""
    _, mean, cat = part
    if mean is not None:
        whole[1][rows] = mean
    for i, (classes, proba) in cat.items():
        entry = whole[2][i]
        if entry[0] is None:
            entry[0] = classes
        union = np.union1d(entry[0], classes)
        if len(union) != len(entry[0]):
            grown = np.zeros((len(entry[1]), len(union)))
            grown[:, np.searchsorted(union, entry[0])] = entry[1]
            entry[0], entry[1] = union, grown
        entry[1][np.ix_(rows, np.searchsorted(entry[0], classes))] = proba
    return whole


class _RidgeAll:
    """Ridge regressions of every group of standardised columns on the other
    columns, from one eigendecomposition.

    With ``Theta = (Z'Z/n + alpha I)^-1``, the ridge coefficients of the
    columns G on the others O are ``-Theta[O, G] Theta[G, G]^-1`` (block
    inversion). The penalty of each group is chosen on a held-out fifth of
    the rows, then the coefficients are recomputed on all rows.
    """

    def __init__(self, Z, alphas):
        self.alphas = alphas
        n = len(Z)
        rng = np.random.default_rng(0)
        val = np.zeros(n, dtype=bool)
        if n >= 10 and len(alphas) > 1:
            val[rng.permutation(n)[: max(2, n // 5)]] = True
        self.Z_val = Z[val]
        self.fit_part = _Eigen(Z[~val]) if val.any() else None
        self.all = _Eigen(Z)

    def coef(self, cols, others):
        alpha = self.alphas[0]
        if self.fit_part is not None:
            errors = []
            for a in self.alphas:
                beta = self.fit_part.coef(a, cols, others)
                resid = self.Z_val[:, cols] - self.Z_val[:, others] @ beta
                errors.append(np.mean(resid**2))
            alpha = self.alphas[int(np.argmin(errors))]
        return self.all.coef(alpha, cols, others)

    def singles(self):
        """Coefficients of every column on all the others, shape (p, p):
        column ``j`` predicts ``Z[:, j]`` (its own entry is 0). With
        ``D = diag(Theta)``, the residuals are ``Z Theta D^-1``, so the
        coefficients are ``I - Theta D^-1``; the penalty is chosen per column."""
        p = len(self.all.values)
        alphas = np.full(p, self.alphas[0])
        if self.fit_part is not None:
            errors = []
            for a in self.alphas:
                theta = self.fit_part.theta(a)
                resid = self.Z_val @ (theta / np.diag(theta))
                errors.append(np.mean(resid**2, axis=0))
            alphas = self.alphas[np.argmin(np.array(errors), axis=0)]
        coef = np.empty((p, p))
        for a in np.unique(alphas):
            theta = self.all.theta(a)
            cols = np.flatnonzero(alphas == a)
            coef[:, cols] = -theta[:, cols] / np.diag(theta)[cols]
            coef[cols, cols] = 0.0
        return coef


class _Eigen:
    def __init__(self, Z):
        gram = Z.T @ Z / max(1, len(Z))
        self.values, self.vectors = np.linalg.eigh(gram)
        self._theta = {}

    def theta(self, alpha):
        if alpha not in self._theta:
            inv = 1.0 / np.maximum(self.values + alpha, 1e-12)
            self._theta[alpha] = (self.vectors * inv) @ self.vectors.T
        return self._theta[alpha]

    def coef(self, alpha, cols, others):
        theta = self.theta(alpha)
        block = theta[np.ix_(cols, cols)]
        return -theta[np.ix_(others, cols)] @ np.linalg.inv(block)


def resolve_method(method):
    """The sampler of ``method=``: a string or a :class:`BaseSampler`."""
    if isinstance(method, BaseSampler):
        return method
    if isinstance(method, str) and method == "permutation":
        return PermutationSampler()
    if isinstance(method, str) and method == "conditional":
        return ConditionalSampler()
    raise ValueError(
        "method must be 'permutation', 'conditional' or a sampler (an instance "
        f"of skimportance.BaseSampler such as ConditionalSampler()); got {method!r}."
    )


def is_permutation(sampler):
    return isinstance(sampler, PermutationSampler)


def check_method_input(method, X):
    """Raise the clear error of a sampler that needs numeric X, early."""
    if not is_permutation(resolve_method(method)):
        if hasattr(X, "iloc"):
            flat_numeric(X.iloc[:1])
        else:
            flat_numeric(np.asarray(X)[:1])


def flat_numeric(X, name="X"):
    """X as a float array of shape (n_samples, n_columns), or a clear error."""
    if hasattr(X, "iloc"):
        from pandas.api.types import is_bool_dtype, is_numeric_dtype

        bad = [
            c
            for c, t in X.dtypes.items()
            if not (is_numeric_dtype(t) or is_bool_dtype(t))
        ]
        if bad:
            raise ValueError(
                f"method='conditional' needs numeric inputs; column {bad[0]!r} of "
                f"{name} has dtype {X[bad[0]].dtype}. Encode it first (for example "
                "with a OneHotEncoder or OrdinalEncoder outside the model) or use "
                "method='permutation'."
            )
        return X.to_numpy(dtype=float)
    X = np.asarray(X)
    if not (np.issubdtype(X.dtype, np.number) or X.dtype == bool):
        raise ValueError(
            f"method='conditional' needs numeric inputs; {name} has dtype "
            f"{X.dtype}. Encode it first or use method='permutation'."
        )
    return X.reshape(len(X), -1).astype(float)
