"""Issuing, signing, revoking and verifying credentials; erasure revokes them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC

import jwt
import sqlalchemy as sa
from flask import current_app, has_request_context, url_for

from uprest.accounts.signals import account_erasing, personal_data_export
from uprest.core.errors import ServiceError
from uprest.core.time import utcnow
from uprest.courses.models import Module, ModuleCompetence, ModuleVersion
from uprest.credentials import achievements, keys, status
from uprest.credentials.models import Credential
from uprest.extensions import db
from uprest.i18n import _l, get_locale
from uprest.learning.models import Enrolment, PathEnrolment
from uprest.xapi.services import iris, statement_for, vocabulary

# Issuing --------------------------------------------------------------------------------------


def issue(enrolment: Enrolment) -> list[dict]:
    """The credential for a completed module; returns its xAPI record (earned, and mastered for
    each competence the learner has now reached the module's target level in) for the caller to
    store in the batch of the completion."""
    credential = Credential(enrolment=enrolment, locale=str(get_locale() or "en"))
    db.session.add(credential)
    db.session.flush()
    user = enrolment.user
    statements = [
        statement_for(
            user=user,
            verb="earned",
            activity=credential_url(credential),
            activity_type=vocabulary.BADGE_TYPE,
            name=dict(_titles(enrolment)),
            registration=enrolment.uuid,
            parent=iris.build(iris.Kind.MODULE, enrolment.module.slug),
        )
    ]
    statements += [
        statement_for(
            user=user,
            verb="mastered",
            activity=achievement["esco"] or iris.build(iris.Kind.COMPETENCE, achievement["code"]),
            activity_type=vocabulary.OBJECTIVE_TYPE,
            name=achievement["names"],
            result={"score": {"raw": achievement["level"], "min": 1, "max": 5}, "success": True},
            parent=iris.build(iris.Kind.MODULE, enrolment.module.slug),
        )
        for achievement in _competences_reached(enrolment)
    ]
    return statements


def issue_for_path(path_enrolment: PathEnrolment) -> list[dict]:
    """The credential for a completed path; returns its ``earned`` statement (see ``issue``)."""
    credential = Credential(path_enrolment=path_enrolment, locale=str(get_locale() or "en"))
    db.session.add(credential)
    db.session.flush()
    path = path_enrolment.path
    titles = {
        locale: text["title"]
        for locale, text in (path.document.get("text") or {}).items()
        if text.get("title")
    }
    return [
        statement_for(
            user=path_enrolment.user,
            verb="earned",
            activity=credential_url(credential),
            activity_type=vocabulary.BADGE_TYPE,
            name=titles or None,
            registration=path_enrolment.uuid,
            parent=iris.build(iris.Kind.PATH, path.slug),
        )
    ]


def for_path_enrolment(path_enrolment: PathEnrolment) -> Credential | None:
    return db.session.scalar(
        sa.select(Credential).where(Credential.path_enrolment_id == path_enrolment.id)
    )


def _titles(enrolment: Enrolment):
    for locale, text in (enrolment.version.outline.get("text") or {}).items():
        if text.get("title"):
            yield locale, text["title"]


def _competences_reached(enrolment: Enrolment) -> list[dict]:
    """Competences whose target level this module reaches and no earlier completion had."""
    earlier = db.session.execute(
        sa.select(ModuleCompetence.code, sa.func.max(ModuleCompetence.level))
        .join(Enrolment, Enrolment.version_id == ModuleCompetence.version_id)
        .where(
            Enrolment.user_id == enrolment.user_id,
            Enrolment.completed_at.is_not(None),
            Enrolment.id != enrolment.id,
        )
        .group_by(ModuleCompetence.code)
    )
    before = dict(earlier.all())
    return [
        item
        for item in achievements.competences(enrolment.version, "en")
        if before.get(item["code"], 0) < item["level"]
    ]


def credential_url(credential: Credential) -> str:
    if has_request_context() or current_app.config.get("SERVER_NAME"):
        return url_for("uprest.credentials.show", uuid=credential.uuid, _external=True)
    return f"urn:uuid:{credential.uuid}"


def for_enrolment(enrolment: Enrolment) -> Credential | None:
    return db.session.scalar(sa.select(Credential).where(Credential.enrolment_id == enrolment.id))


def get(uuid: str) -> Credential | None:
    if not isinstance(uuid, str) or len(uuid) != 36:
        return None
    return db.session.scalar(sa.select(Credential).where(Credential.uuid == uuid))


def module_version(module: Module, number: int) -> ModuleVersion | None:
    return db.session.scalar(
        sa.select(ModuleVersion).where(
            ModuleVersion.module_id == module.id, ModuleVersion.number == number
        )
    )


def _held_by(user):
    """The credentials earned in the user's module and path enrolments."""
    return sa.or_(
        Credential.enrolment_id.in_(sa.select(Enrolment.id).where(Enrolment.user_id == user.id)),
        Credential.path_enrolment_id.in_(
            sa.select(PathEnrolment.id).where(PathEnrolment.user_id == user.id)
        ),
    )


def for_user(user) -> list[Credential]:
    return list(
        db.session.scalars(sa.select(Credential).where(_held_by(user)).order_by(Credential.id))
    )


# Signing --------------------------------------------------------------------------------------


def status_url(list_number: int) -> str:
    return url_for("uprest.credentials.status_list", number=list_number, _external=True)


def document(credential: Credential) -> dict:
    if credential.holding is None:
        raise ServiceError(_l("This credential was withdrawn with its holder's account."))
    number, index = status.place(credential.id)
    return achievements.credential_document(credential, status_url(number), index)


def _sign(payload: dict) -> str:
    return jwt.encode(
        payload,
        keys.private_key(),
        algorithm="EdDSA",
        headers={"kid": keys.kid(), "typ": "JWT"},
    )


def signed(credential: Credential) -> str:
    """VC-JWT as Open Badges 3.0 describes it: the credential is the payload, with the
    registered claims iss, jti, nbf and sub beside it."""
    body = document(credential)
    claims = {
        "iss": body["issuer"]["id"],
        "jti": body["id"],
        "nbf": int(credential.issued_at.replace(tzinfo=UTC).timestamp()),
        "sub": body["credentialSubject"]["id"],
    }
    return _sign(body | claims)


def revoked_indexes(list_number: int) -> list[int]:
    low = list_number * status.LIST_SIZE
    ids = db.session.scalars(
        sa.select(Credential.id).where(
            Credential.revoked_at.is_not(None),
            Credential.id >= low,
            Credential.id < low + status.LIST_SIZE,
        )
    )
    return [found - low for found in ids]


def status_list_document(list_number: int) -> dict:
    url = status_url(list_number)
    return {
        "@context": [achievements.VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": keys.issuer_did(),
        "validFrom": achievements._iso(utcnow()),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": status.encode(revoked_indexes(list_number)),
        },
    }


def signed_status_list(list_number: int) -> str:
    body = status_list_document(list_number)
    return _sign(body | {"iss": body["issuer"], "jti": body["id"]})


# Revoking -------------------------------------------------------------------------------------


def revoke(credential: Credential) -> bool:
    """Set the credential's status bit; False when it was already revoked."""
    if credential.revoked_at is not None:
        return False
    credential.revoked_at = utcnow()
    db.session.flush()
    return True


@account_erasing.connect
def revoke_with_account(user) -> None:
    """The rows stay as an id and a status bit; the enrolment (and name) go with the account."""
    db.session.execute(
        sa.update(Credential)
        .where(_held_by(user), Credential.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )


@personal_data_export.connect
def export_credentials(user):
    return "credentials", [
        {"id": credential.uuid, "issued_at": credential.issued_at.isoformat()}
        for credential in for_user(user)
    ]


# Verifying ------------------------------------------------------------------------------------


@dataclass
class Verification:
    """What a check found: ``state`` is valid, revoked or invalid."""

    state: str
    message: object
    credential: Credential | None = None
    document: dict | None = None


def _invalid(message) -> Verification:
    return Verification("invalid", message)


def verify(token: str) -> Verification:
    """Check a VC-JWT: our key signed it, it is an Open Badges credential, and its status bit."""
    token = (token or "").strip()
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        return _invalid(_l("This is not a signed credential."))
    try:
        public = keys.public_key()
    except ServiceError as error:
        return _invalid(error.message)
    kid = str(header.get("kid", ""))
    # Without an address (the CLI with no SERVER_NAME) our DID is unknown: the key decides.
    ours = kid == keys.kid() if keys.knows_address() else kid.endswith("#" + keys.KEY_NAME)
    if header.get("alg") != "EdDSA" or not ours:
        return _invalid(_l("This credential was not signed by this issuer."))
    try:
        payload = jwt.decode(
            token,
            public,
            algorithms=["EdDSA"],
            options={"require": ["iss", "jti", "nbf", "sub"], "verify_aud": False},
        )
    except jwt.PyJWTError:
        return _invalid(_l("The signature does not match: the credential was altered."))
    if (
        "OpenBadgeCredential" not in (payload.get("type") or [])
        or payload.get("issuer", {}).get("id") != payload["iss"]
        or kid.split("#")[0] != payload["iss"]
    ):
        return _invalid(_l("This is not an Open Badges credential."))
    return _check_status(payload)


def _check_status(payload: dict) -> Verification:
    entry = payload.get("credentialStatus") or {}
    credential = _credential_of(payload)
    try:
        index = int(entry.get("statusListIndex", ""))
        number = int(str(entry.get("statusListCredential", "")).rstrip("/").rsplit("/", 1)[-1])
    except ValueError:
        return _invalid(_l("The credential names no status list of this issuer."))
    if credential is None or status.place(credential.id) != (number, index):
        return _invalid(_l("The credential names no status list of this issuer."))
    encoded = status.encode(revoked_indexes(number))
    if status.is_set(encoded, index):
        return Verification("revoked", _l("This credential has been revoked."), credential, payload)
    return Verification("valid", _l("This credential is genuine and valid."), credential, payload)


def _credential_of(payload: dict) -> Credential | None:
    identifier = str(payload.get("id", ""))
    return get(identifier.rstrip("/").rsplit("/", 1)[-1])


def verify_record(credential: Credential) -> Verification:
    """The status of a credential looked up by its id (the QR code on the printed certificate)."""
    number, index = status.place(credential.id)
    if status.is_set(status.encode(revoked_indexes(number)), index):
        return Verification("revoked", _l("This credential has been revoked."), credential)
    return Verification("valid", _l("This credential is genuine and valid."), credential)


def token_from_upload(data: bytes) -> str:
    """The compact JWS in a .jwt file, a baked PNG or SVG badge; ServiceError otherwise."""
    from uprest.credentials import baking

    if data.startswith(baking.PNG_SIGNATURE):
        return baking.read_png(data)
    text = data.decode("utf-8", errors="replace").strip()
    if text.startswith("<"):
        return baking.read_svg(data)
    if text.startswith("{"):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict) and isinstance(parsed.get("proof"), dict | list):
            raise ServiceError(_l("Only credentials signed as a JWT can be checked here."))
        raise ServiceError(
            _l("This JSON file carries no signature: upload the .jwt file or the badge image.")
        )
    return text
