"""Tables for notifications sent (the once-only ledger) and the kinds a person turned off."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from uprest.accounts.models import User
from uprest.core.time import utcnow
from uprest.extensions import db
from uprest.i18n import _l


class NotificationKind(enum.StrEnum):
    ENROLLED = "enrolled"
    WAVE_OPENED = "wave_opened"
    WAVE_CLOSING = "wave_closing"
    IDLE = "idle"
    CERTIFICATE = "certificate"

    @property
    def label(self):
        return KIND_LABELS[self]


KIND_LABELS = {
    NotificationKind.ENROLLED: _l("When I am enrolled in a module"),
    NotificationKind.WAVE_OPENED: _l("When a skill-gap survey opens for me"),
    NotificationKind.WAVE_CLOSING: _l("A reminder before a survey I have not finished closes"),
    NotificationKind.IDLE: _l("A reminder when I have not continued a module for a while"),
    NotificationKind.CERTIFICATE: _l("When I earn a certificate"),
}


class Notification(db.Model):
    """One notification for one person, claimed by the worker that sends it.

    The unique (user, key) pair is the claim: of two workers running at once, only the one
    whose insert lands sends the message, and no later run sends it again.
    """

    __tablename__ = "uprest_notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey(User.id, ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(24))
    # What the notification is about, e.g. "enrolment:12" or "wave-closing:3".
    key: Mapped[str] = mapped_column(sa.String(120))
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    __table_args__ = (sa.UniqueConstraint("user_id", "key"),)


class NotificationOptOut(db.Model):
    """The person asked not to get this kind of notification."""

    __tablename__ = "uprest_notification_optouts"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey(User.id, ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(sa.String(24), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
