"""What an AU's token may do (only its learner, registration and AU) and cmi5's statement
rules (§9.3): 403 for a statement out of order or not the AU's to send, 400 for data that
contradicts LMS.LaunchData."""

import json
import uuid

import sqlalchemy as sa

from uprest.accounts.models import Role
from uprest.extensions import db
from uprest.xapi.models import Statement

PASSED = {"success": True, "completion": True, "score": {"scaled": 0.9}}
FAILED = {"success": False, "score": {"scaled": 0.1}}


def started(launched, **kwargs):
    launch = launched(**kwargs)
    headers = launch.auth()
    data = launch.launch_data(headers)
    assert launch.send(headers, launch.statement("initialized", data)).status_code == 200
    return launch, headers, data


def count(verb: str) -> int:
    iri = verb if "://" in verb else f"http://adlnet.gov/expapi/verbs/{verb}"
    return db.session.scalar(sa.select(sa.func.count()).where(Statement.verb_id == iri))


# -- token scope ----------------------------------------------------------------------------------


def test_token_cannot_write_another_actor_or_registration(launched):
    launch, headers, data = started(launched)
    other_actor = launch.statement("progressed", data, cmi5=False)
    other_actor["actor"] = {"objectType": "Agent", "mbox": "mailto:someone@example.org"}
    assert launch.send(headers, other_actor).status_code == 403
    other_registration = launch.statement("progressed", data, cmi5=False)
    other_registration["context"]["registration"] = str(uuid.uuid4())
    assert launch.send(headers, other_registration).status_code == 403
    no_registration = launch.statement("progressed", data, cmi5=False)
    del no_registration["context"]["registration"]
    assert launch.send(headers, no_registration).status_code == 403
    put = launch.client.put(
        "/xapi/statements",
        query_string={"statementId": str(uuid.uuid4())},
        json=other_actor,
        headers=headers,
    )
    assert put.status_code == 403
    assert count("progressed") == 0


def test_token_cannot_void(launched):
    launch, headers, data = started(launched)
    void = launch.statement("http://adlnet.gov/expapi/verbs/voided", data, cmi5=False)
    void["object"] = {"objectType": "StatementRef", "id": str(uuid.uuid4())}
    assert launch.send(headers, void).status_code == 403


def test_token_reads_only_its_learner_in_its_registration(launched, login_as, client):
    launch, headers, data = started(launched)
    agent = json.dumps(launch.actor)
    own = client.get(
        "/xapi/statements",
        query_string={"agent": agent, "registration": launch.registration},
        headers=headers,
    )
    assert own.status_code == 200
    assert {s["verb"]["id"].rsplit("/", 1)[1] for s in own.get_json()["statements"]} == {
        "registered",  # the enrolment's
        "launched",
        "initialized",
    }
    assert client.get("/xapi/statements", headers=headers).status_code == 403
    wider = {"agent": agent, "registration": launch.registration, "related_agents": "true"}
    assert client.get("/xapi/statements", query_string=wider, headers=headers).status_code == 403
    other = launched(slug="other-module", user=login_as(Role.LEARNER))
    foreign = {"agent": json.dumps(other.actor), "registration": other.registration}
    assert client.get("/xapi/statements", query_string=foreign, headers=headers).status_code == 403
    row = db.session.scalar(
        sa.select(Statement).where(Statement.registration == other.registration)
    )
    by_id = client.get(
        "/xapi/statements", query_string={"statementId": row.statement_id}, headers=headers
    )
    assert by_id.status_code == 404
    state = {
        "activityId": other.activity,
        "agent": json.dumps(other.actor),
        "registration": other.registration,
        "stateId": "LMS.LaunchData",
    }
    assert (
        client.get("/xapi/activities/state", query_string=state, headers=headers).status_code == 403
    )
    profile = {"agent": json.dumps(other.actor), "profileId": "cmi5LearnerPreferences"}
    assert (
        client.get("/xapi/agents/profile", query_string=profile, headers=headers).status_code == 403
    )
    assert (
        client.get(
            "/xapi/agents", query_string={"agent": json.dumps(other.actor)}, headers=headers
        ).status_code
        == 403
    )


def test_token_may_read_its_learner_preferences_but_not_change_launch_data_elsewhere(launched):
    launch, headers, data = started(launched)
    profile = {"agent": json.dumps(launch.actor), "profileId": "cmi5LearnerPreferences"}
    assert (
        launch.client.get("/xapi/agents/profile", query_string=profile, headers=headers).status_code
        == 404
    )
    assert (
        launch.client.put(
            "/xapi/agents/profile",
            query_string=profile,
            json={},
            headers={**headers, "If-None-Match": "*"},
        ).status_code
        == 403
    )
    state = {
        "activityId": launch.activity,
        "agent": json.dumps(launch.actor),
        "registration": launch.registration,
        "stateId": "bookmark",
    }
    assert (
        launch.client.put(
            "/xapi/activities/state", query_string=state, json={"at": 2}, headers=headers
        ).status_code
        == 204
    )
    elsewhere = {**state, "activityId": "https://example.org/other"}
    assert (
        launch.client.put(
            "/xapi/activities/state", query_string=elsewhere, json={}, headers=headers
        ).status_code
        == 403
    )


def test_a_wrong_secret_or_unknown_token_is_401(launched):
    launch = launched()
    token = launch.fetch()["auth-token"]
    import base64

    key, _, secret = base64.b64decode(token).decode().partition(":")
    bad = base64.b64encode(f"{key}:{'0' * len(secret)}".encode()).decode()
    data_headers = launch.headers(bad)
    response = launch.client.get("/xapi/statements", headers=data_headers)
    assert response.status_code == 401
    unknown = base64.b64encode(f"t-000:{secret}".encode()).decode()
    assert launch.client.get("/xapi/statements", headers=launch.headers(unknown)).status_code == 401


# -- cmi5 statement rules -------------------------------------------------------------------------


def test_initialized_must_come_first(launched):
    launch = launched()
    headers = launch.auth()
    data = launch.launch_data(headers)
    response = launch.send(headers, launch.statement("passed", data, result=PASSED))
    assert response.status_code == 403
    allowed_first = launch.statement("progressed", data, cmi5=False)
    assert launch.send(headers, allowed_first).status_code == 403
    assert count("passed") == 0


def test_nothing_after_terminated(launched):
    launch, headers, data = started(launched)
    assert launch.send(headers, launch.statement("terminated", data)).status_code == 200
    response = launch.send(headers, launch.statement("passed", data, result=PASSED))
    assert response.status_code == 403
    batch = launch.send(
        headers, launch.statement("terminated", data), launch.statement("completed", data)
    )
    assert batch.status_code == 403


def test_terminated_must_be_last_in_a_batch(launched):
    launch, headers, data = started(launched)
    batch = launch.send(
        headers,
        launch.statement("terminated", data),
        launch.statement("passed", data, result=PASSED),
    )
    assert batch.status_code == 403
    assert count("passed") == 0 and count("terminated") == 0


def test_verbs_not_repeated_and_only_one_of_passed_failed_per_session(launched):
    launch, headers, data = started(launched)
    assert launch.send(headers, launch.statement("initialized", data)).status_code == 403
    assert launch.send(headers, launch.statement("failed", data, result=FAILED)).status_code == 200
    assert launch.send(headers, launch.statement("passed", data, result=PASSED)).status_code == 403
    assert launch.send(headers, launch.statement("failed", data, result=FAILED)).status_code == 403


def test_passed_and_completed_once_per_registration_and_no_failed_after_passed(launched):
    launch, headers, data = started(launched)
    assert launch.send(headers, launch.statement("passed", data, result=PASSED)).status_code == 200
    assert (
        launch.send(
            headers, launch.statement("completed", data, result={"completion": True})
        ).status_code
        == 200
    )
    launch.send(headers, launch.statement("terminated", data))
    # a second session in the same registration
    from urllib.parse import parse_qs, urlsplit

    from tests.cmi5.conftest import launch_url

    again = launch_url(launch.client, launch.module.slug, launch.lesson)
    launch.params = {k: v[0] for k, v in parse_qs(urlsplit(again).query).items()}
    headers = launch.auth()
    data = launch.launch_data(headers)
    assert launch.send(headers, launch.statement("initialized", data)).status_code == 200
    assert launch.send(headers, launch.statement("passed", data, result=PASSED)).status_code == 403
    assert (
        launch.send(
            headers, launch.statement("completed", data, result={"completion": True})
        ).status_code
        == 403
    )
    assert launch.send(headers, launch.statement("failed", data, result=FAILED)).status_code == 403


def test_scores_must_agree_with_the_mastery_score(launched):
    launch, headers, data = started(launched)
    low_pass = {"success": True, "score": {"scaled": 0.5}}
    assert (
        launch.send(headers, launch.statement("passed", data, result=low_pass)).status_code == 400
    )
    high_fail = {"success": False, "score": {"scaled": 0.8}}
    assert (
        launch.send(headers, launch.statement("failed", data, result=high_fail)).status_code == 400
    )
    assert count("passed") == 0 and count("failed") == 0


def test_lms_verbs_are_not_the_aus_to_send(launched):
    launch, headers, data = started(launched)
    for verb in ("abandoned", "waived", "satisfied"):
        statement = launch.statement(f"https://w3id.org/xapi/adl/verbs/{verb}", data)
        assert launch.send(headers, statement).status_code == 403
    assert launch.send(headers, launch.statement("launched", data)).status_code == 403


def test_cmi5_statements_carry_their_session_and_are_about_the_au(launched):
    launch, headers, data = started(launched)
    foreign = launch.statement("passed", data, result=PASSED)
    foreign["context"]["extensions"] = {
        "https://w3id.org/xapi/cmi5/context/extensions/sessionid": "another-session"
    }
    assert launch.send(headers, foreign).status_code == 400
    elsewhere = launch.statement("passed", data, result=PASSED)
    elsewhere["object"]["id"] = "https://example.org/another-au"
    assert launch.send(headers, elsewhere).status_code == 403


def test_cmi5_allowed_statements_are_stored_between_initialized_and_terminated(launched):
    launch, headers, data = started(launched)
    progressed = launch.statement(
        "progressed",
        data,
        cmi5=False,
        result={"extensions": {"https://w3id.org/xapi/cmi5/result/extensions/progress": 50}},
    )
    assert launch.send(headers, progressed).status_code == 200
    assert launch.send(headers, progressed | {"id": str(uuid.uuid4())}).status_code == 200


def test_statements_of_the_wrong_shape_are_400_not_500(launched):
    launch, headers, data = started(launched)
    good = launch.statement("progressed", data, cmi5=False)
    for broken in (
        {**good, "verb": "passed"},
        {**good, "context": ["registration"]},
        {**good, "actor": "me"},
        {**good, "object": "the AU"},
        {**good, "context": {**good["context"], "contextActivities": "cmi5"}},
        "a statement",
    ):
        response = launch.send(headers, broken)
        assert response.status_code in (400, 403), (broken, response.status_code)
