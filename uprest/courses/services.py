"""Rules for modules and paths in the database: drafts, publishing versions, paths, lists.

The public face of courses: other domains import only this module (and ``models``); what they
build on from the rest (learning follows paths, shows and scores content in the learner's
language) is re-exported here (``import x as x``), so the rest of courses stays internal.
"""

from __future__ import annotations

import copy

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import selectinload

from uprest.accounts.models import User
from uprest.core.errors import ServiceError
from uprest.core.time import utcnow
from uprest.courses import document as doc
from uprest.courses import pathdoc
from uprest.courses.cmi5_package import read_file as read_package_file  # noqa: F401 (re-exported)
from uprest.courses.document import CHOICE_TYPES as CHOICE_TYPES
from uprest.courses.document import get_in as get_in
from uprest.courses.document import questions as questions
from uprest.courses.localise import Localised as Localised
from uprest.courses.localise import Text as Text
from uprest.courses.localise import outline_text as outline_text
from uprest.courses.markdown import render_markdown as render_markdown
from uprest.courses.models import CoursePath, Module, ModuleCompetence, ModuleLocale, ModuleVersion
from uprest.courses.pathdoc import entries as path_entries  # noqa: F401 (re-exported)
from uprest.courses.pathdoc import path_text as path_text
from uprest.courses.paths import PathEntry as PathEntry
from uprest.courses.paths import is_complete as is_path_complete  # noqa: F401 (re-exported)
from uprest.courses.paths import next_step as next_path_step  # noqa: F401 (re-exported)
from uprest.courses.paths import ordered as ordered_entries  # noqa: F401 (re-exported)
from uprest.courses.paths import unmet as unmet_prerequisites  # noqa: F401 (re-exported)
from uprest.courses.validation import validate_document
from uprest.extensions import db
from uprest.i18n import LOCALES, _l

MAX_LISTED_PROBLEMS = 8


def get_module(slug: str) -> Module | None:
    return db.session.scalar(sa.select(Module).where(Module.slug == slug))


def get_path(slug: str) -> CoursePath | None:
    return db.session.scalar(sa.select(CoursePath).where(CoursePath.slug == slug))


def get_module_or_404(slug: str) -> Module:
    """A module by slug; who may see it is decided by the blueprint (authoring or learning)."""
    return get_module(slug) or abort(404)


def version_title(version: ModuleVersion, locale: str) -> Text:
    """The version's title in ``locale``, else in the module's default language."""
    return outline_text(version.outline, locale, version.default_language)["title"]


def get_path_or_404(slug: str) -> CoursePath:
    return get_path(slug) or abort(404)


def latest_version(module: Module) -> ModuleVersion | None:
    return db.session.scalar(
        sa.select(ModuleVersion).where(
            ModuleVersion.module_id == module.id, ModuleVersion.is_latest.is_(True)
        )
    )


def latest_versions(slugs: list[str] | None = None) -> dict[str, ModuleVersion]:
    """The published version of each module (by slug), competences loaded, in one query."""
    query = (
        sa.select(ModuleVersion)
        .join(Module)
        .where(ModuleVersion.is_latest.is_(True))
        .options(
            selectinload(ModuleVersion.competences),
            selectinload(ModuleVersion.locales),
            sa.orm.contains_eager(ModuleVersion.module),
        )
    )
    if slugs is not None:
        query = query.where(Module.slug.in_(slugs))
    return {v.module.slug: v for v in db.session.scalars(query)}


def list_modules() -> list[tuple[Module, ModuleVersion | None]]:
    """Every module with its latest published version (None for a draft never published)."""
    versions = {v.module_id: v for v in latest_versions().values()}
    modules = db.session.scalars(sa.select(Module).order_by(Module.slug))
    return [(m, versions.get(m.id)) for m in modules]


def list_paths() -> list[CoursePath]:
    return list(db.session.scalars(sa.select(CoursePath).order_by(CoursePath.slug)))


def untranslated_locales(module: Module) -> list[str]:
    """The locales of ``module``'s draft with any string or lesson not yet translated."""
    missing = []
    for code in LOCALES:
        done, total = doc.completeness(module.draft, code)
        if done < total:
            missing.append(code)
    return missing


def has_unpublished_changes(module: Module, version: ModuleVersion | None) -> bool:
    return version is None or module.updated_at > version.published_at


# -- modules --------------------------------------------------------------------------------------


def create_module(*, slug: str, default_language: str, title: str, minutes: int) -> Module:
    slug = slug.strip().lower()
    if not doc.SLUG.match(slug):
        raise ServiceError(
            _l("The slug may hold only lower-case letters, digits and hyphens."), field="slug"
        )
    if get_module(slug) is not None:
        raise ServiceError(_l("A module with this slug already exists."), field="slug")
    if default_language not in LOCALES:
        raise ServiceError(_l("This language is not available."), field="default_language")
    module = Module(
        slug=slug, draft=doc.empty_document(slug, default_language, title.strip(), minutes)
    )
    db.session.add(module)
    db.session.flush()
    return module


def working_copy(module: Module) -> dict:
    """A deep copy of the draft to change; ``save_draft`` stores it."""
    return copy.deepcopy(module.draft)


def save_draft(module: Module, document: dict) -> None:
    module.draft = document
    module.updated_at = utcnow()
    db.session.flush()


def problems_message(problems: list) -> object:
    shown = "; ".join(str(p) for p in problems[:MAX_LISTED_PROBLEMS])
    return _l("This cannot be published yet: %(problems)s", problems=shown)


def publish(module: Module, *, user: User | None = None) -> ModuleVersion:
    """Snapshot the draft as the next immutable version; refused while the draft has problems."""
    problems = validate_document(module.draft)
    if problems:
        raise ServiceError(problems_message(problems))
    previous = latest_version(module)
    if previous is not None and previous.content == module.draft:
        raise ServiceError(
            _l("Nothing has changed since version %(number)s.", number=previous.number)
        )
    return _add_version(module, copy.deepcopy(module.draft), previous, user)


def _add_version(module, content: dict, previous, user) -> ModuleVersion:
    if previous is not None:
        previous.is_latest = False
        db.session.flush()  # one latest version at any moment
    structure = content["module"]
    version = ModuleVersion(
        module=module,
        number=(previous.number + 1) if previous else 1,
        is_latest=True,
        default_language=structure["default_language"],
        estimated_minutes=structure["estimated_minutes"],
        outline=doc.outline(content),
        content=content,
        published_at=utcnow(),
        published_by_id=user.id if user else None,
        competences=[
            ModuleCompetence(code=c["code"], level=c["level"]) for c in structure["competences"]
        ],
        locales=[
            ModuleLocale(locale=code, percent=percent)
            for code, percent in doc.complete_locales(content).items()
        ],
    )
    db.session.add(version)
    db.session.flush()
    return version


def import_module(content: dict) -> str:
    """Load a validated package: 'created', 'updated' (a new version) or 'unchanged'."""
    slug = content["module"]["slug"]
    module = get_module(slug)
    if module is None:
        module = Module(slug=slug, draft=copy.deepcopy(content))
        db.session.add(module)
        db.session.flush()
        _add_version(module, content, None, None)
        return "created"
    previous = latest_version(module)
    if previous is not None and previous.content == content:
        if module.draft != content:
            save_draft(module, copy.deepcopy(content))
        return "unchanged"
    save_draft(module, copy.deepcopy(content))
    _add_version(module, content, previous, None)
    return "updated"


def export_document(module: Module) -> dict:
    """What ``export-course`` writes: the latest published version, else the draft."""
    version = latest_version(module)
    return version.content if version is not None else module.draft


# -- paths ----------------------------------------------------------------------------------------


def check_path_modules(document: dict, known: set[str]) -> list:
    """Path entries must name modules that exist (published or in the same import)."""
    missing = [
        slug for slug in (i["module"] for i in document["path"]["modules"]) if slug not in known
    ]
    return [
        doc.Problem(
            f"paths/{document['path']['slug']}.yaml",
            _l("There is no module “%(module)s”.", module=slug),
        )
        for slug in missing
    ]


def published_slugs() -> set[str]:
    return set(
        db.session.scalars(
            sa.select(Module.slug).join(ModuleVersion).where(ModuleVersion.is_latest.is_(True))
        )
    )


def save_path(document: dict, path: CoursePath | None = None) -> CoursePath:
    """Create or replace a path; refused with a clear message when its rules are broken."""
    problems = pathdoc.validate_path_document(document)
    problems += check_path_modules(document, published_slugs())
    if problems:
        raise ServiceError(problems[0].message)
    slug = document["path"]["slug"]
    existing = get_path(slug)
    if existing is not None and (path is None or existing.id != path.id):
        raise ServiceError(_l("A path with this slug already exists."), field="slug")
    if path is None:
        path = CoursePath(slug=slug, document=document)
        db.session.add(path)
    else:
        path.slug = slug
        path.document = document
        path.updated_at = utcnow()
    db.session.flush()
    return path


def import_path(document: dict) -> str:
    path = get_path(document["path"]["slug"])
    if path is None:
        db.session.add(CoursePath(slug=document["path"]["slug"], document=document))
        db.session.flush()
        return "created"
    if path.document == document:
        return "unchanged"
    path.document = document
    path.updated_at = utcnow()
    db.session.flush()
    return "updated"


def path_minutes(path: CoursePath, versions: dict[str, ModuleVersion]) -> int:
    return sum(versions[s].estimated_minutes for s in path.module_slugs if s in versions)


def module_competence_tags() -> list[tuple[str, str, int, str]]:
    """(slug, competence code, target level, title in the reader's language) of the latest
    published versions, for the survey's recommendations (one query). The title is a ``Text``,
    so a page can mark one shown in another language."""
    from uprest.courses.localise import outline_text
    from uprest.i18n import get_locale

    locale = str(get_locale() or "en")
    versions = db.session.scalars(
        sa.select(ModuleVersion)
        .where(ModuleVersion.is_latest.is_(True))
        .options(selectinload(ModuleVersion.competences), selectinload(ModuleVersion.module))
    )
    tags = []
    for version in versions:
        title = outline_text(version.outline, locale, version.default_language)["title"]
        for competence in version.competences:
            tags.append((version.module.slug, competence.code, competence.level, title))
    return tags
