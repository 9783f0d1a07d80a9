"""What an expression's evaluation raises, and the size limit every string-making function checks.

Kept apart from `evaluate` so that `functions` (which `evaluate` looks its calls up in) imports no
module that imports it back.
"""

from __future__ import annotations

import math

from .parser import DQLError


class EvalError(DQLError):
    """An expression that fails on a value (wrong types, unknown function, arithmetic with null ...)."""


# A query must not be able to exhaust the build's memory ("x" * 1e12, padleft("", 1e12)).
MAX_STRING = 10_000_000


def check_size(n: float) -> None:
    if n > MAX_STRING or math.isnan(n):
        raise EvalError(f"Result would be too large ({n:.0f} characters; the limit is {MAX_STRING})")


def clean_number(x: float) -> float:
    """Keep whole floats as ints so they print as JavaScript prints them."""
    if isinstance(x, float) and x.is_integer() and abs(x) < 2**53:
        return int(x)
    return x
