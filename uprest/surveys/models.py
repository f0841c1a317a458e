"""Tables for the competence framework, survey waves, responses and their ratings."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from uprest.accounts.models import Business, Municipality, Sector, SizeBand, User, _enum
from uprest.core.time import utcnow
from uprest.extensions import db
from uprest.i18n import get_locale

LEVELS = (1, 2, 3, 4, 5)


def localised(texts: dict[str, str], locale: str | None = None) -> str:
    """The text in the current (or given) locale, falling back to English."""
    locale = locale or str(get_locale() or "en")
    return texts.get(locale) or texts.get("en") or ""


class Framework(db.Model):
    """One version of a competence framework; a changed framework gets a new version."""

    __tablename__ = "uprest_frameworks"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32))
    version: Mapped[int]
    checksum: Mapped[str] = mapped_column(sa.String(64))
    titles: Mapped[dict] = mapped_column(sa.JSON)
    # {"1": {"en": "I don't know how", ...}, ...}: one scale for every competence.
    scale: Mapped[dict] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    areas: Mapped[list[CompetenceArea]] = relationship(
        back_populates="framework", order_by="CompetenceArea.position"
    )
    competences: Mapped[list[Competence]] = relationship(
        back_populates="framework", order_by="Competence.position"
    )

    __table_args__ = (sa.UniqueConstraint("code", "version"),)

    @property
    def title(self) -> str:
        return localised(self.titles)

    def level_label(self, level: int) -> str:
        return localised(self.scale[str(level)])


class CompetenceArea(db.Model):
    __tablename__ = "uprest_competence_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(
        sa.ForeignKey("uprest_frameworks.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(sa.String(16))
    position: Mapped[int]
    names: Mapped[dict] = mapped_column(sa.JSON)

    framework: Mapped[Framework] = relationship(back_populates="areas")
    competences: Mapped[list[Competence]] = relationship(
        back_populates="area", order_by="Competence.position"
    )

    __table_args__ = (sa.UniqueConstraint("framework_id", "code"),)

    @property
    def name(self) -> str:
        return localised(self.names)


class Competence(db.Model):
    __tablename__ = "uprest_competences"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(
        sa.ForeignKey("uprest_frameworks.id", ondelete="CASCADE"), index=True
    )
    area_id: Mapped[int] = mapped_column(
        sa.ForeignKey("uprest_competence_areas.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(sa.String(16), index=True)
    position: Mapped[int]
    source: Mapped[str] = mapped_column(sa.String(64))
    esco_uri: Mapped[str | None] = mapped_column(sa.String(200))
    names: Mapped[dict] = mapped_column(sa.JSON)
    descriptions: Mapped[dict] = mapped_column(sa.JSON)

    framework: Mapped[Framework] = relationship(back_populates="competences")
    area: Mapped[CompetenceArea] = relationship(back_populates="competences")

    __table_args__ = (sa.UniqueConstraint("framework_id", "code"),)

    @property
    def name(self) -> str:
        return localised(self.names)

    @property
    def description(self) -> str:
        return localised(self.descriptions)


class SurveyWave(db.Model):
    """A round of the survey, consortium-wide (no municipality) or for one municipality."""

    __tablename__ = "uprest_survey_waves"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(120))  # English, the source of translations
    # The title in other locales, {locale: title}; a missing one shows the English title.
    titles: Mapped[dict | None] = mapped_column(sa.JSON)
    framework_id: Mapped[int] = mapped_column(
        sa.ForeignKey("uprest_frameworks.id", ondelete="RESTRICT"), index=True
    )
    municipality_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("uprest_municipalities.id", ondelete="RESTRICT"), index=True
    )
    opens_on: Mapped[date]
    closes_on: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("uprest_users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    framework: Mapped[Framework] = relationship()
    municipality: Mapped[Municipality | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def display_title(self):
        """The title in the reader's language, or the English one (then marked as such)."""
        from uprest.courses.services import Text

        locale = str(get_locale() or "en")
        own = (self.titles or {}).get(locale)
        if own and own.strip():
            return Text.of(own, locale, False)
        return Text.of(self.title, "en", locale != "en")

    def title_completeness(self, locale: str) -> tuple[int, int]:
        """(translated, total) texts in ``locale``, as modules count theirs."""
        if locale == "en":
            return 1, 1
        return (1 if (self.titles or {}).get(locale, "").strip() else 0), 1

    def is_open_on(self, day: date) -> bool:
        return self.opens_on <= day <= self.closes_on

    def is_closed_on(self, day: date) -> bool:
        return day > self.closes_on


class BusinessResponse(db.Model):
    """The business part: the profile, then required proficiency and importance per competence."""

    __tablename__ = "uprest_business_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(
        sa.ForeignKey("uprest_survey_waves.id", ondelete="CASCADE")
    )
    business_id: Mapped[int] = mapped_column(
        sa.ForeignKey("uprest_businesses.id", ondelete="CASCADE"), index=True
    )
    answered_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("uprest_users.id", ondelete="SET NULL"), index=True
    )
    # The profile as answered, so breakdowns describe the business at the time of the wave.
    sector: Mapped[Sector] = mapped_column(_enum(Sector))
    size_band: Mapped[SizeBand] = mapped_column(_enum(SizeBand, 16))
    # Free text for the business itself; never shown in summaries or exports.
    comments: Mapped[str | None] = mapped_column(sa.Text)
    page: Mapped[int] = mapped_column(default=0)
    submitted_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    wave: Mapped[SurveyWave] = relationship()
    business: Mapped[Business] = relationship()
    ratings: Mapped[list[BusinessRating]] = relationship(
        back_populates="response", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (sa.UniqueConstraint("wave_id", "business_id"),)


class BusinessRating(db.Model):
    __tablename__ = "uprest_business_ratings"

    response_id: Mapped[int] = mapped_column(
        sa.ForeignKey("uprest_business_responses.id", ondelete="CASCADE"), primary_key=True
    )
    competence_id: Mapped[int] = mapped_column(
        sa.ForeignKey("uprest_competences.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    required: Mapped[int] = mapped_column(sa.SmallInteger)
    importance: Mapped[int | None] = mapped_column(sa.SmallInteger)

    response: Mapped[BusinessResponse] = relationship(back_populates="ratings")
    competence: Mapped[Competence] = relationship()


class SelfAssessment(db.Model):
    """A staff member's current proficiency per competence; personal data, erased with the user."""

    __tablename__ = "uprest_self_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(
        sa.ForeignKey("uprest_survey_waves.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("uprest_users.id", ondelete="CASCADE"), index=True
    )
    business_id: Mapped[int] = mapped_column(
        sa.ForeignKey("uprest_businesses.id", ondelete="CASCADE"), index=True
    )
    page: Mapped[int] = mapped_column(default=0)
    submitted_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    wave: Mapped[SurveyWave] = relationship()
    user: Mapped[User] = relationship()
    ratings: Mapped[list[SelfRating]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        sa.UniqueConstraint("wave_id", "user_id"),
        sa.Index("ix_uprest_self_assessments_wave_business", "wave_id", "business_id"),
    )


class SelfRating(db.Model):
    __tablename__ = "uprest_self_ratings"

    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("uprest_self_assessments.id", ondelete="CASCADE"), primary_key=True
    )
    competence_id: Mapped[int] = mapped_column(
        sa.ForeignKey("uprest_competences.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    current: Mapped[int] = mapped_column(sa.SmallInteger)

    assessment: Mapped[SelfAssessment] = relationship(back_populates="ratings")


class BusinessGap(db.Model):
    """Projection: one business's combined gap per competence in a wave.

    Rebuilt for a business whenever one of its submitted responses changes (``surveys.gaps``);
    ``current`` is the mean of its staff's submitted ratings, ``staff`` how many rated. The
    summaries read its sums per cell (``GapCell``, ``GapValue``), never its rows.
    """

    __tablename__ = "uprest_business_gaps"

    wave_id: Mapped[int] = mapped_column(
        sa.ForeignKey("uprest_survey_waves.id", ondelete="CASCADE"), primary_key=True
    )
    business_id: Mapped[int] = mapped_column(
        sa.ForeignKey("uprest_businesses.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    competence_id: Mapped[int] = mapped_column(
        sa.ForeignKey("uprest_competences.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    code: Mapped[str] = mapped_column(sa.String(16))
    municipality_id: Mapped[int] = mapped_column(
        sa.ForeignKey("uprest_municipalities.id", ondelete="CASCADE")
    )
    sector: Mapped[Sector] = mapped_column(_enum(Sector))
    size_band: Mapped[SizeBand] = mapped_column(_enum(SizeBand, 16))
    required: Mapped[int] = mapped_column(sa.SmallInteger)
    importance: Mapped[int | None] = mapped_column(sa.SmallInteger)
    current: Mapped[float] = mapped_column(sa.Float)
    gap: Mapped[float] = mapped_column(sa.Float)
    staff: Mapped[int]


class _CellKey:
    """The cell of a summary: a wave, a municipality, a sector, a size band and a competence."""

    # sort_order: the key leads the table and its primary key, whatever the subclass adds
    wave_id: Mapped[int] = mapped_column(
        sa.ForeignKey("uprest_survey_waves.id", ondelete="CASCADE"), primary_key=True, sort_order=-5
    )
    municipality_id: Mapped[int] = mapped_column(
        sa.ForeignKey("uprest_municipalities.id", ondelete="CASCADE"),
        primary_key=True,
        sort_order=-4,
    )
    sector: Mapped[Sector] = mapped_column(_enum(Sector), primary_key=True, sort_order=-3)
    size_band: Mapped[SizeBand] = mapped_column(
        _enum(SizeBand, 16), primary_key=True, sort_order=-2
    )
    code: Mapped[str] = mapped_column(sa.String(16), primary_key=True, sort_order=-1)


class GapCell(_CellKey, db.Model):
    """Projection: counts and sums of the ``business_gaps`` rows of one cell, for summaries.

    Additive, so a summary of any set of cells is a SUM over a few thousand rows at most; kept
    in step with ``business_gaps`` in the same transaction (``surveys.gap_cells``). A cell
    without businesses has no row.
    """

    __tablename__ = "uprest_gap_cells"

    businesses: Mapped[int]
    staff: Mapped[int]
    required_sum: Mapped[int]
    current_sum: Mapped[float] = mapped_column(sa.Float)
    gap_sum: Mapped[float] = mapped_column(sa.Float)
    # importance may be missing; its mean is over the businesses that gave one
    importance_sum: Mapped[int]
    importance_count: Mapped[int]
    # businesses with a gap of a whole level or more
    gapped: Mapped[int]
    # businesses that require each level of the scale (LEVELS), for answer distributions
    required_1: Mapped[int]
    required_2: Mapped[int]
    required_3: Mapped[int]
    required_4: Mapped[int]
    required_5: Mapped[int]


class GapValue(_CellKey, db.Model):
    """Projection: how many businesses of a cell have each gap value, for exact medians."""

    __tablename__ = "uprest_gap_values"

    gap: Mapped[float] = mapped_column(sa.Float, primary_key=True)
    businesses: Mapped[int]


class Part(enum.StrEnum):
    """The two parts of the survey."""

    BUSINESS = "business"
    SELF = "self"
