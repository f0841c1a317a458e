"""Tables for users, municipalities, businesses and staff invitations."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from uprest.core.time import utcnow
from uprest.extensions import db
from uprest.i18n import _l


class Role(enum.StrEnum):
    ADMIN = "admin"
    TRAINER = "trainer"
    REVIEWER = "reviewer"
    MANAGER = "manager"
    LEARNER = "learner"

    @property
    def label(self):
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.TRAINER: _l("Trainer"),
    Role.REVIEWER: _l("Municipality reviewer"),
    Role.MANAGER: _l("Business manager"),
    Role.LEARNER: _l("Learner"),
}


class Sector(enum.StrEnum):
    ACCOMMODATION = "accommodation"
    FOOD_AND_BEVERAGE = "food_beverage"
    TOUR_OPERATORS = "tour_operators"
    ATTRACTIONS = "attractions_culture"
    TRANSPORT = "transport"
    EVENTS = "events"

    @property
    def label(self):
        return SECTOR_LABELS[self]


SECTOR_LABELS = {
    Sector.ACCOMMODATION: _l("Accommodation"),
    Sector.FOOD_AND_BEVERAGE: _l("Food and beverage"),
    Sector.TOUR_OPERATORS: _l("Tour operators and travel agencies"),
    Sector.ATTRACTIONS: _l("Attractions and culture"),
    Sector.TRANSPORT: _l("Transport"),
    Sector.EVENTS: _l("Events"),
}


class SizeBand(enum.StrEnum):
    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"

    @property
    def label(self):
        return SIZE_LABELS[self]


SIZE_LABELS = {
    SizeBand.MICRO: _l("Micro (fewer than 10 people)"),
    SizeBand.SMALL: _l("Small (10 to 49 people)"),
    SizeBand.MEDIUM: _l("Medium (50 to 249 people)"),
}


def _enum(cls: type[enum.Enum], length: int = 32) -> sa.Enum:
    return sa.Enum(
        cls,
        native_enum=False,
        length=length,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class Municipality(db.Model):
    __tablename__ = "uprest_municipalities"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    country: Mapped[str] = mapped_column(sa.String(2))
    default_locale: Mapped[str] = mapped_column(sa.String(8))

    businesses: Mapped[list[Business]] = relationship(back_populates="municipality")

    def __repr__(self) -> str:
        return f"<Municipality {self.slug}>"


class Business(db.Model):
    __tablename__ = "uprest_businesses"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    sector: Mapped[Sector] = mapped_column(_enum(Sector))
    size_band: Mapped[SizeBand] = mapped_column(_enum(SizeBand, 16))
    municipality_id: Mapped[int] = mapped_column(
        sa.ForeignKey("uprest_municipalities.id", ondelete="RESTRICT"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Confirmed as a real local business by an administrator or the municipality's reviewer:
    # only then do its answers count in summaries (a self-registered business could be made
    # up to push a group over the threshold and subtract its own answers).
    confirmed_at: Mapped[datetime | None]

    municipality: Mapped[Municipality] = relationship(back_populates="businesses")
    staff: Mapped[list[User]] = relationship(
        back_populates="business", order_by="User.display_name"
    )
    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="business", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (sa.UniqueConstraint("municipality_id", "name"),)

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def __repr__(self) -> str:
        return f"<Business {self.id} {self.name!r}>"


class User(UserMixin, db.Model):
    __tablename__ = "uprest_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    # Whether the user chose ``locale`` (profile, language switch, login page), rather than it
    # being the language they happened to register in: a choice on the login page replaces
    # only the latter.
    is_locale_chosen: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    role: Mapped[Role] = mapped_column(_enum(Role, 16), default=Role.LEARNER)
    municipality_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("uprest_municipalities.id", ondelete="RESTRICT"), index=True
    )
    business_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("uprest_businesses.id", ondelete="SET NULL"), index=True
    )
    is_enabled: Mapped[bool] = mapped_column(default=True)
    # Changing this token logs out every session of the user (Flask-Login's alternative id).
    session_token: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    municipality: Mapped[Municipality | None] = relationship()
    business: Mapped[Business | None] = relationship(back_populates="staff")

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.is_enabled

    @property
    def home_municipality(self) -> Municipality | None:
        """The municipality the user belongs to, through their role or business."""
        if self.municipality is not None:
            return self.municipality
        return self.business.municipality if self.business is not None else None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"


class Invitation(db.Model):
    """A single-use, expiring link (or, for staff without e-mail, a printed code) that lets
    someone join a business as staff."""

    __tablename__ = "uprest_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    business_id: Mapped[int] = mapped_column(
        sa.ForeignKey("uprest_businesses.id", ondelete="CASCADE"), index=True
    )
    # None for a code invitation: the person has no e-mail address, the code is printed instead.
    email: Mapped[str | None] = mapped_column(sa.String(254))
    # The name printed on a code invitation, so the manager hands each sheet to the right person.
    name: Mapped[str | None] = mapped_column(sa.String(120))
    # The contact of an imported business joins it as its manager, not as staff.
    is_for_manager: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("uprest_users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]

    business: Mapped[Business] = relationship(back_populates="invitations")
    invited_by: Mapped[User | None] = relationship()

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.expires_at > utcnow()

    @property
    def is_code(self) -> bool:
        return self.email is None


class PrivacyConsent(db.Model):
    """The person accepted this version of the privacy notice at this time (GDPR art. 7(1))."""

    __tablename__ = "uprest_privacy_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("uprest_users.id", ondelete="CASCADE"), index=True
    )
    notice_version: Mapped[str] = mapped_column(sa.String(20))
    consented_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
