"""Every learner event goes through here.

For now each writes a ``LearningEvent`` row (and keeps the enrolment's projections current) in the
caller's transaction. When the xAPI learning record lands, these functions call its ``emit()``
instead, with the verb named in each and ``context.registration`` = the enrolment's uuid; nothing
else in the learner side needs to change.
"""

from __future__ import annotations

import secrets

from uprest.core.time import utcnow
from uprest.extensions import db
from uprest.i18n import get_locale
from uprest.learning.models import Enrolment, LearningEvent, PathEnrolment


def _record(*, user_id: int, verb: str, enrolment=None, path_enrolment=None, **fields):
    event = LearningEvent(
        user_id=user_id,
        enrolment_id=enrolment.id if enrolment is not None else None,
        path_enrolment_id=path_enrolment.id if path_enrolment is not None else None,
        verb=verb,
        locale=str(get_locale() or "en"),
        **fields,
    )
    db.session.add(event)
    db.session.flush()
    return event


def record_enrolled(enrolment: Enrolment) -> LearningEvent:
    """xAPI: registered (the module)."""
    return _record(user_id=enrolment.user_id, verb="registered", enrolment=enrolment)


def record_path_enrolled(path_enrolment: PathEnrolment) -> LearningEvent:
    """xAPI: registered (the path)."""
    return _record(user_id=path_enrolment.user_id, verb="registered", path_enrolment=path_enrolment)


def record_lesson_viewed(enrolment: Enrolment, lesson: str) -> LearningEvent:
    """xAPI: experienced (the lesson)."""
    return _record(
        user_id=enrolment.user_id, verb="experienced", enrolment=enrolment, object_id=lesson
    )


def record_answer(
    enrolment: Enrolment, question: str, response, correct: bool, attempt: int
) -> LearningEvent:
    """xAPI: answered (the question), with the response and whether it was right."""
    return _record(
        user_id=enrolment.user_id,
        verb="answered",
        enrolment=enrolment,
        object_id=question,
        response=response,
        is_correct=correct,
        attempt=attempt,
    )


def record_quiz_result(enrolment: Enrolment, score: int, passed: bool, attempt: int):
    """xAPI: passed or failed (the quiz), with the score in percent."""
    return _record(
        user_id=enrolment.user_id,
        verb="passed" if passed else "failed",
        enrolment=enrolment,
        object_id="quiz",
        score=score,
        attempt=attempt,
    )


def record_module_completed(enrolment: Enrolment) -> LearningEvent:
    """xAPI: completed (the module); the certificate's verification code is issued with it."""
    enrolment.completed_at = utcnow()
    enrolment.certificate_code = secrets.token_urlsafe(24)
    return _record(user_id=enrolment.user_id, verb="completed", enrolment=enrolment)


def record_path_completed(path_enrolment: PathEnrolment) -> LearningEvent:
    """xAPI: completed (the path)."""
    path_enrolment.completed_at = utcnow()
    return _record(user_id=path_enrolment.user_id, verb="completed", path_enrolment=path_enrolment)
