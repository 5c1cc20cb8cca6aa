"""A fresh network for the rows it will be trained on.

:func:`fresh_network` makes the network one ``fit`` of a trainable estimator
trains: from a compiled model, a copy with new weights
(``keras.models.clone_model``: the same architecture and compile settings),
rebuilt on new inputs when the rows it receives have another shape than the
model was built for (fewer columns after a feature selector); from a build
function, the function's model, built for the rows' shape.

Rebuilding replaces the model's inputs by ``keras.Input`` tensors of the new
shapes (names and dtypes kept, an axis of unknown length kept unknown) and
calls copies of the model's layers on them: ``clone_model(model,
input_tensors=...)``, Keras' public way. Layers whose weights depend on the
input width (the first ``Dense``, a ``GRU``) are built anew for it; a layer
that fixes a shape of its own (a ``Reshape`` to a constant shape) cannot
follow, and the error says to pass a build function instead.
"""

import inspect

import numpy as np

__all__ = ["call_build_function", "fresh_network", "input_shapes", "row_shapes"]


def row_shapes(X):
    """The shape of one row of X (without the batch axis), in X's structure:
    a tuple for an array, a dict of tuples for a dict, a list for a list."""
    if isinstance(X, dict):
        return {k: tuple(np.shape(v)[1:]) for k, v in X.items()}
    if isinstance(X, (list, tuple)):
        return [tuple(np.shape(v)[1:]) for v in X]
    return tuple(np.shape(X)[1:])


def input_shapes(model):
    """The model's input shapes (without the batch axis) in the structure of
    ``model.input``, or None when the model has no known inputs (a subclassed
    model)."""
    structure = _input_structure(model)
    if structure is None:
        return None
    return _map(structure, lambda t: tuple(t.shape[1:]))


def _input_structure(model):
    """The model's input tensor, or its dict or list of input tensors."""
    try:
        inputs = model.inputs  # a Sequential never called has no ``input``
    except (AttributeError, ValueError):
        return None
    if not inputs:
        return None
    if len(inputs) == 1:
        return inputs[0]
    try:
        return model.input
    except (AttributeError, ValueError):
        return list(inputs)


def _map(structure, fn):
    if isinstance(structure, dict):
        return {k: fn(v) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        return [fn(v) for v in structure]
    return fn(structure)


def _matches(have, want):
    if len(have) != len(want):
        return False
    return all(h is None or h == w for h, w in zip(have, want))


def _same_shapes(have, want):
    if isinstance(have, dict) and isinstance(want, dict):
        return set(have) == set(want) and all(_matches(have[k], want[k]) for k in have)
    if isinstance(have, list) and isinstance(want, list):
        return len(have) == len(want) and all(map(_matches, have, want))
    if isinstance(have, tuple) and isinstance(want, tuple):
        return _matches(have, want)
    return False


def _new_shape(have, want):
    """``want``, with the axes that the model leaves unknown left unknown."""
    if len(have) != len(want):
        return tuple(want)
    return tuple(None if h is None else w for h, w in zip(have, want))


def _new_inputs(model, want):
    import keras

    structure = _input_structure(model)

    def new(tensor, shape):
        return keras.Input(
            shape=_new_shape(tuple(tensor.shape[1:]), shape),
            dtype=tensor.dtype,
            name=getattr(tensor, "name", None),
        )

    if isinstance(structure, dict):
        return {k: new(structure[k], want[k]) for k in structure}
    if isinstance(structure, (list, tuple)):
        if len(structure) == 1 and isinstance(want, tuple):
            want = [want]
        return [new(t, s) for t, s in zip(structure, want)]
    return new(structure, want)


def fresh_network(model, X):
    """A compiled copy of ``model`` with new weights, for rows like X's.

    Parameters
    ----------
    model : keras.Model
        Compiled.
    X : ndarray, or dict or list of ndarrays
        The rows it will be trained on.

    Returns
    -------
    network : keras.Model
        ``clone_model(model)`` when X's rows have the shape the model was
        built for; else the model rebuilt on inputs of X's shape.
    """
    import keras

    have = input_shapes(model)
    want = row_shapes(X)
    if have is None or _same_shapes(have, want):
        try:
            return keras.models.clone_model(model)
        except (TypeError, ValueError, NotImplementedError) as exc:
            raise TypeError(
                f"Keras cannot copy this {type(model).__name__} model "
                f"({type(exc).__name__}: {str(exc)[:200]}). Pass make_trainable "
                "a function that builds and compiles it instead: "
                "make_trainable(build, task=...), where build(input_shape) "
                "returns a new compiled model."
            ) from exc
    try:
        return keras.models.clone_model(model, input_tensors=_new_inputs(model, want))
    except Exception as exc:  # any layer may refuse the new shape
        raise ValueError(
            f"the model was built for rows of shape {have}, X's rows have shape "
            f"{want}, and rebuilding it for them failed ({type(exc).__name__}: "
            f"{str(exc)[:300]}). Pass make_trainable a function that builds the "
            "model for a given input_shape: make_trainable(build, task=...)."
        ) from exc


def call_build_function(build, X, y, model_kwargs=None):
    """``build``'s compiled model for rows like X's.

    ``build`` gets, when its signature names them (or takes ``**kwargs``),
    ``input_shape`` (the shape of one row of X, in X's structure), ``X`` and
    ``y``, and the ``model_kwargs``.
    """
    given = {"input_shape": row_shapes(X), "X": X, "y": y}
    try:
        params = inspect.signature(build).parameters
    except (TypeError, ValueError):  # a builtin or C callable: call it plainly
        params = {}
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    kwargs = {k: v for k, v in given.items() if takes_any or k in params}
    kwargs.update(model_kwargs or {})
    model = build(**kwargs)
    name = getattr(build, "__name__", type(build).__name__)
    check_compiled(model, f"the model that the build function {name!r} returned")
    return model


def check_compiled(model, what):
    """Raise unless ``model`` is a compiled keras.Model; ``what`` names it."""
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"{what} is a {type(model).__name__}, not a keras.Model.")
    if not getattr(model, "compiled", False) or model.optimizer is None:
        raise ValueError(
            f"{what} is not compiled; make_trainable needs a compiled model "
            "(model.compile(optimizer=..., loss=...)): its copies train with "
            "the same settings."
        )
