"""How a published cell reads in a summary page: the figure, withheld, or a dash.

In Python rather than a Jinja macro: a page shows some 600 figures, and a macro call and a
fresh number-pattern parse per figure were a large part of the page's time.
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern
from markupsafe import Markup

from uprest.i18n import _, get_locale

GAP = "+#,##0.00;−#,##0.00"
LEVEL = "#,##0.00;−#,##0.00"
WITHHELD = '<span class="withheld">{}</span>'
NONE = Markup('<span class="muted">–</span>')


@lru_cache(maxsize=64)
def _pattern(pattern: str | None, locale: str, percent: bool = False) -> NumberPattern:
    if pattern is None:
        parsed = Locale.parse(locale)
        pattern = (parsed.percent_formats if percent else parsed.decimal_formats)[None]
    return parse_pattern(pattern)


def number(value, pattern: str | None = None) -> str:
    """``flask_babel.format_decimal``, with the pattern parsed once per locale."""
    return _formatted(value, pattern, str(get_locale()))


def percent(value) -> str:
    """``flask_babel.format_percent``, with the pattern parsed once per locale."""
    return _formatted(value, None, str(get_locale()), percent=True)


@lru_cache(maxsize=4096, typed=True)
def _formatted(value, pattern: str | None, locale: str, percent: bool = False) -> str:
    """A page repeats many figures (a mean gap is in the chart and in two tables)."""
    return _pattern(pattern, locale, percent).apply(value, Locale.parse(locale))


def cell_value(cell, attr: str, kind: str = "gap") -> Markup:
    """One figure of a cell (or of None: no cell); ``kind`` is gap (signed), share, count or
    level."""
    if cell is None:
        return NONE
    if cell.suppressed:
        return Markup(WITHHELD).format(_("withheld"))
    stats = cell.stats
    value = None if stats is None else getattr(stats, attr)
    if value is None:
        return NONE
    if kind == "gap":
        return Markup.escape(number(value, GAP))
    if kind == "share":
        return Markup.escape(percent(value))
    if kind == "count":
        return Markup.escape(number(value))
    return Markup.escape(number(value, LEVEL))


def change(row) -> Markup:
    """The change of a row's mean gap since the compared wave, or a dash."""
    return NONE if row.change is None else Markup.escape(number(row.change, GAP))
