"""What a raw ``keras.Model`` is, read from its layers: whether it is one, its
task and number of classes (from the output layer's activation), its input
shape and dtype, and whether X is numeric for it. Keras is not imported here
unless it already is."""

import sys

import numpy as np

__all__ = [
    "check_numeric",
    "is_keras_model",
    "model_n_classes",
    "model_task",
    "output_activation",
]


def is_keras_model(obj):
    """Whether ``obj`` is a ``keras.Model`` (Keras is not imported for this)."""
    if "keras" not in sys.modules:
        return False
    import keras

    return isinstance(obj, keras.Model)


def output_activation(model):
    """Name of the last layer's activation ("softmax", "sigmoid", "linear"...)."""
    import keras

    last = model.layers[-1] if model.layers else None
    if isinstance(last, keras.layers.Softmax):
        return "softmax"
    if isinstance(last, keras.layers.Activation):
        activation = last.activation
    else:
        activation = getattr(last, "activation", None)
    return getattr(activation, "__name__", "linear")


def model_task(model):
    """ "classifier" when the model ends in a sigmoid or softmax, else "regressor"."""
    if output_activation(model) in ("sigmoid", "softmax"):
        return "classifier"
    return "regressor"


def _n_outputs(model):
    try:
        outputs = model.outputs
    except (AttributeError, ValueError):
        outputs = None
    if outputs and len(outputs) == 1 and outputs[0].shape[-1] is not None:
        return int(outputs[0].shape[-1])
    last = model.layers[-1] if model.layers else None
    units = getattr(last, "units", None)
    return int(units) if units is not None else None


def model_n_classes(model):
    """Classes of a classifier network's outputs: 2 for one sigmoid output,
    else one per output (None when unknown)."""
    n_out = _n_outputs(model)
    activation = output_activation(model)
    if n_out == 1 and activation != "softmax":
        return 2
    if activation == "sigmoid" and n_out is not None and n_out > 1:
        raise ValueError(
            f"the model ends in {n_out} sigmoid outputs (multi-label), not one "
            "class per row; measure it as a regressor (task='regression') or "
            "with a scorer of your own."
        )
    return n_out


def input_spec(model):
    """(shape without the batch axis, dtype) of a single-input model, or None."""
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        return None
    if not inputs or len(inputs) != 1:
        return None
    return tuple(inputs[0].shape[1:]), np.dtype(inputs[0].dtype)


def _non_numeric_columns(X):
    """Names (DataFrame) or indices (array) of the columns that are not numbers."""
    if hasattr(X, "dtypes"):
        import pandas as pd

        return [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
    X = np.asarray(X)
    if X.dtype.kind in "biufc" or X.ndim != 2:
        return []
    bad = []
    for j in range(X.shape[1]):
        try:
            X[:, j].astype(np.float64)
        except (TypeError, ValueError):
            bad.append(j)
    return bad


def check_numeric(X):
    """Raise ValueError naming the columns of X that are not numbers."""
    bad = _non_numeric_columns(X)
    if bad:
        raise ValueError(
            f"non-numeric feature columns: {', '.join(map(repr, bad))}. A Keras "
            "network takes numbers: encode these columns as the model was "
            "trained (e.g. a ColumnTransformer with a OneHotEncoder before it)."
        )


def has_softmax_output(model):
    """Whether the model's output layer is a softmax."""
    return output_activation(model) == "softmax"
