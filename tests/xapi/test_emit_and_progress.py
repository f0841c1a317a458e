"""The app's own statements, the progress projection, and a user's records in export and erasure."""

import json
import uuid

import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.xapi.conftest import make_statement
from uprest.accounts.models import Role
from uprest.extensions import db
from uprest.learning import projection
from uprest.xapi import vocabulary
from uprest.xapi.emitter import emit
from uprest.xapi.models import Statement, StatementIndex


def test_emit_stores_a_valid_statement(app, create_user):
    user = create_user(display_name="Kim")
    registration = uuid.uuid4()
    with app.test_request_context(headers={"Accept-Language": "lv"}):
        row = emit(
            user=user,
            verb="completed",
            activity="modules/online-presence",
            name={"en": "Be found online"},
            registration=registration,
            result={"completion": True, "score": {"scaled": 0.8}},
        )
    data = json.loads(row.document)
    assert data["actor"]["account"]["name"] == f"user-{user.id}"
    assert "Kim" not in row.document and user.email not in row.document
    assert data["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed"
    assert data["verb"]["display"]["sv-SE"] and data["verb"]["display"]["en-GB"] == "completed"
    assert data["object"]["id"].endswith("/xapi/activities/modules/online-presence")
    assert data["context"]["registration"] == str(registration)
    assert data["context"]["language"] == "lv-LV"
    assert row.user_id == user.id


def test_projection_follows_statements_in_the_same_transaction(app, create_user, lrs):
    user = create_user()
    registration = str(uuid.uuid4())
    with app.test_request_context():
        emit(user=user, verb="experienced", activity="lessons/one", registration=registration)
        emit(
            user=user,
            verb="failed",
            activity="quizzes/q",
            registration=registration,
            result={"success": False, "score": {"scaled": 0.4}},
        )
        emit(
            user=user,
            verb="passed",
            activity="quizzes/q",
            registration=registration,
            result={"success": True, "score": {"scaled": 0.9}},
        )
    rows = {
        row.activity_id.rsplit("/", 1)[-1]: row for row in projection.progress_for(registration)
    }
    assert rows["q"].is_passed is True and rows["q"].is_completed and rows["q"].best_score == 0.9
    assert rows["one"].statements == 1 and not rows["one"].is_completed
    # external content reports through the LRS API, with cmi5 progress
    external = make_statement(
        object={"id": "http://content.example/h5p/7"},
        context={"registration": registration},
        result={"extensions": {vocabulary.PROGRESS: 60}},
    )
    assert lrs.post_statement(external).status_code == 200
    rows = {row.activity_id: row for row in projection.progress_for(registration)}
    assert rows["http://content.example/h5p/7"].progress == 60


def _snapshot(registration):
    return [
        (r.activity_id, r.is_completed, r.is_passed, r.best_score, r.progress, r.statements)
        for r in projection.progress_for(registration)
    ]


def test_rebuilt_projection_equals_the_incremental_one(app, create_user, lrs, runner):
    registration = str(uuid.uuid4())
    user = create_user()
    with app.test_request_context():
        for verb, result in [
            ("experienced", None),
            ("answered", {"success": True}),
            ("completed", {"completion": True}),
            ("failed", {"success": False}),
            ("passed", {"score": {"scaled": 0.7}, "success": True}),
        ]:
            emit(
                user=user, verb=verb, activity="modules/m", registration=registration, result=result
            )
    [voided_target] = lrs.post_statement(
        make_statement(
            object={"id": "http://content.example/x"},
            context={"registration": registration},
            result={"completion": True},
        )
    ).json
    lrs.post_statement(
        make_statement(
            verb={"id": "http://adlnet.gov/expapi/verbs/voided"},
            object={"objectType": "StatementRef", "id": voided_target},
        )
    )
    db.session.commit()
    incremental = _snapshot(registration)
    assert ("http://content.example/x", True) not in [(a, c) for a, c, *_ in incremental]
    result = runner.invoke(args=["uprest", "xapi-rebuild-progress"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert _snapshot(registration) == incremental


def test_statements_are_exported_and_erased_with_the_account(app, client, create_user, login):
    user = create_user()
    other = create_user()
    with app.test_request_context():
        emit(user=user, verb="experienced", activity="lessons/a")
        emit(user=other, verb="experienced", activity="lessons/a")
    db.session.commit()
    login(user)
    exported = client.get("/profile/export").json
    assert len(exported["xapi_statements"]) == 1
    assert client.post("/profile/delete", data={"delete-password": PASSWORD}).status_code == 302
    remaining = db.session.scalars(sa.select(Statement.user_id)).all()
    assert remaining == [other.id]
    indexed = db.session.scalars(sa.select(StatementIndex.statement_pk).distinct()).all()
    assert indexed == db.session.scalars(sa.select(Statement.id)).all()  # none left behind


def test_trainer_views_statements_in_their_language(app, client, login_as, create_user):
    learner = create_user(display_name="Liis Õppija")
    with app.test_request_context():
        emit(
            user=learner,
            verb="completed",
            activity="modules/m",
            name={"en": "Open data", "et": "Avaandmed"},
        )
    db.session.commit()
    login_as(Role.TRAINER, locale="et")
    text = client.get(f"/records?learner={learner.email}").get_data(as_text=True)
    assert "Liis Õppija" in text and "Avaandmed" in text and '<html lang="et">' in text
    assert "Open data" not in text
    nobody = client.get("/records?learner=nobody@example.org").get_data(as_text=True)
    assert "Liis" not in nobody


def test_viewer_pages_through_statements(app, client, login_as, create_user, count_queries):
    learner = create_user()
    with app.test_request_context():
        for n in range(30):
            emit(user=learner, verb="experienced", activity=f"lessons/{n}")
    db.session.commit()
    login_as(Role.ADMIN)
    first = client.get("/records")
    assert first.status_code == 200
    text = first.get_data(as_text=True)
    next_link = text.split('<nav class="pager"', 1)[1].split('href="', 1)[1].split('"', 1)[0]
    with count_queries() as queries:
        second = client.get(next_link.replace("&amp;", "&"))
    assert second.status_code == 200
    assert len(queries) < 10


def test_admin_creates_and_revokes_lrs_credentials(client, login_as):
    login_as(Role.ADMIN)
    response = client.post(
        "/admin/lrs-clients", data={"name": "Cervia LRS", "scopes": ["read", "write"]}
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "Cervia LRS" in text
    from uprest.xapi.models import LrsClient

    created = db.session.scalar(sa.select(LrsClient))
    assert created.scopes == "read write"
    assert client.post(f"/admin/lrs-clients/{created.id}/revoke").status_code == 302
    assert created.is_active is False
    refused = client.post("/admin/lrs-clients", data={"name": "", "scopes": []})
    assert refused.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count(LrsClient.id))) == 1
