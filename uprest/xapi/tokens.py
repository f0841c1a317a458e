"""Short-lived LRS credentials for one agent in one registration (launched content, e.g. cmi5).

A token is Basic auth whose user part starts with ``t-``. It acts as its LRS client (whose own
secret nobody holds) narrowed to a grant: statements must have the grant's actor and
registration and may not void; reads see only that actor's statements in that registration;
documents are those of that agent (and, for state, of that activity and registration). A
*guard* registered under the token's policy name checks each batch of statements before it is
stored; the LRS knows nothing of what the guard enforces (cmi5's rules live in ``learning``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa

from uprest.core.time import utcnow
from uprest.extensions import db
from uprest.xapi import jsonio
from uprest.xapi.agents import agent_key
from uprest.xapi.models import AccessToken, LrsClient
from uprest.xapi.vocabulary import VOIDED

PREFIX = "t-"


class Refused(Exception):
    """A token may not do this; ``status`` is the HTTP status (403, or 400 for bad data)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


GUARDS: dict[str, Callable[[AccessToken, list[dict]], None]] = {}


def register_guard(policy: str, guard: Callable[[AccessToken, list[dict]], None]) -> None:
    """``guard(token, statements)`` raises ``Refused`` to reject the whole batch."""
    GUARDS[policy] = guard


def issue(
    *,
    client: LrsClient,
    agent: dict,
    registration: str,
    activity_id: str,
    policy: str,
    context: str,
    seconds: int,
) -> tuple[AccessToken, str]:
    """A new token and its Basic credentials (base64 of key:secret); only a hash is kept."""
    secret = secrets.token_hex(32)
    token = AccessToken(
        key=PREFIX + secrets.token_hex(12),
        secret_hash=hashlib.sha256(secret.encode()).hexdigest(),
        client_id=client.id,
        agent=jsonio.dumps(agent),
        agent_key=agent_key(agent),
        registration=registration.lower(),
        activity_id=activity_id,
        policy=policy,
        context=context,
        expires_at=utcnow() + timedelta(seconds=seconds),
    )
    db.session.add(token)
    db.session.flush()
    credentials = base64.b64encode(f"{token.key}:{secret}".encode()).decode()
    return token, credentials


def authenticate(key: str, secret: str) -> tuple[LrsClient, AccessToken] | None:
    """The token's client and the token, while it is live and the secret matches."""
    token = db.session.scalar(sa.select(AccessToken).where(AccessToken.key == key))
    if token is None or token.is_revoked or token.expires_at <= utcnow():
        return None
    if not hmac.compare_digest(token.secret_hash, hashlib.sha256(secret.encode()).hexdigest()):
        return None
    client = db.session.get(LrsClient, token.client_id)
    if client is None or not client.is_active:
        return None
    return client, token


def revoke(token: AccessToken) -> None:
    token.is_revoked = True


def check_statements(token: AccessToken, statements: list) -> None:
    """Only the grant's actor, in the grant's registration, no voiding; then the guard. Runs
    before validation, so a statement of the wrong shape is a 400 here, never a crash."""
    try:
        _check_statements(token, statements)
    except (AttributeError, TypeError, KeyError, ValueError):
        raise Refused(400, "a statement is not of the shape xAPI requires") from None


def _check_statements(token: AccessToken, statements: list) -> None:
    for statement in statements:
        if not isinstance(statement, dict):
            raise Refused(400, "a statement must be a JSON object")
        if agent_key(statement.get("actor") or {}) != token.agent_key:
            raise Refused(403, "this token may write only its learner's statements")
        registration = (statement.get("context") or {}).get("registration")
        if not isinstance(registration, str) or registration.lower() != token.registration:
            raise Refused(403, "this token may write only in its registration")
        if (statement.get("verb") or {}).get("id") == VOIDED:
            raise Refused(403, "this token may not void statements")
    guard = GUARDS.get(token.policy)
    if guard is not None:
        guard(token, statements)


def check_read(token: AccessToken, agent: str | None, registration: str | None) -> None:
    """A statement query must name the grant's agent and registration (nothing else is shown)."""
    if agent != token.agent_key or (registration or "").lower() != token.registration:
        raise Refused(403, "this token reads only its learner's statements in its registration")


def check_document(token: AccessToken, kind: str, scope: dict, *, write: bool) -> None:
    """State of the grant's agent, activity and registration; the agent's profiles (read);
    the activity's profile (read)."""
    if kind == "state":
        ok = (
            scope.get("agent_key") == token.agent_key
            and scope.get("activity_id") == token.activity_id
            and (scope.get("registration") or "").lower() == token.registration
        )
    elif kind == "agent_profile":
        ok = scope.get("agent_key") == token.agent_key and not write
    else:
        ok = scope.get("activity_id") == token.activity_id and not write
    if not ok:
        raise Refused(403, "this token may not use this document")
