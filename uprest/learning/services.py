"""Rules for learners: catalogue, enrolment, gating, lessons, quizzes and completion."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import format_datetime
from sqlalchemy.orm import selectinload

from uprest.accounts.models import User
from uprest.core.errors import ServiceError
from uprest.core.time import utcnow
from uprest.courses import services as course_services
from uprest.courses.models import CoursePath, Module, ModuleCompetence, ModuleLocale, ModuleVersion
from uprest.courses.services import Localised
from uprest.credentials import services as credential_services
from uprest.extensions import db
from uprest.i18n import _l, ngettext
from uprest.learning import cmi5, events, progress, quiz
from uprest.learning.models import Enrolment, PathEnrolment

DURATIONS = {"short": (0, 30), "medium": (31, 60), "long": (61, 100000)}


def catalogue(
    *, competence: str | None = None, language: str | None = None, duration: str | None = None
) -> list[ModuleVersion]:
    """Published modules matching the filters, in one query (plus eager loads)."""
    query = (
        sa.select(ModuleVersion)
        .join(Module)
        .where(ModuleVersion.is_latest.is_(True))
        .options(
            sa.orm.contains_eager(ModuleVersion.module),
            selectinload(ModuleVersion.competences),
            selectinload(ModuleVersion.locales),
        )
        .order_by(Module.slug)
    )
    if competence:
        query = query.where(ModuleVersion.competences.any(ModuleCompetence.code == competence))
    if language:
        query = query.where(
            ModuleVersion.locales.any(
                sa.and_(ModuleLocale.locale == language, ModuleLocale.percent == 100)
            )
        )
    if duration in DURATIONS:
        low, high = DURATIONS[duration]
        query = query.where(ModuleVersion.estimated_minutes.between(low, high))
    return list(db.session.scalars(query))


def competence_codes() -> list[str]:
    return list(
        db.session.scalars(
            sa.select(ModuleCompetence.code)
            .join(ModuleVersion)
            .where(ModuleVersion.is_latest.is_(True))
            .distinct()
            .order_by(ModuleCompetence.code)
        )
    )


def user_enrolments(user: User) -> list[Enrolment]:
    return list(
        db.session.scalars(
            sa.select(Enrolment)
            .where(Enrolment.user_id == user.id)
            .options(selectinload(Enrolment.version), selectinload(Enrolment.module))
            .order_by(Enrolment.started_at.desc(), Enrolment.id.desc())
        )
    )


def business_enrolments(business_id: int) -> list[Enrolment]:
    """Every enrolment of a business's staff, by person then newest first (one query)."""
    return list(
        db.session.scalars(
            sa.select(Enrolment)
            .join(User, User.id == Enrolment.user_id)
            .where(User.business_id == business_id)
            .options(
                selectinload(Enrolment.version),
                selectinload(Enrolment.module),
                selectinload(Enrolment.user),
            )
            .order_by(User.display_name, User.id, Enrolment.started_at.desc(), Enrolment.id.desc())
        )
    )


def get_enrolment(user: User, module: Module) -> Enrolment | None:
    return db.session.scalar(
        sa.select(Enrolment).where(Enrolment.user_id == user.id, Enrolment.module_id == module.id)
    )


def followed_paths(user: User) -> list[PathEnrolment]:
    return list(
        db.session.scalars(
            sa.select(PathEnrolment)
            .where(PathEnrolment.user_id == user.id)
            .options(selectinload(PathEnrolment.path))
            .order_by(PathEnrolment.started_at, PathEnrolment.id)
        )
    )


def locked_by(user: User, module: Module) -> list[str]:
    """Prerequisites, in any path the user follows, not yet completed for ``module``."""
    completed = progress.completed_slugs(user.id)
    missing: list[str] = []
    for followed in followed_paths(user):
        entries = course_services.path_entries(followed.path.document)
        for slug in course_services.unmet_prerequisites(entries, completed).get(module.slug, []):
            if slug not in missing:
                missing.append(slug)
    return missing


def enrol(user: User, module: Module) -> Enrolment:
    """Start the module on its latest version; already started means the same enrolment."""
    existing = get_enrolment(user, module)
    if existing is not None:
        return existing
    version = course_services.latest_version(module)
    if version is None:
        raise ServiceError(_l("This module has not been published yet."))
    if locked_by(user, module):
        raise ServiceError(_l("Complete the modules this one builds on first."))
    enrolment = Enrolment(user_id=user.id, module=module, version=version)
    db.session.add(enrolment)
    db.session.flush()
    events.record_enrolled(enrolment)
    return enrolment


def follow_path(user: User, path: CoursePath) -> PathEnrolment:
    existing = db.session.scalar(
        sa.select(PathEnrolment).where(
            PathEnrolment.user_id == user.id, PathEnrolment.path_id == path.id
        )
    )
    if existing is not None:
        return existing
    followed = PathEnrolment(user_id=user.id, path=path)
    db.session.add(followed)
    db.session.flush()
    statements = [events.path_enrolled(followed)]
    statements += _path_completions(user, progress.completed_slugs(user.id))
    events.store(user, statements)
    return followed


def view_lesson(enrolment: Enrolment, lesson: str) -> None:
    state = progress.for_enrolment(enrolment)
    state.viewed.add(lesson)
    record_with_completion(enrolment, [events.lesson_viewed(enrolment, lesson)], state)


def finish_cmi5_lesson(enrolment: Enrolment) -> None:
    """A cmi5 lesson counts once its AU met moveOn (projected when the AU said so); its button
    records the courses now satisfied, with what the module's progress completes."""
    record_with_completion(enrolment, cmi5.satisfied(enrolment), progress.for_enrolment(enrolment))


@dataclass
class MarkedAnswer:
    question: dict
    response: object
    correct: bool
    feedback: list


@dataclass
class QuizGate:
    """Whether the module's retry policy lets the learner take its quiz now, and if not, why."""

    policy: quiz.RetryPolicy
    taken: int
    wait_until: datetime | None

    @property
    def attempts_left(self) -> int | None:
        return self.policy.attempts_left(self.taken)

    @property
    def refusal(self) -> str | None:
        if self.attempts_left == 0:
            return ngettext(
                "You have used the only attempt this quiz allows.",
                "You have used all %(num)s attempts this quiz allows.",
                self.policy.max_attempts,
            )
        if self.wait_until is not None:
            return _l(
                "You can take this quiz again from %(time)s.",
                time=format_datetime(self.wait_until, "short"),
            )
        return None


def quiz_gate(enrolment: Enrolment, *, now: datetime | None = None) -> QuizGate:
    """The retry policy of the enrolled version applied to the attempts taken so far."""
    policy = quiz.RetryPolicy.of(enrolment.version.content["module"].get("quiz"))
    taken, last_at = progress.attempts_taken(enrolment)
    wait_until = policy.next_allowed_at(last_at)
    if wait_until is not None and wait_until <= (now or utcnow()):
        wait_until = None
    return QuizGate(policy, taken, wait_until)


def attempt_seed(enrolment: Enrolment) -> str:
    """The seed of the attempt the learner is about to take (its option order)."""
    return quiz.attempt_seed(enrolment.uuid, progress.latest_attempt(enrolment) + 1)


def submit_quiz(enrolment: Enrolment, form, locale: str) -> int:
    """Mark every question, record the answers and the result; returns the attempt number."""
    content = Localised(enrolment.version.content, locale)
    questions = content.questions
    if not questions:
        raise ServiceError(_l("This module has no quiz."))
    # Concurrent submissions of one enrolment wait here, so a limit can't be overrun.
    db.session.execute(
        sa.select(Enrolment.id).where(Enrolment.id == enrolment.id).with_for_update()
    )
    refusal = quiz_gate(enrolment).refusal
    if refusal is not None:
        raise ServiceError(refusal)
    responses = [(q, _read(q, position, form, locale)) for position, q in enumerate(questions, 1)]
    if all(response is None for _, response in responses):
        raise ServiceError(_l("Answer at least one question before you send the quiz."))
    attempt = progress.latest_attempt(enrolment) + 1
    answers = [
        (question["id"], response, quiz.mark(question, response, content))
        for question, response in responses
    ]
    score = quiz.score([correct for _id, _response, correct in answers])
    passed = score >= content.pass_mark
    state = progress.for_enrolment(enrolment)
    state.quiz_passed = state.quiz_passed or passed
    statements = events.quiz_attempt(enrolment, answers, score, passed, attempt)
    record_with_completion(enrolment, statements, state)
    return attempt


def _read(question: dict, position: int, form, locale: str):
    """One answer; a number that isn't one or a NUL character refuses the whole attempt."""
    try:
        return quiz.read_response(question, form, locale)
    except quiz.InvalidAnswer as error:
        if error.reason == "number":
            message = _l("Question %(number)s: enter a number, such as 12.5.", number=position)
        else:
            message = _l(
                "Question %(number)s: your answer contains a character that cannot be saved."
                " Remove it and send the quiz again.",
                number=position,
            )
        raise ServiceError(message, field=quiz.field_name(question["id"])) from None


def quiz_result(enrolment: Enrolment, attempt: int, locale: str) -> dict | None:
    """The answers of an attempt with their feedback, its score and whether it passed."""
    recorded = progress.attempt_events(enrolment, attempt)
    result = next((e for e in recorded if e.verb in ("passed", "failed")), None)
    if result is None:
        return None
    content = Localised(enrolment.version.content, locale)
    answers = {e.object_id: e for e in recorded if e.verb == "answered"}
    marked = []
    for question in content.questions:
        event = answers.get(question["id"])
        response = event.response if event else None
        correct = bool(event and event.is_correct)
        marked.append(
            MarkedAnswer(
                question, response, correct, quiz.feedback(question, response, correct, content)
            )
        )
    return {"score": result.score, "passed": result.verb == "passed", "answers": marked}


def record_with_completion(
    enrolment: Enrolment, statements: list[dict], state: progress.ModuleProgress
) -> None:
    """Store a learner's statements with all they complete — the module and its credential,
    then each followed path it finishes and that path's credential — in one batch: one store
    call, one projection, so a fault anywhere leaves none of them. ``state`` is the module's
    progress with ``statements`` counted in (they are not projected until stored)."""
    statements = list(statements)
    if enrolment.completed_at is None and state.is_complete:
        statements.append(events.module_completed(enrolment))
        statements += credential_services.issue(enrolment)
        completed = progress.completed_slugs(enrolment.user_id) | {enrolment.module.slug}
        statements += _path_completions(enrolment.user, completed)
    events.store(enrolment.user, statements)


def _path_completions(user: User, completed: set[str]) -> list[dict]:
    """The statements that complete each followed path ``completed`` (module slugs) finishes."""
    statements = []
    for followed in followed_paths(user):
        if followed.completed_at is None:
            entries = course_services.path_entries(followed.path.document)
            if course_services.is_path_complete(entries, completed):
                statements.append(events.path_completed(followed))
                statements += credential_services.issue_for_path(followed)
    return statements


def certificate(code: str) -> Enrolment | None:
    if not code:
        return None
    return db.session.scalar(
        sa.select(Enrolment)
        .where(Enrolment.certificate_code == code)
        .options(selectinload(Enrolment.user), selectinload(Enrolment.version))
    )


def export_learning_data(user: User) -> dict:
    """The user's enrolments, paths and learning events, for their data download."""
    from uprest.learning.models import LearningEvent

    enrolments = user_enrolments(user)
    slugs = {e.id: e.module.slug for e in enrolments}
    recorded = db.session.scalars(
        sa.select(LearningEvent).where(LearningEvent.user_id == user.id).order_by(LearningEvent.id)
    )
    return {
        "enrolments": [
            {
                "module": e.module.slug,
                "version": e.version.number,
                "registration": e.uuid,
                "started_at": e.started_at.isoformat() + "Z",
                "completed_at": e.completed_at.isoformat() + "Z" if e.completed_at else None,
            }
            for e in enrolments
        ],
        "paths": [
            {"path": p.path.slug, "started_at": p.started_at.isoformat() + "Z"}
            for p in followed_paths(user)
        ],
        "events": [
            {
                "verb": event.verb,
                "module": slugs.get(event.enrolment_id),
                "object": event.object_id,
                "response": event.response,
                "correct": event.is_correct,
                "score": event.score,
                "at": event.created_at.isoformat() + "Z",
            }
            for event in recorded
        ],
    }


@dataclass
class Refusal:
    """One person and module that could not be enrolled, and the modules to complete first."""

    member: User
    module: Module
    prerequisites: list[str]  # module slugs


@dataclass
class StaffEnrolment:
    created: int = 0
    already: int = 0
    refused: list[Refusal] = field(default_factory=list)


def enrol_staff(*, manager: User, members: list[User], slugs: list[str]) -> StaffEnrolment:
    """A manager enrols chosen staff in chosen modules in one step: every pair that can be
    enrolled is; a pair waiting for a prerequisite in a path the person follows is reported.

    A member outside the manager's business or an unpublished module is a malformed request
    and refuses the whole of it before anything is written.
    """
    if not members or not slugs:
        raise ServiceError(_l("Choose at least one person and one module."))
    if any(member.business_id != manager.business_id for member in members):
        raise ServiceError(_l("This person is not on your staff."))
    modules = []
    for slug in dict.fromkeys(slugs):
        module = course_services.get_module(slug)
        if module is None or course_services.latest_version(module) is None:
            raise ServiceError(_l("This module has not been published yet."))
        modules.append(module)
    outcome = StaffEnrolment()
    for member in dict.fromkeys(members):
        for module in modules:
            if get_enrolment(member, module) is not None:
                outcome.already += 1
            elif missing := locked_by(member, module):
                outcome.refused.append(Refusal(member, module, missing))
            else:
                enrol(member, module)
                outcome.created += 1
    return outcome
