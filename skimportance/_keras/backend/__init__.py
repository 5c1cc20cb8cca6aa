"""Compiled functions of Keras variables, on whichever backend Keras runs.

Keras 3 runs on TensorFlow, JAX and PyTorch. The fast paths (the responder's
batched forward pass, the first-layer updates) write their inference with
Keras layers and ``keras.ops`` and compile it here. The backend is chosen
once, on first use (Keras itself picks its backend once per process): one
module per backend, each with the same names, as Keras' own
``keras/src/backend/{jax,tensorflow,torch}/`` are laid out:

* ``compile_function(fn, variables, signature)``: ``fn`` compiled;
* ``to_numpy(tensor)``: a result back in host memory;
* ``call_bytes(preferred)``: bytes per compiled call this backend prefers;
* ``STATIC_SHAPES``: whether each new input shape costs a compilation.

A new backend is one more module here with those four names, listed in
``_MODULES``. The inputs are converted to the backend's tensors on its default
device, so a device-resident path can reuse the same compiled functions.

A compiled function holds the variables it reads, never the model: callers
keep them in caches keyed weakly by the model, and a model must not be kept
alive by its own cache entry (pass a :func:`weakref.ref` to the model's code).
"""

import functools
import importlib
import weakref

import numpy as np

__all__ = [
    "backend",
    "call_bytes",
    "compile_forward",
    "compile_function",
    "is_supported",
    "static_shapes",
    "to_numpy",
]

#: Keras backend name -> module of this package that compiles for it
_MODULES = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}
SUPPORTED = tuple(_MODULES)


def backend():
    """Name of Keras' backend: "tensorflow", "jax", "torch"..."""
    import keras

    return keras.backend.backend()


@functools.cache
def _current():
    """This backend's module (chosen once), or None where none compiles."""
    name = backend()
    if name not in _MODULES:
        return None
    return importlib.import_module(f"{__name__}.{_MODULES[name]}")


def is_supported():
    """Whether functions can be compiled for the current backend."""
    return _current() is not None


def static_shapes():
    """Whether each new input shape costs a compilation (JAX): callers then
    keep the shapes they pass few."""
    return is_supported() and _current().STATIC_SHAPES


def call_bytes(preferred):
    """Bytes per compiled call on this backend and device, for a path whose
    TensorFlow calls take ``preferred`` bytes."""
    return _current().call_bytes(preferred) if is_supported() else preferred


def compile_function(fn, variables, signature):
    """Compile ``fn`` for the current Keras backend.

    Parameters
    ----------
    fn : callable
        ``fn(*tensors)`` returning a tensor or a tuple of tensors, written with
        Keras layers and ``keras.ops``; it reads ``variables`` and no other
        state that changes.
    variables : list of keras.Variable
        The variables ``fn`` reads (on JAX, passed as arguments; variables
        left out are read as constants).
    signature : list of (shape, dtype)
        One per argument of ``fn``; None for a dimension that varies.

    Returns
    -------
    compiled : callable
        ``compiled(*arrays)`` with numpy arrays or backend tensors, returning
        backend tensors.
    """
    if not is_supported():
        raise ValueError(f"no compiled functions for Keras' {backend()!r} backend")
    return _current().compile_function(fn, variables, signature)


def compile_forward(model, row_shape, dtype):
    """``model(x, training=False)`` compiled for x of shape (None, *row_shape).

    The compiled function holds a weak reference to ``model``.
    """
    ref = weakref.ref(model)

    def forward(x):
        return ref()(x, training=False)

    signature = [((None, *tuple(row_shape)), dtype)]
    return compile_function(forward, model.variables, signature)


def to_numpy(tensor):
    """A backend tensor (or numpy array) as a numpy array, copied to host
    memory when it lives on a device."""
    if isinstance(tensor, np.ndarray):
        return tensor
    if is_supported():
        return _current().to_numpy(tensor)
    return np.asarray(tensor)
