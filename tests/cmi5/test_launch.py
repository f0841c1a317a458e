"""Launching an AU (cmi5 §8, §10): the launch URL, the one-time fetch, LMS.LaunchData, the
AU's result in the module's progress and certificate, and who may launch."""

import json
from datetime import timedelta

import sqlalchemy as sa

from uprest.accounts.models import Role
from uprest.core.time import utcnow
from uprest.extensions import db
from uprest.learning import cmi5, progress
from uprest.learning.models import Cmi5Session, Enrolment
from uprest.xapi.models import Statement

PASSED = {"success": True, "completion": True, "score": {"scaled": 0.9}}


def enrolment_of(launch) -> Enrolment:
    return db.session.scalar(sa.select(Enrolment).where(Enrolment.uuid == launch.registration))


def test_launch_url_names_endpoint_fetch_actor_registration_and_a_generated_activity(launched):
    launch = launched()
    assert (
        launch.url.split("?")[0].endswith("/cmi5/packages/1/index.html")
        or "/cmi5/packages/" in launch.url
    )
    assert launch.params["endpoint"].endswith("/xapi/")
    assert "/cmi5/fetch/" in launch.params["fetch"]
    assert launch.actor["account"]["name"] == f"user-{launch.user.id}"
    assert launch.registration == enrolment_of(launch).uuid
    # cmi5 §8.1.5: made by the LMS, never the publisher's AU id
    assert "example.org" not in launch.activity and "/cmi5/packages/" in launch.activity
    launched_rows = db.session.scalars(
        sa.select(Statement.verb_id).where(Statement.registration == launch.registration)
    ).all()
    assert "http://adlnet.gov/expapi/verbs/launched" in launched_rows


def test_fetch_answers_once_then_error_1(launched):
    launch = launched()
    first = launch.fetch()
    assert set(first) == {"auth-token"}
    again = launch.fetch()
    assert again["error-code"] == "1" and "auth-token" not in again
    assert launch.client.post("/cmi5/fetch/not-a-code").get_json()["error-code"] == "2"


def test_launch_data_has_session_mastery_moveon_and_return_url(launched):
    launch = launched()
    data = launch.launch_data(launch.auth())
    session = db.session.scalar(sa.select(Cmi5Session))
    assert (
        data["contextTemplate"]["extensions"][
            "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
        ]
        == session.session_id
    )
    assert data["contextTemplate"]["contextActivities"]["grouping"] == [
        {"id": "https://example.org/uprest-tests/cmi5/courses/sorting-waste/aus/check"}
    ]
    assert data["masteryScore"] == 0.8 and data["moveOn"] == "Passed"
    assert data["launchMode"] == "Normal"
    assert data["returnURL"].endswith(
        f"/learn/modules/{launch.module.slug}/lessons/{launch.lesson}"
    )


def test_no_mastery_score_in_launch_data_when_the_package_has_none(launched):
    launch = launched(mastery=None)
    assert "masteryScore" not in launch.launch_data(launch.auth())


def test_a_pass_counts_in_module_progress_and_gives_the_certificate(launched):
    launch = launched()
    headers = launch.auth()
    data = launch.launch_data(headers)
    enrolment = enrolment_of(launch)
    assert progress.for_enrolment(enrolment).percent == 0
    # the lesson's button records nothing for a cmi5 step before the AU has met moveOn
    url = f"/learn/modules/{launch.module.slug}/lessons/{launch.lesson}"
    launch.client.post(url)
    assert progress.for_enrolment(enrolment).percent == 0
    assert launch.send(headers, launch.statement("initialized", data)).status_code == 200
    passed = launch.statement("passed", data, result=PASSED)
    assert launch.send(headers, passed).status_code == 200
    assert launch.send(headers, launch.statement("terminated", data)).status_code == 200
    assert progress.for_enrolment(enrolment).percent == 100
    page = launch.client.get(url).get_data(as_text=True)
    assert "You have completed this activity." in page
    launch.client.post(url)
    db.session.refresh(enrolment)
    assert enrolment.completed_at is not None and enrolment.certificate_code
    assert launch.client.get(f"/learn/modules/{launch.module.slug}/certificate").status_code == 200
    satisfied = db.session.scalar(
        sa.select(Statement).where(
            Statement.verb_id == "https://w3id.org/xapi/adl/verbs/satisfied",
            Statement.activity_id == "https://example.org/uprest-tests/cmi5/courses/sorting-waste",
        )
    )
    assert satisfied is not None and satisfied.registration == launch.registration


def test_a_fail_does_not_count_for_move_on_passed(launched):
    launch = launched()
    headers = launch.auth()
    data = launch.launch_data(headers)
    launch.send(headers, launch.statement("initialized", data))
    failed = {"success": False, "score": {"scaled": 0.2}}
    assert launch.send(headers, launch.statement("failed", data, result=failed)).status_code == 200
    assert progress.for_enrolment(enrolment_of(launch)).percent == 0


def test_move_on_completed_or_passed_and_not_applicable(launched, client):
    launch = launched(move_on="CompletedOrPassed")
    headers = launch.auth()
    data = launch.launch_data(headers)
    launch.send(headers, launch.statement("initialized", data))
    completed = launch.statement("completed", data, result={"completion": True})
    assert launch.send(headers, completed).status_code == 200
    assert progress.for_enrolment(enrolment_of(launch)).percent == 100

    other = launched(slug="not-applicable", move_on="NotApplicable")
    assert progress.for_enrolment(enrolment_of(other)).percent == 100  # met at launch


def test_move_on_completed_and_passed_needs_both(launched):
    launch = launched(move_on="CompletedAndPassed")
    headers = launch.auth()
    data = launch.launch_data(headers)
    launch.send(headers, launch.statement("initialized", data))
    launch.send(headers, launch.statement("passed", data, result=PASSED))
    assert progress.for_enrolment(enrolment_of(launch)).percent == 0
    completed = launch.statement("completed", data, result={"completion": True})
    assert launch.send(headers, completed).status_code == 200
    assert progress.for_enrolment(enrolment_of(launch)).percent == 100


def test_a_waived_au_has_met_move_on(launched):
    launch = launched()
    enrolment = enrolment_of(launch)
    cmi5.waive(enrolment, launch.lesson, reason="Tested")
    db.session.commit()
    assert progress.for_enrolment(enrolment).percent == 100
    waived = db.session.scalar(
        sa.select(Statement).where(Statement.verb_id == "https://w3id.org/xapi/adl/verbs/waived")
    )
    document = json.loads(waived.document)
    assert (
        document["result"]["extensions"]["https://w3id.org/xapi/cmi5/result/extensions/reason"]
        == "Tested"
    )
    import pytest

    from uprest.core.errors import ServiceError

    with pytest.raises(ServiceError):
        cmi5.waive(enrolment, launch.lesson, reason="again")


def test_a_new_launch_abandons_the_open_session_and_revokes_its_token(launched):
    launch = launched()
    headers = launch.auth()
    data = launch.launch_data(headers)
    launch.send(headers, launch.statement("initialized", data))
    url = f"/learn/modules/{launch.module.slug}/lessons/{launch.lesson}/launch"
    assert launch.client.post(url).status_code == 200
    first = db.session.scalar(sa.select(Cmi5Session).order_by(Cmi5Session.id))
    assert first.abandoned_at is not None
    abandoned = db.session.scalars(
        sa.select(Statement.document).where(
            Statement.verb_id == "https://w3id.org/xapi/adl/verbs/abandoned"
        )
    ).all()
    assert len(abandoned) == 1
    assert first.session_id in abandoned[0]
    # the old token no longer works: no statements after "abandoned" (cmi5 §9.3.6)
    response = launch.send(headers, launch.statement("terminated", data))
    assert response.status_code == 401


def test_only_an_enrolled_learner_can_launch(client, cmi5_module, login_as):
    module = cmi5_module()
    lesson = module.draft["module"]["lessons"][0]["slug"]
    login_as(Role.LEARNER)
    response = client.post(f"/learn/modules/{module.slug}/lessons/{lesson}/launch")
    assert response.status_code == 302 and "/launch" not in response.headers["Location"]
    assert response.headers["Location"].endswith(f"/learn/modules/{module.slug}")
    assert db.session.scalar(sa.select(sa.func.count(Cmi5Session.id))) == 0
    client.post("/logout")
    anonymous = client.post(f"/learn/modules/{module.slug}/lessons/{lesson}/launch")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_package_files_need_the_key_signed_at_launch(client, launched, monkeypatch):
    launch = launched()
    path = "/" + launch.url.split("://", 1)[1].split("/", 1)[1].split("?")[0]
    client.post("/logout")  # the sandboxed AU sends no session cookie
    page = client.get(path)
    assert page.status_code == 200 and b"Waste sorting check" in page.data
    assert "sandbox" in page.headers["Content-Security-Policy"]
    assert client.get(path.replace("index.html", "au.js")).status_code == 200
    assert client.get(path.replace("index.html", "../cmi5.xml")).status_code == 404
    prefix, key, name = path.rsplit("/", 2)
    assert client.get(f"{prefix}/{key[:-2]}xx/{name}").status_code == 404
    other_package = prefix.rsplit("/", 1)[0] + "/999"
    assert client.get(f"{other_package}/{key}/{name}").status_code == 404
    monkeypatch.setitem(launch.client.application.config, "UPREST_CMI5_TOKEN_SECONDS", -1)
    assert client.get(path).status_code == 404


def test_token_expires_and_fetch_expires(launched, monkeypatch):
    launch = launched()
    headers = launch.auth()
    data = launch.launch_data(headers)
    later = utcnow() + timedelta(hours=5)
    monkeypatch.setattr("uprest.xapi.tokens.utcnow", lambda: later)
    response = launch.send(headers, launch.statement("initialized", data))
    assert response.status_code == 401
    other = launched(slug="second")
    monkeypatch.setattr("uprest.learning.cmi5.utcnow", lambda: later)
    assert other.fetch()["error-code"] == "1"


def test_erasing_the_learner_removes_sessions_and_tokens(launched):
    from uprest.accounts.services import delete_account
    from uprest.xapi.models import AccessToken

    launch = launched()
    launch.auth()
    delete_account(launch.user)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Cmi5Session.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(AccessToken.id))) == 0


def test_another_clients_pass_for_the_au_does_not_count(launched, client):
    """Only the AU's token (or the LMS) can meet moveOn: a write-only client that names the
    learner, the registration and the AU is stored but moves nothing."""
    from tests.cmi5.conftest import basic
    from uprest.xapi import clients

    launch = launched()
    other, secret = clients.create_client(name="Other", scopes=["write"], is_trusted=True)
    db.session.commit()
    statement = {
        "actor": launch.actor,
        "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},
        "object": {"objectType": "Activity", "id": launch.activity},
        "context": {"registration": launch.registration},
        "result": {"success": True},
    }
    headers = {
        "Authorization": f"Basic {basic(other.key, secret)}",
        "X-Experience-API-Version": "1.0.3",
    }
    assert client.post("/xapi/statements", json=statement, headers=headers).status_code == 200
    assert progress.for_enrolment(enrolment_of(launch)).percent == 0


def test_rebuilding_the_projection_keeps_the_aus_result(launched, runner):
    launch = launched()
    headers = launch.auth()
    data = launch.launch_data(headers)
    launch.send(headers, launch.statement("initialized", data))
    launch.send(headers, launch.statement("passed", data, result=PASSED))
    assert progress.for_enrolment(enrolment_of(launch)).percent == 100
    result = runner.invoke(args=["uprest", "xapi-rebuild-progress"])
    assert result.exit_code == 0, result.output
    assert progress.for_enrolment(enrolment_of(launch)).percent == 100
