"""A summary's figures as a table in the reader's language: for a spreadsheet, not a machine.

The open-data CSV (``exports``) keeps stable English column names, codes and a dot as the
decimal mark. This table carries the same rows (the same published cells, nothing more), with
translated headings, competence and group names, the locale's decimal mark and yes/no in words;
it is written as a CSV (semicolon-separated where the decimal mark is a comma, as spreadsheets
in those locales expect) and as an XLSX workbook with real numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from babel.numbers import format_decimal, get_decimal_symbol
from openpyxl import Workbook
from openpyxl.styles import Font

from uprest.accounts.models import Sector, SizeBand
from uprest.i18n import _, get_locale
from uprest.reports.services import Cell, Summary
from uprest.surveys.models import localised

# (heading, attribute of Stats, kind); kind: count, level or share.
FIGURES = [
    ("businesses", "count"),
    ("respondents", "count"),
    ("required", "level"),
    ("current", "level"),
    ("importance", "level"),
    ("mean_gap", "level"),
    ("median_gap", "level"),
    ("prevalence", "share"),
    ("borich", "level"),
]


def headings() -> list[str]:
    return [
        _("Area"),
        _("Breakdown"),
        _("Group"),
        _("Competence"),
        _("Competence code"),
        _("Businesses"),
        _("People who answered"),
        _("Level needed"),
        _("Level today"),
        _("Importance"),
        _("Mean gap"),
        _("Median gap"),
        _("Share of businesses with a gap"),
        _("Priority score (Borich)"),
        _("Withheld"),
    ]


def _group_name(key: str, value: str) -> str:
    if key == "sector":
        return str(Sector(value).label)
    if key == "size_band":
        return str(SizeBand(value).label)
    return _("All businesses")


def _breakdown_name(key: str) -> str:
    return {"sector": _("By sector"), "size_band": _("By size of business")}.get(
        key, _("All businesses")
    )


def _row(area: str, key: str, group: str, competence, cell: Cell, locale: str) -> list:
    head = [
        area,
        _breakdown_name(key),
        _group_name(key, group),
        localised(competence.names, locale),
        competence.code,
    ]
    stats = cell.stats if cell.shown else None
    values = [None if stats is None else getattr(stats, attr) for attr, _kind in FIGURES]
    return head + values + [_("yes") if cell.suppressed else _("no")]


def rows(summary: Summary) -> Iterator[list]:
    """The rows of the open-data CSV, in the same order, with typed figures (None: empty)."""
    locale = str(get_locale() or "en")
    here = summary.municipality.name
    for row in summary.rows:
        if row.cell.stats is not None or row.cell.suppressed:
            yield _row(here, "all", "all", row.competence, row.cell, locale)
    for breakdown in summary.breakdowns:
        for competence, cells in breakdown.rows:
            for group in breakdown.groups:
                cell = cells[group.value]
                if cell.stats is not None or cell.suppressed:
                    yield _row(here, breakdown.key, group.value, competence, cell, locale)
    for row in summary.rows:
        if row.consortium.stats is not None or row.consortium.suppressed:
            yield _row(_("Consortium"), "all", "all", row.competence, row.consortium, locale)


def _text(value, kind: str, locale: str) -> str:
    if value is None:
        return ""
    if kind == "count":
        return format_decimal(value, locale=locale)
    return format_decimal(value, format="0.000", locale=locale)


def csv_text(summary: Summary) -> str:
    locale = str(get_locale() or "en")
    delimiter = ";" if get_decimal_symbol(locale) == "," else ","
    buffer = io.StringIO()
    buffer.write("\ufeff")  # spreadsheets then read the file as UTF-8
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headings())
    kinds = [kind for _attr, kind in FIGURES]
    for row in rows(summary):
        figures = [_text(v, k, locale) for v, k in zip(row[5:-1], kinds, strict=True)]
        writer.writerow([*row[:5], *figures, row[-1]])
    return buffer.getvalue()


def xlsx_bytes(summary: Summary) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Skill gaps")[:31]
    sheet.append(headings())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    formats = {"count": "0", "level": "0.00", "share": "0%"}
    for values in rows(summary):
        sheet.append(values)
        for cell, (_attr, kind) in zip(sheet[sheet.max_row][5:-1], FIGURES, strict=True):
            cell.number_format = formats[kind]
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHIJKLMNO", (18, 18, 24, 40, 10), strict=False):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
