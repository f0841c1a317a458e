"""Statement exports for research partners: filtered, streamed, optionally pseudonymised.

The rows are read with a server-side cursor (``yield_per``) and written one at a time, so an
export of millions of statements holds one batch in memory, not the result. Voided statements
are left out, as the LRS leaves them out of every query; the voiding statements stay.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from uprest.accounts.models import Business, User
from uprest.extensions import db
from uprest.xapi import jsonio
from uprest.xapi.agents import agent_key
from uprest.xapi.models import Statement

FORMATS = ("ndjson", "json")
BATCH = 500
# Pseudonyms are accounts on this home page: an IRI that names no real system.
PSEUDONYM_HOME = "urn:uprest:pseudonym"
MIN_KEY_LENGTH = 16


@dataclass(frozen=True)
class ExportFilters:
    since: datetime | None = None  # stored at or after (naive UTC)
    until: datetime | None = None  # stored before
    verb: str | None = None
    activity: str | None = None  # the statement's object
    registration: str | None = None
    municipality_id: int | None = None  # learners of a municipality (own or their business's)


def _query(filters: ExportFilters) -> sa.Select:
    stmt = sa.select(Statement.document).where(Statement.is_voided.is_(False))
    if filters.since is not None:
        stmt = stmt.where(Statement.stored >= filters.since)
    if filters.until is not None:
        stmt = stmt.where(Statement.stored < filters.until)
    if filters.verb:
        stmt = stmt.where(Statement.verb_id == filters.verb)
    if filters.activity:
        stmt = stmt.where(Statement.activity_id == filters.activity)
    if filters.registration:
        stmt = stmt.where(Statement.registration == filters.registration.lower())
    if filters.municipality_id is not None:
        in_business = sa.select(Business.id).where(
            Business.municipality_id == filters.municipality_id
        )
        users = sa.select(User.id).where(
            sa.or_(
                User.municipality_id == filters.municipality_id,
                User.business_id.in_(in_business),
            )
        )
        stmt = stmt.where(Statement.user_id.in_(users))
    return stmt.order_by(Statement.stored, Statement.id).execution_options(yield_per=BATCH)


def count(filters: ExportFilters) -> int:
    """How many statements the export will hold (for a progress bar)."""
    inner = _query(filters).order_by(None).with_only_columns(Statement.id).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(inner))


class Pseudonymiser:
    """Replaces every agent's identifier with a keyed hash (HMAC-SHA256) and drops its name.

    The same key gives a person the same pseudonym in every export, so a partner can follow a
    learner across exports without learning who they are; a fresh random key per export (the
    default) makes exports unlinkable. The authority (the system that sent a statement) stays.
    """

    def __init__(self, key: str | None = None):
        self.key = (key or secrets.token_hex(32)).encode()

    def pseudonym(self, agent: dict) -> str | None:
        identity = agent_key(agent)
        if identity is None:
            return None
        if identity.startswith("mbox|"):  # mailto:Ada@x and mailto:ada@x are one person
            identity = identity.lower()
        return hmac.new(self.key, identity.encode(), hashlib.sha256).hexdigest()

    def agent(self, agent: dict) -> dict:
        replaced = {"objectType": agent.get("objectType", "Agent")}
        name = self.pseudonym(agent)
        if name is not None:
            replaced["account"] = {"homePage": PSEUDONYM_HOME, "name": name}
        if "member" in agent:
            replaced["member"] = [self.agent(member) for member in agent["member"]]
        return replaced

    def statement(self, statement: dict) -> dict:
        statement = dict(statement)
        statement["actor"] = self.agent(statement["actor"])
        target = statement.get("object", {})
        if target.get("objectType") in ("Agent", "Group"):
            statement["object"] = self.agent(target)
        elif target.get("objectType") == "SubStatement":
            statement["object"] = self.statement(target)
        context = statement.get("context")
        if context:
            context = dict(context)
            for role in ("instructor", "team"):
                if role in context:
                    context[role] = self.agent(context[role])
            statement["context"] = context
        return statement


def _documents(filters: ExportFilters, pseudonymiser: Pseudonymiser | None) -> Iterator[str]:
    for document in db.session.scalars(_query(filters)):
        if pseudonymiser is None:
            yield document  # as stored, byte for byte
        else:
            yield jsonio.dumps(pseudonymiser.statement(jsonio.loads(document)))


def stream(
    filters: ExportFilters, *, fmt: str = "ndjson", pseudonymiser: Pseudonymiser | None = None
) -> Iterator[bytes]:
    """The export as chunks: one statement a line (NDJSON), or one JSON array."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    documents = _documents(filters, pseudonymiser)
    if fmt == "ndjson":
        for document in documents:
            yield (document + "\n").encode()
        return
    yield b"["
    separator = b"\n"
    for document in documents:
        yield separator + document.encode()
        separator = b",\n"
    yield b"\n]\n"
