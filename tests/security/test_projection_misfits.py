"""Statements that don't fit the learning projection are stored and skipped (issue 11): a
response that isn't JSON of finite numbers, a score or attempt id that isn't a whole number
the record can keep, a lesson, question or module the enrolment doesn't have. They come from a
client trusted to report the learner's progress, so only the fit decides; the LRS answers
below 500 and the learner's progress stays as it was."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.xapi.conftest import Lrs
from uprest.accounts.models import Role
from uprest.extensions import db
from uprest.learning import progress
from uprest.learning.models import Enrolment, LearningEvent
from uprest.xapi import clients

ADL = "http://adlnet.gov/expapi/verbs/"
ATTEMPT = "http://id.tincanapi.com/extension/attempt-id"
BASE = "http://localhost/xapi/activities/modules/online-presence"
LESSONS = ("why-be-found", "your-website")
QUESTIONS = ("q1", "q2", "q3", "q4", "q5", "q6")


@pytest.fixture
def reporter(client, courses, login_as):
    """An enrolled learner and a client trusted to report their progress, as them."""
    user = login_as(Role.LEARNER)
    client.post("/learn/modules/online-presence/enrol")
    enrolment = db.session.scalar(sa.select(Enrolment).where(Enrolment.user_id == user.id))
    record, secret = clients.create_client(name="Player", scopes=["write"], is_trusted=True)
    db.session.commit()
    actor = {"objectType": "Agent", "account": {"homePage": BASE, "name": f"user-{user.id}"}}
    return Lrs(client, record.key, secret), enrolment, actor


def _snapshot(enrolment):
    events = db.session.scalar(
        sa.select(sa.func.count(LearningEvent.id)).where(LearningEvent.user_id == enrolment.user_id)
    )
    state = progress.for_enrolment(enrolment)
    return events, state.percent, state.viewed, state.quiz_passed, state.attempts


def _statement(actor, enrolment, verb, activity, result=None, extensions=None):
    statement = {
        "actor": actor,
        "verb": {"id": ADL + verb},
        "object": {"id": f"{BASE}{activity}"},
        "context": {"registration": enrolment.uuid, "extensions": extensions or {}},
    }
    if result is not None:
        statement["result"] = result
    return statement


not_json = st.one_of(
    st.sampled_from(
        ["1e400", "-1e400", "NaN", "Infinity", "-Infinity", "[1e400]", '{"a": NaN}', "9" * 5000]
    ),
    st.sampled_from(['"a\\u0000b"', "[0, 1e999]", "tru", "{", "'quoted'"]),
    st.text(max_size=40).map(lambda text: "not json " + text),
)
unfit_numbers = st.one_of(
    st.integers(min_value=2**31, max_value=10**30),
    st.integers(max_value=-(2**31), min_value=-(10**30)),
    st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: not x.is_integer()),
    st.sampled_from([1e308, -1e308, 2.0**63, 0.5]),
)
unfit_attempts = st.one_of(
    unfit_numbers,
    st.sampled_from([0, -1, True, False, "1", "two", [1], {"n": 1}, 10**7]),
)
unknown_slugs = st.from_regex(r"[a-z0-9][a-z0-9-]{0,300}", fullmatch=True).filter(
    lambda slug: slug not in LESSONS + QUESTIONS + ("quiz",)
)


@st.composite
def misfits(draw, actor, enrolment):
    kind = draw(st.sampled_from(["response", "score", "attempt", "lesson", "question", "verb"]))
    question = f"/quiz/{draw(st.sampled_from(QUESTIONS))}"
    lesson = f"/lessons/{draw(st.sampled_from(LESSONS))}"
    if kind == "response":
        result = {"response": draw(not_json), "success": True}
        return _statement(actor, enrolment, "answered", question, result)
    if kind == "score":
        result = {"score": {"raw": draw(unfit_numbers)}, "success": True, "completion": True}
        return _statement(
            actor, enrolment, draw(st.sampled_from(["passed", "failed"])), "/quiz", result
        )
    if kind == "attempt":
        return _statement(
            actor, enrolment, "experienced", lesson, None, {ATTEMPT: draw(unfit_attempts)}
        )
    if kind == "lesson":
        return _statement(actor, enrolment, "experienced", f"/lessons/{draw(unknown_slugs)}")
    if kind == "question":
        result = {"response": "true", "success": True}
        return _statement(actor, enrolment, "answered", f"/quiz/{draw(unknown_slugs)}", result)
    verb = draw(st.from_regex(r"[a-z]{1,80}", fullmatch=True).filter(lambda v: v != "voided"))
    return _statement(actor, enrolment, verb, lesson)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_misfits_never_fail_the_server_nor_change_progress(reporter, data):
    lrs, enrolment, actor = reporter
    before = _snapshot(enrolment)
    statement = data.draw(misfits(actor, enrolment))
    response = lrs.post_statement(statement)
    assert response.status_code < 500, response.get_data(as_text=True)
    assert _snapshot(enrolment) == before


def test_a_misfit_is_logged_without_personal_data(reporter, caplog):
    lrs, enrolment, actor = reporter
    secret_answer = json.dumps("my secret answer") + " trailing"
    statement = _statement(
        actor, enrolment, "answered", "/quiz/q5", {"response": secret_answer, "success": True}
    )
    response = lrs.post_statement(statement)
    assert response.status_code == 200
    [line] = [r.getMessage() for r in caplog.records if "not projected" in r.getMessage()]
    assert response.json[0] in line and "response" in line
    assert "secret" not in line and f"user-{enrolment.user_id}" not in line


def test_statements_that_fit_still_count(reporter):
    """The same client's well-formed report moves progress on: the checks refuse only misfits."""
    lrs, enrolment, actor = reporter
    viewed = _statement(
        actor, enrolment, "experienced", "/lessons/why-be-found", None, {ATTEMPT: 1}
    )
    passed = _statement(
        actor, enrolment, "passed", "/quiz", {"score": {"raw": 80.0}, "success": True}, {ATTEMPT: 1}
    )
    assert lrs.post_statement([viewed, passed]).status_code == 200
    state = progress.for_enrolment(enrolment)
    assert state.viewed == {"why-be-found"} and state.quiz_passed and state.best_score == 80
