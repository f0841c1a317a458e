"""Progress, computed in one place from the learning events (later: from xAPI statements)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from uprest.courses import services as course_services
from uprest.extensions import db
from uprest.learning.models import Enrolment, LearningEvent


@dataclass
class ModuleProgress:
    lessons: list[str]
    has_quiz: bool
    viewed: set[str] = field(default_factory=set)
    last_lesson: str | None = None
    quiz_passed: bool = False
    best_score: int | None = None
    attempts: int = 0
    completed: bool = False

    @property
    def steps(self) -> int:
        return len(self.lessons) + (1 if self.has_quiz else 0)

    @property
    def steps_done(self) -> int:
        done = sum(1 for slug in self.lessons if slug in self.viewed)
        return done + (1 if self.has_quiz and self.quiz_passed else 0)

    @property
    def percent(self) -> int:
        if self.completed:
            return 100
        return self.steps_done * 100 // self.steps if self.steps else 0

    @property
    def is_complete(self) -> bool:
        """What completion requires: every lesson seen and, if there is a quiz, a pass."""
        all_seen = all(slug in self.viewed for slug in self.lessons)
        return all_seen and (self.quiz_passed or not self.has_quiz)

    @property
    def resume_lesson(self) -> str | None:
        """Where the learner left off: the last lesson seen, or the first one."""
        if self.last_lesson in self.lessons:
            return self.last_lesson
        return self.lessons[0] if self.lessons else None


def for_enrolments(enrolments: list[Enrolment]) -> dict[int, ModuleProgress]:
    """Progress of many enrolments in one query (their versions should be loaded already)."""
    result = {
        e.id: ModuleProgress(
            lessons=list(e.version.outline["lessons"]), has_quiz=e.version.outline["quiz"]
        )
        for e in enrolments
    }
    if not result:
        return result
    rows = db.session.execute(
        sa.select(
            LearningEvent.enrolment_id,
            LearningEvent.verb,
            LearningEvent.object_id,
            sa.func.max(LearningEvent.id),
            sa.func.max(LearningEvent.score),
            sa.func.count(LearningEvent.id),
        )
        .where(
            LearningEvent.enrolment_id.in_(result),
            LearningEvent.verb.in_(("experienced", "passed", "failed", "completed")),
        )
        .group_by(LearningEvent.enrolment_id, LearningEvent.verb, LearningEvent.object_id)
    )
    last_seen: dict[int, int] = {}
    for enrolment_id, verb, object_id, last_id, score, count in rows:
        progress = result[enrolment_id]
        if verb == "experienced":
            progress.viewed.add(object_id)
            if last_id > last_seen.get(enrolment_id, 0):
                last_seen[enrolment_id] = last_id
                progress.last_lesson = object_id
        elif verb in ("passed", "failed"):
            progress.quiz_passed = progress.quiz_passed or verb == "passed"
            progress.attempts += count
            progress.best_score = max(progress.best_score or 0, score or 0)
        elif verb == "completed":
            progress.completed = True
    return result


def for_enrolment(enrolment: Enrolment) -> ModuleProgress:
    return for_enrolments([enrolment])[enrolment.id]


def latest_attempt(enrolment: Enrolment) -> int:
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.max(LearningEvent.attempt), 0)).where(
            LearningEvent.enrolment_id == enrolment.id
        )
    )


def attempts_taken(enrolment: Enrolment) -> tuple[int, datetime | None]:
    """How many quiz attempts were marked, and when the last one was."""
    taken, last_at = db.session.execute(
        sa.select(sa.func.count(), sa.func.max(LearningEvent.created_at)).where(
            LearningEvent.enrolment_id == enrolment.id,
            LearningEvent.verb.in_(("passed", "failed")),
        )
    ).one()
    return taken, last_at


def attempt_events(enrolment: Enrolment, attempt: int) -> list[LearningEvent]:
    """The answers and the result of one quiz attempt."""
    return list(
        db.session.scalars(
            sa.select(LearningEvent)
            .where(LearningEvent.enrolment_id == enrolment.id, LearningEvent.attempt == attempt)
            .order_by(LearningEvent.id)
        )
    )


@dataclass
class PathProgress:
    entries: list[course_services.PathEntry]
    completed: set[str]

    @property
    def required(self) -> list[str]:
        return [e.module for e in self.entries if e.required]

    @property
    def percent(self) -> int:
        required = self.required or [e.module for e in self.entries]
        done = sum(1 for slug in required if slug in self.completed)
        return done * 100 // len(required) if required else 0

    @property
    def is_complete(self) -> bool:
        return course_services.is_path_complete(self.entries, self.completed)

    @property
    def next_step(self) -> str | None:
        return course_services.next_path_step(self.entries, self.completed)

    @property
    def locked(self) -> dict[str, list[str]]:
        return course_services.unmet_prerequisites(self.entries, self.completed)


def completed_slugs(user_id: int) -> set[str]:
    """Slugs of the modules the user has completed (one query)."""
    from uprest.courses.models import Module

    return set(
        db.session.scalars(
            sa.select(Module.slug)
            .join(Enrolment, Enrolment.module_id == Module.id)
            .join(LearningEvent, LearningEvent.enrolment_id == Enrolment.id)
            .where(Enrolment.user_id == user_id, LearningEvent.verb == "completed")
        )
    )
