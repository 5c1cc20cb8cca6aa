"""Rows of X, y or weights, whatever their container (array, DataFrame, list)."""

from .compat import _safe_indexing

__all__ = ["take_rows"]


def take_rows(values, rows):
    """``values`` at ``rows`` (positions) along the first axis; ``values``
    itself when ``rows`` is None, and None for None."""
    if rows is None or values is None:
        return values
    return _safe_indexing(values, rows, axis=0)
