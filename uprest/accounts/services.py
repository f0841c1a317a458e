"""Rules for user accounts: registration, sign-in, passwords, profile, export and erasure."""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from uprest.accounts.models import Business, Invitation, Municipality, PrivacyConsent, Role, User
from uprest.accounts.signals import account_erasing, business_closing, personal_data_export
from uprest.core.errors import ServiceError
from uprest.core.time import utcnow
from uprest.extensions import db
from uprest.i18n import LOCALES, _l

MIN_PASSWORD_LENGTH = 10
# The version of the privacy notice (templates/uprest/home/privacy.html) that people accept;
# change it whenever the notice changes in substance.
PRIVACY_NOTICE_VERSION = "2026-12-05"


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["UPREST_ARGON2_TIME_COST"], memory_cost=cfg["UPREST_ARGON2_MEMORY_KIB"]
    )


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_email(email: str) -> str:
    """The normalised address, or a refusal when it is not a valid e-mail address."""
    try:
        validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError:
        raise ServiceError(_l("Enter a valid e-mail address."), field="email") from None
    return normalise_email(email)


def hash_password(password: str) -> str:
    """Argon2id: memory-hard, so stolen hashes are expensive to crack."""
    return _hasher().hash(password)


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(
            _l("Use at least %(n)d characters for the password.", n=MIN_PASSWORD_LENGTH),
            field="password",
        )


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def create_user(
    *,
    email: str,
    display_name: str,
    password: str,
    role: Role = Role.LEARNER,
    locale: str | None = None,
    municipality: Municipality | None = None,
    business: Business | None = None,
) -> User:
    """Create an account; the role's binding (municipality, business) is checked here."""
    email = check_email(email)
    if not display_name.strip():
        raise ServiceError(_l("This field is required."), field="display_name")
    if get_user_by_email(email) is not None:
        raise ServiceError(_l("An account with this e-mail address already exists."), field="email")
    check_password_rules(password)
    if locale is not None and locale not in LOCALES:
        raise ServiceError(_l("This language is not available."), field="locale")
    user = User(
        email=email,
        display_name=display_name.strip(),
        password_hash=hash_password(password),
        locale=locale,
        role=role,
        session_token=secrets.token_hex(16),
    )
    assign_role(user, role=role, municipality=municipality, business=business)
    db.session.add(user)
    db.session.flush()
    return user


def record_consent(user: User) -> PrivacyConsent:
    """The user accepted the current privacy notice now (GDPR art. 7(1): consent is provable)."""
    consent = PrivacyConsent(user=user, notice_version=PRIVACY_NOTICE_VERSION)
    db.session.add(consent)
    db.session.flush()
    return consent


def register(*, email: str, display_name: str, password: str, locale: str | None) -> User | None:
    """A new learner with their consent, or None when the address already has an account.

    The caller answers both alike, so the form can't be used to probe addresses; the same
    password-hashing work is done either way.
    """
    existing = get_user_by_email(check_email(email))
    if existing is not None:
        check_password_rules(password)
        hash_password(password)  # as long as a new registration takes
        return None
    user = create_user(email=email, display_name=display_name, password=password, locale=locale)
    record_consent(user)
    return user


def assign_role(
    user: User,
    *,
    role: Role,
    municipality: Municipality | None = None,
    business: Business | None = None,
) -> None:
    """A reviewer needs a municipality, a manager a business; other roles carry neither binding."""
    if role is Role.REVIEWER and municipality is None:
        raise ServiceError(
            _l("A municipality reviewer needs a municipality."), field="municipality"
        )
    if role is Role.MANAGER and business is None:
        raise ServiceError(_l("A business manager needs a business."), field="business")
    user.role = role
    user.municipality = municipality if role is Role.REVIEWER else None
    user.business = business if role in (Role.MANAGER, Role.LEARNER) else None


def verify_password(user: User, password: str) -> bool:
    try:
        return _hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(email: str, password: str) -> User | None:
    """The user whose password matches, or None; spends the same effort for unknown e-mails."""
    user = get_user_by_email(email)
    hasher = _hasher()
    if user is None:
        hasher.hash(password)  # keep timing similar, so e-mail addresses can't be probed
        return None
    if not verify_password(user, password) or not user.is_enabled:
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    user.last_login_at = utcnow()
    return user


def set_password(user: User, password: str) -> None:
    """New password; every other session of the user ends."""
    check_password_rules(password)
    user.password_hash = hash_password(password)
    end_sessions(user)


def end_sessions(user: User) -> None:
    """A new session token: every session and remember-me cookie issued before stops working.

    Both cookies carry ``get_id()``, which includes the token, and ``load_user`` compares it, so
    a copied cookie is worthless once the user signs out or changes the password.
    """
    user.session_token = secrets.token_hex(16)


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: the id carries the session token, so rotated tokens log out."""
    raw_id, _, token = user_id.partition(":")
    if not raw_id.isdigit():
        return None
    user = db.session.get(User, int(raw_id))
    if user is None or not token or not secrets.compare_digest(user.session_token, token):
        return None
    return user


def stand_in_user(email: str) -> User:
    """A transient user (never added to the session) to do a known address's work for an unknown."""
    return User(
        email=normalise_email(email),
        display_name="",
        password_hash=_STAND_IN_HASH,
        session_token="",
        locale=None,
    )


# Shaped like a real Argon2 hash, so a stand-in's reset token costs what a real one does.
_STAND_IN_HASH = "$argon2id$v=19$m=65536,t=3,p=4$" + "A" * 22 + "$" + "A" * 43


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="uprest-password-reset")


def _password_fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def password_reset_token(user: User) -> str:
    """A signed token that stops working once the password changes, so it is single-use."""
    return _reset_serializer().dumps({"u": user.id, "p": _password_fingerprint(user)})


def user_from_reset_token(token: str) -> User | None:
    return _user_from_token(_reset_serializer(), token, current_app.config["UPREST_RESET_MAX_AGE"])


def _setup_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="uprest-account-setup")


def account_setup_token(user: User) -> str:
    """For an account an administrator created: the link to choose a password, valid as long
    as an invitation, single-use like a reset link (the password it sets changes the hash)."""
    return _setup_serializer().dumps({"u": user.id, "p": _password_fingerprint(user)})


def user_from_setup_token(token: str) -> User | None:
    days = current_app.config["UPREST_INVITATION_DAYS"]
    return _user_from_token(_setup_serializer(), token, days * 86400)


def _user_from_token(serializer: URLSafeTimedSerializer, token: str, max_age: int) -> User | None:
    try:
        data = serializer.loads(token, max_age=max_age)
    except BadSignature:
        return None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or not secrets.compare_digest(_password_fingerprint(user), data.get("p", "")):
        return None
    return user


def update_profile(user: User, *, display_name: str, locale: str | None) -> None:
    if locale is not None and locale not in LOCALES:
        raise ServiceError(_l("This language is not available."), field="locale")
    user.display_name = display_name.strip()
    user.locale = locale
    user.is_locale_chosen = locale is not None


def choose_locale(user: User, locale: str) -> None:
    """An explicit choice of language by a signed-in user (the language switch)."""
    user.locale = locale
    user.is_locale_chosen = True


def adopt_login_locale(user: User, locale: str | None) -> None:
    """At sign-in, the language chosen on the login page is kept, unless the user had chosen
    one before (in the profile or with the switch while signed in)."""
    if locale in LOCALES and not user.is_locale_chosen:
        choose_locale(user, locale)


def export_user_data(user: User) -> dict:
    """Everything stored about the user, for the right of access (GDPR art. 15 and 20)."""
    invitations = db.session.scalars(
        sa.select(Invitation).where(Invitation.invited_by_id == user.id).order_by(Invitation.id)
    )
    data = {
        "format": "uprest-personal-data/1",
        "exported_at": utcnow().isoformat() + "Z",
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "locale": user.locale,
            "is_locale_chosen": user.is_locale_chosen,
            "role": user.role.value,
            "is_enabled": user.is_enabled,
            "created_at": user.created_at.isoformat() + "Z",
            "last_login_at": user.last_login_at.isoformat() + "Z" if user.last_login_at else None,
        },
        "municipality": user.municipality.name if user.municipality else None,
        "business": (
            {"name": user.business.name, "municipality": user.business.municipality.name}
            if user.business
            else None
        ),
        "privacy_consents": [
            {"notice_version": c.notice_version, "consented_at": c.consented_at.isoformat() + "Z"}
            for c in db.session.scalars(
                sa.select(PrivacyConsent)
                .where(PrivacyConsent.user_id == user.id)
                .order_by(PrivacyConsent.id)
            )
        ],
        "invitations_received": [
            {
                "business": inv.business.name,
                "created_at": inv.created_at.isoformat() + "Z",
                "accepted": inv.accepted_at is not None,
            }
            for inv in db.session.scalars(
                sa.select(Invitation).where(Invitation.email == user.email).order_by(Invitation.id)
            )
        ],
        "invitations_sent": [
            {
                "email": inv.email,
                "name": inv.name,
                "created_at": inv.created_at.isoformat() + "Z",
                "accepted": inv.accepted_at is not None,
            }
            for inv in invitations
        ],
    }
    for _receiver, (section, value) in personal_data_export.send(user):
        data[section] = value
    return data


def delete_account(user: User) -> None:
    """Erase the user's personal data; a manager must hand over a business that has staff.

    Other domains erase what they hold through ``account_erasing`` and ``business_closing``."""
    business = user.business
    if user.role is Role.MANAGER and business is not None:
        others = [s for s in business.staff if s.id != user.id]
        if others and not any(s.role is Role.MANAGER for s in others):
            raise ServiceError(
                _l(
                    "Make another staff member a manager of %(business)s before deleting your "
                    "account.",
                    business=business.name,
                )
            )
        if not others:
            business_closing.send(business)
            db.session.delete(business)
    account_erasing.send(user)
    # Invitations addressed to the user, and unused ones they sent, hold personal data too.
    db.session.execute(
        sa.delete(Invitation).where(
            sa.or_(
                Invitation.email == user.email,
                sa.and_(Invitation.invited_by_id == user.id, Invitation.accepted_at.is_(None)),
            )
        )
    )
    db.session.delete(user)
    db.session.flush()
