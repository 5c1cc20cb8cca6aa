"""JAX: ``jax.jit`` of a pure function that takes the variables' current
values as arguments and runs the Keras code in a ``keras.StatelessScope``
mapping each variable to its argument (what ``Model.stateless_call`` does).
Nothing is baked into the compiled program, so a model refitted after
compilation answers with its new weights. jit compiles once per input shape.
"""

import numpy as np

#: jit compiles once per input shape: callers keep the shapes they pass few
STATIC_SHAPES = True

#: most bytes per compiled call with XLA on CPU. Measured on the reference MLP
#: (50 float32 inputs, 2 shared cores), a forward pass over 1.25M rows: 8,192
#: rows per call 0.3-0.9 s, 131,072 rows 3.1 s (TensorFlow is fastest near
#: 32 MiB per call, see ``_keras.batching``).
XLA_CPU_CALL_BYTES = 2 * 2**20


def call_bytes(preferred):
    import jax

    if jax.default_backend() == "cpu":
        return min(preferred, XLA_CPU_CALL_BYTES)
    return preferred


def compile_function(fn, variables, signature):
    """``jax.jit`` of ``fn`` with ``variables`` passed as arguments."""
    import jax
    import keras

    variables = list(variables)

    def pure(values, *args):
        with keras.StatelessScope(state_mapping=list(zip(variables, values))):
            return fn(*args)

    jitted = jax.jit(pure)

    def call(*args):
        return jitted([v.value for v in variables], *args)

    return call


def to_numpy(tensor):
    return np.asarray(tensor)
