"""What is permuted together: features along an axis, named groups, clusters.

Everything becomes groups of *flat columns*: X of shape (n_samples, d1, d2, ...)
is seen as (n_samples, d1 * d2 * ...), and a feature is the set of flat columns
at one position of ``feature_axis``. Permuting those columns with one row
permutation moves a feature's whole sequence (all time steps, in order) to
other samples. ``feature_axis=1`` on (samples, time steps, channels) gives
importance per time step; ``feature_axis=(1, 2)`` per (time step, channel) cell.
"""

import numbers

import numpy as np

__all__ = ["FeatureLayout", "correlated_groups", "groups_from_column_transformer"]


def _normalize_axes(feature_axis, ndim):
    axes = (
        (feature_axis,) if isinstance(feature_axis, numbers.Integral) else feature_axis
    )
    try:
        axes = tuple(int(a) for a in axes)
    except TypeError:
        raise ValueError(
            f"feature_axis must be an int or a tuple of ints; got {feature_axis!r}."
        ) from None
    out = []
    for a in axes:
        if not -ndim <= a < ndim:
            raise ValueError(
                f"feature_axis={feature_axis!r} is out of range for X with {ndim} "
                f"dimensions (axes 1 to {ndim - 1} hold features)."
            )
        a %= ndim
        if a == 0:
            raise ValueError(
                f"feature_axis={feature_axis!r}: axis 0 holds the samples, which "
                "are what gets permuted; pick an axis from 1 to "
                f"{ndim - 1}."
            )
        out.append(a)
    if len(set(out)) != len(out) or not out:
        raise ValueError(f"feature_axis={feature_axis!r} repeats or names no axis.")
    return tuple(sorted(out))


class FeatureLayout:
    """The features of X along ``feature_axis`` and the groups measured.

    Parameters
    ----------
    X : ndarray or DataFrame
    feature_axis : int or tuple of int, default=-1
    feature_groups : None, dict, list of lists, or "correlated"
        Groups of features (indices along the feature axis, or DataFrame
        column names), measured together. Features in no group are measured
        alone. Groups may overlap: each is measured on its own.
    correlation_threshold : float, default=0.8
        For ``"correlated"``: features whose absolute Spearman correlation
        links them at this level or above share a cluster.
    feature_names : list of str or None, default=None
        Names of 2-D X's columns when X is not a DataFrame that names them
        (the columns of several inputs side by side); groups may then name
        columns by them too.

    Attributes
    ----------
    axes : tuple of int
    n_features : int
        Features along the axes (their product for several axes).
    feature_names : list of str
    groups : list of list of int
        Feature indices of each measured group.
    group_names : list of str
    """

    def __init__(
        self,
        X,
        feature_axis=-1,
        feature_groups=None,
        correlation_threshold=0.8,
        feature_names=None,
    ):
        self.is_frame = hasattr(X, "iloc")
        ndim = 2 if self.is_frame else X.ndim
        if ndim < 2:
            raise ValueError(f"X must have at least 2 dimensions; got {ndim}.")
        self.axes = _normalize_axes(feature_axis, ndim)
        self.shape = tuple(X.shape)
        self.n_features = int(np.prod([self.shape[a] for a in self.axes]))
        if self.is_frame:
            self.feature_names = [str(c) for c in X.columns]
        elif len(self.axes) == 1:
            self.feature_names = [f"x{i}" for i in range(self.n_features)]
        else:
            self.feature_names = [
                "x" + str(idx).replace(" ", "")
                for idx in np.ndindex(*[self.shape[a] for a in self.axes])
            ]
        self.named = self.is_frame
        if feature_names is not None and len(feature_names) == self.n_features:
            self.feature_names = [str(name) for name in feature_names]
            self.named = True
        self.groups, self.group_names = self._resolve(
            X, feature_groups, correlation_threshold
        )

    # -------------------------------------------------------------- groups
    def _index_of(self, key, group_name):
        if self.named and not isinstance(key, numbers.Integral):
            if str(key) not in self.feature_names:
                raise ValueError(
                    f"feature group {group_name!r} names column {key!r}, which X "
                    f"does not have; its columns are {self.feature_names}."
                )
            return self.feature_names.index(str(key))
        if not isinstance(key, numbers.Integral) or isinstance(key, bool):
            raise ValueError(
                f"feature group {group_name!r} holds {key!r}: use feature indices "
                "(or column names with a DataFrame)."
            )
        if not -self.n_features <= key < self.n_features:
            raise ValueError(
                f"feature group {group_name!r} names feature {key}, but X has "
                f"{self.n_features} features along feature_axis={self.axes}."
            )
        return int(key) % self.n_features

    def _resolve(self, X, feature_groups, correlation_threshold):
        if feature_groups is None:
            return [[j] for j in range(self.n_features)], list(self.feature_names)
        if isinstance(feature_groups, str):
            if feature_groups != "correlated":
                raise ValueError(
                    f"feature_groups={feature_groups!r}: the only string accepted "
                    "is 'correlated'."
                )
            if not (self.is_frame or np.asarray(X).ndim == 2):
                raise ValueError(
                    "feature_groups='correlated' needs 2-D X (samples, features)."
                )
            clusters = correlated_groups(X, correlation_threshold)
            names = ["+".join(self.feature_names[j] for j in c) for c in clusters]
            return clusters, names
        if isinstance(feature_groups, dict):
            items = list(feature_groups.items())
        elif isinstance(feature_groups, (list, tuple)):
            items = [(None, g) for g in feature_groups]
        else:
            raise ValueError(
                "feature_groups must be None, 'correlated', a dict "
                "{name: [columns]} or a list of lists of columns; got "
                f"{type(feature_groups).__name__}."
            )
        groups, names, covered = [], [], set()
        for name, members in items:
            if isinstance(members, (str, numbers.Integral)):
                members = [members]
            label = name if name is not None else str(list(members))
            idx = [self._index_of(m, label) for m in members]
            if not idx:
                raise ValueError(f"feature group {label!r} is empty.")
            idx = sorted(set(idx))
            groups.append(idx)
            names.append(
                str(name)
                if name is not None
                else "+".join(self.feature_names[j] for j in idx)
            )
            covered.update(idx)
        for j in range(self.n_features):  # features in no group: alone
            if j not in covered:
                groups.append([j])
                names.append(self.feature_names[j])
        return groups, names

    # ------------------------------------------------------- flat columns
    def flat_columns(self):
        """Flat column indices of each feature: (n_features, columns per feature)."""
        if self.is_frame:
            return np.arange(self.n_features)[:, np.newaxis]
        labels = np.arange(int(np.prod(self.shape[1:]))).reshape(self.shape[1:])
        moved = np.moveaxis(labels, [a - 1 for a in self.axes], range(len(self.axes)))
        return moved.reshape(self.n_features, -1)

    def flat_groups(self):
        """Flat column indices of each group."""
        cols = self.flat_columns()
        return [np.sort(cols[g].ravel()).tolist() for g in self.groups]

    def feature_mask(self, group_mask):
        """Features covered by the kept groups."""
        mask = np.zeros(self.n_features, dtype=bool)
        for keep, g in zip(group_mask, self.groups):
            if keep:
                mask[g] = True
        return mask


def correlated_groups(X, threshold=0.8):
    """Cluster features by absolute Spearman correlation.

    Average-linkage hierarchical clustering on the distance ``1 - |rho|``, cut
    at ``1 - threshold``: features whose average absolute rank correlation is
    at least ``threshold`` share a cluster.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    threshold : float in (0, 1]

    Returns
    -------
    clusters : list of list of int
        Ordered by their first feature.
    """
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform
    from scipy.stats import spearmanr

    if not 0 < threshold <= 1:
        raise ValueError(f"correlation_threshold must be in (0, 1]; got {threshold}.")
    X = np.asarray(X, dtype=float)
    n_features = X.shape[1]
    if n_features == 1:
        return [[0]]
    rho = np.atleast_2d(spearmanr(X).statistic)
    rho = np.nan_to_num(rho, nan=0.0)  # constant columns correlate with nothing
    dist = 1 - np.abs(rho)
    np.fill_diagonal(dist, 0.0)
    dist = np.clip((dist + dist.T) / 2, 0, None)
    tree = linkage(squareform(dist, checks=False), method="average")
    labels = fcluster(tree, t=1 - threshold, criterion="distance")
    clusters = {}
    for j, label in enumerate(labels):
        clusters.setdefault(label, []).append(j)
    return sorted(clusters.values(), key=lambda c: c[0])


def groups_from_column_transformer(column_transformer, feature_names_in=None):
    """Groups of the transformer's *output* columns, one per original variable.

    For a matrix already encoded by a fitted ``ColumnTransformer`` (or a
    Pipeline whose first step is one), each input column becomes one group of
    the output columns it produced: a categorical variable one-hot encoded into
    12 columns is one group. Output columns of a transformer that mixes its
    inputs (PCA, say) form one group named after the transformer.

    Parameters
    ----------
    column_transformer : fitted ColumnTransformer or Pipeline starting with one
    feature_names_in : list of str, default=None
        Names of the input columns (default: the transformer's
        ``feature_names_in_`` or x0, x1, ...).

    Returns
    -------
    groups : dict
        Original variable name -> list of output column indices.
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder

    ct = column_transformer
    if isinstance(ct, Pipeline):
        ct = ct.steps[0][1]
    if not isinstance(ct, ColumnTransformer) or not hasattr(ct, "transformers_"):
        raise ValueError(
            "pass a fitted ColumnTransformer (or a Pipeline starting with one)"
        )
    if feature_names_in is None:
        feature_names_in = getattr(ct, "feature_names_in_", None)
    if feature_names_in is None:
        feature_names_in = [f"x{i}" for i in range(ct.n_features_in_)]
    feature_names_in = [str(n) for n in feature_names_in]
    groups = {}
    for name, trans, columns in ct.transformers_:
        if name not in ct.output_indices_:
            continue
        out = ct.output_indices_[name]
        outputs = list(range(out.start, out.stop))
        if not outputs:
            continue
        cols = (
            np.arange(len(feature_names_in))[columns].tolist()
            if not (
                isinstance(columns, list) and columns and isinstance(columns[0], str)
            )
            else [feature_names_in.index(c) for c in columns]
        )
        inputs = [feature_names_in[c] for c in cols]
        final = trans.steps[-1][1] if isinstance(trans, Pipeline) else trans
        if isinstance(final, OneHotEncoder):
            counts = getattr(final, "_n_features_outs", None)
            if counts is None:
                counts = [len(c) for c in final.categories_]
            start = 0
            for var, n in zip(inputs, counts):
                groups.setdefault(var, []).extend(outputs[start : start + n])
                start += n
        elif len(outputs) == len(inputs):
            for var, o in zip(inputs, outputs):
                groups.setdefault(var, []).append(o)
        else:
            groups[name] = outputs
    return groups
