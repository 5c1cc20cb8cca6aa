"""First-layer updates through a Pipeline's per-column transformers.

In ``Pipeline([..., transformers, network])`` whose transformers each map one
input column to output columns of its own (scalers, one-hot or ordinal
encoders, SimpleImputer without indicators, a ColumnTransformer or Pipeline
of these, ``"passthrough"``), permuting the rows
of input column ``j`` permutes, in the same way, the rows of the output
columns of ``j`` (its *block*: one column for a scaler, one per category for
a one-hot encoder) and changes nothing else. So the prefix is applied once to
the evaluated rows, and a permuted column (or group) becomes a permuted block
of the transformed X: the network's first-layer update (rank k for a block of
k columns, see :mod:`skimportance._fast_paths.first_layer`) then applies.

Which output columns belong to which input column is read from the fitted
transformers of a known kind; before use, the whole path (prefix once, then
the update) is checked against the plain path (transform the permuted rows,
then the network) on a probe of rows. Anything else returns None and is left
to the plain path.
"""

import threading

import numpy as np

from .._utils.indexing import take_rows
from .first_layer import PROBE_ROWS, first_layer_updater

__all__ = ["column_blocks", "prefix_updater"]


def _scaler_types():
    from sklearn import preprocessing as pp

    return (pp.StandardScaler, pp.MinMaxScaler, pp.MaxAbsScaler, pp.RobustScaler)


def _identity(n):
    return [np.array([j]) for j in range(n)]


def _encoder_blocks(encoder, n_in):
    """Output columns of each input column of a fitted one-hot/ordinal encoder."""
    from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder

    if type(encoder) is OrdinalEncoder:
        return _identity(n_in)
    if type(encoder) is not OneHotEncoder:
        return None
    widths = getattr(encoder, "_n_features_outs", None)
    if widths is None or len(widths) != n_in:
        return None
    ends = np.cumsum(widths)
    return [np.arange(end - w, end) for w, end in zip(widths, ends)]


def _column_transformer_blocks(ct, n_in):
    """Blocks of a fitted ColumnTransformer of per-column transformers."""
    to_inputs = getattr(ct, "_transformer_to_input_indices", None)
    slices = getattr(ct, "output_indices_", None)
    if to_inputs is None or slices is None:
        return None
    blocks = [[] for _ in range(n_in)]
    for name, trans, _ in ct.transformers_:
        if isinstance(trans, str) and trans == "drop":
            continue
        inputs = np.asarray(to_inputs.get(name, []), dtype=int)
        out = slices.get(name)
        if out is None or len(inputs) == 0:
            continue
        if isinstance(trans, str) and trans == "passthrough":
            sub = _identity(len(inputs))
        else:
            sub = column_blocks(trans, len(inputs))
        if sub is None:
            return None
        for k, j in enumerate(inputs):
            blocks[j].extend(out.start + sub[k])
    return [np.array(sorted(b), dtype=int) for b in blocks]


def column_blocks(transformer, n_in):
    """For each input column, the output columns that depend on it alone.

    Parameters
    ----------
    transformer : fitted transformer, Pipeline of them, "passthrough" or None
    n_in : int
        Number of input columns.

    Returns
    -------
    blocks : list of ndarray of int, or None
        ``blocks[j]``: the output columns computed from input column ``j``
        (empty for a dropped column); None when ``transformer`` is not known
        to act on each column alone.
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer

    if transformer is None or (
        isinstance(transformer, str) and transformer == "passthrough"
    ):
        return _identity(n_in)
    if type(transformer) is FunctionTransformer and transformer.func is None:
        return _identity(n_in)  # how a fitted ColumnTransformer passes through
    if isinstance(transformer, str):
        return None
    if type(transformer) in _scaler_types():
        return _identity(n_in) if transformer.n_features_in_ == n_in else None
    if type(transformer) is SimpleImputer:
        # each column filled with its own statistic; no indicator columns,
        # no column dropped for being empty at fit
        n_out = len(transformer.get_feature_names_out())
        one_to_one = not transformer.add_indicator and n_out == n_in
        return _identity(n_in) if one_to_one else None
    if type(transformer) is ColumnTransformer:
        return _column_transformer_blocks(transformer, n_in)
    if type(transformer) is Pipeline:
        blocks = _identity(n_in)
        for _, step in transformer.steps:
            inner = column_blocks(step, sum(len(b) for b in blocks))
            if inner is None:
                return None
            blocks = [
                np.array(sorted(c for i in b for c in inner[i]), dtype=int)
                for b in blocks
            ]
        return blocks
    return _encoder_blocks(transformer, n_in)


def _disjoint(blocks, n_out):
    seen = np.zeros(n_out, dtype=int)
    for b in blocks:
        if len(b) and (b.min() < 0 or b.max() >= n_out):
            return False
        seen[b] += 1
    return bool(np.all(seen <= 1))


def _dense(T):
    return T.toarray() if hasattr(T, "toarray") else np.asarray(T)


def _with_column_permuted(X, j, perm):
    """A copy of X whose column ``j`` has its rows taken in ``perm`` order."""
    if hasattr(X, "iloc"):
        X = X.copy()
        name = X.columns[j]
        X[name] = X[name].to_numpy()[perm]
        return X
    X = np.array(X, copy=True)
    X[:, j] = X[perm, j]
    return X


class PrefixedUpdater:
    """Responses of permuted segments of the Pipeline's input X, from the
    network's first-layer updater on the transformed X.

    A group of input columns becomes the union of their blocks; a group whose
    columns have no output (all dropped) changes nothing and is answered
    unpermuted. Follows :class:`skimportance._fast_paths.registry.PieceResponder`.
    """

    def __init__(self, inner, blocks):
        self.inner = inner
        self.blocks = blocks
        self.row_nbytes = inner.row_nbytes
        self.block_rows = inner.block_rows
        self._lock = threading.Lock()
        self._mapped = None  # (seg_groups, seg_perms, their mapped lists)

    def _map(self, seg_groups, seg_perms):
        with self._lock:
            cached = self._mapped
            if cached and cached[0] is seg_groups and cached[1] is seg_perms:
                return cached[2], cached[3]
            groups, perms, memo = [], [], {}
            for group, perm in zip(seg_groups, seg_perms):
                key = tuple(group)
                if key not in memo:
                    memo[key] = np.unique(
                        np.concatenate([self.blocks[j] for j in group])
                    ).tolist()
                cols = memo[key]
                groups.append(cols or [0])
                perms.append(perm if cols else np.arange(len(perm)))
            self._mapped = (seg_groups, seg_perms, groups, perms)
            return groups, perms

    def raw(self, pieces, seg_groups, seg_perms):
        groups, perms = self._map(seg_groups, seg_perms)
        return self.inner.raw(pieces, groups, perms)

    def __call__(self, pieces, seg_groups, seg_perms, values=None):
        if values is not None:  # excluded by PipelinePrefixPath.why_not
            raise ValueError("the pipeline prefix path takes row permutations only")
        groups, perms = self._map(seg_groups, seg_perms)
        return self.inner(pieces, groups, perms)


def _outputs_agree(got, expected):
    """The probe's tolerance (as :meth:`FirstLayerUpdater.agrees`)."""
    if got.shape != expected.shape:
        return False
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    return bool(np.allclose(got, expected, rtol=1e-4, atol=1e-5 * scale))


def _probe_agrees(updater, responder, X_eval, columns):
    """Whether the path gives the plain path's raw outputs on a probe: the
    first rows unpermuted, and with each of ``columns`` of the Pipeline's
    input reversed (the plain path transforms the permuted rows)."""
    final, prefix = responder.final, responder.prefix

    def plain(X):
        return np.asarray(final.raw(final._prepare(prefix.transform(X))))

    m = min(len(X_eval), PROBE_ROWS)
    probe = take_rows(X_eval, np.arange(m))
    perm, ident = np.arange(m)[::-1].copy(), np.arange(m)
    unpermuted = plain(probe)
    for j in columns:
        expected = np.concatenate(
            [unpermuted, plain(_with_column_permuted(probe, j, perm))]
        )
        got = updater.raw([(0, 0, m), (1, 0, m)], [[j], [j]], [ident, perm])
        if not _outputs_agree(np.asarray(got), expected):
            return False
    return True


def prefix_updater(responder, X_eval, groups, methods):
    """A :class:`PrefixedUpdater` for a PipelineResponder, or None.

    Parameters
    ----------
    responder : PipelineResponder
        Its ``prefix`` (the Pipeline's transformers) and ``final`` (a
        KerasResponder of the network's wrapper).
    X_eval : ndarray or DataFrame of shape (n_evaluated, n_features)
        The evaluated rows of the Pipeline's input, as the caller gave it.
    groups : list of list of int
        Columns of X permuted together.
    methods : tuple of str
        Response methods wanted.
    """
    n_in = X_eval.shape[1]
    blocks = column_blocks(responder.prefix, n_in)
    if blocks is None or not any(len(b) for b in blocks):
        return None
    final = responder.final
    T = _dense(responder.prefix.transform(X_eval))
    if T.ndim != 2 or not _disjoint(blocks, T.shape[1]):
        return None
    T = np.asarray(final._prepare(T), dtype=final.input_dtype)
    max_group = max((sum(len(blocks[j]) for j in g) for g in groups), default=1)
    inner = first_layer_updater(final, T, methods, max(1, max_group))
    if inner is None:
        return None
    updater = PrefixedUpdater(inner, blocks)
    # the column with the widest block, and the first one with any output
    widest = int(np.argmax([len(b) for b in blocks]))
    first = next(j for j, b in enumerate(blocks) if len(b))
    if not _probe_agrees(updater, responder, X_eval, sorted({widest, first})):
        return None
    return updater
