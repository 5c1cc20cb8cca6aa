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

A model with several inputs (measured through the one-input view of
``_keras.flat_problem``) qualifies when each input reaches a Dense layer
through per-feature layers: its own Dense layer, or one shared through a
``Concatenate`` of inputs (:func:`~.first_layer_graph.split_inputs`). The
pre-activations of those Dense layers sit side by side, and a column's row of
the update kernel is its Dense layer's kernel row (zeros elsewhere), so the
same rank-k updates apply. When the Dense layers share one element-wise
activation and go into one ``Concatenate``, they are run as one wider Dense
layer; otherwise each part of the pre-activations gets its own activation and
the rest takes them one by one.
"""

import weakref

import numpy as np

from .._keras.backend import compile_function, is_supported, static_shapes, to_numpy
from .._keras.batching import default_batch_size
from .._keras.flat_problem import view_source
from .first_layer_graph import DenseBlock, Split, split_inputs, split_model

__all__ = ["first_layer_updater", "split_model"]

#: bytes of first-layer pre-activations per compiled call (see _keras)
UPDATE_BATCH_BYTES = 64 * 2**20
PROBE_ROWS = 256


class _Compiled:
    """The compiled halves of a :class:`~.first_layer_graph.Split` (traced
    once per model), written with ``keras.ops`` and compiled for the current
    backend (see _backend).

    ``first(x) -> (prefix(x), prefix(x) @ W + b)``, with the pre-activations
    of every first Dense layer side by side (several inputs); ``rank_one(z0,
    delta, w)`` and ``rank_k(z0, delta, w)`` apply the updates of stacked
    pieces to the pre-activations ``z0`` and run the rest of the network.
    :meth:`kernel` is the matching (columns, units) matrix: a column's row
    holds its Dense layer's kernel row, zeros for the other Dense layers.
    Nothing here refers to the whole model, only to its layers.
    """

    def __init__(self, split, n_features):
        from keras import ops

        blocks, rest = split.blocks, split.rest
        self.blocks, self.n_features = blocks, n_features
        self.units = [block.dense.units for block in blocks]
        units = int(sum(self.units))
        # one Dense layer over all the columns in their order, or where each
        # flat column sits among the Dense layers' inputs
        self.whole = whole = len(blocks) == 1 and blocks[0].rows is None
        order = None if whole else np.argsort(self._rows())
        variables = [
            v for block in blocks for layer in block.layers() for v in layer.variables
        ]
        variables += [v for block in blocks for v in block.dense.variables]
        variables += [] if rest is None else list(rest.variables)

        def block_first(block, x):
            parts = []
            for columns, chain in block.segments:
                h = x if columns is None else ops.take(x, columns, axis=1)
                for layer in chain:
                    h = layer(h, training=False)
                parts.append(h)
            h = parts[0] if len(parts) == 1 else ops.concatenate(parts, axis=-1)
            for layer in block.post:
                h = layer(h, training=False)
            z = ops.matmul(h, block.dense.kernel)
            if block.dense.bias is not None:
                z = z + block.dense.bias
            return h, z

        def first(x):
            pairs = [block_first(block, x) for block in blocks]
            if whole:
                return pairs[0]
            xs = ops.concatenate([h for h, _ in pairs], axis=-1)
            zs = [z for _, z in pairs]
            z = zs[0] if len(zs) == 1 else ops.concatenate(zs, axis=-1)
            return ops.take(xs, order, axis=1), z

        def finish(z):
            z = ops.reshape(z, (-1, units))
            if split.joined:  # one activation, the rest takes them side by side
                z = blocks[0].dense.activation(z)
                return z if rest is None else rest(z, training=False)
            outs, start = [], 0
            for block, width in zip(blocks, self.units):
                part = z if len(blocks) == 1 else z[:, start : start + width]
                if block.dense.activation is not None:
                    part = block.dense.activation(part)
                outs.append(part)
                start += width
            if rest is None:
                return outs[0]
            return rest(outs if len(outs) > 1 else outs[0], training=False)

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
        self.verified = False  # checked against the whole model on a probe
        self.second = None if static_shapes() else split.second
        if self.second is not None:
            self._compile_block(split, blocks[0].dense.activation)

    def _compile_block(self, split, activation):
        """``block_one``/``block_k(z0, c, delta, w, k2)``: the update of one
        block's pre-activations ``z0`` (n, its units), its activation, its
        share ``@ k2`` of the second Dense layer's pre-activations, plus ``c``
        (the other blocks' share and the bias, unpermuted), and the rest."""
        from keras import ops

        second, rest = split.second, split.second_rest
        variables = [] if rest is None else list(rest.variables)
        units = second.units

        def finish(z, c, k2):
            h = ops.matmul(activation(z), k2) + c[None]
            h = ops.reshape(second.activation(h), (-1, units))
            return h if rest is None else rest(h, training=False)

        def block_one(z0, c, delta, w, k2):
            return finish(z0[None] + delta * w, c, k2)

        def block_k(z0, c, delta, w, k2):
            return finish(z0[None] + ops.matmul(delta, w), c, k2)

        f32 = np.float32
        spec = [((None, None), f32), ((None, units), f32)]
        spec += [((None, None, None), f32)] * 2 + [((None, units), f32)]
        self.block_one = compile_function(block_one, variables, spec)
        self.block_k = compile_function(block_k, variables, spec)

    def _rows(self):
        return np.concatenate([block.rows for block in self.blocks])

    def covers(self):
        """Whether every column of the flat table feeds exactly one row of
        one Dense kernel."""
        if self.whole:
            return True
        return np.array_equal(np.sort(self._rows()), np.arange(self.n_features))

    def kernel(self):
        """The (columns, units) kernel of the updates, in float32."""
        kernels = [
            to_numpy(b.dense.kernel.value).astype(np.float32) for b in self.blocks
        ]
        if self.whole:
            return kernels[0]
        out = np.zeros((self.n_features, sum(self.units)), dtype=np.float32)
        start = 0
        for block, kernel in zip(self.blocks, kernels):
            out[block.rows, start : start + kernel.shape[1]] = kernel
            start += kernel.shape[1]
        return out


# model -> _Compiled or False (does not qualify)
_SPLITS = weakref.WeakKeyDictionary()


def _split_of(model):
    """The :class:`Split` of ``model``: a one-input view of a model with
    several inputs (``_keras.flat_problem``) is read from that model."""
    source = view_source(model)
    if source is not None:
        return split_inputs(*source)
    parts = split_model(model)
    if parts is None:
        return None
    prefix, dense, rest = parts
    return Split([DenseBlock(dense, [(None, prefix)])], rest)


def _compiled_split(model, n_features):
    if model not in _SPLITS:
        split = _split_of(model)
        compiled = False if split is None else _Compiled(split, n_features)
        _SPLITS[model] = compiled if compiled and compiled.covers() else False
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
        self.kernel = compiled.kernel()
        self.units = self.kernel.shape[1]
        self.block_parts = None if compiled.second is None else self._blocks(z0)
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

    def _blocks(self, z0):
        """Per block (several inputs, see ``_Compiled._compile_block``): its
        kernel columns, unpermuted pre-activations, the other blocks' share
        of the second Dense layer's pre-activations, and its rows of that
        layer's kernel; ``col_block``: each column's block."""
        compiled, z0 = self.compiled, to_numpy(z0)
        h0 = to_numpy(compiled.blocks[0].dense.activation(z0))
        k2 = to_numpy(compiled.second.kernel.value).astype(np.float32)
        pre = h0 @ k2
        if compiled.second.bias is not None:
            pre = pre + to_numpy(compiled.second.bias.value)
        parts, start = [], 0
        self.col_block = np.empty(self.kernel.shape[0], dtype=int)
        for i, (block, width) in enumerate(zip(compiled.blocks, compiled.units)):
            cut = slice(start, start + width)
            k2_i = np.ascontiguousarray(k2[cut])
            rest = (pre - h0[:, cut] @ k2_i).astype(np.float32)
            kernel = np.ascontiguousarray(self.kernel[:, cut])
            parts.append((kernel, np.ascontiguousarray(z0[:, cut]), rest, k2_i))
            self.col_block[block.rows] = i
            start += width
        return parts

    def raw(self, pieces, seg_groups, seg_perms, values=None):
        """Raw model outputs of the stacked permuted copies of ``pieces``
        (with ``values``: copies whose group columns take those values).
        With blocks, the pieces whose group lies in one block are updated in
        that block alone."""
        if self.block_parts is None:
            return self._raw(pieces, seg_groups, seg_perms, values)
        keys = []
        for s, _, _ in pieces:
            blocks = set(self.col_block[seg_groups[s]].tolist())
            keys.append(blocks.pop() if len(blocks) == 1 else None)
        if len(set(keys)) == 1:
            return self._raw(pieces, seg_groups, seg_perms, values, keys[0])
        n, out = pieces[0][2] - pieces[0][1], None
        for key in dict.fromkeys(keys):
            idx = np.flatnonzero([k == key for k in keys])
            part = [pieces[i] for i in idx]
            raw = self._raw(part, seg_groups, seg_perms, values, key)
            if out is None:
                out = np.empty((len(pieces) * n,) + raw.shape[1:], dtype=raw.dtype)
            out[(idx[:, None] * n + np.arange(n)).ravel()] = raw
        return out

    def _raw(self, pieces, seg_groups, seg_perms, values, block=None):
        n = pieces[0][2] - pieces[0][1]
        k = max(len(seg_groups[s]) for s, _, _ in pieces)
        k = max(k, self.pad_group)
        kernel = self.kernel if block is None else self.block_parts[block][0]
        delta = np.zeros((len(pieces), n, k), dtype=np.float32)
        w = np.zeros((len(pieces), k, kernel.shape[1]), dtype=np.float32)
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
            w[i, : len(group)] = kernel[group]
        start, stop = pieces[0][1], pieces[0][2]
        if block is not None:
            _, z0, rest, k2 = self.block_parts[block]
            fn = self.compiled.block_one if k == 1 else self.compiled.block_k
            return to_numpy(fn(z0[start:stop], rest[start:stop], delta, w, k2))
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
