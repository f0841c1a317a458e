"""The shipped curriculum in courses/: valid, complete in every language, covering the framework."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from uprest.courses import document as doc
from uprest.courses import package, pathdoc
from uprest.courses import services as course_services
from uprest.courses.models import CoursePath, ModuleVersion
from uprest.extensions import db
from uprest.i18n import LOCALES
from uprest.surveys import framework as fw

SHIPPED = Path(__file__).resolve().parent.parent / "courses"
NEW_MODULES = ("ai-tools-foundation", "ai-tools-advanced", "green-mindset")


@pytest.fixture
def shipped(app):
    with app.app_context():
        modules, paths, problems = package.read_tree(SHIPPED)
    assert [str(p) for p in problems] == []
    return {m["module"]["slug"]: m for m in modules}, {p["path"]["slug"]: p for p in paths}


@pytest.mark.nodb
def test_every_shipped_module_is_complete_in_every_language(shipped):
    modules, paths = shipped
    assert set(NEW_MODULES) <= set(modules)
    for slug, module in modules.items():
        assert doc.complete_locales(module) == dict.fromkeys(LOCALES, 100), slug
    for slug, path in paths.items():
        assert set(path["text"]) == set(LOCALES), slug


@pytest.mark.nodb
def test_new_modules_are_translated_not_copied(shipped):
    """A translation that is the English text again would count as complete; it isn't."""
    modules, _paths = shipped
    for slug in NEW_MODULES:
        module = modules[slug]
        english = module["text"]["en"]
        for locale in LOCALES[1:]:
            text = module["text"][locale]
            assert text["title"] != english["title"], (slug, locale)
            for key in doc.text_keys(module["module"]):
                value, source = doc.get_in(text, key), doc.get_in(english, key)
                if isinstance(source, str) and len(source) > 12:
                    assert value != source, (slug, locale, key)
            for lesson, body in module["bodies"][locale].items():
                assert body != module["bodies"]["en"][lesson], (slug, locale, lesson)


@pytest.mark.nodb
def test_every_framework_competence_is_trained_by_a_shipped_module(shipped):
    modules, _paths = shipped
    framework = fw.read_framework()
    codes = [c["code"] for area in framework["areas"] for c in area["competences"]]
    trained = {c["code"] for m in modules.values() for c in m["module"]["competences"]}
    assert [code for code in codes if code not in trained] == []
    assert trained <= set(codes)  # no module tags a code the framework lacks


@pytest.mark.nodb
def test_the_ai_modules_come_in_order_and_limit_retries(shipped):
    modules, paths = shipped
    entries = {e.module: e for e in pathdoc.entries(paths["ai-for-tourism"])}
    assert entries["ai-tools-foundation"].after == ()
    assert entries["ai-tools-advanced"].after == ("ai-tools-foundation",)
    for slug in NEW_MODULES:
        quiz = modules[slug]["module"]["quiz"]
        assert quiz.get("max_attempts") or quiz.get("cooldown_minutes"), slug
    assert {c["code"] for c in modules["ai-tools-advanced"]["module"]["competences"]} >= {"DIG-08"}
    green = {c["code"] for c in modules["green-mindset"]["module"]["competences"]}
    assert {"GCM-01", "GCM-02"} <= green


def test_import_courses_loads_the_shipped_curriculum(runner):
    result = runner.invoke(args=["uprest", "import-courses", str(SHIPPED)])
    assert result.exit_code == 0, result.output
    for slug in NEW_MODULES:
        version = course_services.latest_version(course_services.get_module(slug))
        assert version is not None and version.is_latest
        assert {row.locale: row.percent for row in version.locales} == dict.fromkeys(LOCALES, 100)
    assert db.session.scalar(sa.select(CoursePath).where(CoursePath.slug == "ai-for-tourism"))
    again = runner.invoke(args=["uprest", "import-courses", str(SHIPPED)])
    assert again.exit_code == 0 and "0 created, 0 updated" in again.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ModuleVersion)) == len(
        list(SHIPPED.glob("*/module.yaml"))
    )
