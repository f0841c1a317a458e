"""Every learner event goes through here, and each becomes an xAPI statement.

The functions named after an event build its statement; ``store`` writes the statements of one
action (a quiz attempt and all it completes, say) as one batch.

The statement is the record; ``learning.projection`` turns the app's own statements back into
``LearningEvent`` rows in the same transaction, and progress is computed from those rows. Activity
IRIs (``xapi.iris``): the module, its lessons, its quiz and the quiz's questions, and the path;
the registration is the enrolment's uuid.
"""

from __future__ import annotations

import json
import secrets

import sqlalchemy as sa

from uprest.accounts.models import User
from uprest.core.time import utcnow
from uprest.extensions import db
from uprest.learning.models import Enrolment, LearningEvent, PathEnrolment
from uprest.xapi.services import emit_many, iris, statement_for, vocabulary


def _statement(
    user: User,
    verb: str,
    registration: str,
    activity: str,
    activity_type: str,
    parent: str | None = None,
    result: dict | None = None,
    attempt: int | None = None,
    name: dict | None = None,
) -> dict:
    return statement_for(
        user=user,
        verb=verb,
        activity=activity,
        name=name or None,
        activity_type=activity_type,
        registration=registration,
        parent=parent,
        result=result,
        extensions={vocabulary.ATTEMPT: attempt} if attempt is not None else None,
    )


def store(user: User, statements: list[dict]) -> list[LearningEvent]:
    """Store the statements as one batch (one write, one projection): all of them or none.
    Returns the events the projection made of them, in order."""
    if not statements:
        return []
    pks = emit_many(user, statements)
    rows = db.session.scalars(sa.select(LearningEvent).where(LearningEvent.statement_pk.in_(pks)))
    by_pk = {row.statement_pk: row for row in rows}
    return [by_pk.get(pk) for pk in pks]


def _record(user_id: int, verb: str, *args, **kwargs) -> LearningEvent:
    user = db.session.get(User, user_id)
    [event] = store(user, [_statement(user, verb, *args, **kwargs)])
    return event


def _module(enrolment: Enrolment) -> str:
    return iris.build(iris.Kind.MODULE, enrolment.module.slug)


def _path(path_enrolment: PathEnrolment) -> str:
    return iris.build(iris.Kind.PATH, path_enrolment.path.slug)


def _titles(texts: dict) -> dict[str, str]:
    """The activity's name in every language it has, so other LRSs and the viewer can show it."""
    return {locale: text["title"] for locale, text in (texts or {}).items() if text.get("title")}


def _module_name(enrolment: Enrolment) -> dict[str, str]:
    return _titles(enrolment.version.outline.get("text"))


def _content_name(enrolment: Enrolment, *key: str) -> dict[str, str]:
    """A lesson's title or a question's prompt in every language the version has it."""
    from uprest.courses.services import get_in

    texts = enrolment.version.content.get("text") or {}
    return {
        locale: value
        for locale, text in texts.items()
        if isinstance(value := get_in(text, key), str) and value
    }


def record_enrolled(enrolment: Enrolment) -> LearningEvent:
    return _record(
        enrolment.user_id,
        "registered",
        enrolment.uuid,
        _module(enrolment),
        vocabulary.MODULE_TYPE,
        name=_module_name(enrolment),
    )


def path_enrolled(path_enrolment: PathEnrolment) -> dict:
    return _statement(
        db.session.get(User, path_enrolment.user_id),
        "registered",
        path_enrolment.uuid,
        _path(path_enrolment),
        vocabulary.COURSE_TYPE,
        name=_titles(path_enrolment.path.document.get("text")),
    )


def lesson_viewed(enrolment: Enrolment, lesson: str) -> dict:
    return _statement(
        db.session.get(User, enrolment.user_id),
        "experienced",
        enrolment.uuid,
        iris.build(iris.Kind.LESSON, enrolment.module.slug, lesson),
        vocabulary.LESSON_TYPE,
        parent=_module(enrolment),
        name=_content_name(enrolment, "lessons", lesson),
    )


def _answer(user: User, enrolment: Enrolment, question: str, response, correct: bool, attempt):
    """The response travels as JSON text in result.response, so any answer shape round-trips."""
    return _statement(
        user,
        "answered",
        enrolment.uuid,
        iris.build(iris.Kind.QUESTION, enrolment.module.slug, question),
        vocabulary.QUESTION_TYPE,
        parent=iris.build(iris.Kind.QUIZ, enrolment.module.slug),
        name=_content_name(enrolment, "quiz", question, "prompt"),
        result={"response": json.dumps(response, ensure_ascii=False), "success": bool(correct)},
        attempt=attempt,
    )


def quiz_attempt(
    enrolment: Enrolment, answers: list[tuple[str, object, bool]], score: int, passed: bool,
    attempt: int,
) -> list[dict]:  # fmt: skip
    """Every answer (question id, response, correct), then the result."""
    user = db.session.get(User, enrolment.user_id)
    statements = [_answer(user, enrolment, *answer, attempt) for answer in answers]
    statements.append(
        _statement(
            user,
            "passed" if passed else "failed",
            enrolment.uuid,
            iris.build(iris.Kind.QUIZ, enrolment.module.slug),
            vocabulary.ASSESSMENT_TYPE,
            parent=_module(enrolment),
            name=_module_name(enrolment),
            result={
                "score": {"raw": score, "min": 0, "max": 100, "scaled": score / 100},
                "success": passed,
                "completion": True,
            },
            attempt=attempt,
        )
    )
    return statements


def module_completed(enrolment: Enrolment) -> dict:
    """The certificate's verification code is issued with the completion."""
    enrolment.completed_at = utcnow()
    enrolment.certificate_code = secrets.token_urlsafe(24)
    return _statement(
        db.session.get(User, enrolment.user_id),
        "completed",
        enrolment.uuid,
        _module(enrolment),
        vocabulary.MODULE_TYPE,
        result={"completion": True},
        name=_module_name(enrolment),
    )


def path_completed(path_enrolment: PathEnrolment) -> dict:
    path_enrolment.completed_at = utcnow()
    return _statement(
        db.session.get(User, path_enrolment.user_id),
        "completed",
        path_enrolment.uuid,
        _path(path_enrolment),
        vocabulary.COURSE_TYPE,
        result={"completion": True},
        name=_titles(path_enrolment.path.document.get("text")),
    )
