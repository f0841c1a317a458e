"""Learning-record tables: statements and their index, documents, attachments, clients, outbox."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from uprest.core.time import utcnow
from uprest.extensions import db


class IndexKind(enum.IntEnum):
    """What a row of ``xapi_statement_index`` says about its statement."""

    AGENT = 1  # actor or object (and members of a Group there)
    RELATED_AGENT = 2  # any other agent in the statement, sub-statement included
    VERB = 3
    ACTIVITY = 4  # the object, when an Activity
    RELATED_ACTIVITY = 5  # context activities, sub-statement activities, unless the object
    REGISTRATION = 6


# A related kind's value that the direct kind holds too is stored once, under the direct kind;
# a related_* query reads both.
IMPLIED_BY = {
    IndexKind.RELATED_AGENT: IndexKind.AGENT,
    IndexKind.RELATED_ACTIVITY: IndexKind.ACTIVITY,
}


class LrsClient(db.Model):
    """Basic-auth credentials of a system that reads or writes statements."""

    __tablename__ = "uprest_xapi_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    secret_hash: Mapped[str] = mapped_column(sa.String(255))
    scopes: Mapped[str] = mapped_column(sa.String(120))  # space-separated: read write read-own
    is_active: Mapped[bool] = mapped_column(default=True)
    # May report a learner's progress: only a trusted client's statements about a learner's
    # enrolment move it on (anyone with write access can name any actor in a statement).
    is_trusted: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The xAPI version it speaks (1.0.3 or 2.0.0): a request of it that names no version is
    # answered in this one; None follows UPREST_XAPI_DEFAULT_VERSION.
    xapi_version: Mapped[str | None] = mapped_column(sa.String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    @property
    def scope_set(self) -> set[str]:
        return set(self.scopes.split())

    @property
    def reads_own_only(self) -> bool:
        """read-own without read: it sees only the statements and documents it wrote."""
        return "read" not in self.scope_set and "read-own" in self.scope_set


class Statement(db.Model):
    __tablename__ = "uprest_xapi_statements"

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True
    )
    statement_id: Mapped[str] = mapped_column(sa.String(36), unique=True)
    actor_key: Mapped[str] = mapped_column(sa.String(600))
    verb_id: Mapped[str] = mapped_column(sa.String(2048))
    activity_id: Mapped[str | None] = mapped_column(sa.String(2048))
    target_statement_id: Mapped[str | None] = mapped_column(sa.String(36))
    registration: Mapped[str | None] = mapped_column(sa.String(36))
    timestamp: Mapped[datetime]
    stored: Mapped[datetime] = mapped_column(index=True)
    is_voided: Mapped[bool] = mapped_column(default=False)
    client_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("uprest_xapi_clients.id", ondelete="SET NULL")
    )
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("uprest_users.id", ondelete="SET NULL")
    )
    document: Mapped[str] = mapped_column(sa.Text)  # the statement as stored, JSON

    # Each of these is empty on most rows (a statement has a client or a user, and rarely a
    # target): partial indexes skip the NULLs, so most inserts touch three indexes, not six.
    __table_args__ = tuple(
        sa.Index(
            f"ix_uprest_xapi_statements_{column}",
            column,
            postgresql_where=sa.column(column).isnot(None),
            sqlite_where=sa.column(column).isnot(None),
        )
        for column in ("target_statement_id", "client_id", "user_id")
    )


class StatementIndex(db.Model):
    """One searchable fact about a statement; ``stored`` is copied so filters scan in order.

    Derived data, written only by ``store`` in its statement's transaction and deleted with it
    by ``privacy.erase_statements``, so ``statement_pk`` has no foreign key: checking one per
    row (ten rows a statement) took a quarter of the database's work per stored statement.
    """

    __tablename__ = "uprest_xapi_statement_index"

    statement_pk: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True
    )
    kind: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True)
    value: Mapped[str] = mapped_column(sa.String(2048), primary_key=True)
    stored: Mapped[datetime]

    __table_args__ = (
        sa.Index(
            "ix_uprest_xapi_statement_index_lookup", "kind", "value", "stored", "statement_pk"
        ),
    )


class Attachment(db.Model):
    """Attachment content, shared by every statement that names its SHA-2."""

    __tablename__ = "uprest_xapi_attachments"

    sha2: Mapped[str] = mapped_column(sa.String(128), primary_key=True)
    content_type: Mapped[str] = mapped_column(sa.String(255))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)


class Document(db.Model):
    """A state, activity-profile or agent-profile document."""

    __tablename__ = "uprest_xapi_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # state | activity_profile | agent_profile
    activity_id: Mapped[str] = mapped_column(sa.String(2048), default="")
    agent_key: Mapped[str] = mapped_column(sa.String(600), default="")
    registration: Mapped[str] = mapped_column(sa.String(36), default="")
    document_id: Mapped[str] = mapped_column(sa.String(2048))
    content_type: Mapped[str] = mapped_column(sa.String(255))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    etag: Mapped[str] = mapped_column(sa.String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The client that created the document: a read-own client sees only its own documents.
    client_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("uprest_xapi_clients.id", ondelete="SET NULL")
    )

    __table_args__ = (
        sa.Index(
            "ix_uprest_xapi_documents_lookup", "kind", "activity_id", "agent_key", "registration"
        ),
    )


class Activity(db.Model):
    """The canonical definition of an activity, merged from the statements that used it."""

    __tablename__ = "uprest_xapi_activities"

    activity_id: Mapped[str] = mapped_column(sa.String(2048), primary_key=True)
    document: Mapped[str] = mapped_column(sa.Text)


class AgentRecord(db.Model):
    """Agents seen in statements, by identifier, for the /agents Person object."""

    __tablename__ = "uprest_xapi_agents"

    agent_key: Mapped[str] = mapped_column(sa.String(600), primary_key=True)
    document: Mapped[str] = mapped_column(sa.Text)


class OutboxItem(db.Model):
    """A statement waiting to be forwarded to the external LRS."""

    __tablename__ = "uprest_xapi_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_pk: Mapped[int] = mapped_column(
        sa.ForeignKey("uprest_xapi_statements.id", ondelete="CASCADE"), unique=True
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    delivered_at: Mapped[datetime | None]
    last_attempt_at: Mapped[datetime | None]
    is_dead: Mapped[bool] = mapped_column(default=False)

    statement: Mapped[Statement] = relationship()


class AccessToken(db.Model):
    """A short-lived credential for one agent in one registration (``xapi/tokens.py``): what
    launched content gets, so that it can write only that learner's statements there."""

    __tablename__ = "uprest_xapi_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    secret_hash: Mapped[str] = mapped_column(sa.String(64))  # sha256: the secret is 256 bits
    client_id: Mapped[int] = mapped_column(sa.ForeignKey(LrsClient.id, ondelete="CASCADE"))
    agent: Mapped[str] = mapped_column(sa.Text)  # the Agent as JSON, for the launch URL
    agent_key: Mapped[str] = mapped_column(sa.String(600))
    registration: Mapped[str] = mapped_column(sa.String(36))
    activity_id: Mapped[str] = mapped_column(sa.String(2048))
    # Who checks the statements written with it (a guard registered under this name) and
    # what that guard needs to find its own records (e.g. a cmi5 session id).
    policy: Mapped[str] = mapped_column(sa.String(32))
    context: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    is_revoked: Mapped[bool] = mapped_column(default=False)
class ForwardingSettings(db.Model):
    """Forwarding set by an admin in the UI (one row); while none is saved, the environment
    (UPREST_XAPI_FORWARD_URL, _KEY, _SECRET) decides. The secret is kept encrypted with a key
    derived from SECRET_KEY, since it must be sent, not just checked."""

    __tablename__ = "uprest_lrs_forwarding"

    id: Mapped[int] = mapped_column(primary_key=True)
    is_enabled: Mapped[bool] = mapped_column(default=False)
    url: Mapped[str] = mapped_column(sa.String(2048), default="")
    key: Mapped[str] = mapped_column(sa.String(255), default="")
    secret_encrypted: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
