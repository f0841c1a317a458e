"""Tables for modules (an editable draft and immutable published versions) and paths."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from uprest.accounts.models import User
from uprest.core.time import utcnow
from uprest.extensions import db


class Module(db.Model):
    """A module's identity and its working draft (a document, see ``courses/document.py``)."""

    __tablename__ = "uprest_course_modules"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    draft: Mapped[dict] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    versions: Mapped[list[ModuleVersion]] = relationship(
        back_populates="module", order_by="ModuleVersion.number"
    )

    def __repr__(self) -> str:
        return f"<Module {self.slug}>"


class ModuleVersion(db.Model):
    """A published, immutable snapshot; learners stay on the version they started."""

    __tablename__ = "uprest_course_module_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(
        sa.ForeignKey("uprest_course_modules.id", ondelete="RESTRICT"), index=True
    )
    number: Mapped[int]
    is_latest: Mapped[bool] = mapped_column(default=True, index=True)
    default_language: Mapped[str] = mapped_column(sa.String(8))
    estimated_minutes: Mapped[int]
    # Titles, summaries and lesson slugs, so lists never load the whole document.
    outline: Mapped[dict] = mapped_column(sa.JSON)
    content: Mapped[dict] = deferred(mapped_column(sa.JSON, nullable=False))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("uprest_users.id", ondelete="SET NULL"), index=True
    )

    module: Mapped[Module] = relationship(back_populates="versions")
    competences: Mapped[list[ModuleCompetence]] = relationship(
        cascade="all, delete-orphan", order_by="ModuleCompetence.code"
    )
    locales: Mapped[list[ModuleLocale]] = relationship(cascade="all, delete-orphan")

    __table_args__ = (sa.UniqueConstraint("module_id", "number"),)

    @property
    def slug(self) -> str:
        return self.module.slug

    def __repr__(self) -> str:
        return f"<ModuleVersion {self.module_id} v{self.number}>"


class ModuleCompetence(db.Model):
    """A competence code of the UPREST framework that a version trains, and the target level."""

    __tablename__ = "uprest_course_module_competences"

    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("uprest_course_module_versions.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(sa.String(16), primary_key=True, index=True)
    level: Mapped[int]


class ModuleLocale(db.Model):
    """How much of a version is translated into a locale (100 = complete)."""

    __tablename__ = "uprest_course_module_locales"

    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("uprest_course_module_versions.id", ondelete="CASCADE"), primary_key=True
    )
    locale: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    percent: Mapped[int]


class CoursePath(db.Model):
    """An ordered set of modules with prerequisites (a document, see ``courses/pathdoc.py``)."""

    __tablename__ = "uprest_course_paths"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    document: Mapped[dict] = mapped_column(sa.JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def module_slugs(self) -> list[str]:
        return [item["module"] for item in self.document["path"]["modules"]]

    def __repr__(self) -> str:
        return f"<CoursePath {self.slug}>"


class Cmi5Package(db.Model):
    """An uploaded cmi5 package (``courses/cmi5_package.py``); never changed, so a published
    version that points at it keeps working. Its AUs become lesson steps of the module."""

    __tablename__ = "uprest_cmi5_packages"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey(Module.id, ondelete="CASCADE"), index=True)
    course_id: Mapped[str] = mapped_column(sa.String(2048))  # the course IRI in cmi5.xml
    structure: Mapped[str] = mapped_column(sa.Text)  # cmi5.xml as uploaded
    archive: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary))  # None: external AUs
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey(User.id, ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
