"""LRS client credentials: created and revoked by admins, checked on every LRS request."""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from uprest.core.errors import ServiceError
from uprest.core.time import utcnow
from uprest.extensions import db
from uprest.i18n import _l
from uprest.xapi.models import LrsClient

SCOPES = ("read", "write", "read-own")
VERSIONS = ("1.0.3", "2.0.0")  # what a client may declare it speaks
# Checked on every request, so cheaper than user passwords: the secret is 256 random bits.
_hasher = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
_verified: dict[str, tuple[str, str]] = {}  # key -> (sha256 of secret, secret hash)
# Built once: constructing the query cost more than running it, on every LRS request.
_BY_KEY = sa.select(LrsClient).where(LrsClient.key == sa.bindparam("key"))


def create_client(
    *, name: str, scopes: list[str], is_trusted: bool = False, xapi_version: str | None = None
) -> tuple[LrsClient, str]:
    """A new client and its secret; only a hash of the secret is kept. A trusted client's
    statements about a learner move that learner's progress on (see ``learning.trust``)."""
    name = name.strip()
    if not name:
        raise ServiceError(_l("This field is required."), field="name")
    unknown = set(scopes) - set(SCOPES)
    if unknown or not scopes:
        raise ServiceError(_l("Choose at least one of read, write and read-own."), field="scopes")
    secret = secrets.token_hex(32)  # hex: safe in shells, URLs and Basic auth
    client = LrsClient(
        name=name,
        key=secrets.token_hex(12),
        secret_hash=_hasher.hash(secret),
        scopes=" ".join(sorted(set(scopes))),
        is_trusted=is_trusted,
    )
    set_version(client, xapi_version)
    db.session.add(client)
    db.session.flush()
    return client, secret


def set_version(client: LrsClient, xapi_version: str | None) -> None:
    """The version its requests that name none are answered in; None: the deployment default."""
    xapi_version = xapi_version or None
    if xapi_version is not None and xapi_version not in VERSIONS:
        raise ServiceError(
            _l("Choose xAPI 1.0.3, 2.0.0 or the default version."), field="xapi_version"
        )
    client.xapi_version = xapi_version


def revoke_client(client: LrsClient) -> None:
    client.is_active = False
    client.revoked_at = utcnow()


def list_clients() -> list[LrsClient]:
    return list(db.session.scalars(sa.select(LrsClient).order_by(LrsClient.created_at.desc())))


def authenticate(key: str, secret: str) -> LrsClient | None:
    """The active client with these credentials; verified hashes are remembered per process."""
    client = db.session.scalar(_BY_KEY, {"key": key})
    if client is None or not client.is_active:
        return None
    fingerprint = hashlib.sha256(secret.encode()).hexdigest()
    if _verified.get(key) == (fingerprint, client.secret_hash):
        return client
    try:
        _hasher.verify(client.secret_hash, secret)
    except (VerificationError, InvalidHashError):
        return None
    _verified[key] = (fingerprint, client.secret_hash)
    return client


def authority_for(client: LrsClient, home_page: str) -> dict:
    return {
        "objectType": "Agent",
        "name": client.name,
        "account": {"homePage": home_page, "name": client.key},
    }
