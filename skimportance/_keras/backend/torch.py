"""PyTorch: eager calls under ``torch.no_grad()``."""

#: eager calls: no compilation per shape
STATIC_SHAPES = False


def call_bytes(preferred):
    return preferred


def compile_function(fn, variables, signature):
    """``fn`` called under ``torch.no_grad()`` on converted tensors."""
    import keras
    import torch

    def call(*args):
        with torch.no_grad():
            return fn(*(keras.ops.convert_to_tensor(a) for a in args))

    return call


def to_numpy(tensor):
    import keras

    return keras.ops.convert_to_numpy(tensor)
