"""The activity IRIs of the app's own modules, lessons, quizzes, paths, surveys, competences
and cmi5 AUs: built and parsed here only, so what the emitter writes the projection reads back.

An IRI is a base and a path such as ``modules/<slug>/lessons/<lesson>``. The base is
UPREST_XAPI_ACTIVITY_BASE, else ``<this site>/xapi/activities/``, else (no site address, e.g.
the CLI) ``urn:uprest:activities:``. Statements already stored keep the base they were written
with, so ``parse`` accepts all three forms, the site's under any host name: the host is only
the one the request came in on, and the enrolment's registration and its writer, not the IRI,
decide whose progress a statement may move (``learning.trust``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import StrEnum
from typing import NamedTuple

from flask import current_app, has_app_context, has_request_context, url_for

URN_BASE = "urn:uprest:activities:"
SITE_PATH = "/xapi/activities/"


class Kind(StrEnum):
    MODULE = "module"
    LESSON = "lesson"
    QUIZ = "quiz"
    QUESTION = "question"
    PATH = "path"
    SELF_ASSESSMENT = "self-assessment"
    BUSINESS_SURVEY = "business-survey"
    COMPETENCE = "competence"
    CMI5_AU = "cmi5-au"


# The path under the base of each kind, one ``{}`` per identifier. Never change one: stored
# statements carry these IRIs.
TEMPLATES = {
    Kind.MODULE: "modules/{}",
    Kind.LESSON: "modules/{}/lessons/{}",
    Kind.QUIZ: "modules/{}/quiz",
    Kind.QUESTION: "modules/{}/quiz/{}",
    Kind.PATH: "paths/{}",
    Kind.SELF_ASSESSMENT: "surveys/waves/{}/self-assessment",
    Kind.BUSINESS_SURVEY: "surveys/waves/{}/business/{}",
    Kind.COMPETENCE: "competences/{}",
    Kind.CMI5_AU: "cmi5/packages/{}/aus/{}",
}
# An identifier is one path segment: no slash, percent escape, query, fragment, space or
# control character (slugs, question ids and competence codes never have them).
_SEGMENT = r"[^/?#%\s\x00-\x1f\x7f]+"
_PATTERNS = {
    kind: re.compile(f"({_SEGMENT})".join(re.escape(part) for part in template.split("{}")))
    for kind, template in TEMPLATES.items()
}
_SITE = re.compile(r"https?://[^/?#\s]+(?:/[^?#\s]*)?")


class Activity(NamedTuple):
    """What an app's activity IRI names: its kind and identifiers, in the template's order."""

    kind: Kind
    ids: tuple[str, ...]


def base_iri() -> str:
    """Where new activity IRIs live (also the home page of the app's own agent accounts)."""
    configured = current_app.config.get("UPREST_XAPI_ACTIVITY_BASE")
    if configured:
        return configured.rstrip("/") + "/"
    if has_request_context() or current_app.config.get("SERVER_NAME"):
        return url_for("uprest.home.index", _external=True).rstrip("/") + SITE_PATH
    return URN_BASE


def build(kind: Kind, *ids: object) -> str:
    """The IRI of the ``kind`` activity with these identifiers (slugs, ids), under the base."""
    parts = [str(value) for value in ids]
    if len(parts) != TEMPLATES[kind].count("{}"):
        raise ValueError(f"{kind} takes {TEMPLATES[kind].count('{}')} identifiers")
    for part in parts:
        if not re.fullmatch(_SEGMENT, part):
            raise ValueError(f"{part!r} cannot be part of an activity IRI")
    return base_iri() + TEMPLATES[kind].format(*parts)


def resolve(activity: str) -> str:
    """An IRI as it is, a path (``modules/x``) under the base: what ``emit`` takes."""
    if "://" in activity or activity.startswith("urn:"):
        return activity
    return base_iri() + activity.lstrip("/")


def _paths(iri: str) -> Iterator[str]:
    """What follows each base the app may have written this IRI under."""
    configured = has_app_context() and current_app.config.get("UPREST_XAPI_ACTIVITY_BASE")
    for base in (configured.rstrip("/") + "/" if configured else None, URN_BASE):
        if base and iri.startswith(base):
            yield iri[len(base) :]
    site, found, rest = iri.rpartition(SITE_PATH)
    if found and _SITE.fullmatch(site):
        yield rest


def parse(iri: object) -> Activity | None:
    """The kind and identifiers of one of the app's own activity IRIs; None for any other."""
    for path in _paths(iri) if isinstance(iri, str) else ():
        for kind, pattern in _PATTERNS.items():
            if found := pattern.fullmatch(path):
                return Activity(kind, found.groups())
    return None
