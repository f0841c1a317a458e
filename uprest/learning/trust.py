"""Which statements may move a learner's progress: the app's own, and a trusted client's about
that learner. Anyone with write credentials can name any actor and any registration in a
statement; the LRS stores it, but it must not pass a quiz or issue a certificate for someone.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from uprest.core import bulk
from uprest.extensions import db
from uprest.xapi.models import LrsClient
from uprest.xapi.services import agent_key

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Item:
    """A stored statement as the projection reads it, with who wrote it."""

    data: dict
    stored: object  # datetime
    pk: int
    client_id: int | None  # the LRS client that sent it, None for the app's own
    user_id: int | None  # the user the app wrote it for


def _registration(data: dict) -> str | None:
    registration = data.get("context", {}).get("registration")
    return registration.lower() if isinstance(registration, str) else None


def names_learner(key: str, user) -> bool:
    """Whether an agent key names the user: the app's pseudonymous account (on any home page,
    as the data export and erasure in ``xapi.privacy`` read it) or the user's mailbox."""
    if key.startswith("account|"):
        return key.endswith(f"|user-{user.id}")
    mbox = f"mailto:{user.email}".lower()
    return key.lower() in {"mbox|" + mbox, "sha1|" + hashlib.sha1(mbox.encode()).hexdigest()}


def _owners(registrations: set[str]) -> dict[str, object]:
    """The user whose module or path enrolment each registration is."""
    from uprest.accounts.models import User
    from uprest.learning.models import Enrolment, PathEnrolment

    owners = {}
    dialect = bulk.current_dialect()
    for model in (Enrolment, PathEnrolment):
        rows = db.session.execute(
            sa.select(model.uuid, User)
            .join(User, User.id == model.user_id)
            .where(bulk.one_of(model.uuid, "ids", dialect)),
            {"ids": sorted(registrations)},
        )
        owners.update({uuid: user for uuid, user in rows})
    return owners


def admitted(items: Iterable[Item]) -> list[Item]:
    """The items that may change progress. A statement about an enrolment counts when the app
    wrote it for the enrolment's learner, or when a trusted client sent it with the learner as
    actor; an untrusted client's statement about an enrolment never counts, whatever its actor
    (an actor proves nothing). Statements about other registrations all count: they reach only
    the generic per-registration projection."""
    items = list(items)
    outside = {
        registration
        for item in items
        if item.client_id is not None or item.user_id is None
        if (registration := _registration(item.data))
    }
    if not outside:  # the app's own statements only: the hot path needs no query
        return items
    owners = _owners(outside)
    client_ids = {item.client_id for item in items if item.client_id is not None}
    trusted = set()
    if client_ids and owners:
        trusted = set(
            db.session.scalars(
                sa.select(LrsClient.id).where(
                    LrsClient.id.in_(client_ids), LrsClient.is_trusted.is_(True)
                )
            )
        )
    kept = []
    for item in items:
        owner = owners.get(_registration(item.data) or "")
        actor = agent_key(item.data["actor"]) or ""
        if owner is None or (item.client_id is None and item.user_id == owner.id):
            kept.append(item)
        elif item.client_id in trusted and names_learner(actor, owner):
            kept.append(item)
        else:
            log.warning(
                "statement %s not projected: its writer may not report this enrolment",
                item.data.get("id"),
            )
    return kept
