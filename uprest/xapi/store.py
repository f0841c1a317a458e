"""The write path: validate, normalise, index and store statements in one transaction."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
from flask import current_app

from uprest.core import bulk
from uprest.core.time import utcnow
from uprest.extensions import db
from uprest.xapi import forwarding, jsonio, signatures
from uprest.xapi.agents import agent_key, agent_keys
from uprest.xapi.models import (
    IMPLIED_BY,
    Activity,
    AgentRecord,
    Attachment,
    IndexKind,
    OutboxItem,
    Statement,
    StatementIndex,
)
from uprest.xapi.normalise import (
    comparable,
    context_activities_as_arrays,
    format_timestamp,
    parse_timestamp,
    to_naive_utc,
    utc_timestamp_text,
)
from uprest.xapi.signals import statements_stored
from uprest.xapi.validation import StatementError, validate_statement
from uprest.xapi.vocabulary import SIGNATURE_USAGE, VOIDED


class Conflict(Exception):
    """A statement id is taken by a different statement (HTTP 409)."""


@dataclass
class Writer:
    """Who writes: an LRS client, or the app itself on a user's behalf."""

    authority: dict
    client_id: int | None = None
    user_id: int | None = None


@dataclass
class StoreResult:
    ids: list[str]
    stored: list = field(default_factory=list)  # Stored


_clock_lock = threading.Lock()
_last_stored: datetime | None = None


def _next_stored() -> datetime:
    """Strictly increasing within the process, so a batch keeps its order."""
    global _last_stored
    with _clock_lock:
        now = utcnow()
        if _last_stored is not None and now <= _last_stored:
            now = _last_stored + timedelta(microseconds=1000)
        _last_stored = now
        return now


_AGENT, _RELATED_AGENT = int(IndexKind.AGENT), int(IndexKind.RELATED_AGENT)
_ACTIVITY, _RELATED_ACTIVITY = int(IndexKind.ACTIVITY), int(IndexKind.RELATED_ACTIVITY)
_VERB, _REGISTRATION = int(IndexKind.VERB), int(IndexKind.REGISTRATION)


def _related(node: dict, agents: set[str], activities: set[str]) -> None:
    """Every agent and activity anywhere in a statement, its sub-statement included."""
    for key in ("actor", "authority"):
        if key in node:
            agents.update(agent_keys(node[key]))
    obj = node.get("object", {})
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        activities.add(obj["id"])
    elif kind in ("Agent", "Group"):
        agents.update(agent_keys(obj))
    context = node.get("context")
    if context:
        for key in ("instructor", "team"):
            if key in context:
                agents.update(agent_keys(context[key]))
        for entry in context.get("contextAgents", ()):
            agents.update(agent_keys(entry["agent"]))
        for entry in context.get("contextGroups", ()):
            agents.update(agent_keys(entry["group"]))
        for entries in context.get("contextActivities", {}).values():
            for entry in entries if isinstance(entries, list) else (entries,):
                activities.add(entry["id"])
    if kind == "SubStatement":
        _related(obj, agents, activities)


def _index_rows(data: dict) -> set[tuple[int, str]]:
    """The facts a statement is found by (``IndexKind``); a related row only where no agent or
    activity row already says the same, so ``query`` reads both kinds for related_*."""
    obj = data["object"]
    kind = obj.get("objectType", "Activity")
    agents = agent_keys(data["actor"])
    if kind in ("Agent", "Group"):
        agents += agent_keys(obj)
    related_agents: set[str] = set()
    related_activities: set[str] = set()
    _related(data, related_agents, related_activities)
    rows = {(_AGENT, key) for key in agents}
    rows.update((_RELATED_AGENT, key) for key in related_agents.difference(agents))
    rows.add((_VERB, data["verb"]["id"]))
    if kind == "Activity":
        rows.add((_ACTIVITY, obj["id"]))
        related_activities.discard(obj["id"])
    rows.update((_RELATED_ACTIVITY, key) for key in related_activities)
    registration = data.get("context", {}).get("registration")
    if registration:
        rows.add((_REGISTRATION, registration.lower()))
    return rows


def _without_implied(rows: set[tuple[int, str]]) -> set[tuple[int, str]]:
    """Without the related rows that a direct row implies (after a target's rows joined)."""
    return {(kind, value) for kind, value in rows if (IMPLIED_BY.get(kind), value) not in rows}


def prepare(data: dict, *, version: str, writer: Writer, stored: datetime) -> dict:
    """The statement as the LRS keeps it: id, stored, timestamp, authority, version set."""
    data = context_activities_as_arrays(data)
    data = {**data, "id": data["id"] if "id" in data else str(uuid.uuid4())}
    data["stored"] = format_timestamp(stored)
    if "timestamp" not in data:
        data["timestamp"] = data["stored"]
    elif version.startswith("2"):
        data["timestamp"] = utc_timestamp_text(data["timestamp"])
    data["authority"] = writer.authority
    data.setdefault("version", "2.0.0" if version.startswith("2") else "1.0.0")
    return data


@cache
def _existing_query(dialect: str):
    return sa.select(Statement).where(bulk.one_of(Statement.statement_id, "ids", dialect))


def _existing(ids: list[str]) -> dict[str, Statement]:
    if not ids:
        return {}
    rows = db.session.scalars(_existing_query(bulk.current_dialect()), {"ids": ids})
    return {row.statement_id: row for row in rows}


def _dbapi_integrity_error() -> type[Exception]:
    """The driver's own IntegrityError: bulk COPY runs on the raw cursor, unwrapped."""
    return db.session.get_bind().dialect.loaded_dbapi.IntegrityError


def store_statements(
    statements: list[dict],
    *,
    version: str,
    writer: Writer,
    attachments: dict[str, tuple[str, bytes]] | None = None,
    require_id: str | None = None,
    new_ids: bool = False,
    _again: bool = False,
) -> StoreResult:
    """Validate and store a batch; raise StatementError (400) or Conflict (409) before writing.

    ``new_ids``: the caller made the ids just now (uuid4), so none can be stored yet.
    """
    attachments = attachments or {}
    for index, data in enumerate(statements):
        validate_statement(
            data, version, "statement" if len(statements) == 1 else f"statements[{index}]"
        )
    if require_id is not None:
        given = statements[0].get("id")
        if given is not None and given.lower() != require_id.lower():
            raise StatementError("statement.id", "must equal the statementId parameter")
        statements = [{**statements[0], "id": statements[0].get("id", require_id)}]
    ids = [s["id"].lower() for s in statements if "id" in s]
    if len(ids) != len(set(ids)):
        raise StatementError("statements", "the batch repeats a statement id")
    _check_attachments(statements, attachments)
    existing = {} if new_ids else _existing(ids)
    result = StoreResult(ids=[])
    new_rows, facts = [], []
    voiding_targets: dict[str, str] = {}
    for index, data in enumerate(statements):
        sid = data.get("id", "").lower()
        if sid in existing:
            with_timestamp = "timestamp" in data
            old = comparable(jsonio.loads(existing[sid].document), with_timestamp=with_timestamp)
            if old != comparable(data, with_timestamp=with_timestamp):
                raise Conflict(sid)
            result.ids.append(existing[sid].statement_id)
            continue
        stored = _next_stored()
        prepared = prepare(data, version=version, writer=writer, stored=stored)
        facts.append(_index_rows(prepared))
        _check_sizes(facts[-1], "statement" if len(statements) == 1 else f"statements[{index}]")
        if prepared["verb"]["id"] == VOIDED:
            voiding_targets[prepared["id"].lower()] = prepared["object"]["id"].lower()
        new_rows.append(prepared)
        result.ids.append(prepared["id"])
    _check_voiding(voiding_targets, new_rows)
    if new_rows:
        try:
            with db.session.begin_nested():
                result.stored = _insert_batch(new_rows, facts, writer)
        except (sa.exc.IntegrityError, _dbapi_integrity_error()):
            if new_ids or _again:
                raise
            # another request stored one of these ids since we looked: decide again against it
            # (same content: nothing to do; different: Conflict), never a 500
            return store_statements(
                statements,
                version=version,
                writer=writer,
                attachments=attachments,
                require_id=require_id,
                _again=True,
            )
    _save_attachments(attachments)
    return result


def _check_attachments(statements: list[dict], attachments: dict) -> None:
    """Every attachment without fileUrl has its part, and every part belongs to an attachment."""
    wanted = set()
    for index, data in enumerate(statements):
        for position, item in enumerate(data.get("attachments", [])):
            path = f"statements[{index}].attachments[{position}]"
            if item["usageType"] == SIGNATURE_USAGE:
                if item["contentType"] != "application/octet-stream":
                    raise StatementError(
                        f"{path}.contentType", "a signature is application/octet-stream"
                    )
                part = attachments.get(item["sha2"])
                if part is None:
                    raise StatementError(path, "the signature part is missing")
                signatures.verify(part[1], data, path)
            if "fileUrl" not in item:
                if item["sha2"] not in attachments:
                    raise StatementError(path, "no attachment part carries this sha2")
            wanted.add(item["sha2"])
    extra = set(attachments) - wanted
    if extra:
        raise StatementError("attachments", "a part matches no attachment of the statements")


def _save_attachments(attachments: dict[str, tuple[str, bytes]]) -> None:
    for sha2, (content_type, content) in attachments.items():
        if db.session.get(Attachment, sha2) is None:
            db.session.add(Attachment(sha2=sha2, content_type=content_type, content=content))


def _check_voiding(targets: dict[str, str], new_rows: list[dict]) -> None:
    if not targets:
        return
    found = _existing(list(targets.values()))
    batch_voiding = {row["id"].lower() for row in new_rows if row["verb"]["id"] == VOIDED}
    for target in targets.values():
        row = found.get(target)
        if target in batch_voiding or (row is not None and row.verb_id == VOIDED):
            raise StatementError("statement.object", "a voiding statement cannot be voided")


@dataclass
class Stored:
    """A statement just written: what listeners of ``statements_stored`` get."""

    pk: int
    statement_id: str
    stored: datetime
    registration: str | None
    activity_id: str | None
    target_statement_id: str | None
    verb_id: str
    data: dict
    client_id: int | None = None  # the writer: an LRS client, or the app for a user
    user_id: int | None = None


MAX_IRI = 2048  # the indexed IRI and agent columns' sizes (models.py)
MAX_AGENT_KEY = 600


def _check_sizes(facts: set[tuple[int, str]], path: str) -> None:
    """Refuse (400) identifiers longer than the indexed columns hold, before anything is written.

    xAPI sets no length limit, but an LRS must not fail on what it can't store; SQLite would
    keep the long value, PostgreSQL would refuse it mid-transaction.
    """
    for kind, value in facts:
        agent = kind in (IndexKind.AGENT, IndexKind.RELATED_AGENT)
        limit = MAX_AGENT_KEY if agent else MAX_IRI
        if len(value) > limit:
            what = "an agent identifier" if agent else "an IRI"
            raise StatementError(path, f"{what} is longer than the {limit} characters stored")


def _columns(data: dict, writer: Writer) -> dict:
    obj = data["object"]
    return {
        "statement_id": data["id"].lower(),
        "actor_key": agent_key(data["actor"]) or "group|anonymous",
        "verb_id": data["verb"]["id"],
        "activity_id": obj["id"] if obj.get("objectType", "Activity") == "Activity" else None,
        "target_statement_id": obj["id"].lower()
        if obj.get("objectType") == "StatementRef"
        else None,
        "registration": (data.get("context", {}).get("registration") or "").lower() or None,
        "timestamp": to_naive_utc(parse_timestamp(data["timestamp"])),
        "stored": to_naive_utc(parse_timestamp(data["stored"])),
        "is_voided": False,
        "client_id": writer.client_id,
        "user_id": writer.user_id,
        "document": jsonio.dumps(data),
    }


INDEX_COLUMNS = ("statement_pk", "kind", "value", "stored")


def _insert_batch(batch: list[dict], facts: list[set], writer: Writer) -> list[Stored]:
    """One bulk write for the statements, one for their index rows, whatever the batch size."""
    columns = [_columns(data, writer) for data in batch]
    pks = bulk.insert_returning_ids(Statement.__table__, columns)
    written = [
        Stored(
            pk,
            c["statement_id"],
            c["stored"],
            c["registration"],
            c["activity_id"],
            c["target_statement_id"],
            c["verb_id"],
            data,
            writer.client_id,
            writer.user_id,
        )
        for pk, c, data in zip(pks, columns, batch, strict=True)
    ]
    known: dict[str, set[tuple[int, str]]] = {}
    index_rows = []
    for item, rows in zip(written, facts, strict=True):
        if item.target_statement_id:
            target = item.target_statement_id
            rows = _without_implied(rows | (known.get(target) or _inherited_rows(target)))
            if item.verb_id == VOIDED:
                db.session.execute(
                    sa.update(Statement)
                    .where(Statement.statement_id == item.target_statement_id)
                    .values(is_voided=True)
                )
        known[item.statement_id] = rows
        index_rows += [(item.pk, int(kind), value, item.stored) for kind, value in sorted(rows)]
    bulk.insert_rows(StatementIndex.__table__, INDEX_COLUMNS, index_rows)
    _remember_definitions(batch)
    if forwarding.is_on():
        db.session.execute(sa.insert(OutboxItem), [{"statement_pk": i.pk} for i in written])
    statements_stored.send(current_app._get_current_object(), stored=written)
    return written


def _inherited_rows(target_id: str) -> set[tuple[int, str]]:
    """A statement that targets another meets the filters the target meets (xAPI 4.1.6.1)."""
    target_pk = sa.select(Statement.id).where(Statement.statement_id == target_id).scalar_subquery()
    return {
        (kind, value)
        for kind, value in db.session.execute(
            sa.select(StatementIndex.kind, StatementIndex.value).where(
                StatementIndex.statement_pk == target_pk
            )
        )
    }


def _merged_activity(old: dict | None, obj: dict) -> dict:
    merged = old or {"objectType": "Activity", "id": obj["id"]}
    definition = merged.setdefault("definition", {})
    for key, value in obj["definition"].items():
        if isinstance(value, dict) and key in ("name", "description"):
            definition.setdefault(key, {}).update(value)
        else:
            definition[key] = value
    return merged


def _remember_definitions(batch: list[dict]) -> None:
    """Keep the latest definition of each activity and every form of each agent."""
    activities: dict[str, list[dict]] = {}
    agents: dict[str, list[dict]] = {}
    for data in batch:
        obj = data["object"]
        if obj.get("objectType", "Activity") == "Activity" and "definition" in obj:
            activities.setdefault(obj["id"], []).append(obj)
        for agent in (data["actor"], obj if obj.get("objectType") == "Agent" else None):
            key = agent_key(agent) if agent else None
            if key and agent.get("objectType", "Agent") == "Agent":
                forms = agents.setdefault(key, [])
                if agent not in forms:
                    forms.append(agent)

    def activity(key: str, document: str | None) -> str:
        merged = jsonio.loads(document) if document else None
        for obj in activities[key]:
            merged = _merged_activity(merged, obj)
        return jsonio.dumps(merged)

    def agent(key: str, document: str | None) -> str:
        old = jsonio.loads(document) if document else []
        return jsonio.dumps(old + [form for form in agents[key] if form not in old])

    _merge_documents(Activity.__table__, "activity_id", list(activities), activity)
    _merge_documents(AgentRecord.__table__, "agent_key", list(agents), agent)


@cache
def _document_statements(table: sa.Table, key_name: str, dialect: str) -> tuple:
    """Built once: the SQL of ``_merge_documents`` for one table (constructing it costs more
    than running it)."""
    key, document = table.c[key_name], table.c.document
    known = sa.select(key, document).where(bulk.one_of(key, "keys", dialect))
    update = sa.update(table).where(key == sa.bindparam("key")).values(document=sa.bindparam("new"))
    unchanged = update.where(document == sa.bindparam("old"))
    locked = sa.select(document).where(key == sa.bindparam("key")).with_for_update()
    return known, unchanged, locked, update


def _merge_documents(table: sa.Table, key_name: str, keys: list[str], merge) -> None:
    """Write ``merge(key, stored_document)`` for each key, without losing a concurrent write.

    Known rows whose document doesn't change (the usual case) cost one SELECT and no lock. New
    rows are inserted ON CONFLICT DO NOTHING; an update only applies if the document is still the
    one read. What another transaction got to first is read again under a row lock and merged.
    """
    if not keys:
        return
    statements = _document_statements(table, key_name, bulk.current_dialect())
    known_query, update_unchanged, select_locked, update = statements
    keys = sorted(keys)  # one lock order for every writer
    known = {key: text for key, text in db.session.execute(known_query, {"keys": keys})}
    fresh = [{key_name: k, "document": merge(k, None)} for k in keys if k not in known]
    inserted = bulk.insert_new(table, fresh, key_name)
    again = [row[key_name] for row in fresh if row[key_name] not in inserted]
    for key, old in known.items():
        text = merge(key, old)
        if text != old:
            changed = db.session.execute(update_unchanged, {"key": key, "new": text, "old": old})
            if changed.rowcount == 0:
                again.append(key)
    for key in sorted(again):
        old = db.session.scalar(select_locked, {"key": key})
        db.session.execute(update, {"key": key, "new": merge(key, old)})
