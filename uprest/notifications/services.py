"""Which notifications are due, derived from the data, and sending each exactly once.

Requests record nothing for notifications: enrolments, waves, learning events and certificates
are already stored, and the worker (``flask uprest send-notifications``) derives from them what
is due. The ledger (``uprest_notifications``) makes each (person, key) go out once, even when
two workers overlap; opt-outs (``uprest_notification_optouts``) are honoured before claiming.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.exc import IntegrityError

from uprest.accounts.models import Business, Role, User
from uprest.core.mailer import compose_mail
from uprest.core.time import utcnow
from uprest.courses.services import version_title
from uprest.extensions import db
from uprest.i18n import LOCALES
from uprest.learning.models import Enrolment, LearningEvent
from uprest.notifications.models import Notification, NotificationKind, NotificationOptOut
from uprest.surveys.models import BusinessResponse, SelfAssessment, SurveyWave

log = logging.getLogger(__name__)

_SALT = "uprest-notification-preferences"
# A claim not marked sent after this long belongs to a worker that died while sending.
STALE_CLAIM = timedelta(hours=1)


@dataclass
class Due:
    """A notification that should go out: to whom, what kind, about what, and what it says."""

    user: User
    kind: NotificationKind
    key: str
    context: dict = field(default_factory=dict)


# --- preferences -----------------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def preferences_token(user: User) -> str:
    """A signed link token: the preferences page opens from a mail without signing in."""
    return _serializer().dumps(user.id)


def user_from_preferences_token(token: str) -> User | None:
    try:
        user_id = _serializer().loads(token)
    except BadSignature:
        return None
    return db.session.get(User, user_id) if isinstance(user_id, int) else None


def opted_out(user: User) -> set[NotificationKind]:
    kinds = db.session.scalars(
        sa.select(NotificationOptOut.kind).where(NotificationOptOut.user_id == user.id)
    )
    return {NotificationKind(k) for k in kinds if k in NotificationKind.__members__.values()}


def set_preferences(user: User, wanted: set[NotificationKind]) -> None:
    """Turn on exactly the ``wanted`` kinds, every other kind off."""
    db.session.execute(sa.delete(NotificationOptOut).where(NotificationOptOut.user_id == user.id))
    for kind in NotificationKind:
        if kind not in wanted:
            db.session.add(NotificationOptOut(user_id=user.id, kind=kind.value))
    db.session.flush()


# --- what is due -----------------------------------------------------------------------------


def _settings() -> dict:
    cfg = current_app.config
    return {
        "lookback": timedelta(days=cfg["UPREST_NOTIFY_LOOKBACK_DAYS"]),
        "idle": timedelta(days=cfg["UPREST_NOTIFY_IDLE_DAYS"]),
        "closing": timedelta(days=cfg["UPREST_NOTIFY_CLOSING_DAYS"]),
    }


def recipient_locale(user: User) -> str:
    """The person's chosen language, else their municipality's, else English."""
    if user.locale in LOCALES:
        return user.locale
    place = user.home_municipality
    if place is not None and place.default_locale in LOCALES:
        return place.default_locale
    return "en"


def _module_context(enrolment: Enrolment) -> dict:
    locale = recipient_locale(enrolment.user)
    slug = enrolment.module.slug
    return {
        "module": str(version_title(enrolment.version, locale)),
        "link": url_for("uprest.learning.module", slug=slug, _external=True),
    }


def _enrolments(now: datetime, since: datetime) -> Iterator[Due]:
    query = (
        sa.select(Enrolment)
        .join(User, Enrolment.user_id == User.id)
        .where(User.is_enabled, Enrolment.started_at >= since)
        .order_by(Enrolment.id)
    )
    for enrolment in db.session.scalars(query):
        yield Due(
            enrolment.user,
            NotificationKind.ENROLLED,
            f"enrolled:{enrolment.id}",
            _module_context(enrolment),
        )


def _certificates(now: datetime, since: datetime) -> Iterator[Due]:
    query = (
        sa.select(Enrolment)
        .join(User, Enrolment.user_id == User.id)
        .where(
            User.is_enabled,
            Enrolment.certificate_code.is_not(None),
            Enrolment.completed_at >= since,
        )
        .order_by(Enrolment.id)
    )
    for enrolment in db.session.scalars(query):
        context = _module_context(enrolment)
        context["link"] = url_for(
            "uprest.learning.certificate", slug=enrolment.module.slug, _external=True
        )
        yield Due(
            enrolment.user, NotificationKind.CERTIFICATE, f"certificate:{enrolment.id}", context
        )


def _idle(now: datetime, idle: timedelta) -> Iterator[Due]:
    """Unfinished modules with no progress for ``idle``: one reminder per quiet stretch (the
    key holds the last activity, so progress and a new quiet stretch earn a new reminder)."""
    last_event = (
        sa.select(sa.func.max(LearningEvent.created_at))
        .where(LearningEvent.enrolment_id == Enrolment.id)
        .scalar_subquery()
    )
    last_activity = sa.func.coalesce(last_event, Enrolment.started_at)
    query = (
        sa.select(Enrolment, last_activity)
        .join(User, Enrolment.user_id == User.id)
        .where(User.is_enabled, Enrolment.completed_at.is_(None), last_activity <= now - idle)
        .order_by(Enrolment.id)
    )
    for enrolment, last in db.session.execute(query):
        if isinstance(last, str):  # SQLite hands back coalesce()'s datetime as text
            last = datetime.fromisoformat(last)
        context = _module_context(enrolment)
        context["days"] = (now - last).days
        yield Due(
            enrolment.user,
            NotificationKind.IDLE,
            f"idle:{enrolment.id}:{last:%Y%m%d%H%M%S}",
            context,
        )


def _respondents(wave: SurveyWave) -> list[User]:
    """Staff and managers of the businesses the wave reaches."""
    query = (
        sa.select(User)
        .join(Business, User.business_id == Business.id)
        .where(User.is_enabled, User.role.in_((Role.LEARNER, Role.MANAGER)))
        .order_by(User.id)
    )
    if wave.municipality_id is not None:
        query = query.where(Business.municipality_id == wave.municipality_id)
    return list(db.session.scalars(query))


def _finished(wave: SurveyWave, user: User) -> bool:
    """The person's own part is in, and for a manager the business part too."""
    own = db.session.scalar(
        sa.select(SelfAssessment.id).where(
            SelfAssessment.wave_id == wave.id,
            SelfAssessment.user_id == user.id,
            SelfAssessment.submitted_at.is_not(None),
        )
    )
    if own is None:
        return False
    if user.role is not Role.MANAGER:
        return True
    business = db.session.scalar(
        sa.select(BusinessResponse.id).where(
            BusinessResponse.wave_id == wave.id,
            BusinessResponse.business_id == user.business_id,
            BusinessResponse.submitted_at.is_not(None),
        )
    )
    return business is not None


def _waves(now: datetime, since: datetime, closing: timedelta) -> Iterator[Due]:
    today = now.date()
    open_waves = db.session.scalars(
        sa.select(SurveyWave)
        .where(SurveyWave.opens_on <= today, SurveyWave.closes_on >= today)
        .order_by(SurveyWave.id)
    )
    link = url_for("uprest.surveys.home", _external=True)
    for wave in open_waves:
        just_opened = wave.opens_on >= since.date()
        closing_soon = wave.closes_on <= today + closing
        if not (just_opened or closing_soon):
            continue
        context = {"wave": wave.title, "closes_on": wave.closes_on, "link": link}
        for user in _respondents(wave):
            if just_opened:
                yield Due(user, NotificationKind.WAVE_OPENED, f"wave-opened:{wave.id}", context)
            if closing_soon and not _finished(wave, user):
                yield Due(user, NotificationKind.WAVE_CLOSING, f"wave-closing:{wave.id}", context)


def due_notifications(now: datetime | None = None) -> list[Due]:
    """Everything due now that was not sent yet and that its recipient has not turned off."""
    now = now or utcnow()
    s = _settings()
    since = now - s["lookback"]
    candidates = [
        *_enrolments(now, since),
        *_waves(now, since, s["closing"]),
        *_idle(now, s["idle"]),
        *_certificates(now, since),
    ]
    if not candidates:
        return []
    user_ids = {due.user.id for due in candidates}
    taken = set(
        db.session.execute(
            sa.select(Notification.user_id, Notification.key).where(
                Notification.user_id.in_(user_ids)
            )
        )
    )
    off = set(
        db.session.execute(
            sa.select(NotificationOptOut.user_id, NotificationOptOut.kind).where(
                NotificationOptOut.user_id.in_(user_ids)
            )
        )
    )
    return [
        due
        for due in candidates
        if (due.user.id, due.key) not in taken and (due.user.id, due.kind.value) not in off
    ]


# --- sending ---------------------------------------------------------------------------------


def claim(due: Due) -> Notification | None:
    """Insert the ledger row and commit it; None when another worker (or an earlier run) has
    it already. The unique (user, key) constraint decides, on both engines."""
    notification = Notification(user_id=due.user.id, kind=due.kind.value, key=due.key)
    try:
        with db.session.begin_nested():
            db.session.add(notification)
    except IntegrityError:
        db.session.rollback()
        return None
    db.session.commit()
    return notification


def release_stale_claims(now: datetime | None = None) -> int:
    """Forget claims a dead worker left unsent, so the next run sends them."""
    cutoff = (now or utcnow()) - STALE_CLAIM
    result = db.session.execute(
        sa.delete(Notification).where(
            Notification.sent_at.is_(None), Notification.claimed_at < cutoff
        )
    )
    db.session.commit()
    return result.rowcount


def compose(due: Due):
    """The message in the recipient's language, with the preferences link in the body and in
    the List-Unsubscribe header (RFC 2369)."""
    preferences = url_for(
        "uprest.notifications.preferences", token=preferences_token(due.user), _external=True
    )
    message = compose_mail(
        to=due.user.email,
        locale=recipient_locale(due.user),
        subject_template=f"uprest/email/notify_{due.kind.value}_subject.txt",
        body_template=f"uprest/email/notify_{due.kind.value}_body.txt",
        user=due.user,
        preferences=preferences,
        **due.context,
    )
    message.extra_headers["List-Unsubscribe"] = f"<{preferences}>"
    return message


def send_due(
    now: datetime | None = None, progress=None, due: list[Due] | None = None
) -> tuple[int, int]:
    """Send every due notification once; returns (sent, failed). A message the mail server
    refuses gives its claim back, so the next run tries again. ``due`` is what the caller
    already found due, after releasing stale claims (another run may have sent some of it
    since: those are skipped)."""
    if due is None:
        release_stale_claims(now)
        due = due_notifications(now)
    connection = current_app.extensions["mailman"].get_connection()
    sent = failed = 0
    for item in due:
        if progress is not None:
            progress(item)
        notification = claim(item)
        if notification is None:
            continue
        try:
            message = compose(item)
            message.connection = connection
            message.send()
        except Exception:
            log.exception("notification %s to user %s failed", item.key, item.user.id)
            db.session.rollback()
            db.session.delete(db.session.merge(notification))
            db.session.commit()
            failed += 1
            continue
        notification.sent_at = utcnow()
        db.session.commit()
        sent += 1
    return sent, failed
