"""``emit``: the app's own learning events become statements through the same path as the API."""

from __future__ import annotations

import uuid
from functools import cache

from flask import has_request_context

from uprest.extensions import db
from uprest.i18n import LOCALES, _l, force_locale, get_locale
from uprest.xapi import store, vocabulary
from uprest.xapi.iris import base_iri, resolve
from uprest.xapi.models import Statement

VERBS = {
    # i18n: xAPI verb names, shown in the statement viewer and sent to other LRSs
    "registered": _l("registered"),
    "launched": _l("launched"),
    "experienced": _l("experienced"),
    "answered": _l("answered"),
    "completed": _l("completed"),
    "passed": _l("passed"),
    "failed": _l("failed"),
    "progressed": _l("progressed"),
    "earned": _l("earned"),
    "mastered": _l("mastered"),
}


LANGUAGE_TAGS = {"en": "en-GB", "sv": "sv-SE", "it": "it-IT", "lv": "lv-LV", "et": "et-EE"}


def actor_for(user) -> dict:
    """Pseudonymous: an account id, never a name or e-mail, so forwarded records hold no PII."""
    return {"objectType": "Agent", "account": {"homePage": base_iri(), "name": f"user-{user.id}"}}


def verb_display(verb: str) -> dict:
    return dict(_verb_display(verb))


@cache
def _verb_display(verb: str) -> dict:
    """The verb's name in every language (the catalogues don't change while the app runs)."""
    names = {}
    for locale in LOCALES:
        with force_locale(locale):
            names[LANGUAGE_TAGS[locale]] = str(VERBS[verb])
    return names


def statement_for(
    *,
    user,
    verb: str,
    activity: str,
    name: dict[str, str] | None = None,
    activity_type: str | None = None,
    registration: str | uuid.UUID | None = None,
    result: dict | None = None,
    parent: str | None = None,
    extensions: dict | None = None,
) -> dict:
    """The statement the app makes about ``user``, ready for ``emit_many``."""
    if verb not in VERBS:
        raise ValueError(f"unknown verb {verb!r}")
    definition = {}
    if name:
        definition["name"] = {LANGUAGE_TAGS.get(k, k): v for k, v in name.items()}
    if activity_type:
        definition["type"] = activity_type
    obj = {"objectType": "Activity", "id": resolve(activity)}
    if definition:
        obj["definition"] = definition
    locale = str(get_locale() or "en") if has_request_context() else "en"
    context = {"language": LANGUAGE_TAGS.get(locale, locale), "platform": "UPREST Learning"}
    if registration:
        context["registration"] = str(registration)
    if parent:
        context["contextActivities"] = {"parent": [{"id": resolve(parent)}]}
    if extensions:
        context["extensions"] = extensions
    statement = {
        "id": str(uuid.uuid4()),
        "actor": actor_for(user),
        "verb": {"id": vocabulary.APP_VERBS[verb], "display": verb_display(verb)},
        "object": obj,
        "context": context,
    }
    if result:
        statement["result"] = result
    return statement


def emit_many(user, statements: list[dict]) -> list[int]:
    """Store the app's statements about ``user`` as one batch (one write, one projection);
    they are validated like any statement from outside. Returns their row ids, in order."""
    writer = store.Writer(
        authority={
            "objectType": "Agent",
            "name": "UPREST Learning",
            "account": {"homePage": base_iri(), "name": "uprest"},
        },
        user_id=user.id,
    )
    written = store.store_statements(
        statements, version="2.0.0", writer=writer, new_ids=True
    ).stored
    return [item.pk for item in written]


def emit(*, user, **statement) -> Statement:
    """Store one statement about ``user`` (see ``statement_for`` for the arguments)."""
    [pk] = emit_many(user, [statement_for(user=user, **statement)])
    return db.session.get(Statement, pk)
