"""Durable forwarding to an external LRS through the outbox: retries, back-off, dead letters.

Each statement is sent as a PUT by its id, so a resend after a crash is harmless: the far LRS
answers 204 for an identical statement. A 409 means the far side holds a different statement
under that id; retrying can't fix that, so the item goes to the dead letters with the reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
import sqlalchemy as sa
from flask import current_app

from uprest.core.time import utcnow
from uprest.extensions import db
from uprest.xapi import forwarding, multipart
from uprest.xapi.models import Attachment, OutboxItem

TIMEOUT = 10


@dataclass
class Outcome:
    delivered: int = 0
    retried: int = 0
    dead: int = 0

    @property
    def handled(self) -> int:
        return self.delivered + self.retried + self.dead


def _due(now: datetime, limit: int):
    stmt = (
        sa.select(OutboxItem)
        .where(
            OutboxItem.delivered_at.is_(None),
            OutboxItem.is_dead.is_(False),
            OutboxItem.next_attempt_at <= now,
        )
        .order_by(OutboxItem.id)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":  # several workers share the queue
        stmt = stmt.with_for_update(skip_locked=True)
    return list(db.session.scalars(stmt))


def _request_body(document: str) -> tuple[bytes, str]:
    data = json.loads(document)
    parts = []
    for item in data.get("attachments", []):
        if "fileUrl" not in item:
            found = db.session.get(Attachment, item["sha2"])
            if found is not None:
                parts.append((item["sha2"], found.content_type, found.content))
    if not parts:
        return document.encode(), "application/json"
    return multipart.build(data, parts)


@dataclass
class Delivery:
    """What one PUT sends, read from the database before any request goes out."""

    item_id: int
    statement_id: str
    body: bytes
    content_type: str
    version: str


def _delivery(item: OutboxItem) -> Delivery:
    statement = item.statement
    body, content_type = _request_body(statement.document)
    version = json.loads(statement.document).get("version", "1.0.0")
    return Delivery(item.id, statement.statement_id, body, content_type, version)


def send(
    delivery: Delivery, http: requests.Session, target: forwarding.Target
) -> tuple[bool, str | None, bool]:
    """(delivered, error, permanent) for one outbox item."""
    try:
        response = http.put(
            target.url.rstrip("/") + "/statements",
            params={"statementId": delivery.statement_id},
            data=delivery.body,
            headers={
                "Content-Type": delivery.content_type,
                "X-Experience-API-Version": "2.0.0"
                if delivery.version.startswith("2")
                else "1.0.3",
            },
            auth=(target.key, target.secret),
            timeout=TIMEOUT,
        )
    except requests.RequestException as error:
        return False, f"{type(error).__name__}: {error}"[:500], False
    if response.status_code in (200, 204):
        return True, None, False
    reason = f"HTTP {response.status_code}: {response.text[:400]}"
    permanent = response.status_code in (400, 409)  # the far LRS refuses this very statement
    return False, reason, permanent


def backoff(attempts: int) -> timedelta:
    cfg = current_app.config
    seconds = cfg["UPREST_XAPI_FORWARD_BACKOFF"] * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, cfg["UPREST_XAPI_FORWARD_BACKOFF_MAX"]))


def forward_due(
    *, now: datetime | None = None, limit: int = 100, http: requests.Session | None = None
) -> Outcome:
    """Send what is due; commits after each item so nothing delivered is ever forgotten.

    The bodies are read first; on SQLite the transaction then ends, because it holds the one
    write lock (BEGIN IMMEDIATE) and learners' requests would wait on the far LRS.
    """
    now = now or utcnow()
    http = http or requests.Session()
    outcome = Outcome()
    target = forwarding.target()
    if target is None:  # switched off: what waits stays in the outbox
        return outcome
    max_attempts = current_app.config["UPREST_XAPI_FORWARD_MAX_ATTEMPTS"]
    deliveries = [_delivery(item) for item in _due(now, limit)]
    if db.engine.dialect.name != "postgresql":
        db.session.commit()  # SQLite: hold no write lock while waiting on the far LRS
    for delivery in deliveries:
        delivered, error, permanent = send(delivery, http, target)
        item = db.session.get(OutboxItem, delivery.item_id)
        item.attempts += 1
        item.last_attempt_at = utcnow()
        if delivered:
            item.delivered_at = utcnow()
            item.last_error = None
            outcome.delivered += 1
        else:
            item.last_error = error
            if permanent or item.attempts >= max_attempts:
                item.is_dead = True
                outcome.dead += 1
            else:
                item.next_attempt_at = now + backoff(item.attempts)
                outcome.retried += 1
        db.session.commit()
    return outcome


def replay(item: OutboxItem) -> None:
    """Give a dead letter another full set of attempts."""
    item.is_dead = False
    item.attempts = 0
    item.next_attempt_at = utcnow()
    item.last_error = None


def counts() -> dict[str, int]:
    pending = sa.and_(OutboxItem.delivered_at.is_(None), OutboxItem.is_dead.is_(False))
    rows = db.session.execute(
        sa.select(
            sa.func.count().filter(pending),
            sa.func.count().filter(OutboxItem.delivered_at.is_not(None)),
            sa.func.count().filter(OutboxItem.is_dead.is_(True)),
        ).select_from(OutboxItem)
    ).one()
    return {"pending": rows[0], "delivered": rows[1], "dead": rows[2]}


def dead_letters(limit: int = 200) -> list[OutboxItem]:
    return list(
        db.session.scalars(
            sa.select(OutboxItem)
            .where(OutboxItem.is_dead.is_(True))
            .options(sa.orm.selectinload(OutboxItem.statement))
            .order_by(OutboxItem.id.desc())
            .limit(limit)
        )
    )


@dataclass
class OutboxState:
    """What the Forwarding page shows of the outbox."""

    pending: int
    retrying: int  # pending after at least one failed attempt
    delivered: int
    dead: int
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None


def state() -> OutboxState:
    waiting = sa.and_(OutboxItem.delivered_at.is_(None), OutboxItem.is_dead.is_(False))
    row = db.session.execute(
        sa.select(
            sa.func.count().filter(waiting),
            sa.func.count().filter(waiting, OutboxItem.attempts > 0),
            sa.func.count().filter(OutboxItem.delivered_at.is_not(None)),
            sa.func.count().filter(OutboxItem.is_dead.is_(True)),
            sa.func.max(OutboxItem.delivered_at),
        ).select_from(OutboxItem)
    ).one()
    failed = db.session.execute(
        sa.select(OutboxItem.last_error, OutboxItem.last_attempt_at)
        .where(OutboxItem.last_error.is_not(None), OutboxItem.last_attempt_at.is_not(None))
        .order_by(OutboxItem.last_attempt_at.desc())
        .limit(1)
    ).first()
    return OutboxState(
        pending=row[0],
        retrying=row[1],
        delivered=row[2],
        dead=row[3],
        last_success_at=row[4],
        last_error=failed[0] if failed else None,
        last_error_at=failed[1] if failed else None,
    )
