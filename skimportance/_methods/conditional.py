"""Conditional sampling (``method="conditional"``): a draw of a measured input
given the other inputs.

For each group of columns, a model of the group from the columns outside it is
fitted on training rows (:meth:`ConditionalSampler.fit`) or cross-fitted on
the evaluated rows (:meth:`ConditionalSampler.cross_fit`); the replacement
values are its predictions plus the residuals in permuted order (continuous
columns) or draws from its predicted class probabilities (categorical ones).
The default continuous model (:class:`~skimportance._methods.splines.DefaultContinuous`)
is, per group, ridge or a spline model, whichever predicts held-out rows better.
"""

from numbers import Integral

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import KFold

from .._utils.compat import HasMethods, Interval, StrOptions
from .base import BaseSampler, Replacements, integer_columns
from .splines import DefaultContinuous, SplineGroup

__all__ = ["ConditionalSampler"]


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
    continuous : regressor, {"auto", "ridge", "splines"} or None, default="auto"
        Model of a group's continuous columns from the columns outside the
        group. A regressor is cloned for each group (given 2-D targets for
        groups of several columns). "ridge": ridge regression on the
        standardised columns, its penalty chosen per group on a fifth of the
        training rows from ``alphas``; all groups are solved from one
        eigendecomposition of the correlation matrix, which keeps it cheap.
        "auto" (or None): per group, ridge or a spline model, whichever
        predicts the held-out fifth better: the spline model is ridge on the
        other columns and on quadratic spline terms (``z**2`` and
        ``max(z - k, 0)**2`` at knots ``k`` at the 15%, 50% and 85%
        quantiles) of up to 5 *partners*, the columns whose terms correlate
        with the group's ridge residuals (a screen at 1%, Bonferroni over the
        terms). It removes nonlinear dependence such as x1 = x0**2 + noise.
        Splines are kept only where they beat ridge by more than twice the
        standard error of the difference (and by 1%) or by 20%, so linear
        dependence keeps ridge's numbers; a group without partners costs
        nothing more. "splines": the spline model wherever the screen finds
        partners. With more than 300 continuous columns "auto" is ridge.
        ``continuous_models_`` says which was used.
    categorical : classifier or None, default=None
        Model of a categorical column (with ``predict_proba``) from the columns
        outside its group, cloned for each. None: a
        :class:`~sklearn.linear_model.LogisticRegression` on the standardised
        columns.
    feature_types : "auto", "continuous" or array-like of str, default="auto"
        Kind of each (flat) column: "continuous" or "categorical". "auto":
        columns of integer (or boolean) dtype (a DataFrame's per column), and
        columns of whole numbers with at most ``max_categories`` distinct
        values in the training rows, are categorical: their draws are among
        the observed values (codes feeding an ``Embedding`` stay in range).
        Pass a list to override.
    max_categories : int, default=10
        See ``feature_types``.
    alphas : array-like of float, default=(1e-4, 1e-3, 1e-2, 0.1, 1, 10)
        Penalties tried by the default models (relative to unit variance).
    cv : int, default=3
        Folds of the cross-fitting in :func:`permutation_importance`.

    Attributes
    ----------
    feature_types_ : ndarray of str
        The kind of each column, as used.
    continuous_models_ : ndarray of str
        The model of each group's continuous columns: "ridge", "splines",
        "given" (``continuous`` was a regressor), "mean" (no column outside
        the group) or "none" (no continuous column).

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
        "continuous": [
            HasMethods(["fit", "predict"]),
            StrOptions({"auto", "ridge", "splines"}),
            None,
        ],
        "categorical": [HasMethods(["fit", "predict_proba"]), None],
        "feature_types": [StrOptions({"auto", "continuous"}), "array-like"],
        "max_categories": [Interval(Integral, 1, None, closed="left")],
        "alphas": ["array-like"],
        "cv": [Interval(Integral, 2, None, closed="left")],
    }

    def __init__(
        self,
        continuous="auto",
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
            codes = getattr(self, "_integer_columns", None)
            if codes is None or len(codes) != n:
                codes = np.zeros(n, dtype=bool)
            return np.array(
                [
                    "categorical"
                    if codes[j] or _is_categorical(X[:, j], self.max_categories)
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

    def with_dtypes(self, X):
        """A clone whose ``feature_types="auto"`` also reads X's dtypes: a
        column of integer (or boolean) dtype is categorical whatever its
        number of values (codes feeding an ``Embedding``: draws stay among the
        observed codes). Explicit ``feature_types`` are kept as given.

        Parameters
        ----------
        X : array-like or DataFrame
            The rows as given (before they are seen as floats).

        Returns
        -------
        sampler : ConditionalSampler
        """
        new = clone(self)
        if isinstance(self.feature_types, str) and self.feature_types == "auto":
            new._integer_columns = integer_columns(X)
        return new

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
        default, names, singles = None, [], []
        if self.continuous is None or isinstance(self.continuous, str):
            mode = self.continuous or "auto"
            hinge = np.flatnonzero(self.feature_types_ == "continuous")
            alphas = np.asarray(self.alphas, dtype=float)
            default = DefaultContinuous(Z, hinge, alphas, mode)
        for group in self.groups_:
            others = np.setdiff1d(np.arange(X.shape[1]), group)
            cont = [i for i, j in enumerate(group) if self._kind(j) == "continuous"]
            cat = [i for i, j in enumerate(group) if self._kind(j) == "categorical"]
            cont_model, name = None, "none" if not cont else "mean"
            if cont and len(others):
                cols = [group[i] for i in cont]
                if default is not None:
                    cont_model, name = default.group(cols, others)
                    if name is None:  # one column: chosen with the others below
                        singles.append(cols[0])
                else:
                    target = X[:, cols] if len(cols) > 1 else X[:, cols[0]]
                    cont_model = clone(self.continuous).fit(X[:, others], target)
                    name = "given"
            names.append(name)
            cat_models = {}
            for i in cat:
                cat_models[i] = self._fit_categorical(X, Z, others, group[i])
            self.models_.append((others, cont, cont_model, cat_models))
        self._default = None
        if singles:
            spline_cols = set(default.fit_singles(singles))
            self._default = default
            names = [
                ("splines" if g[0] in spline_cols else "ridge") if n is None else n
                for n, g in zip(names, self.groups_)
            ]
        self.continuous_models_ = np.array(names)
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
        if self._default is not None:  # every single column at once
            singles = self._default.predict_singles(Z)
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
                elif isinstance(cont_model, SplineGroup):
                    mean = cont_model.predict(Z) * self.scale_[cols] + self.mean_[cols]
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
