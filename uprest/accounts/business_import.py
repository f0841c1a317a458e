"""Businesses imported from a CSV file: every row checked, all or nothing, contacts invited.

All or nothing, because a half-imported file is hard to finish: the person would have to
work out which rows went in and upload the rest. A file with any invalid row imports nothing
and gets a list of what to fix, line by line.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

import sqlalchemy as sa

from uprest.accounts.business_services import create_invitation
from uprest.accounts.invitations import read_csv
from uprest.accounts.models import Business, Invitation, Municipality, Sector, SizeBand, User
from uprest.accounts.services import check_email
from uprest.core.errors import ServiceError
from uprest.core.forms import CONTROL_CHARACTERS, LINE_BREAKS
from uprest.core.time import utcnow
from uprest.extensions import db
from uprest.i18n import LOCALES, _l, force_locale

MAX_ROWS = 500
MAX_NAME = 160
# Column headings accepted for each field (lower case, letters only).
COLUMNS = {
    "name": {"name", "business", "businessname"},
    "sector": {"sector"},
    "size": {"size", "sizeband"},
    "email": {"email", "emailaddress", "contact", "contactemail"},
}


@dataclass
class ImportRow:
    line: int
    name: str
    sector: Sector | None = None
    size_band: SizeBand | None = None
    email: str | None = None
    errors: list = field(default_factory=list)
    business: Business | None = None
    invitation: Invitation | None = None
    token: str | None = None


class ImportRefused(ServiceError):
    """Some rows are invalid; ``rows`` says which and why. Nothing was imported."""

    def __init__(self, rows: list[ImportRow]):
        super().__init__(
            _l("Nothing was imported: correct the lines below and upload the file again.")
        )
        self.rows = rows


def _heading(cell: str) -> str:
    return re.sub(r"[^a-z]", "", cell.lower())


def _choices(enum_cls) -> dict[str, object]:
    """Codes, names and the labels in every language, so a file in Swedish reads too."""
    found = {}
    for member in enum_cls:
        found[member.value.lower()] = member
        found[member.name.lower()] = member
        for locale in LOCALES:
            with force_locale(locale):
                label = str(member.label).strip().lower()
            found[label] = member
            found[label.split(" (")[0]] = member  # "Small", without "(10 to 49 people)"
    return found


def _column_positions(heading_row: list[str]) -> dict[str, int | None]:
    """Where each field is in the file; only the e-mail column may be missing."""
    headings = [_heading(cell) for cell in heading_row]
    positions = {}
    for key, names in COLUMNS.items():
        matches = [i for i, h in enumerate(headings) if h in names]
        if not matches and key != "email":
            raise ServiceError(
                _l("The first line must name the columns: name, sector, size and email."),
                field="file",
            )
        positions[key] = matches[0] if matches else None
    return positions


def _name_error(name: str, *, taken: set[str], seen: dict[str, int], municipality: Municipality):
    """Why this business name cannot be imported, or None (and then it counts as seen)."""
    if not name:
        return _l("The business name is missing.")
    if len(name) > MAX_NAME:
        return _l("Use at most %(max)d characters.", max=MAX_NAME)
    if LINE_BREAKS.search(name) or CONTROL_CHARACTERS.search(name):
        return _l("Use a single line, without line breaks.")
    if name.lower() in taken:
        return _l(
            "A business with this name is already registered in %(municipality)s.",
            municipality=municipality.name,
        )
    if name.lower() in seen:
        return _l("The same business is on line %(line)s.", line=seen[name.lower()])
    return None


def read_rows(data: bytes, municipality: Municipality) -> list[ImportRow]:
    """Every row of the file with its problems, if any (line numbers as a spreadsheet shows)."""
    table = read_csv(data)
    if not table:
        raise ServiceError(_l("The file has no businesses."), field="file")
    positions = _column_positions(table[0])
    body = [(n, row) for n, row in enumerate(table[1:], start=2) if any(c.strip() for c in row)]
    if not body:
        raise ServiceError(_l("The file has no businesses."), field="file")
    if len(body) > MAX_ROWS:
        raise ServiceError(
            _l("Import at most %(n)d businesses at a time.", n=MAX_ROWS), field="file"
        )
    sectors, sizes = _choices(Sector), _choices(SizeBand)
    taken = {
        name.lower()
        for name in db.session.scalars(
            sa.select(Business.name).where(Business.municipality_id == municipality.id)
        )
    }
    seen: dict[str, int] = {}
    rows = []
    for line, cells in body:
        value = {
            key: cells[i].strip() if i is not None and i < len(cells) else ""
            for key, i in positions.items()
        }
        row = ImportRow(line=line, name=value["name"])
        error = _name_error(row.name, taken=taken, seen=seen, municipality=municipality)
        if error is None:
            seen[row.name.lower()] = line
        else:
            row.errors.append(error)
        row.sector = sectors.get(value["sector"].lower())
        if row.sector is None:
            row.errors.append(_l("Unknown sector: “%(value)s”.", value=value["sector"]))
        row.size_band = sizes.get(value["size"].lower())
        if row.size_band is None:
            row.errors.append(_l("Unknown size: “%(value)s”.", value=value["size"]))
        if value["email"]:
            try:
                row.email = check_email(value["email"])
            except ServiceError:
                row.errors.append(_l("The contact's e-mail address is not valid."))
        rows.append(row)
    return rows


def import_businesses(*, data: bytes, municipality: Municipality, acting: User) -> list[ImportRow]:
    """Create every business of the file, confirmed (the municipality vouches for them), and an
    invitation for each contact to join as its manager; or raise ``ImportRefused``."""
    rows = read_rows(data, municipality)
    if any(row.errors for row in rows):
        raise ImportRefused(rows)
    now = utcnow()
    for row in rows:
        row.business = Business(
            name=row.name,
            sector=row.sector,
            size_band=row.size_band,
            municipality=municipality,
            confirmed_at=now,
        )
        db.session.add(row.business)
        db.session.flush()
        if row.email:
            row.token = secrets.token_urlsafe(32)
            row.invitation = create_invitation(
                row.business, acting, row.token, email=row.email, is_for_manager=True
            )
    return rows
