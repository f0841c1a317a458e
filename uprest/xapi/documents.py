"""State and profile documents with ETags, optimistic concurrency and JSON merge."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

import sqlalchemy as sa

from uprest.core.time import utcnow
from uprest.extensions import db
from uprest.xapi.models import Document


class DocumentError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def etag_of(content: bytes) -> str:
    return '"' + hashlib.sha1(content).hexdigest() + '"'


def _scope(kind: str, *, activity_id="", agent_key="", registration=""):
    return (
        Document.kind == kind,
        Document.activity_id == activity_id,
        Document.agent_key == agent_key,
        Document.registration == (registration or "").lower(),
    )


def get_document(kind: str, document_id: str, **scope) -> Document | None:
    return db.session.scalar(
        sa.select(Document).where(*_scope(kind, **scope), Document.document_id == document_id)
    )


def list_ids(kind: str, since: datetime | None = None, **scope) -> list[str]:
    stmt = sa.select(Document.document_id).where(*_scope(kind, **scope))
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
    document, *, if_match, if_none_match, method: str, header_required: bool = False
) -> None:
    """HTTP preconditions (RFC 7232) as xAPI's concurrency rules apply them."""
    if if_match is not None and not _matches(if_match, document):
        raise DocumentError(412, "If-Match does not match the document's current ETag")
    if if_none_match is not None:
        if if_none_match.strip() == "*" and document is not None:
            raise DocumentError(412, "If-None-Match: * but the document exists")
        if if_none_match.strip() != "*" and _matches(if_none_match, document) and document:
            raise DocumentError(412, "If-None-Match matches the document's current ETag")
    if method == "PUT" and if_match is None and if_none_match is None:
        if document is not None:
            raise DocumentError(
                409, "The document exists: send If-Match (or If-None-Match) to change it"
            )
        if header_required:
            raise DocumentError(400, "Send If-Match or If-None-Match with a profile PUT")


def _is_json_object(content_type: str, content: bytes):
    if not content_type.split(";")[0].strip().lower() == "application/json":
        return None
    try:
        value = json.loads(content)
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
    header_required=False,
    **scope,
) -> Document:
    """PUT replaces; POST merges two JSON objects (xAPI 1.0.3 §6, 2.0 §5.5)."""
    document = get_document(kind, document_id, **scope)
    check_preconditions(
        document,
        if_match=if_match,
        if_none_match=if_none_match,
        method="POST" if merge else "PUT",
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
        )
        db.session.add(document)
    document.content = content
    document.content_type = content_type or "application/octet-stream"
    document.etag = etag_of(content)
    document.updated_at = utcnow()
    db.session.flush()
    return document


def delete_documents(kind: str, document_id: str | None, *, if_match=None, **scope) -> None:
    if document_id is not None:
        document = get_document(kind, document_id, **scope)
        check_preconditions(document, if_match=if_match, if_none_match=None, method="DELETE")
        if document is not None:
            db.session.delete(document)
    else:
        db.session.execute(sa.delete(Document).where(*_scope(kind, **scope)))
    db.session.flush()
