"""How many rows a compiled Keras call takes: about 32 MiB of input, less where
the backend prefers smaller calls."""

import numpy as np

from .backend import call_bytes

__all__ = ["DEFAULT_BATCH_BYTES", "MAX_BATCH", "MIN_BATCH", "default_batch_size"]

#: bytes of input per compiled call when ``batch_size`` is None. Measured on the
#: reference MLP (50 float32 inputs, 2 cores): 8,192 rows per call 0.47 s for
#: 1.25M rows, 40k rows 0.31 s, 131k rows (32 MiB) 0.24 s, 262k rows 0.26 s.
DEFAULT_BATCH_BYTES = 32 * 2**20
MIN_BATCH, MAX_BATCH = 1024, 262144


def default_batch_size(row_nbytes, batch_bytes=DEFAULT_BATCH_BYTES):
    """Rows per compiled call: ~``batch_bytes`` (32 MiB) of input, less where
    the backend prefers smaller calls (see :func:`.backend.call_bytes`), within
    [1,024, 262,144]."""
    batch_bytes = call_bytes(batch_bytes)
    return int(np.clip(batch_bytes // max(1, row_nbytes), MIN_BATCH, MAX_BATCH))
