"""cmi5's statement rules (cmi5 Quartz §9.3) for AU sessions, moveOn, and the projection of an
AU's result into its module's progress.

The LRS calls ``guard`` (registered as the "cmi5" token policy, see ``xapi.tokens``) before it
stores statements an AU sends with its launch token. A statement that breaks the rules is
rejected: 403 for one that is out of order or not the AU's to send (the session has not been
initialized, has ended, a verb repeats, an LMS verb), 400 for one whose data contradicts the
launch data (score against masteryScore, a missing or foreign session id).
"""

from __future__ import annotations

import logging

import sqlalchemy as sa

from uprest.core.time import utcnow
from uprest.extensions import db
from uprest.xapi.models import AccessToken, LrsClient, Statement
from uprest.xapi.services import Refused, iris, register_guard, vocabulary

log = logging.getLogger(__name__)
# The verbs of cmi5's rules (§9.3), by short names.
LAUNCHED, INITIALIZED = vocabulary.LAUNCHED, vocabulary.INITIALIZED
TERMINATED, COMPLETED = vocabulary.TERMINATED, vocabulary.COMPLETED
PASSED, FAILED = vocabulary.PASSED, vocabulary.FAILED
ABANDONED, WAIVED, SATISFIED = vocabulary.ABANDONED, vocabulary.WAIVED, vocabulary.SATISFIED
AU_VERBS = {INITIALIZED, COMPLETED, PASSED, FAILED, TERMINATED}
LMS_VERBS = {LAUNCHED, ABANDONED, WAIVED, SATISFIED}


def _is_cmi5_defined(statement: dict) -> bool:
    """Carries the cmi5 category: the verb ordering rules apply (cmi5 allowed ones don't)."""
    categories = ((statement.get("context") or {}).get("contextActivities") or {}).get("category")
    if isinstance(categories, dict):
        categories = [categories]
    return any(
        isinstance(item, dict) and item.get("id") == vocabulary.CMI5_CATEGORY
        for item in categories or []
    )


def _scaled(statement: dict):
    score = (statement.get("result") or {}).get("score")
    value = score.get("scaled") if isinstance(score, dict) else None
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def used_verbs(registration: str, activity_id: str, writers: tuple) -> set[str]:
    """The cmi5 verbs already stored for an AU in a registration, by the AU or the LMS."""
    client_id, user_id = writers
    return set(
        db.session.scalars(
            sa.select(Statement.verb_id).where(
                Statement.registration == registration,
                Statement.activity_id == activity_id,
                Statement.is_voided.is_(False),
                Statement.verb_id.in_((COMPLETED, PASSED, FAILED, WAIVED, LAUNCHED, SATISFIED)),
                sa.or_(Statement.client_id == client_id, Statement.user_id == user_id),
            )
        )
    )


def move_on_met(move_on: str, verbs: set[str]) -> bool:
    """cmi5 §10.2.5; a waived AU has met its criteria (§9.3.9)."""
    if WAIVED in verbs:
        return True
    completed, passed = COMPLETED in verbs, PASSED in verbs
    return {
        "Completed": completed,
        "Passed": passed,
        "CompletedAndPassed": completed and passed,
        "CompletedOrPassed": completed or passed,
        "NotApplicable": True,
    }.get(move_on, False)


def _verbs_in_session(token: AccessToken, session) -> set[str]:
    """The AU verbs this AU has already stored since the session was launched."""
    return set(
        db.session.scalars(
            sa.select(Statement.verb_id).where(
                Statement.registration == token.registration,
                Statement.activity_id == token.activity_id,
                Statement.client_id == token.client_id,
                Statement.stored >= session.launched_at,
                Statement.is_voided.is_(False),
                Statement.verb_id.in_(AU_VERBS),
            )
        )
    )


def _check_order(verb: str | None, in_session: set[str]) -> None:
    """Rules for every statement of the AU: initialized first, terminated last, no LMS verbs."""
    if TERMINATED in in_session:
        raise Refused(403, "terminated must be the last statement of an AU session")
    if verb in LMS_VERBS:
        raise Refused(403, "only the LMS may send this verb")
    if INITIALIZED not in in_session and verb != INITIALIZED:
        raise Refused(403, "the first statement of an AU session must be initialized")


def _check_cmi5_defined(
    statement: dict, verb: str | None, *, token, session, in_session: set, registration: set
) -> None:
    """Rules for a cmi5 defined statement: this session and AU, each verb once, and passed or
    failed consistent within the session and the registration."""
    context = statement.get("context") or {}
    if (context.get("extensions") or {}).get(vocabulary.SESSION_ID) != session.session_id:
        raise Refused(400, "a cmi5 statement must carry its session id")
    if (statement.get("object") or {}).get("id") != token.activity_id:
        raise Refused(403, "a cmi5 statement must be about the launched AU")
    if verb in in_session:
        raise Refused(403, "a cmi5 verb may not be repeated in an AU session")
    if verb in (PASSED, FAILED) and in_session & {PASSED, FAILED}:
        raise Refused(403, "an AU session may hold only one of passed and failed")
    if verb in (COMPLETED, PASSED) and verb in registration:
        raise Refused(403, "this AU already sent this verb in the registration")
    if verb == FAILED and PASSED in registration:
        raise Refused(403, "failed may not follow passed in a registration")


def _check_score(statement: dict, verb: str | None, mastery) -> None:
    """Passed and failed must agree with the masteryScore of the launch data, if both are set."""
    scaled = _scaled(statement)
    if mastery is None or scaled is None:
        return
    if verb == PASSED and scaled < mastery:
        raise Refused(400, "passed with a score below the mastery score")
    if verb == FAILED and scaled >= mastery:
        raise Refused(400, "failed with a score at or above the mastery score")


def guard(token: AccessToken, statements: list[dict]) -> None:
    """Check a batch from an AU against its session and its registration; record the session's
    start and end. Rejects the whole batch on the first statement that breaks a rule."""
    from uprest.learning.cmi5 import launch_data, session_for_token

    session = session_for_token(token)
    if session is None or session.abandoned_at is not None:
        raise Refused(403, "this AU session was abandoned")
    if session.terminated_at is not None:
        raise Refused(403, "this AU session has been terminated")
    mastery = launch_data(token).get("masteryScore")
    in_session = _verbs_in_session(token, session)
    writers = (token.client_id, session.enrolment.user_id)
    registration = used_verbs(token.registration, token.activity_id, writers)
    for statement in statements:
        verb = (statement.get("verb") or {}).get("id")
        _check_order(verb, in_session)
        if verb not in AU_VERBS and not _is_cmi5_defined(statement):
            continue  # cmi5 allowed: stored as it is
        _check_cmi5_defined(
            statement,
            verb,
            token=token,
            session=session,
            in_session=in_session,
            registration=registration,
        )
        _check_score(statement, verb, mastery)
        in_session.add(verb)
        registration.add(verb)
    now = utcnow()
    if INITIALIZED in in_session and session.initialized_at is None:
        session.initialized_at = now
    if TERMINATED in in_session:
        session.terminated_at = now


def project(items: list) -> None:
    """An AU whose moveOn criteria are met counts as its lesson step, seen: a ``LearningEvent``
    ("experienced", the lesson) made from the statement that met them (``trust.admitted``
    items only, as the rest of the projection)."""
    from uprest.learning.models import Enrolment, LearningEvent

    wanted = []
    for item in items:
        verb = item.data["verb"]["id"]
        registration = (item.data.get("context") or {}).get("registration")
        au = iris.parse(item.data["object"].get("id"))
        if au is None or au.kind != iris.Kind.CMI5_AU:
            continue
        if verb in (COMPLETED, PASSED, WAIVED, LAUNCHED) and registration:
            wanted.append((item, registration.lower(), au.ids))
    if not wanted:
        return
    enrolments = {
        row.uuid: row
        for row in db.session.scalars(
            sa.select(Enrolment).where(Enrolment.uuid.in_({w[1] for w in wanted}))
        )
    }
    from uprest.learning.cmi5 import CLIENT_NAME

    client_id = db.session.scalar(sa.select(LrsClient.id).where(LrsClient.name == CLIENT_NAME))
    for item, registration, au in wanted:
        enrolment = enrolments.get(registration)
        if enrolment is None:
            continue
        lessons = enrolment.version.content["module"].get("lessons") or []
        step = next(
            (
                lesson
                for lesson in lessons
                if isinstance(lesson.get("cmi5"), dict)
                and (str(lesson["cmi5"]["package"]), str(lesson["cmi5"]["index"])) == au
            ),
            None,
        )
        if step is None:
            log.warning(
                "statement %s not projected: an AU the module does not have", item.data.get("id")
            )
            continue
        seen = db.session.scalar(
            sa.select(LearningEvent.id).where(
                LearningEvent.enrolment_id == enrolment.id,
                LearningEvent.verb == "experienced",
                LearningEvent.object_id == step["slug"],
            )
        )
        if seen is not None:
            continue
        verbs = used_verbs(registration, item.data["object"]["id"], (client_id, enrolment.user_id))
        if move_on_met(step["cmi5"]["moveOn"], verbs):
            db.session.add(
                LearningEvent(
                    user_id=enrolment.user_id,
                    enrolment_id=enrolment.id,
                    verb="experienced",
                    object_id=step["slug"],
                    created_at=item.stored,
                    statement_pk=item.pk,
                )
            )
    db.session.flush()


register_guard("cmi5", guard)
