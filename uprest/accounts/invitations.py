"""Inviting many staff at once: pasted or uploaded addresses, and printed one-time codes."""

from __future__ import annotations

import csv
import enum
import io
import re
import secrets
from dataclasses import dataclass

from uprest.accounts.business_services import create_invitation, find_pending, pending_for
from uprest.accounts.models import Business, Invitation, User
from uprest.accounts.services import check_email
from uprest.core.errors import ServiceError
from uprest.i18n import _l


class InviteOutcome(enum.StrEnum):
    INVITED = "invited"
    ALREADY_INVITED = "already_invited"
    ALREADY_MEMBER = "already_member"
    INVALID = "invalid"

    @property
    def label(self):
        return OUTCOME_LABELS[self]


OUTCOME_LABELS = {
    InviteOutcome.INVITED: _l("Invitation sent"),
    InviteOutcome.ALREADY_INVITED: _l("Already invited"),
    InviteOutcome.ALREADY_MEMBER: _l("Already on your staff"),
    InviteOutcome.INVALID: _l("Not a valid e-mail address"),
}


@dataclass
class InviteResult:
    """What became of one address of a bulk invitation (token only when one was made)."""

    address: str
    outcome: InviteOutcome
    invitation: Invitation | None = None
    token: str | None = None


# More than a small business's staff, less than a request that ties up a worker.
MAX_BULK_ADDRESSES = 200
_ADDRESS_SEPARATORS = re.compile(r"[\s,;]+")


def addresses_from_text(text: str) -> list[str]:
    """Addresses pasted one per line or separated by commas, semicolons or spaces."""
    return [part for part in _ADDRESS_SEPARATORS.split(text or "") if part]


def read_csv(data: bytes) -> list[list[str]]:
    """The rows of a spreadsheet export: comma, semicolon or tab separated, UTF-8 with or
    without a byte-order mark (what spreadsheets save); anything else is a translated error."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ServiceError(
            _l("The file could not be read: save it as CSV in UTF-8."), field="file"
        ) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text), dialect))


def addresses_from_csv(data: bytes) -> list[str]:
    """The addresses of a spreadsheet export: the column headed "e-mail"/"email", else every
    cell that contains an @."""
    rows = [row for row in read_csv(data) if any(c.strip() for c in row)]
    if not rows:
        return []
    header = [cell.strip().lower().replace("-", "").replace(" ", "") for cell in rows[0]]
    if "email" in header:
        column = header.index("email")
        return [
            row[column].strip() for row in rows[1:] if len(row) > column and row[column].strip()
        ]
    return [cell.strip() for row in rows for cell in row if "@" in cell]


def invite_many(
    *, business: Business, addresses: list[str], invited_by: User
) -> list[InviteResult]:
    """Invite every valid new address; say for each what happened. Duplicates (in the list,
    among open invitations, among the staff) are reported, not invited again."""
    if len(addresses) > MAX_BULK_ADDRESSES:
        raise ServiceError(
            _l("Invite at most %(n)d people at a time.", n=MAX_BULK_ADDRESSES), field="addresses"
        )
    if not addresses:
        raise ServiceError(_l("Enter at least one e-mail address."), field="addresses")
    staff = {member.email for member in business.staff}
    results: list[InviteResult] = []
    for raw in addresses:
        try:
            email = check_email(raw)
        except ServiceError:
            results.append(InviteResult(raw, InviteOutcome.INVALID))
            continue
        if email in staff:
            results.append(InviteResult(email, InviteOutcome.ALREADY_MEMBER))
        elif pending_for(business, email) is not None:
            results.append(InviteResult(email, InviteOutcome.ALREADY_INVITED))
        else:
            token = secrets.token_urlsafe(32)
            invitation = create_invitation(business, invited_by, token, email=email)
            results.append(InviteResult(email, InviteOutcome.INVITED, invitation, token))
    return results


# Codes are typed from paper: no 0/O, 1/I/L look-alikes. 12 of 32 symbols are 60 bits, far
# beyond guessing at the join page's rate limit before the code expires.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
MAX_CODE_INVITATIONS = 100


def normalise_code(code: str) -> str:
    """What the person typed, without spaces and dashes, in capitals."""
    return re.sub(r"[^0-9A-Za-z]", "", code or "").upper()


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def invite_by_code(
    *, business: Business, names: list[str], invited_by: User
) -> list[tuple[Invitation, str]]:
    """One printable invitation per name, each with its own one-time code (only its hash kept)."""
    names = [name.strip() for name in names if name.strip()]
    if not names:
        raise ServiceError(_l("Enter at least one name."), field="names")
    if len(names) > MAX_CODE_INVITATIONS:
        raise ServiceError(
            _l("Print at most %(n)d invitations at a time.", n=MAX_CODE_INVITATIONS),
            field="names",
        )
    if any(len(name) > 120 for name in names):
        raise ServiceError(_l("Use at most %(max)d characters.", max=120), field="names")
    made = []
    for name in names:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        invitation = create_invitation(business, invited_by, code, email=None, name=name)
        made.append((invitation, format_code(code)))
    return made


def find_code_invitation(code: str) -> Invitation | None:
    """The pending code invitation for what was typed; anything else gives None."""
    invitation = find_pending(normalise_code(code))
    return invitation if invitation is not None and invitation.is_code else None
