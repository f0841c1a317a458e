"""A completed path as an Open Badges Achievement: its modules, hours and competences."""

from __future__ import annotations

from flask import url_for
from flask_babel import format_decimal

from uprest.courses import services as course_services
from uprest.credentials import achievements
from uprest.i18n import LOCALES, _, force_locale


def _texts(path, locale: str) -> tuple[str, str]:
    texts = path.document.get("text") or {}
    own = texts.get(locale) or texts.get("en") or next(iter(texts.values()), {})
    title = own.get("title") or path.slug
    return title, own.get("description") or title


def path_locales(path) -> list[str]:
    texts = path.document.get("text") or {}
    return [locale for locale in LOCALES if (texts.get(locale) or {}).get("title")]


def achievement_id(path, locale: str) -> str:
    return url_for(
        "uprest.credentials.path_achievement", slug=path.slug, lang=locale, _external=True
    )


def _parts(path, locale: str) -> tuple[list[str], float, list[dict]]:
    """The path's modules (titles), their hours together, and each competence at its highest
    target level across them."""
    versions = course_services.latest_versions(path.module_slugs)
    titles, best = [], {}
    for slug in path.module_slugs:
        if slug in versions:
            titles.append(achievements._texts(versions[slug], locale)[0])
            for item in achievements.competences(versions[slug], locale):
                if item["level"] > best.get(item["code"], {"level": 0})["level"]:
                    best[item["code"]] = item
    minutes = course_services.path_minutes(path, versions)
    return titles, round(minutes / 60, 1), [best[code] for code in sorted(best)]


def achievement(path, locale: str) -> dict:
    title, summary = _texts(path, locale)
    modules, hours, found = _parts(path, locale)
    with force_locale(locale):
        narrative = _(
            "Complete every required module of the path: %(modules)s. Estimated study time: "
            "%(hours)s hours.",
            modules=", ".join(modules),
            hours=format_decimal(hours),
        )
    return {
        "id": achievement_id(path, locale),
        "type": ["Achievement"],
        "achievementType": "LearningProgram",
        "name": title,
        "description": summary,
        "criteria": {"narrative": narrative},
        "alignment": [achievements._alignment(item) for item in found],
        "humanCode": path.slug,
        "inLanguage": locale,
        "tag": [item["code"] for item in found],
        "creator": achievements.issuer_profile(),
        "related": achievements._related(
            [achievement_id(path, other) for other in path_locales(path)],
            path_locales(path),
            locale,
        ),
    }


def facts(path_enrolment, locale: str) -> dict:
    path = path_enrolment.path
    modules, hours, found = _parts(path, locale)
    return {
        "registration": path_enrolment.uuid,
        "name": path_enrolment.user.display_name,
        "title": _texts(path, locale)[0],
        "hours": hours,
        "competences": found,
        "modules": modules,
        "achievement": lambda: achievement(path, locale),
    }
