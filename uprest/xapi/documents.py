"""State and profile documents with ETags, optimistic concurrency and JSON merge."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from uprest.core.time import utcnow
from uprest.extensions import db
from uprest.xapi import jsonio
from uprest.xapi.models import Document


class DocumentError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Owner:
    """A read-own client: it sees and changes only the documents it created and those keyed by
    its own agent (its authority), never another client's or the app's."""

    client_id: int
    agent_key: str

    def owns(self, document: Document) -> bool:
        return document.client_id == self.client_id or document.agent_key == self.agent_key

    def condition(self):
        return sa.or_(Document.client_id == self.client_id, Document.agent_key == self.agent_key)


def etag_of(content: bytes) -> str:
    return '"' + hashlib.sha1(content).hexdigest() + '"'


def _scope(kind: str, *, activity_id="", agent_key="", registration=""):
    return (
        Document.kind == kind,
        Document.activity_id == activity_id,
        Document.agent_key == agent_key,
        Document.registration == (registration or "").lower(),
    )


def get_document(kind: str, document_id: str, *, owner: Owner | None = None, **scope):
    """The document, or None; with ``owner``, None for a document the owner may not see."""
    document = db.session.scalar(
        sa.select(Document).where(*_scope(kind, **scope), Document.document_id == document_id)
    )
    if document is not None and owner is not None and not owner.owns(document):
        return None
    return document


def _owned(document: Document | None, owner: Owner | None) -> None:
    if document is not None and owner is not None and not owner.owns(document):
        raise DocumentError(403, "these credentials may only change documents they wrote")


def list_ids(
    kind: str, since: datetime | None = None, *, owner: Owner | None = None, **scope
) -> list[str]:
    stmt = sa.select(Document.document_id).where(*_scope(kind, **scope))
    if owner is not None:
        stmt = stmt.where(owner.condition())
    if since is not None:
        stmt = stmt.where(Document.updated_at > since)
    return list(db.session.scalars(stmt.order_by(Document.document_id)))


def _matches(header: str | None, document: Document | None) -> bool:
    if header is None:
        return True
    if header.strip() == "*":
        return document is not None
    tags = [tag.strip() for tag in header.split(",")]
    return document is not None and any(tag.strip('"') == document.etag.strip('"') for tag in tags)


def check_preconditions(
    document,
    *,
    if_match,
    if_none_match,
    method: str,
    headerless_conflict: bool = True,
    header_required: bool = False,
) -> None:
    """HTTP preconditions (RFC 7232) as xAPI's concurrency rules apply them.

    ``headerless_conflict=False`` is xAPI 1.0.x's State resource, which has no concurrency
    rules: a PUT without headers simply replaces (what TinCan-era clients rely on).
    ``header_required`` is 1.0.x's profile resources: every PUT names a precondition (the ADL
    1.0.3 suite checks for the 400)."""
    if if_match is not None and not _matches(if_match, document):
        raise DocumentError(412, "If-Match does not match the document's current ETag")
    if if_none_match is not None:
        if if_none_match.strip() == "*" and document is not None:
            raise DocumentError(412, "If-None-Match: * but the document exists")
        if if_none_match.strip() != "*" and _matches(if_none_match, document) and document:
            raise DocumentError(412, "If-None-Match matches the document's current ETag")
    if method == "PUT" and if_match is None and if_none_match is None:
        if document is not None and headerless_conflict:
            raise DocumentError(
                409, "The document exists: send If-Match (or If-None-Match) to change it"
            )
        if header_required:
            raise DocumentError(400, "Send If-Match or If-None-Match with a profile PUT")


def _is_json_object(content_type: str, content: bytes):
    if not content_type.split(";")[0].strip().lower() == "application/json":
        return None
    try:
        value = jsonio.parse(content)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def save_document(
    kind: str,
    document_id: str,
    *,
    content: bytes,
    content_type: str,
    merge: bool,
    if_match=None,
    if_none_match=None,
    headerless_conflict=True,
    header_required=False,
    owner: Owner | None = None,
    client_id: int | None = None,
    **scope,
) -> Document:
    """PUT replaces; POST merges two JSON objects (xAPI 1.0.3 §6, 2.0 §5.5). ``client_id``
    is recorded as the creator of a new document."""
    document = get_document(kind, document_id, **scope)
    _owned(document, owner)
    check_preconditions(
        document,
        if_match=if_match,
        if_none_match=if_none_match,
        method="POST" if merge else "PUT",
        headerless_conflict=headerless_conflict,
        header_required=header_required,
    )
    if merge and document is not None:
        new = _is_json_object(content_type, content)
        old = _is_json_object(document.content_type, document.content)
        if new is None or old is None:
            raise DocumentError(400, "POST can only merge a JSON object into a JSON object")
        old.update(new)
        content = json.dumps(old, ensure_ascii=False).encode()
        content_type = "application/json"
    elif merge and _is_json_object(content_type, content) is None:
        if content_type.split(";")[0].strip().lower() == "application/json":
            raise DocumentError(400, "POST must send a JSON object")
    if document is None:
        document = Document(
            kind=kind,
            document_id=document_id,
            **{
                "activity_id": scope.get("activity_id", ""),
                "agent_key": scope.get("agent_key", ""),
                "registration": (scope.get("registration") or "").lower(),
            },
            client_id=client_id,
        )
        db.session.add(document)
    document.content = content
    document.content_type = content_type or "application/octet-stream"
    document.etag = etag_of(content)
    document.updated_at = utcnow()
    db.session.flush()
    return document


def delete_documents(
    kind: str, document_id: str | None, *, if_match=None, owner: Owner | None = None, **scope
) -> None:
    """One document, or (state only) all in the scope; an owner deletes only its own."""
    if document_id is not None:
        document = get_document(kind, document_id, **scope)
        _owned(document, owner)
        check_preconditions(document, if_match=if_match, if_none_match=None, method="DELETE")
        if document is not None:
            db.session.delete(document)
    else:
        stmt = sa.delete(Document).where(*_scope(kind, **scope))
        if owner is not None:
            stmt = stmt.where(owner.condition())
        db.session.execute(stmt)
    db.session.flush()
