"""Learner progress projected from stored statements, in the transaction that stores them.

The learning record is the source of truth. Two projections are kept from it and both can be
rebuilt from scratch (``flask uprest xapi-rebuild-progress``):

- ``ActivityProgress``: per registration and activity, for any content, the app's or external
  (cmi5, H5P) — completion, success, best score, progress;
- ``LearningEvent`` rows for statements about UPREST's own modules, lessons, quizzes and paths,
  from which ``learning.progress`` computes what the learner pages show.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, joinedload, mapped_column

from uprest.core import bulk
from uprest.core.time import utcnow
from uprest.extensions import db
from uprest.learning import cmi5_rules, fit, trust
from uprest.xapi.models import Statement
from uprest.xapi.services import agent_key, iris, json_loads, vocabulary
from uprest.xapi.signals import statements_stored

log = logging.getLogger(__name__)
Kind = iris.Kind


class ActivityProgress(db.Model):
    __tablename__ = "uprest_learning_activity_progress"

    registration: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    activity_id: Mapped[str] = mapped_column(sa.String(2048), primary_key=True)
    actor_key: Mapped[str] = mapped_column(sa.String(600))
    is_completed: Mapped[bool] = mapped_column(default=False)
    is_passed: Mapped[bool | None]
    best_score: Mapped[float | None]
    progress: Mapped[int] = mapped_column(default=0)  # percent
    statements: Mapped[int] = mapped_column(default=0)
    last_statement_at: Mapped[datetime]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def _key(data: dict) -> tuple[str, str] | None:
    registration = data.get("context", {}).get("registration")
    obj = data.get("object", {})
    if not registration or obj.get("objectType", "Activity") != "Activity":
        return None
    return registration.lower(), obj["id"]


@dataclass
class Fold:
    """What some statements say about one registration and activity; merged with ``|``."""

    actor_key: str
    last_statement_at: datetime
    statements: int = 0
    is_completed: bool = False
    is_passed: bool | None = None
    best_score: float | None = None
    progress: int = 0


def fold(row: Fold, data: dict, stored: datetime) -> None:
    """Apply one statement; the order of statements does not matter (see ``_merged``)."""
    verb = data["verb"]["id"]
    result = data.get("result", {})
    row.statements += 1
    row.last_statement_at = max(row.last_statement_at, stored)
    if verb in (vocabulary.COMPLETED, vocabulary.PASSED) or result.get("completion") is True:
        row.is_completed = True
    if verb == vocabulary.PASSED or result.get("success") is True:
        row.is_passed = True
    elif (verb == vocabulary.FAILED or result.get("success") is False) and not row.is_passed:
        row.is_passed = False
    scaled = result.get("score", {}).get("scaled")
    if scaled is not None:
        row.best_score = scaled if row.best_score is None else max(row.best_score, scaled)
    progress = result.get("extensions", {}).get(vocabulary.PROGRESS)
    if isinstance(progress, (int, float)) and not isinstance(progress, bool):
        row.progress = max(row.progress, min(100, int(progress)))
    if row.is_completed:
        row.progress = 100


def _merged(table: sa.Table, new) -> dict:
    """The stored row combined with a new fold in SQL, as ``fold`` would combine them.

    Done by the database (INSERT … ON CONFLICT DO UPDATE) so that two workers folding into the
    same row at once both count, without reading the row first.
    """
    old = table.c
    passed = sa.case(
        (sa.or_(old.is_passed.is_(True), new.is_passed.is_(True)), sa.true()),
        (sa.and_(old.is_passed.is_(None), new.is_passed.is_(None)), sa.null()),
        else_=sa.false(),
    )
    return {
        "statements": old.statements + new.statements,
        "last_statement_at": bulk.greater(old.last_statement_at, new.last_statement_at),
        "is_completed": sa.or_(old.is_completed, new.is_completed),
        "is_passed": passed,
        "best_score": bulk.greater(old.best_score, new.best_score),
        "progress": bulk.greater(old.progress, new.progress),
        "updated_at": new.updated_at,
    }


def _recompute(key: tuple[str, str]) -> None:
    """Fold every live statement of one registration and activity again (after a voiding)."""
    db.session.execute(
        sa.delete(ActivityProgress).where(
            ActivityProgress.registration == key[0], ActivityProgress.activity_id == key[1]
        )
    )
    rows = db.session.scalars(
        sa.select(Statement)
        .where(
            Statement.registration == key[0],
            Statement.activity_id == key[1],
            Statement.is_voided.is_(False),
        )
        .order_by(Statement.stored, Statement.id)
    )
    items = trust.admitted(_items(rows))
    apply_all((item.data, item.stored) for item in items)


def apply_all(items: Iterable[tuple[dict, datetime]]) -> int:
    """Fold many statements in memory, then merge them in with one statement; returns how many."""
    folds: dict[tuple[str, str], Fold] = {}
    used = 0
    for data, stored in items:
        key = _key(data)
        if key is None:
            continue
        if key not in folds:
            folds[key] = Fold(actor_key=agent_key(data["actor"]) or "", last_statement_at=stored)
        fold(folds[key], data, stored)
        used += 1
    if not folds:
        return 0
    now = utcnow()
    rows = [  # in key order, so that concurrent merges lock rows in the same order
        {"registration": key[0], "activity_id": key[1], "updated_at": now, **vars(folds[key])}
        for key in sorted(folds)
    ]
    table = ActivityProgress.__table__
    bulk.merge_rows(table, rows, ["registration", "activity_id"], _merged)
    return used


_LEARNING = {Kind.MODULE, Kind.LESSON, Kind.QUIZ, Kind.QUESTION, Kind.PATH}


def _own(iri) -> dict | None:
    """The module (and its lesson, quiz or question) or the path of one of the app's own
    activities; None for any other."""
    activity = iris.parse(iri)
    if activity is None or activity.kind not in _LEARNING:
        return None
    kind, ids = activity
    return {
        "module": ids[0] if kind != Kind.PATH else None,
        "lesson": ids[1] if kind == Kind.LESSON else None,
        "quiz": "quiz" if kind in (Kind.QUIZ, Kind.QUESTION) else None,
        "question": ids[1] if kind == Kind.QUESTION else None,
        "path": ids[0] if kind == Kind.PATH else None,
    }


def _enrolments(model, registrations: set[str]) -> dict:
    """Module (``Enrolment``) or path enrolments by registration, with what a statement may
    be about loaded along."""
    from uprest.learning.models import Enrolment, PathEnrolment

    if not registrations:
        return {}
    query = sa.select(model).where(bulk.one_of(model.uuid, "ids", bulk.current_dialect()))
    if model is Enrolment:  # the module and its outline: what a statement may be about
        query = query.options(joinedload(Enrolment.module), joinedload(Enrolment.version))
    else:
        query = query.options(joinedload(PathEnrolment.path))
    rows = db.session.scalars(query, {"ids": list(registrations)})
    return {row.uuid: row for row in rows}


def _misfit(verb: str, data: dict, match, enrolment, path_enrolment) -> str | None:
    """Why the statement does not fit its enrolment, or None."""
    if enrolment is not None and match["module"] != enrolment.module.slug:
        return "a module other than the enrolment's"
    if path_enrolment is not None and match["path"] != path_enrolment.path.slug:
        return "a path other than the enrolment's"
    return fit.misfit(verb, data, match, enrolment.version if enrolment else None)


def _event_row(event: dict, data: dict, match, enrolment, path_enrolment) -> dict:
    """The ``LearningEvent`` columns: a path's event, or a module's with what the learner
    answered or scored."""
    if path_enrolment is not None:
        return {**event, "user_id": path_enrolment.user_id, "path_enrolment_id": path_enrolment.id}
    result = data.get("result", {})
    if event["verb"] == "answered":
        event["response"] = fit.response(result["response"]) if "response" in result else None
        event["is_correct"] = result.get("success")
    if event["verb"] in ("passed", "failed"):
        raw = result.get("score", {}).get("raw")
        event["score"] = None if raw is None else int(raw)
    return {
        **event,
        "user_id": enrolment.user_id,
        "enrolment_id": enrolment.id,
        "object_id": match["lesson"] or match["question"] or match["quiz"],
    }


def project_events(items: list[tuple[dict, datetime, int]]) -> None:
    """``LearningEvent`` rows for statements about UPREST's own activities in an enrolment."""
    from uprest.learning.models import Enrolment, LearningEvent, PathEnrolment

    wanted = []
    for data, stored, pk in items:
        registration = data.get("context", {}).get("registration")
        match = _own(data["object"].get("id")) if registration else None
        verb = vocabulary.adl_name(data["verb"]["id"])
        if match and verb is not None:
            wanted.append((data, stored, pk, registration.lower(), match, verb))
    if not wanted:
        return
    modules = _enrolments(Enrolment, {item[3] for item in wanted if item[4]["module"]})
    followed = _enrolments(PathEnrolment, {item[3] for item in wanted if item[4]["path"]})
    rows = []
    for data, stored, pk, registration, match, verb in wanted:
        path_enrolment = followed.get(registration) if match["path"] else None
        enrolment = modules.get(registration) if match["module"] else None
        if path_enrolment is None and enrolment is None:
            continue
        why = _misfit(verb, data, match, enrolment, path_enrolment)
        if why:
            log.warning("statement %s not projected: %s", data.get("id"), why)
            continue
        event = {
            "verb": verb,
            "created_at": stored,
            "statement_pk": pk,
            "locale": fit.locale(data),
            "attempt": fit.attempt(data),
        }
        rows.append(_event_row(event, data, match, enrolment, path_enrolment))
    if rows:
        columns = (
            "user_id",
            "enrolment_id",
            "path_enrolment_id",
            "verb",
            "object_id",
            "attempt",
            "response",
            "is_correct",
            "score",
            "locale",
            "created_at",
            "statement_pk",
        )
        db.session.execute(
            sa.insert(LearningEvent), [{c: row.get(c) for c in columns} for row in rows]
        )


def _items(rows) -> list[trust.Item]:
    """Stored rows (``Statement``) as the projection reads them, with who wrote them."""
    return [
        trust.Item(json_loads(row.document), row.stored, row.id, row.client_id, row.user_id)
        for row in rows
    ]


def _project(items: list[trust.Item]) -> None:
    """Both projections of the statements that may change progress (``trust.admitted``)."""
    items = trust.admitted(items)
    apply_all((item.data, item.stored) for item in items)
    project_events([(item.data, item.stored, item.pk) for item in items])
    cmi5_rules.project(items)


@statements_stored.connect
def on_statements_stored(_app, stored) -> None:
    """Fold the new statements; a voiding statement makes its target's progress recomputed."""
    _project(
        [
            trust.Item(item.data, item.stored, item.pk, item.client_id, item.user_id)
            for item in stored
            if item.verb_id != vocabulary.VOIDED
        ]
    )
    for item in stored:
        if item.verb_id != vocabulary.VOIDED:
            continue
        target = db.session.scalar(
            sa.select(Statement).where(Statement.statement_id == item.target_statement_id)
        )
        if target is not None:
            from uprest.learning.models import LearningEvent

            db.session.execute(
                sa.delete(LearningEvent).where(LearningEvent.statement_pk == target.id)
            )
        if target is not None and target.registration and target.activity_id:
            _recompute((target.registration, target.activity_id))


def rebuild(batch_size: int = 2000):
    """Drop both projections and fold every live statement again; yields statements done."""
    from uprest.learning.models import LearningEvent

    db.session.execute(sa.delete(ActivityProgress))
    db.session.execute(sa.delete(LearningEvent))
    last_id = 0
    while True:
        rows = list(
            db.session.scalars(
                sa.select(Statement)
                .where(
                    Statement.id > last_id,
                    Statement.is_voided.is_(False),
                    Statement.registration.is_not(None),
                )
                .order_by(Statement.id)
                .limit(batch_size)
            )
        )
        if not rows:
            return
        last_id = rows[-1].id
        _project(_items(rows))
        yield len(rows)


def progress_for(registration: str) -> list[ActivityProgress]:
    return list(
        db.session.scalars(
            sa.select(ActivityProgress)
            .where(ActivityProgress.registration == str(registration).lower())
            .order_by(ActivityProgress.activity_id)
        )
    )
