"""A quiz result (or a lesson) and all it completes — the module, its credential, the path and
the path's credential — are stored as one batch: all of them, or after a fault none."""

import json

import pytest
import sqlalchemy as sa

from tests.test_learning import ALL_RIGHT
from uprest.accounts.models import Role
from uprest.core.errorpages import UNAVAILABLE
from uprest.credentials import services as credential_services
from uprest.credentials.models import Credential
from uprest.extensions import db
from uprest.i18n import force_locale
from uprest.learning import fit
from uprest.learning.models import Enrolment, LearningEvent, PathEnrolment
from uprest.learning.projection import ActivityProgress
from uprest.xapi import store
from uprest.xapi.models import OutboxItem, Statement

MODULE = "/learn/modules/online-presence"


@pytest.fixture
def store_calls(monkeypatch):
    """The verbs of every batch handed to the LRS store, one list per call."""
    calls = []
    original = store.store_statements

    def counting(statements, **kwargs):
        calls.append([s["verb"]["id"].rsplit("/", 1)[-1] for s in statements])
        return original(statements, **kwargs)

    monkeypatch.setattr(store, "store_statements", counting)
    return calls


@pytest.fixture
def learner(client, courses, login_as):
    """Follows the path, is enrolled in its one required module and has seen both lessons: a
    passed quiz completes the module and the path."""
    user = login_as(Role.LEARNER)
    client.post("/learn/paths/digital-basics/follow")
    client.post(f"{MODULE}/enrol")
    for lesson in ("why-be-found", "your-website"):
        client.post(f"{MODULE}/lessons/{lesson}")
    return user


def chain(*first: str) -> list[str]:
    """The verbs stored for a step that completes the module (two competences) and the path."""
    return [*first, "completed", "earned", "mastered", "mastered", "completed", "earned"]


def stored_rows(user) -> list[Statement]:
    return list(
        db.session.scalars(
            sa.select(Statement).where(Statement.user_id == user.id).order_by(Statement.id)
        )
    )


def test_a_passed_quiz_stores_the_result_and_all_it_completes_in_one_call(
    client, learner, store_calls, monkeypatch, app
):
    monkeypatch.setitem(app.config, "UPREST_XAPI_FORWARD_URL", "http://far.example/xapi")
    before = len(stored_rows(learner))
    response = client.post(f"{MODULE}/quiz", data=ALL_RIGHT)
    assert response.location.endswith("/quiz/1")
    assert store_calls == [chain(*["answered"] * 6, "passed")]

    rows = stored_rows(learner)[before:]
    assert [r.verb_id.rsplit("/", 1)[-1] for r in rows] == store_calls[0]
    # in the order they were built, by (stored, id) as the LRS and the projection read them,
    # each timestamped when it was stored
    assert sorted(rows, key=lambda r: (r.stored, r.id)) == rows
    assert all(r.timestamp == r.stored for r in rows)
    objects = [json.loads(r.document)["object"]["id"].split("/activities/")[-1] for r in rows]
    assert objects[6:8] == ["modules/online-presence/quiz", "modules/online-presence"]
    assert objects[-2] == "paths/digital-basics"
    # the projection in the same unit of work, and the forwarder gets every one of them
    assert db.session.scalars(
        sa.select(LearningEvent.verb)
        .where(LearningEvent.user_id == learner.id)
        .order_by(LearningEvent.id)
    ).all()[-3:] == ["passed", "completed", "completed"]
    outbox = db.session.scalars(
        sa.select(OutboxItem.statement_pk).where(OutboxItem.statement_pk.in_([r.id for r in rows]))
    ).all()
    assert sorted(outbox) == [r.id for r in rows]
    assert db.session.scalar(sa.select(PathEnrolment.completed_at)) is not None


def test_the_last_lesson_stores_itself_and_all_it_completes_in_one_call(
    client, courses, login_as, store_calls
):
    login_as(Role.LEARNER)
    client.post("/learn/paths/digital-basics/follow")
    client.post(f"{MODULE}/enrol")
    client.post(f"{MODULE}/lessons/why-be-found")
    client.post(f"{MODULE}/quiz", data=ALL_RIGHT)
    store_calls.clear()
    client.post(f"{MODULE}/lessons/your-website")
    assert store_calls == [chain("experienced")]


def test_following_a_path_already_done_completes_it_in_the_same_call(
    client, courses, login_as, store_calls
):
    login_as(Role.LEARNER)
    client.post(f"{MODULE}/enrol")
    for lesson in ("why-be-found", "your-website"):
        client.post(f"{MODULE}/lessons/{lesson}")
    client.post(f"{MODULE}/quiz", data=ALL_RIGHT)
    store_calls.clear()
    client.post("/learn/paths/digital-basics/follow")
    assert store_calls == [["registered", "completed", "earned"]]


def _database_fault(*args, **kwargs):
    raise sa.exc.OperationalError("INSERT INTO uprest_learning_events", {}, OSError("disk full"))


def _fault_while_building(monkeypatch):
    """Issuing the module's credential fails, after the quiz result is built."""
    monkeypatch.setattr(credential_services, "issue", _database_fault)


def _fault_while_storing(monkeypatch):
    """Projecting the module's completion fails, after the quiz result's rows are written."""
    misfit = fit.misfit

    def failing(verb, data, *args):
        if verb == "completed":
            _database_fault()
        return misfit(verb, data, *args)

    monkeypatch.setattr(fit, "misfit", failing)


@pytest.mark.parametrize("fault", [_fault_while_building, _fault_while_storing])
def test_a_fault_in_the_chain_stores_nothing_and_says_so_in_the_learners_language(
    client, learner, monkeypatch, app, fault
):
    before = (
        len(stored_rows(learner)),
        db.session.scalar(sa.select(sa.func.count(LearningEvent.id))),
        db.session.scalar(sa.select(sa.func.count()).select_from(ActivityProgress)),
    )
    fault(monkeypatch)
    response = client.post(f"{MODULE}/quiz", data=ALL_RIGHT, headers={"Accept-Language": "sv"})
    assert response.status_code == 503
    with app.test_request_context(), force_locale("sv"):
        message = str(UNAVAILABLE[1])
    assert message.startswith("Det går inte") and message in response.get_data(as_text=True)

    after = (
        len(stored_rows(learner)),
        db.session.scalar(sa.select(sa.func.count(LearningEvent.id))),
        db.session.scalar(sa.select(sa.func.count()).select_from(ActivityProgress)),
    )
    assert after == before  # no quiz result without its completion, nor any progress row
    assert db.session.scalar(sa.select(Enrolment.completed_at)) is None
    assert db.session.scalar(sa.select(sa.func.count(Credential.id))) == 0

    monkeypatch.undo()
    assert client.post(f"{MODULE}/quiz", data=ALL_RIGHT).location.endswith("/quiz/1")
    assert db.session.scalar(sa.select(Enrolment.completed_at)) is not None
