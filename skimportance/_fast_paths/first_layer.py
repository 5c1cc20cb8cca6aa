"""Exact first-layer updates for Keras models whose input feeds a Dense layer.

Permuting column ``j`` changes only column ``j`` of the input. When the first
operation of the network on its input is a Dense layer, the pre-activations of
a permuted row differ from the unpermuted ones by a rank-1 term::

    z_perm = z + (x_perm[j] - x[j]) * W[j, :]

(rank k for a group of k columns). ``z = x @ W + b`` is computed once; every
permuted segment then costs that update, the Dense activation and the rest of
the network: the first matmul, and the stacking of permuted copies of X, are
skipped. The activation is applied after the update, so a non-linear first
layer is handled exactly.

Layers between the input and that Dense layer which act on each feature alone
(``Normalization``, ``Rescaling``, ``BatchNormalization`` at inference, and
dropout and noise layers, inactive at inference) are applied to X once:
permuting the rows of a column commutes with them.

A model qualifies only if its graph is exactly that (single input of shape
(samples, features), each tensor up to the Dense layer used by one layer only,
a float32 Dense layer with its own kernel: not quantised, not LoRA-enabled,
no mixed precision; the rest of the model a function of the Dense layer's
output alone). Only the model's own graph is read, whatever other calls its
layers have seen (``Sequential.add`` rebuilds the graph each time; a layer
may be shared with other models). Before use, the split model is checked against
the whole model on a few rows, unpermuted and with a permuted column. Anything
else is left to the plain batched path.
"""

import weakref

import numpy as np

from .._keras.backend import compile_function, is_supported, static_shapes, to_numpy
from .._keras.batching import default_batch_size

__all__ = ["first_layer_updater"]

#: bytes of first-layer pre-activations per compiled call (see _keras)
UPDATE_BATCH_BYTES = 64 * 2**20
PROBE_ROWS = 256


def _separable_types():
    import keras

    layers = keras.layers
    return (
        layers.Normalization,
        layers.Rescaling,
        layers.BatchNormalization,
        layers.Dropout,
        layers.GaussianNoise,
        layers.GaussianDropout,
        layers.AlphaDropout,
        layers.Identity,
    )


def _is_separable(layer):
    """Whether ``layer``, at inference on (samples, features), acts on each
    feature alone (the same function of one column for every row)."""
    import keras

    if type(layer) not in _separable_types():
        return False
    if getattr(layer, "compute_dtype", None) != "float32":
        return False
    if type(layer) is keras.layers.BatchNormalization:
        return layer.axis in (-1, 1)
    return True


def _is_plain_dense(layer):
    """A float32 Dense layer whose kernel is its own variable: not LoRA-enabled,
    not quantised, no mixed precision."""
    import keras

    if type(layer) is not keras.layers.Dense or not layer.built:
        return False
    if getattr(layer, "lora_enabled", False):
        return False  # its kernel is a sum computed at each call
    if getattr(layer, "quantization_mode", None) is not None:
        return False
    if layer.compute_dtype != "float32" or layer.variable_dtype != "float32":
        return False
    kernel = layer.kernel
    return (
        isinstance(kernel, keras.Variable)
        and keras.backend.standardize_dtype(kernel.dtype) == "float32"
    )


def _own_graph(model):
    """``(inputs, outputs, nodes)`` of the model's own graph, or None.

    A layer's ``_inbound_nodes`` hold every call ever made to it (each
    ``Sequential.add`` rebuilds the graph, a layer may be shared with other
    models); only the nodes of the model's own graph matter. A Sequential
    keeps its graph in a Functional (``_functional``); a functional model is
    one. Nodes are listed from the inputs to the outputs.
    """
    import keras

    graph = model._functional if isinstance(model, keras.Sequential) else model
    by_depth = getattr(graph, "_nodes_by_depth", None)
    if not by_depth:
        return None
    nodes = [n for depth in sorted(by_depth, reverse=True) for n in by_depth[depth]]
    return graph.inputs, graph.outputs, nodes


def _single_user(tensor, nodes):
    """The one node of ``nodes`` that takes ``tensor``, or None."""
    users = [
        node
        for node in nodes
        if not node.is_input and any(t is tensor for t in node.input_tensors)
    ]
    if len(users) != 1:
        return None
    node = users[0]
    if len(node.input_tensors) != 1 or len(node.output_tensors) != 1:
        return None
    return node


def split_model(model):
    """``(prefix layers, first Dense layer, rest)`` or None.

    ``rest`` is a Keras model from the Dense layer's output to the model's
    output, or None when the Dense layer's output is the model's output.
    Anything unexpected in the graph gives None, never an exception.
    """
    try:
        return _split(model)
    except Exception:  # an unforeseen graph: the plain path serves it
        return None


def _split(model):
    import keras

    graph = _own_graph(model)
    if graph is None:
        return None
    inputs, outputs, nodes = graph
    if len(inputs) != 1 or len(outputs) != 1 or len(inputs[0].shape) != 2:
        return None
    tensor, prefix = inputs[0], []
    while True:
        node = _single_user(tensor, nodes)
        if node is None:
            return None
        layer = node.operation
        if type(layer) is keras.layers.Dense:
            break
        if not _is_separable(layer):
            return None
        prefix.append(layer)
        tensor = node.output_tensors[0]
    if not _is_plain_dense(layer):
        return None
    dense_out = node.output_tensors[0]
    if dense_out is outputs[0]:
        return prefix, layer, None
    try:
        rest = keras.Model(dense_out, outputs[0])
    except Exception:  # not a function of the Dense output alone
        return None
    return prefix, layer, rest


class _Compiled:
    """The compiled halves of a split model (traced once per model), written
    with ``keras.ops`` and compiled for the current backend (see _backend).

    ``first(x) -> (prefix(x), prefix(x) @ W + b)``;
    ``rank_one(z0, delta, w)`` and ``rank_k(z0, delta, w)`` apply the updates
    of stacked pieces to the pre-activations ``z0`` and run the rest of the
    network. Nothing here refers to the whole model, only to its layers.
    """

    def __init__(self, prefix, dense, rest, n_features):
        from keras import ops

        units = dense.units
        variables = [v for layer in prefix for v in layer.variables]
        variables += list(dense.variables)
        variables += [] if rest is None else list(rest.variables)

        def first(x):
            for layer in prefix:
                x = layer(x, training=False)
            z = ops.matmul(x, dense.kernel)
            if dense.bias is not None:
                z = z + dense.bias
            return x, z

        def finish(z):
            z = ops.reshape(z, (-1, units))
            if dense.activation is not None:
                z = dense.activation(z)
            return z if rest is None else rest(z, training=False)

        def rank_one(z0, delta, w):
            # (1, n, units) + (S, n, 1) * (S, 1, units)
            return finish(z0[None] + delta * w)

        def rank_k(z0, delta, w):
            # (1, n, units) + (S, n, k) @ (S, k, units)
            return finish(z0[None] + ops.matmul(delta, w))

        f32 = np.float32
        update = [((None, units), f32), ((None, None, None), f32)]
        update.append(((None, None, units), f32))
        self.first = compile_function(first, variables, [((None, n_features), f32)])
        self.rank_one = compile_function(rank_one, variables, update)
        self.rank_k = compile_function(rank_k, variables, update)
        self.dense = dense
        self.verified = False  # checked against the whole model on a probe


# model -> _Compiled or False (does not qualify)
_SPLITS = weakref.WeakKeyDictionary()


def _compiled_split(model, n_features):
    if model not in _SPLITS:
        parts = split_model(model)
        _SPLITS[model] = False if parts is None else _Compiled(*parts, n_features)
    return _SPLITS[model] or None


class FirstLayerUpdater:
    """Responses of permuted segments through first-layer updates.

    Called by the engine in place of stacking permuted copies of X; see
    :func:`skimportance._engine.core.permuted_scores`.
    """

    def __init__(self, responder, compiled, X_eval, methods, max_group=1):
        self.responder = responder
        self.compiled = compiled
        self.methods = methods
        x, z0 = compiled.first(X_eval)
        # columns of the transformed X, contiguous, for the permuted gathers
        self.columns = np.ascontiguousarray(to_numpy(x).T)
        self.X_eval = X_eval  # for replacement values (a sampler's)
        self._slopes = None
        self.z0 = z0  # a backend tensor, where the model's outputs are computed
        self.kernel = to_numpy(compiled.dense.kernel.value).astype(np.float32)
        self.units = self.kernel.shape[1]
        # with a compilation per input shape (JAX), every group is padded to
        # the widest: zero columns add nothing to the update
        self.pad_group = max_group if static_shapes() else 0
        # per stacked row: the pre-activations and the column differences
        self.row_nbytes = 4 * (self.units + max_group)
        self.block_rows = responder.batch_size or default_batch_size(
            self.row_nbytes, UPDATE_BATCH_BYTES
        )

    @property
    def slopes(self):
        """Per column, the slope of the prefix layers (each acts on a column
        alone and, at inference, is affine): new - old values of a column
        change its transformed value by slope * (new - old)."""
        if self._slopes is None:
            n = self.X_eval.shape[1]
            probe = np.stack([np.zeros(n), np.ones(n)]).astype(np.float32)
            x = to_numpy(self.compiled.first(probe)[0])
            self._slopes = (x[1] - x[0]).astype(np.float32)
        return self._slopes

    def raw(self, pieces, seg_groups, seg_perms, values=None):
        """Raw model outputs of the stacked permuted copies of ``pieces``
        (with ``values``: copies whose group columns take those values)."""
        n = pieces[0][2] - pieces[0][1]
        k = max(len(seg_groups[s]) for s, _, _ in pieces)
        k = max(k, self.pad_group)
        delta = np.zeros((len(pieces), n, k), dtype=np.float32)
        w = np.zeros((len(pieces), k, self.units), dtype=np.float32)
        for i, (s, start, stop) in enumerate(pieces):
            group = seg_groups[s]
            if values is not None:
                new = values(s, start, stop)
                old = self.X_eval[start:stop][:, group]
                delta[i, :, : len(group)] = (new - old) * self.slopes[group]
            else:
                perm = seg_perms[s][start:stop]
                for c, col in enumerate(group):
                    column = self.columns[col]
                    np.subtract(column[perm], column[start:stop], out=delta[i, :, c])
            w[i, : len(group)] = self.kernel[group]
        start, stop = pieces[0][1], pieces[0][2]
        z0 = self.z0 if stop - start == self.z0.shape[0] else self.z0[start:stop]
        fn = self.compiled.rank_one if k == 1 else self.compiled.rank_k
        return to_numpy(fn(z0, delta, w))

    def __call__(self, pieces, seg_groups, seg_perms, values=None):
        raw = self.raw(pieces, seg_groups, seg_perms, values)
        return {m: self.responder._decode(raw, m) for m in self.methods}

    def agrees(self, X_eval):
        """Whether the split model gives the whole model's outputs on a probe:
        the first rows unpermuted, with their first column reversed, and with
        their last column replaced by other values (a sampler's path)."""
        m = min(len(X_eval), PROBE_ROWS)
        perm = np.arange(m)[::-1].copy()
        X_perm = X_eval[:m].copy()
        X_perm[:, 0] = X_perm[perm, 0]
        last = X_eval.shape[1] - 1
        X_new = X_eval[:m].copy()
        new = (1.5 * X_new[perm, last] + 0.5)[:, None]
        X_new[:, last] = new[:, 0]
        expected = self.responder.raw(np.concatenate([X_eval[:m], X_perm, X_new]))
        pieces = [(0, 0, m), (1, 0, m)]
        got = self.raw(pieces, [[0], [0]], [np.arange(m), perm])
        both = [X_eval[:m, [last]], new]  # unpermuted, replaced (same shapes)
        replaced = self.raw(pieces, [[last], [last]], None, lambda s, a, b: both[s])
        got = np.concatenate([got, replaced[m:]])
        if got.shape != expected.shape:
            return False
        scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
        return bool(np.allclose(got, expected, rtol=1e-4, atol=1e-5 * scale))


def first_layer_updater(responder, X_eval, methods, max_group=1):
    """A :class:`FirstLayerUpdater` for the responder's model, or None.

    Parameters
    ----------
    responder : KerasResponder
    X_eval : ndarray of shape (n_evaluated, n_features)
        The evaluated rows, already validated, in the model's input dtype.
    methods : tuple of str
        Response methods wanted.
    max_group : int
        Columns of the largest group (memory per stacked row).
    """
    if not is_supported():
        return None
    if X_eval.ndim != 2 or X_eval.dtype != np.float32 or len(X_eval) == 0:
        return None
    compiled = _compiled_split(responder.model, X_eval.shape[1])
    if compiled is None:
        return None
    updater = FirstLayerUpdater(responder, compiled, X_eval, methods, max_group)
    if not compiled.verified:  # once per model: its graph does not change
        if not updater.agrees(X_eval):
            _SPLITS[responder.model] = False
            return None
        compiled.verified = True
    return updater
