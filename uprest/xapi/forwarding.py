"""Where statements are forwarded: the admin's settings in the database, else the environment.

Settings saved on the Forwarding page win over UPREST_XAPI_FORWARD_URL, _KEY and _SECRET
(switched off there means off, whatever the environment says) until an admin goes back to the
environment's settings. The far LRS's secret must be sent, not just checked, so it is kept
encrypted (Fernet) with a key derived from SECRET_KEY: a copy of the database alone does not
reveal it, and after SECRET_KEY changes an admin enters it again.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from urllib.parse import urlsplit

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

from uprest.core.errors import ServiceError
from uprest.core.time import utcnow
from uprest.extensions import db
from uprest.i18n import _l
from uprest.xapi.models import ForwardingSettings

SETTINGS_ID = 1


@dataclass(frozen=True)
class Target:
    url: str
    key: str
    secret: str
    source: str  # "admin" or "environment"


def _fernet() -> Fernet:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"uprest lrs forwarding secret"
    ).derive(str(current_app.config["SECRET_KEY"]).encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def _decrypt(token: str) -> str | None:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:  # SECRET_KEY changed since it was saved
        return None


def saved() -> ForwardingSettings | None:
    return db.session.get(ForwardingSettings, SETTINGS_ID)


# Built once: asked on every stored batch (see clients._BY_KEY).
_SWITCH = sa.select(ForwardingSettings.is_enabled, ForwardingSettings.url).where(
    ForwardingSettings.id == SETTINGS_ID
)


def is_on() -> bool:
    """Whether new statements go to the outbox; asked once per stored batch, so it reads two
    columns and decrypts nothing."""
    row = db.session.execute(_SWITCH).first()
    if row is not None:
        return row.is_enabled and bool(row.url)
    return bool(current_app.config.get("UPREST_XAPI_FORWARD_URL"))


def target() -> Target | None:
    """Where to send now, with the credentials; None when forwarding is off (or the saved
    secret can no longer be read)."""
    row = saved()
    if row is not None:
        secret = _decrypt(row.secret_encrypted)
        if not row.is_enabled or not row.url or secret is None:
            return None
        return Target(row.url, row.key, secret, "admin")
    cfg = current_app.config
    if not cfg.get("UPREST_XAPI_FORWARD_URL"):
        return None
    return Target(
        cfg["UPREST_XAPI_FORWARD_URL"],
        cfg.get("UPREST_XAPI_FORWARD_KEY", ""),
        cfg.get("UPREST_XAPI_FORWARD_SECRET", ""),
        "environment",
    )


def secret_unreadable() -> bool:
    row = saved()
    return row is not None and _decrypt(row.secret_encrypted) is None


def masked(value: str) -> str:
    """Enough of a key to recognise it, never all of it."""
    if not value:
        return ""
    return value[: min(4, len(value) // 3)] + "…"


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ServiceError(
            _l("Enter the external LRS's address, starting with https:// (or http://)."),
            field="url",
        )
    if parts.username or parts.password:
        raise ServiceError(
            _l("Put the credentials in the key and secret fields, not in the address."),
            field="url",
        )
    if parts.query or parts.fragment:
        raise ServiceError(
            _l("The address of an LRS ends at its path (such as /xapi), without ? or #."),
            field="url",
        )


def save(*, is_enabled: bool, url: str, key: str | None, secret: str | None) -> ForwardingSettings:
    """Store the admin's settings; an empty ``key`` or ``secret`` keeps the one saved before
    (neither is shown back in full, so the form cannot send it again)."""
    row = saved()
    url = url.strip()
    key = (key or "").strip() or (row.key if row is not None else "")
    if url:
        _check_url(url)
    if is_enabled:
        if not url:
            raise ServiceError(_l("Forwarding needs the external LRS's address."), field="url")
        if not key:
            raise ServiceError(_l("Forwarding needs the key of the external LRS."), field="key")
        has_secret = bool(secret) or (
            row is not None and bool(row.secret_encrypted) and not secret_unreadable()
        )
        if not has_secret:
            raise ServiceError(
                _l("Forwarding needs the secret of the external LRS."), field="secret"
            )
    if row is None:
        row = ForwardingSettings(id=SETTINGS_ID, secret_encrypted="")
        db.session.add(row)
    row.is_enabled = is_enabled
    row.url = url
    row.key = key
    if secret:
        row.secret_encrypted = _fernet().encrypt(secret.encode()).decode()
    row.updated_at = utcnow()
    db.session.flush()
    return row


def use_environment() -> None:
    """Forget the admin's settings: the environment variables decide again."""
    row = saved()
    if row is not None:
        db.session.delete(row)
        db.session.flush()
