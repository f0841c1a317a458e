"""A person's learning record: in their data export, and erased (and retracted) with the account.

Statements are immutable in xAPI; erasure (GDPR art. 17) is the legal exception. A statement that
names the person anywhere (actor, object, instructor, team, context agents, a sub-statement, by
mbox, mbox_sha1sum or account) is deleted with its index rows and outbox row, not voided: a
voided statement still holds the identifiers. Statements of others that only point at one of
theirs (a StatementRef) keep their content but lose the index rows that named the person. Those
already forwarded are retracted: a voiding statement by the app itself is queued for the far LRS.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid

import sqlalchemy as sa

from uprest.accounts.signals import account_erasing, personal_data_export
from uprest.extensions import db
from uprest.xapi import store
from uprest.xapi.models import (
    AccessToken,
    AgentRecord,
    Attachment,
    Document,
    IndexKind,
    OutboxItem,
    Statement,
    StatementIndex,
)
from uprest.xapi.vocabulary import VOIDED

_AGENT_KINDS = (int(IndexKind.AGENT), int(IndexKind.RELATED_AGENT))
_CHUNK = 500


def agent_keys_of(user) -> tuple[set[str], str]:
    """The person's agent keys (lower case) and the LIKE pattern of the account the app uses."""
    mbox = "mailto:" + user.email.lower()
    return (
        {"mbox|" + mbox, "sha1|" + hashlib.sha1(mbox.encode()).hexdigest()},
        f"account|%|user-{user.id}",
    )


def names_person(column, user):
    """SQL: ``column`` (an agent key) identifies the user; mbox compared without case."""
    keys, account = agent_keys_of(user)
    return sa.or_(sa.func.lower(column).in_(keys), column.like(account))


def _is_theirs(key: str, user) -> bool:
    keys, _account = agent_keys_of(user)
    return key.lower() in keys or (key.startswith("account|") and key.endswith(f"|user-{user.id}"))


def _chunks(items: list) -> list[list]:
    return [items[start : start + _CHUNK] for start in range(0, len(items), _CHUNK)]


def find_statements(user) -> tuple[list[Statement], list[int]]:
    """(statements naming the person, ids of others' statements indexed under them only).

    The index finds every statement naming the person in any role; statements that target one
    of theirs inherit its index rows (xAPI 4.1.6.1), so the document itself decides.
    """
    indexed = sa.select(StatementIndex.statement_pk).where(
        StatementIndex.kind.in_(_AGENT_KINDS), names_person(StatementIndex.value, user)
    )
    own = sa.select(Statement.id).where(Statement.user_id == user.id)
    pks = sorted(set(db.session.scalars(indexed.union(own))))
    theirs, pointing = [], []
    for chunk in _chunks(pks):
        for row in db.session.scalars(
            sa.select(Statement).where(Statement.id.in_(chunk)).order_by(Statement.stored)
        ):
            facts = store._index_rows(json.loads(row.document))
            named = any(kind in _AGENT_KINDS and _is_theirs(value, user) for kind, value in facts)
            if named or row.user_id == user.id:
                theirs.append(row)
            else:
                pointing.append(row.id)
    theirs.sort(key=lambda row: (row.stored, row.id))
    return theirs, pointing


def find_documents(user) -> list[Document]:
    """State and agent-profile documents kept under any of the person's identifiers."""
    return list(
        db.session.scalars(
            sa.select(Document).where(names_person(Document.agent_key, user)).order_by(Document.id)
        )
    )


def _document_export(document: Document) -> dict:
    try:
        content, encoding = document.content.decode(), "text"
    except UnicodeDecodeError:
        content, encoding = base64.b64encode(document.content).decode(), "base64"
    return {
        "kind": document.kind,
        "activity_id": document.activity_id or None,
        "registration": document.registration or None,
        "document_id": document.document_id,
        "content_type": document.content_type,
        "updated_at": document.updated_at.isoformat() + "Z",
        "encoding": encoding,
        "content": content,
    }


@personal_data_export.connect
def export_statements(user):
    theirs, _pointing = find_statements(user)
    return "xapi_statements", [json.loads(row.document) for row in theirs]


@personal_data_export.connect
def export_documents(user):
    return "xapi_documents", [_document_export(doc) for doc in find_documents(user)]


@account_erasing.connect
def erase_statements(user):
    """Delete what names the person, then retract from the far LRS what was forwarded."""
    theirs, pointing = find_statements(user)
    pks = [row.id for row in theirs]
    forwarded = _forwarded(theirs)
    sha2s = {
        item["sha2"]
        for row in theirs
        for item in json.loads(row.document).get("attachments", [])
        if "sha2" in item
    }
    for chunk in _chunks(pks):  # the index rows have no cascading foreign key
        db.session.execute(sa.delete(OutboxItem).where(OutboxItem.statement_pk.in_(chunk)))
        db.session.execute(sa.delete(StatementIndex).where(StatementIndex.statement_pk.in_(chunk)))
        db.session.execute(sa.delete(Statement).where(Statement.id.in_(chunk)))
    for chunk in _chunks(pointing):
        db.session.execute(
            sa.delete(StatementIndex).where(
                StatementIndex.statement_pk.in_(chunk),
                StatementIndex.kind.in_(_AGENT_KINDS),
                names_person(StatementIndex.value, user),
            )
        )
    _forget_attachments(sha2s)
    db.session.execute(sa.delete(Document).where(names_person(Document.agent_key, user)))
    db.session.execute(sa.delete(AgentRecord).where(names_person(AgentRecord.agent_key, user)))
    db.session.execute(sa.delete(AccessToken).where(names_person(AccessToken.agent_key, user)))
    retract(forwarded)


def _forwarded(rows: list[Statement]) -> list[str]:
    """Ids of statements the far LRS has received; a voiding statement can't itself be voided."""
    pks = [row.id for row in rows if row.verb_id != VOIDED]
    delivered = set()
    for chunk in _chunks(pks):
        delivered.update(
            db.session.scalars(
                sa.select(OutboxItem.statement_pk).where(
                    OutboxItem.statement_pk.in_(chunk), OutboxItem.delivered_at.is_not(None)
                )
            )
        )
    return [row.statement_id for row in rows if row.id in delivered]


def retract(statement_ids: list[str]) -> None:
    """Queue a voiding statement, made by the app, for each forwarded statement.

    Stored after the targets are gone, so they inherit no index rows naming the person; the
    normal forwarder sends them.
    """
    if not statement_ids:
        return
    from uprest.xapi.iris import base_iri

    app_agent = {"objectType": "Agent", "account": {"homePage": base_iri(), "name": "uprest"}}
    voids = [
        {
            "id": str(uuid.uuid4()),
            "actor": app_agent,
            "verb": {"id": VOIDED, "display": {"en-GB": "voided"}},
            "object": {"objectType": "StatementRef", "id": target},
        }
        for target in statement_ids
    ]
    written = store.store_statements(
        voids, version="2.0.0", writer=store.Writer(authority=app_agent), new_ids=True
    ).stored
    queued = set(
        db.session.scalars(
            sa.select(OutboxItem.statement_pk).where(
                OutboxItem.statement_pk.in_([item.pk for item in written])
            )
        )
    )
    for item in written:  # queued even if forwarding has been switched off since
        if item.pk not in queued:
            db.session.add(OutboxItem(statement_pk=item.pk))


def _forget_attachments(sha2s: set[str]) -> None:
    """Attachment content is shared by sha2: it goes when no remaining statement names it."""
    for sha2 in sha2s:
        used = db.session.scalar(
            sa.select(Statement.id).where(Statement.document.contains(sha2)).limit(1)
        )
        if used is None:
            db.session.execute(sa.delete(Attachment).where(Attachment.sha2 == sha2))
