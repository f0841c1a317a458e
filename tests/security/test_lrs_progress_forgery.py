"""A write client cannot pass a quiz, complete a module or earn a certificate for a learner
(issue 11): statements about an enrolment move progress on only when the app wrote them for
the learner, or a client trusted to report progress sent them with the learner as actor.
The LRS still stores every valid statement."""

import pytest
import sqlalchemy as sa

from tests.xapi.conftest import Lrs, make_statement
from uprest.accounts.models import Role
from uprest.extensions import db
from uprest.learning import progress, projection
from uprest.learning.models import Enrolment, LearningEvent
from uprest.xapi import clients
from uprest.xapi.models import Statement

ADL = "http://adlnet.gov/expapi/verbs/"
BASE = "http://localhost/xapi/activities/"
MODULE = "online-presence"


@pytest.fixture
def enrolled(client, courses, login_as):
    """A learner enrolled in a module, who has seen its first lesson."""
    user = login_as(Role.LEARNER)
    client.post(f"/learn/modules/{MODULE}/enrol")
    client.get(f"/learn/modules/{MODULE}/continue")
    enrolment = db.session.scalar(sa.select(Enrolment).where(Enrolment.user_id == user.id))
    client.post(f"/learn/modules/{MODULE}/lessons/{enrolment.version.outline['lessons'][0]}")
    return user, enrolment


def _writer(client, *, trusted: bool) -> Lrs:
    record, secret = clients.create_client(
        name="Quiz content", scopes=["write", "read-own"], is_trusted=trusted
    )
    db.session.commit()
    return Lrs(client, record.key, secret)


def _forgeries(enrolment, actor) -> list[dict]:
    context = {"registration": enrolment.uuid}
    return [
        make_statement(
            actor=actor,
            verb={"id": ADL + "passed"},
            object={"id": f"{BASE}modules/{MODULE}/quiz"},
            result={"success": True, "completion": True, "score": {"raw": 100, "scaled": 1}},
            context=context,
        ),
        make_statement(
            actor=actor,
            verb={"id": ADL + "completed"},
            object={"id": f"{BASE}modules/{MODULE}"},
            result={"completion": True},
            context=context,
        ),
    ]


def _state(enrolment):
    events = db.session.scalar(
        sa.select(sa.func.count(LearningEvent.id)).where(LearningEvent.enrolment_id == enrolment.id)
    )
    activity = [
        (row.activity_id, row.is_completed, row.is_passed, row.statements)
        for row in projection.progress_for(enrolment.uuid)
    ]
    return events, progress.for_enrolment(enrolment).percent, activity


def _actors(user):
    return {
        "someone else": {"objectType": "Agent", "mbox": "mailto:mallory@example.org"},
        "the learner's account": {
            "objectType": "Agent",
            "account": {"homePage": BASE, "name": f"user-{user.id}"},
        },
        "the learner's mailbox": {"objectType": "Agent", "mbox": f"mailto:{user.email}"},
    }


@pytest.mark.parametrize(
    ("trusted", "who"),
    [
        (False, "someone else"),
        (False, "the learner's account"),
        (False, "the learner's mailbox"),
        (True, "someone else"),
    ],
)
def test_a_forged_pass_is_stored_but_changes_no_progress(
    client, enrolled, runner, trusted, who, caplog
):
    user, enrolment = enrolled
    before = _state(enrolment)
    writer = _writer(client, trusted=trusted)
    response = writer.post_statement(_forgeries(enrolment, _actors(user)[who]))
    assert response.status_code == 200
    stored = db.session.scalars(
        sa.select(Statement.statement_id).where(Statement.client_id.isnot(None))
    )
    assert set(response.json) == set(stored)  # the LRS keeps what it was sent
    assert _state(enrolment) == before
    assert "not projected" in caplog.text and user.email not in caplog.text
    # seeing every lesson would complete the module if the forged pass had counted
    for lesson in enrolment.version.outline["lessons"]:
        client.post(f"/learn/modules/{MODULE}/lessons/{lesson}")
    db.session.refresh(enrolment)
    assert enrolment.completed_at is None and enrolment.certificate_code is None
    assert client.get(f"/learn/modules/{MODULE}/certificate").status_code == 404
    # rebuilding the projections from the record applies the same rule
    assert runner.invoke(args=["uprest", "xapi-rebuild-progress"]).exit_code == 0
    assert progress.for_enrolment(enrolment).quiz_passed is False


def test_a_trusted_client_reports_the_learners_own_progress(client, enrolled):
    user, enrolment = enrolled
    writer = _writer(client, trusted=True)
    actor = _actors(user)["the learner's account"]
    assert writer.post_statement(_forgeries(enrolment, actor)[:1]).status_code == 200
    assert progress.for_enrolment(enrolment).quiz_passed is True
    for lesson in enrolment.version.outline["lessons"]:
        client.post(f"/learn/modules/{MODULE}/lessons/{lesson}")
    db.session.refresh(enrolment)
    assert enrolment.certificate_code is not None


def test_statements_about_other_registrations_still_reach_the_activity_projection(client, enrolled):
    """External content with its own registrations keeps its generic progress rows."""
    writer = _writer(client, trusted=False)
    statement = make_statement(
        context={"registration": "0b5c1c5e-54a6-4fd5-8f5a-3c0d1b1f2a11"},
        result={"completion": True},
    )
    assert writer.post_statement(statement).status_code == 200
    [row] = projection.progress_for("0b5c1c5e-54a6-4fd5-8f5a-3c0d1b1f2a11")
    assert row.is_completed


def test_trusted_flag_from_the_cli_and_the_admin_page(client, runner, login_as):
    from uprest.xapi.models import LrsClient

    output = runner.invoke(args=["uprest", "lrs-client", "create", "cmi5 player", "--trusted"])
    assert output.exit_code == 0 and "trusted" in output.output
    plain = runner.invoke(args=["uprest", "lrs-client", "create", "H5P"])
    assert plain.exit_code == 0
    login_as(Role.ADMIN)
    page = client.post(
        "/admin/lrs-clients", data={"name": "Player", "scopes": ["write"], "is_trusted": "y"}
    )
    assert page.status_code == 200 and "trusted to report progress" in page.get_data(as_text=True)
    flags = dict(db.session.execute(sa.select(LrsClient.name, LrsClient.is_trusted)).all())
    assert flags == {"cmi5 player": True, "H5P": False, "Player": True}
