"""The read path: statement queries on the index, with opaque cursors that carry every filter."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from uprest.extensions import db
from uprest.xapi.models import IMPLIED_BY, IndexKind, Statement, StatementIndex

MAX_LIMIT = 500


@dataclass(frozen=True)
class Filters:
    agent: str | None = None  # agent key
    related_agents: bool = False
    verb: str | None = None
    activity: str | None = None
    related_activities: bool = False
    registration: str | None = None
    since: str | None = None  # ISO, naive UTC
    until: str | None = None
    limit: int = 0
    ascending: bool = False
    client_id: int | None = None  # read-own scope
    reader_id: int | None = None  # the LRS client a cursor was issued to (only it may use it)
    user_id: int | None = None  # statements the app wrote for this user (viewer)
    format: str = "exact"
    attachments: bool = False
    after_stored: str | None = None  # cursor position
    after_pk: int | None = None

    @property
    def page_size(self) -> int:
        return MAX_LIMIT if self.limit <= 0 else min(self.limit, MAX_LIMIT)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="uprest-xapi-more")


def encode_cursor(filters: Filters) -> str:
    data = asdict(filters)
    return _serializer().dumps({k: v for k, v in data.items() if v not in (None, False, "exact")})


def decode_cursor(token: str) -> Filters | None:
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    return Filters(**data) if isinstance(data, dict) else None


def _kinds(direct: IndexKind, related: bool) -> tuple[int, ...]:
    """The kind to look up and, for related_*, the related kind stored where it isn't implied."""
    implied = tuple(kind for kind, by in IMPLIED_BY.items() if by == direct) if related else ()
    return (direct, *implied)


def _conditions(filters: Filters) -> list[tuple[tuple[int, ...], str]]:
    """The index lookups (kinds, value) of the filters; the first drives the scan."""
    lookups = []
    if filters.agent:
        lookups.append((_kinds(IndexKind.AGENT, filters.related_agents), filters.agent))
    if filters.verb:
        lookups.append(((IndexKind.VERB,), filters.verb))
    if filters.activity:
        kinds = _kinds(IndexKind.ACTIVITY, filters.related_activities)
        lookups.append((kinds, filters.activity))
    if filters.registration:
        lookups.append(((IndexKind.REGISTRATION,), filters.registration))
    return lookups


# Core tables, not ORM entities: building a query from aliased entities took a third of the
# CPU of a GET /statements. A page is rows with these attributes, not ORM objects.
STATEMENTS = Statement.__table__
INDEX = StatementIndex.__table__
PAGE_COLUMNS = tuple(STATEMENTS.c[name] for name in ("id", "stored", "user_id", "document"))


def _ordered(stmt, stored_col, pk_col, descending: bool, size: int):
    if descending:
        return stmt.order_by(stored_col.desc(), pk_col.desc()).limit(size)
    return stmt.order_by(stored_col.asc(), pk_col.asc()).limit(size)


def _page(filters: Filters, kind: int | None, lookups: list) -> sa.Select:
    """The first ``page_size + 1`` statements of the filters, driven by one range of the
    lookup index (``kind`` and the first lookup's value) or, with no lookup, by ``stored``."""
    statement = STATEMENTS.c
    if kind is not None:
        driver_rows = INDEX.alias("driver")
        driver = driver_rows.c
        stmt = (
            sa.select(*PAGE_COLUMNS)
            .join_from(STATEMENTS, driver_rows, driver.statement_pk == statement.id)
            .where(driver.kind == int(kind), driver.value == lookups[0][1])
        )
        stored_col, pk_col = driver.stored, driver.statement_pk
        for position, (kinds, value) in enumerate(lookups[1:]):
            other = INDEX.alias(f"other_{position}").c
            stmt = stmt.where(
                sa.exists().where(
                    other.statement_pk == statement.id,
                    other.kind.in_([int(k) for k in kinds]),
                    other.value == value,
                )
            )
    else:
        stmt = sa.select(*PAGE_COLUMNS)
        stored_col, pk_col = statement.stored, statement.id
    stmt = stmt.where(statement.is_voided.is_(False))
    if filters.client_id is not None:
        stmt = stmt.where(statement.client_id == filters.client_id)
    if filters.user_id is not None:
        stmt = stmt.where(statement.user_id == filters.user_id)
    if filters.since:
        stmt = stmt.where(stored_col > datetime.fromisoformat(filters.since))
    if filters.until:
        stmt = stmt.where(stored_col <= datetime.fromisoformat(filters.until))
    descending = not filters.ascending
    if filters.after_stored is not None:
        position = (datetime.fromisoformat(filters.after_stored), filters.after_pk)
        key = sa.tuple_(stored_col, pk_col)
        stmt = stmt.where(key < sa.tuple_(*position) if descending else key > sa.tuple_(*position))
    return _ordered(stmt, stored_col, pk_col, descending, filters.page_size + 1)


def find_statements(filters: Filters) -> tuple[list[sa.Row], Filters | None]:
    """A page of non-voided statements in ``stored`` order, and the filters of the next page.

    A related_* lookup that drives the scan reads two ranges of the index (the agent or
    activity rows and the related rows): each gives its first page, and the two are merged.
    """
    lookups = _conditions(filters)
    size = filters.page_size
    if not lookups:
        stmt = _page(filters, None, lookups)
    elif len(lookups[0][0]) == 1:
        stmt = _page(filters, lookups[0][0][0], lookups)
    else:
        arms = [sa.select(_page(filters, kind, lookups).subquery()) for kind in lookups[0][0]]
        merged = sa.union_all(*arms).subquery()
        stmt = _ordered(
            sa.select(merged), merged.c.stored, merged.c.id, not filters.ascending, size + 1
        )
    rows = list(db.session.execute(stmt))
    if len(rows) <= size:
        return rows, None
    rows = rows[:size]
    last = rows[-1]
    return rows, replace(filters, after_stored=last.stored.isoformat(), after_pk=last.id)


def get_statement(statement_id: str, *, voided: bool) -> Statement | None:
    row = db.session.scalar(
        sa.select(Statement).where(Statement.statement_id == statement_id.lower())
    )
    if row is None or row.is_voided != voided:
        return None
    return row


def attachment_hashes(rows) -> list[str]:
    hashes = []
    for row in rows:
        for item in json.loads(row.document).get("attachments", []):
            if "fileUrl" not in item or item.get("sha2"):
                if item["sha2"] not in hashes:
                    hashes.append(item["sha2"])
    return hashes
