"""Models with several inputs: X as a dict by input name or a list, one
array or DataFrame per input.

The engine measures one 2-D table of columns. :class:`InputLayout` records
which columns belong to which input: :meth:`InputLayout.flatten` puts the
inputs side by side (in the dict's or the list's order), and
:meth:`InputLayout.split` rebuilds the dict or list from a block of that
table before the model sees it (``flat_problem.SeveralInputsEstimator``).

Columns are named after a DataFrame's columns (``input[column]`` when two
inputs share a column name) or ``input[j]`` for arrays. Each input must be a
table (2-D): an input of higher rank (a sequence beside a table) is refused
with a clear error.
"""

import numpy as np

__all__ = [
    "InputLayout",
    "is_several_inputs",
    "n_rows",
    "prepare_inputs",
    "row_nbytes",
]


def _is_table(part):
    return hasattr(part, "iloc") or (isinstance(part, np.ndarray) and part.ndim >= 2)


def is_several_inputs(X):
    """Whether X is a dict of inputs, or a list/tuple of 2-D arrays or
    DataFrames (a list of rows or of 1-D arrays is an ordinary table)."""
    if isinstance(X, dict):
        return not hasattr(X, "tocsr")  # a scipy DOK sparse matrix is a dict
    return isinstance(X, (list, tuple)) and len(X) > 0 and all(map(_is_table, X))


def _parts(X):
    return list(X.items()) if isinstance(X, dict) else list(enumerate(X))


def prepare_inputs(X, model=None):
    """The dict or list X with each input as an array (float32 for numbers).

    A list given to a model whose inputs are a dict becomes that dict, the
    list in the order of ``model.inputs`` (the order Keras itself takes a
    list in).
    """
    out = {}
    for key, part in _parts(X):
        arr = np.asarray(part)
        out[key] = (
            arr.astype(np.float32, copy=False) if arr.dtype.kind in "biuf" else arr
        )
    if isinstance(X, dict):
        return out
    arrays = [out[k] for k in range(len(X))]
    structure = _model_input(model)
    if isinstance(structure, dict) and len(structure) == len(arrays):
        order = [id(t) for t in model.inputs]
        return {k: arrays[order.index(id(t))] for k, t in structure.items()}
    return arrays


def _model_input(model):
    try:
        return model.input if model is not None and len(model.inputs) > 1 else None
    except (AttributeError, ValueError, TypeError):
        return None


def n_rows(X):
    """Rows of X, a table or a dict or list of inputs."""
    if is_several_inputs(X):
        return len(_parts(X)[0][1]) if len(X) else 0
    return len(X)


def row_nbytes(X):
    """Bytes of one row, over every input."""
    if is_several_inputs(X):
        return sum(np.asarray(p)[:1].nbytes for _, p in _parts(X))
    return np.asarray(X)[:1].nbytes


class InputLayout:
    """Which columns of the flat table belong to which input.

    Parameters
    ----------
    X : dict or list of 2-D arrays or DataFrames
        One per input of the model, all with the same rows.
    names : list of str or None, default=None
        The inputs' names (a list's inputs are named by position otherwise).

    Attributes
    ----------
    kind : {"dict", "list"}
    keys : list
        Input names (dict) or positions (list), in column order.
    widths : list of int
        Columns per input.
    columns : list of list
        Each input's column labels (a DataFrame's, else ``0, 1, ...``).
    frames : list of bool
        Which inputs were DataFrames (``select`` returns DataFrames for them).
    feature_names : ndarray of str
        One name per column of the flat table.
    """

    def __init__(self, X, names=None):
        if not is_several_inputs(X):
            raise TypeError("X is not a dict or list of inputs")
        parts = _parts(X)
        if not parts:
            raise ValueError("X is an empty dict: the model needs its inputs.")
        self.kind = "dict" if isinstance(X, dict) else "list"
        self.keys = [k for k, _ in parts]
        self.names = [str(k) for k in (names or self.keys)]
        self.widths, self.columns, self.frames = [], [], []
        n_rows = {len(p) for _, p in parts}
        if len(n_rows) != 1:
            raise ValueError(
                f"the inputs of X have different numbers of rows: "
                f"{dict((k, len(p)) for k, p in parts)}."
            )
        for key, part in parts:
            ndim = np.ndim(part)
            if ndim != 2:
                raise ValueError(
                    f"input {key!r} of X has {ndim} dimensions; with several "
                    "inputs, each must be a table (n_samples, n_columns). Measure "
                    "a sequence or image input on its own (one array X)."
                )
            frame = hasattr(part, "iloc")
            self.frames.append(frame)
            self.columns.append(
                list(part.columns) if frame else list(range(np.shape(part)[1]))
            )
            self.widths.append(len(self.columns[-1]))
        self.feature_names = np.asarray(self._names(), dtype=object)

    def _names(self):
        own = [str(c) for cols, f in zip(self.columns, self.frames) if f for c in cols]
        shared = {c for c in own if own.count(c) > 1}
        names = []
        for key, cols, frame in zip(self.names, self.columns, self.frames):
            for j, col in enumerate(cols):
                if frame and str(col) not in shared:
                    names.append(str(col))
                else:
                    names.append(f"{key}[{col if frame else j}]")
        return names

    @property
    def n_features(self):
        """Columns of the flat table."""
        return int(sum(self.widths))

    @property
    def offsets(self):
        """Where each input's columns start in the flat table (and the end)."""
        return np.concatenate([[0], np.cumsum(self.widths)]).astype(int)

    def groups(self):
        """``{input name: its columns}``, for ``feature_groups``."""
        starts = self.offsets
        return {
            key: list(range(starts[i], starts[i + 1]))
            for i, key in enumerate(self.names)
        }

    def check(self, X):
        """Raise ValueError unless X has this layout's inputs and widths."""
        if not is_several_inputs(X):
            raise ValueError(
                f"the selector was fitted on a {self.kind} of inputs "
                f"{self.keys}; X is a {type(X).__name__}."
            )
        keys = [k for k, _ in _parts(X)]
        if sorted(map(str, keys)) != sorted(map(str, self.keys)):
            raise ValueError(f"X has inputs {keys}; expected {self.keys}.")
        get = X.__getitem__
        widths = [
            np.shape(get(k))[1] if np.ndim(get(k)) == 2 else -1 for k in self.keys
        ]
        if widths != self.widths:
            raise ValueError(
                f"X's inputs have {widths} columns; expected {self.widths} "
                f"(inputs {self.keys})."
            )

    def flatten(self, X):
        """The inputs of X side by side: one 2-D table, in this layout's order."""
        self.check(X)
        blocks = [np.asarray(X[k]) for k in self.keys]
        kinds = {b.dtype.kind for b in blocks}
        if kinds <= set("biuf"):
            blocks = [b.astype(np.float64, copy=False) for b in blocks]
        return np.concatenate(blocks, axis=1)

    def split(self, flat):
        """The dict or list of inputs from a block of the flat table."""
        flat = np.asarray(flat)
        starts = self.offsets
        parts = [flat[:, starts[i] : starts[i + 1]] for i in range(len(self.keys))]
        if self.kind == "dict":
            return dict(zip(self.keys, parts))
        return parts

    def select(self, X, support):
        """X's inputs with the columns ``support`` keeps: the same structure,
        DataFrames kept as DataFrames; an input with no column kept is left
        out."""
        self.check(X)
        support = np.asarray(support, dtype=bool)
        starts = self.offsets
        out = []
        for i, key in enumerate(self.keys):
            keep = np.flatnonzero(support[starts[i] : starts[i + 1]])
            if not len(keep):
                continue
            part = X[key]
            part = (
                part.iloc[:, keep]
                if hasattr(part, "iloc")
                else np.asarray(part)[:, keep]
            )
            out.append((key, part))
        return dict(out) if self.kind == "dict" else [p for _, p in out]
