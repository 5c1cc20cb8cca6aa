"""Reading a Keras graph up to its first Dense layers, for first-layer updates.

:func:`split_model` reads a one-input model (input, per-feature layers, a
Dense layer, the rest); :func:`split_inputs` a model with several inputs, each
of which reaches a Dense layer through per-feature layers, directly or
through a ``Concatenate`` of inputs. Both return a :class:`Split` (the Dense
layers fed by the inputs, which columns of the flat table feed each, and the
rest of the network as a function of their outputs), or None when the graph is
anything else; :mod:`skimportance._fast_paths.first_layer` compiles and
checks it. Only the model's own graph is read, whatever other calls its
layers have seen.
"""

from dataclasses import dataclass, field

import numpy as np

__all__ = ["DenseBlock", "Split", "split_inputs", "split_model"]


@dataclass
class DenseBlock:
    """A first Dense layer and what feeds it.

    Attributes
    ----------
    dense : keras.layers.Dense
    segments : list of (ndarray or None, list of layers)
        The inputs concatenated into the Dense layer, in order: their columns
        of the flat table (None: all of it) and the per-feature layers each
        goes through.
    post : list of layers
        Per-feature layers after the concatenation.
    output : KerasTensor or None
        The Dense layer's output in the model's graph.
    """

    dense: object
    segments: list
    post: list = field(default_factory=list)
    output: object = None

    @property
    def rows(self):
        """Flat columns in the order of the Dense kernel's rows (None: all)."""
        if self.segments[0][0] is None:
            return None
        return np.concatenate([cols for cols, _ in self.segments])

    def layers(self):
        """The per-feature layers before the Dense layer."""
        return [layer for _, chain in self.segments for layer in chain] + self.post


@dataclass
class Split:
    """The first Dense layers of a model and the rest (None: the Dense
    layer's output is the model's output). ``joined``: the rest takes the
    Dense layers' outputs concatenated in the blocks' order, and they share
    one element-wise activation (applied once to the pre-activations side by
    side, as one wider Dense layer's would be). ``second``: when joined, the
    Dense layer that alone takes the concatenation (then ``second_rest``, the
    rest after it, None when its output is the model's), so that a column of
    one block changes only that block's share of its pre-activations."""

    blocks: list
    rest: object = None
    joined: bool = False
    second: object = None
    second_rest: object = None


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


def _users(tensor, nodes):
    return [
        node
        for node in nodes
        if not node.is_input and any(t is tensor for t in node.input_tensors)
    ]


def _walk(tensor, nodes):
    """Per-feature layers from ``tensor`` on: ``(layers, node, tensor)`` with
    the first other node taking the chain's last tensor, or None."""
    chain = []
    while True:
        users = _users(tensor, nodes)
        if len(users) != 1 or len(users[0].output_tensors) != 1:
            return None
        node = users[0]
        if sum(t is tensor for t in node.input_tensors) != 1:
            return None
        if len(node.input_tensors) == 1 and _is_separable(node.operation):
            chain.append(node.operation)
            tensor = node.output_tensors[0]
            continue
        return chain, node, tensor


def split_inputs(model, input_columns):
    """A :class:`Split` of a model with several inputs, or None.

    Parameters
    ----------
    model : keras.Model
        Two or more inputs of shape (samples, columns), one output.
    input_columns : list of array-like of int
        Per input of ``model.inputs``, its columns of the flat table.
    """
    try:
        return _split_inputs(model, [np.asarray(c, dtype=int) for c in input_columns])
    except Exception:  # an unforeseen graph: the plain path serves it
        return None


def _block(node, fed, nodes):
    """The :class:`DenseBlock` of ``node`` (a Dense layer, or a Concatenate
    of input chains then per-feature layers and a Dense layer), or None."""
    import keras

    layer, post = node.operation, []
    if type(layer) is keras.layers.Concatenate:
        if layer.axis not in (-1, 1) or any(
            id(t) not in fed for t in node.input_tensors
        ):
            return None
        segments = [fed[id(t)] for t in node.input_tensors]
        walked = _walk(node.output_tensors[0], nodes)
        if walked is None:
            return None
        post, node, _ = walked
    elif len(node.input_tensors) == 1:
        segments = [fed[id(node.input_tensors[0])]]
    else:
        return None
    dense = node.operation
    if len(node.input_tensors) != 1 or not _is_plain_dense(dense):
        return None
    block = DenseBlock(dense, segments, post, node.output_tensors[0])
    return block if dense.kernel.shape[0] == len(block.rows) else None


def _split_inputs(model, input_columns):
    import keras

    graph = _own_graph(model)
    if graph is None:
        return None
    inputs, outputs, nodes = graph
    if len(inputs) < 2 or len(inputs) != len(input_columns) or len(outputs) != 1:
        return None
    ends = {}  # id(node) -> (the node, {id(chain end): (columns, chain)})
    for tensor, columns in zip(inputs, input_columns):
        if len(tensor.shape) != 2 or tensor.shape[1] != len(columns):
            return None
        walked = _walk(tensor, nodes)
        if walked is None:
            return None
        chain, node, end = walked
        ends.setdefault(id(node), (node, {}))[1][id(end)] = (columns, chain)
    blocks = [_block(node, fed, nodes) for node, fed in ends.values()]
    if any(block is None for block in blocks):
        return None
    outs = [block.output for block in blocks]
    if len(outs) == 1 and outs[0] is outputs[0]:
        return Split(blocks)
    joined = _joined(blocks, nodes)
    if joined is not None:
        blocks, out = joined
        if out is outputs[0]:
            return Split(blocks, None, joined=True)
        split = Split(blocks, keras.Model(out, outputs[0]), joined=True)
        users = _users(out, nodes)
        if len(users) == 1 and len(users[0].input_tensors) == 1:
            second, second_out = users[0].operation, users[0].output_tensors[0]
            if _is_plain_dense(second) and len(users[0].output_tensors) == 1:
                try:
                    if second_out is not outputs[0]:
                        split.second_rest = keras.Model(second_out, outputs[0])
                    split.second = second
                except Exception:  # not a function of its output alone
                    split.second_rest = None
        return split
    try:
        rest = keras.Model(outs if len(outs) > 1 else outs[0], outputs[0])
    except Exception:  # not a function of the Dense outputs alone
        return None
    return Split(blocks, rest)


#: activations that act on each unit alone (a softmax does not)
_ELEMENTWISE = (
    "linear",
    "relu",
    "tanh",
    "sigmoid",
    "elu",
    "selu",
    "gelu",
    "silu",
    "softplus",
    "softsign",
    "relu6",
    "leaky_relu",
    "hard_sigmoid",
    "mish",
)


def _elementwise(activation):
    import keras

    return any(activation is keras.activations.get(name) for name in _ELEMENTWISE)


def _joined(blocks, nodes):
    """``(blocks in the Concatenate's order, its output)`` when the Dense
    layers' outputs all go into one Concatenate (last axis) and nothing
    else, with one element-wise activation; else None."""
    import keras

    users = [_users(block.output, nodes) for block in blocks]
    if any(len(u) != 1 for u in users) or len(blocks) < 2:
        return None
    node = users[0][0]
    if any(u[0] is not node for u in users) or len(node.output_tensors) != 1:
        return None
    if type(node.operation) is not keras.layers.Concatenate:
        return None
    if node.operation.axis not in (-1, 1) or len(node.input_tensors) != len(blocks):
        return None
    order = []
    for tensor in node.input_tensors:
        found = [i for i, block in enumerate(blocks) if block.output is tensor]
        if len(found) != 1:
            return None
        order.append(found[0])
    if sorted(order) != list(range(len(blocks))):
        return None
    activations = {id(block.dense.activation) for block in blocks}
    if len(activations) != 1 or not _elementwise(blocks[0].dense.activation):
        return None
    return [blocks[i] for i in order], node.output_tensors[0]
