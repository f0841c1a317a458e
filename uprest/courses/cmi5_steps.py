"""A cmi5 package becomes lesson steps of a module: one step per AU, in the package's order."""

from __future__ import annotations

from uprest.accounts.models import User
from uprest.courses import cmi5_package, draft, services
from uprest.courses.cmi5_package import Au
from uprest.courses.document import lessons
from uprest.courses.models import Cmi5Package, Module
from uprest.extensions import db

STEP_MINUTES = 15  # until the trainer says otherwise on the lesson page


def _in_language(texts: dict[str, str], language: str) -> str:
    """The text in the module's language (``sv`` matches ``sv-SE``), else the first one."""
    for tag, text in texts.items():
        if tag.split("-")[0].lower() == language and text:
            return text
    return next((text for text in texts.values() if text), "")


def _free_slug(document: dict, package: Cmi5Package, index: int) -> str:
    taken = {lesson["slug"] for lesson in lessons(document["module"])}
    slug = f"cmi5-{package.id}-{index + 1}"
    while slug in taken:
        slug += "-x"
    return slug


def add_package(module: Module, data: bytes, *, user: User | None) -> Cmi5Package:
    """Check the upload (``cmi5_package.read_package``), keep it and add its AUs as lesson
    steps of the module's draft; raises ``PackageError`` and changes nothing if it is refused."""
    course = cmi5_package.read_package(data)
    package = Cmi5Package(
        module_id=module.id,
        course_id=course.id,
        structure=course.xml,
        archive=None if data.lstrip()[:1] == b"<" else data,
        uploaded_by_id=user.id if user is not None else None,
    )
    db.session.add(package)
    db.session.flush()
    document = services.working_copy(module)
    language = draft.default_language(document)
    for index, au in enumerate(course.aus):
        _add_step(document, package, index, au, course.id, language)
    services.save_draft(module, document)
    return package


def _add_step(document, package, index: int, au: Au, course_id: str, language: str) -> None:
    slug = _free_slug(document, package, index)
    title = _in_language(au.title, language) or slug
    draft.add_lesson(document, slug=slug, minutes=STEP_MINUTES, title=title[:200])
    document["module"]["lessons"][-1]["cmi5"] = au.as_step(package.id, index, course_id)
    draft.set_body(document, language, slug, _in_language(au.description, language) or title)
