"""Numbers as people type them in any of the five languages."""

from __future__ import annotations

import math
import re

from babel.numbers import get_group_symbol

MAX_NUMBER_TEXT = 64  # characters: more is no answer to a question
MAX_NUMBER = 1e15  # beyond this a float no longer holds every whole number

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_SPACES = ("\xa0", "\u202f", "\u2009", " ", "'", "\u2019")


def parse_number(raw: str, locale: str) -> float | None:
    """A number as the learner writes it, with either decimal separator in every language
    (``12,5`` and ``12.5``), or None; None too for what isn't an ordinary number: NaN,
    infinities, 1e400, a hundred digits.

    With both separators, the last is the decimal one and the other groups thousands; one
    separator used several times groups thousands (``1.000.000``). A single one is the decimal
    separator, unless it is the locale's group separator followed by exactly three digits
    after a whole number (``1,000`` in English, ``1.000`` in Italian).
    """
    compact = raw.strip()
    for space in _SPACES:
        compact = compact.replace(space, "")
    compact = compact.replace("\u2212", "-")  # the minus sign locales format with
    if not compact or len(compact) > MAX_NUMBER_TEXT:
        return None
    separators = [c for c in compact if c in ".,"]
    if len(set(separators)) == 2:
        decimal = compact[max(compact.rfind("."), compact.rfind(","))]
        group = "," if decimal == "." else "."
        compact = compact.replace(group, "").replace(decimal, ".")
    elif len(separators) > 1:
        compact = compact.replace(separators[0], "")
    elif separators:
        whole, _sep, fraction = compact.partition(separators[0])
        digits = whole.lstrip("+-")
        if (
            separators[0] == get_group_symbol(locale)
            and len(fraction) == 3
            and digits[:1].isdigit()
            and digits[:1] != "0"
        ):
            compact = whole + fraction
        else:
            compact = f"{whole}.{fraction}"
    if not _NUMBER.fullmatch(compact):
        return None
    number = float(compact)
    return number if math.isfinite(number) and abs(number) < MAX_NUMBER else None
