"""What every command's numeric option is checked with: a positive finite number, or nothing.

``float()`` takes "nan", "inf" and "-5" without complaint; each command then said so in its own words after
its own try/except. This is the one check; each caller keeps its own message, naming its option.
"""

from __future__ import annotations

import math


def positive_finite(value: str | float) -> float | None:
    """``value`` as a number greater than 0 and finite; ``None`` for anything else (not a number, 0 or less,
    NaN, an infinity)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number > 0 else None


__all__ = ["positive_finite"]
