"""A person's notification choices and the notifications sent to them, in their data export.

Erasure needs no receiver: both tables cascade with the user row.
"""

import sqlalchemy as sa

from uprest.accounts.signals import personal_data_export
from uprest.extensions import db
from uprest.notifications.models import Notification, NotificationOptOut


@personal_data_export.connect
def export_notification_choices(user):
    kinds = db.session.scalars(
        sa.select(NotificationOptOut.kind)
        .where(NotificationOptOut.user_id == user.id)
        .order_by(NotificationOptOut.kind)
    )
    return "notifications_turned_off", list(kinds)


@personal_data_export.connect
def export_notifications(user):
    rows = db.session.scalars(
        sa.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    )
    return "notifications_sent", [
        {
            "kind": row.kind,
            "about": row.key,
            "sent_at": row.sent_at.isoformat() + "Z" if row.sent_at else None,
        }
        for row in rows
    ]
