"""Launching cmi5 AUs from a module's lesson steps (cmi5 Quartz §8, §10) and the LMS's own
statements: launched, abandoned, waived, satisfied.

A launch writes ``LMS.LaunchData``, records ``launched`` and gives the AU a URL with
``endpoint``, ``fetch``, ``actor``, ``registration`` (the enrolment) and ``activityId``. The
fetch URL answers once with a short-lived LRS token (``xapi.tokens``) for that learner,
registration and AU; the AU's statements are then checked by ``learning.cmi5_rules``.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Callable
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import current_app

from uprest.core.errors import ServiceError
from uprest.core.time import utcnow
from uprest.extensions import db
from uprest.i18n import _l
from uprest.learning import cmi5_rules as rules
from uprest.learning.models import Cmi5Session, Enrolment
from uprest.xapi import services as lrs
from uprest.xapi.models import AccessToken, LrsClient
from uprest.xapi.services import actor_for, agent_key, emit_many, iris, vocabulary

CLIENT_NAME = "cmi5 launches (UPREST)"


def steps(enrolment: Enrolment) -> dict[str, dict]:
    """The cmi5 lesson steps of the enrolled version, by lesson slug."""
    lessons = enrolment.version.content["module"].get("lessons") or []
    return {item["slug"]: item["cmi5"] for item in lessons if isinstance(item.get("cmi5"), dict)}


def activity_for(step: dict) -> str:
    """The AU's activity id: made by the LMS, never the publisher's id (cmi5 §8.1.5), the same
    for every launch and registration."""
    return iris.build(iris.Kind.CMI5_AU, step["package"], step["index"])


def _client() -> LrsClient:
    """The LRS client that launch tokens act as; trusted (its tokens name only their learner),
    and its own secret is thrown away, so only tokens can use it."""
    client = db.session.scalar(
        sa.select(LrsClient).where(LrsClient.name == CLIENT_NAME, LrsClient.is_active.is_(True))
    )
    if client is None:
        client, _secret = lrs.create_client(
            name=CLIENT_NAME, scopes=["read", "write"], is_trusted=True
        )
    return client


def _context(session: Cmi5Session, step: dict, *, moveon: bool = False) -> dict:
    categories = [{"id": vocabulary.CMI5_CATEGORY}]
    if moveon:
        categories.append({"id": vocabulary.MOVEON_CATEGORY})
    return {
        "registration": session.enrolment.uuid,
        "contextActivities": {"grouping": [{"id": step["au"]}], "category": categories},
        "extensions": {vocabulary.SESSION_ID: session.session_id},
    }


def _lms_statement(session, step, verb: str, *, result=None, obj=None, moveon=False) -> dict:
    """A statement the LMS makes about the learner in this session (cmi5 §9.3)."""
    statement = {
        "id": str(uuid.uuid4()),
        "actor": actor_for(session.enrolment.user),
        "verb": {"id": verb, "display": {"en-US": vocabulary.verb_name(verb)}},
        "object": obj or {"objectType": "Activity", "id": session.au_id},
        "context": _context(session, step, moveon=moveon),
    }
    if result:
        statement["result"] = result
    return statement


def launch_data(token: AccessToken) -> dict:
    """The LMS.LaunchData a token's AU was launched with (keyed as the launch wrote it)."""
    found = lrs.get_document(
        "state",
        "LMS.LaunchData",
        activity_id=token.activity_id,
        agent_key=token.agent_key,
        registration=token.registration,
    )
    return lrs.json_loads(found.content) if found is not None else {}


def _write_launch_data(session: Cmi5Session, step: dict, return_url: str) -> None:
    data = {
        "contextTemplate": {
            "contextActivities": {"grouping": [{"id": step["au"]}]},
            "extensions": {vocabulary.SESSION_ID: session.session_id},
        },
        "launchMode": "Normal",
        "moveOn": step["moveOn"],
        "returnURL": return_url,
    }
    if "masteryScore" in step:
        data["masteryScore"] = step["masteryScore"]
    if "launchParameters" in step:
        data["launchParameters"] = step["launchParameters"]
    if "entitlementKey" in step:
        data["entitlementKey"] = {"courseStructure": step["entitlementKey"]}
    lrs.save_document(
        "state",
        "LMS.LaunchData",
        content=lrs.json_dumps(data).encode(),
        content_type="application/json",
        merge=False,
        headerless_conflict=False,
        activity_id=session.au_id,
        agent_key=agent_key(actor_for(session.enrolment.user)),
        registration=session.enrolment.uuid,
    )


def _open_sessions(enrolment: Enrolment) -> list[Cmi5Session]:
    return list(
        db.session.scalars(
            sa.select(Cmi5Session).where(
                Cmi5Session.enrolment_id == enrolment.id,
                Cmi5Session.terminated_at.is_(None),
                Cmi5Session.abandoned_at.is_(None),
            )
        )
    )


def _abandon(session: Cmi5Session, step: dict) -> None:
    """cmi5 §9.3.6: a launch in the same registration ends an open session as abandoned."""
    session.abandoned_at = utcnow()
    if session.token_id is not None:
        lrs.revoke_token(db.session.get(AccessToken, session.token_id))
    emit_many(session.enrolment.user, [_lms_statement(session, step, vocabulary.ABANDONED)])


def launch(
    enrolment: Enrolment,
    lesson: str,
    *,
    endpoint: str,
    fetch_url: Callable[[str], str],
    file_url: Callable[[int, str], str],
    return_url: str,
) -> str:
    """Start an AU session and return the URL that launches the AU."""
    by_lesson = steps(enrolment)
    step = by_lesson.get(lesson)
    if step is None:
        raise ServiceError(_l("This lesson has no cmi5 content to launch."))
    for old in _open_sessions(enrolment):
        _abandon(old, by_lesson.get(old.lesson, step))
    code = secrets.token_urlsafe(32)
    session = Cmi5Session(
        enrolment=enrolment,
        lesson=lesson,
        au_id=activity_for(step),
        fetch_hash=hashlib.sha256(code.encode()).hexdigest(),
    )
    db.session.add(session)
    db.session.flush()
    _write_launch_data(session, step, return_url)
    launched = _lms_statement(session, step, vocabulary.LAUNCHED)
    launched["object"]["definition"] = {"type": vocabulary.AU_TYPE}
    launched["context"]["extensions"].update(
        {vocabulary.LAUNCH_MODE: "Normal", vocabulary.MOVE_ON: step["moveOn"]}
    )
    if "masteryScore" in step:
        launched["context"]["extensions"][vocabulary.MASTERY_SCORE] = step["masteryScore"]
    emit_many(enrolment.user, [launched])
    url = step["url"] if "://" in step["url"] else file_url(step["package"], step["url"])
    query = urlencode(
        {
            "endpoint": endpoint,
            "fetch": fetch_url(code),
            "actor": lrs.json_dumps(actor_for(enrolment.user)),
            "registration": enrolment.uuid,
            "activityId": session.au_id,
        }
    )
    return url + ("&" if "?" in url else "?") + query


def fetch(code: str) -> dict:
    """The fetch URL's answer (cmi5 §8.2): a token the first time, an error after."""
    session = db.session.scalar(
        sa.select(Cmi5Session).where(
            Cmi5Session.fetch_hash == hashlib.sha256(code.encode()).hexdigest()
        )
    )
    if session is None:
        return {"error-code": "2", "error-text": "unknown fetch URL"}
    if session.fetched_at is not None:
        return {
            "error-code": "1",
            "error-text": "The authorization token has already been returned.",
        }
    seconds = current_app.config["UPREST_CMI5_TOKEN_SECONDS"]
    if session.abandoned_at or (utcnow() - session.launched_at).total_seconds() > seconds:
        return {"error-code": "1", "error-text": "the AU session has expired"}
    token, credentials = lrs.issue_token(
        client=_client(),
        agent=actor_for(session.enrolment.user),
        registration=session.enrolment.uuid,
        activity_id=session.au_id,
        policy="cmi5",
        context=session.session_id,
        seconds=seconds,
    )
    session.fetched_at = utcnow()
    session.token_id = token.id
    return {"auth-token": credentials}


def session_for_token(token: AccessToken) -> Cmi5Session | None:
    return db.session.scalar(sa.select(Cmi5Session).where(Cmi5Session.session_id == token.context))


def waive(enrolment: Enrolment, lesson: str, *, reason: str) -> None:
    """cmi5 §9.3.7: the AU's requirements are met otherwise (e.g. prior learning); once per AU
    in a registration, in a session of its own."""
    step = steps(enrolment).get(lesson)
    if step is None:
        raise ServiceError(_l("This lesson has no cmi5 content to launch."))
    activity = activity_for(step)
    writers = (_client().id, enrolment.user_id)
    if vocabulary.WAIVED in rules.used_verbs(enrolment.uuid, activity, writers):
        raise ServiceError(_l("This step has already been waived."))
    session = Cmi5Session(
        enrolment=enrolment,
        lesson=lesson,
        au_id=activity,
        fetch_hash=hashlib.sha256(secrets.token_bytes(32)).hexdigest(),
        fetched_at=utcnow(),
        terminated_at=utcnow(),
    )
    db.session.add(session)
    db.session.flush()
    result = {"success": True, "completion": True, "extensions": {vocabulary.REASON: reason}}
    statement = _lms_statement(session, step, vocabulary.WAIVED, result=result, moveon=True)
    emit_many(enrolment.user, [statement])


def is_satisfied(enrolment: Enrolment, lesson: str) -> bool:
    step = steps(enrolment)[lesson]
    verbs = rules.used_verbs(enrolment.uuid, activity_for(step), (_client().id, enrolment.user_id))
    return rules.move_on_met(step["moveOn"], verbs)


def satisfied(enrolment: Enrolment) -> list[dict]:
    """cmi5 §9.3.9: once every AU of a package has met its moveOn, the course is satisfied
    (once per registration). Returns the statements, for the caller to store."""
    statements = []
    by_package: dict[int, list[str]] = {}
    for lesson, step in steps(enrolment).items():
        by_package.setdefault(step["package"], []).append(lesson)
    for lessons in by_package.values():
        step = steps(enrolment)[lessons[0]]
        course = step.get("course")
        if not course or not all(is_satisfied(enrolment, lesson) for lesson in lessons):
            continue
        done = rules.used_verbs(enrolment.uuid, course, (None, enrolment.user_id))
        if vocabulary.SATISFIED in done:
            continue
        session = db.session.scalar(
            sa.select(Cmi5Session)
            .where(Cmi5Session.enrolment_id == enrolment.id, Cmi5Session.lesson.in_(lessons))
            .order_by(Cmi5Session.id.desc())
        )
        if session is None:
            continue
        obj = {
            "objectType": "Activity",
            "id": course,
            "definition": {"type": vocabulary.CMI5_COURSE_TYPE},
        }
        statements.append(_lms_statement(session, step, vocabulary.SATISFIED, obj=obj))
    return statements
