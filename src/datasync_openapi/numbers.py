"""What every command's numeric option is checked with: a positive finite number, or nothing.

``float()`` takes "nan", "inf" and "-5" without complaint; each command then said so in its own words after
its own try/except. This is the one check; each caller keeps its own message, naming its option.
"""

from __future__ import annotations

import argparse
import math


def positive_finite(value: str | float) -> float | None:
    """``value`` as a number greater than 0 and finite; ``None`` for anything else (not a number, 0 or less,
    NaN, an infinity)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number > 0 else None


def integer_option(text: str, low: int, high: int | None, *, not_a_number: str, out_of_range: str) -> int:
    """An integer option's value between ``low`` and ``high`` (``None``: no upper bound), for argparse's
    ``type=``: ``not_a_number`` (followed by the text) or ``out_of_range`` (``{}`` is the number) otherwise."""
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{not_a_number}: {text!r}") from None
    if number < low or (high is not None and number > high):
        raise argparse.ArgumentTypeError(out_of_range.format(number))
    return number


__all__ = ["integer_option", "positive_finite"]
