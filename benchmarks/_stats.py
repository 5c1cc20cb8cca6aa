"""Statistics shared by the benchmarks."""

import numpy as np


def wilson(k, n, z=1.96):
    """Wilson score interval of a binomial proportion k/n (95% for z=1.96)."""
    if n == 0:
        return float("nan"), float("nan")
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)
