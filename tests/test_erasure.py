"""Account deletion leaves nothing that identifies the person, in any table, role or log line."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import uuid

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.test_learning import ALL_RIGHT
from tests.xapi.conftest import Lrs, make_statement
from uprest.accounts.models import Invitation, Role
from uprest.extensions import db
from uprest.i18n import LOCALES, _, force_locale
from uprest.learning.models import Enrolment
from uprest.learning.projection import ActivityProgress
from uprest.xapi import clients
from uprest.xapi.iris import base_iri
from uprest.xapi.models import AgentRecord, Document, OutboxItem, Statement, StatementIndex

EMAIL = "erin.example@example.org"
NAME = "Erin Erasmus"
SHA1 = hashlib.sha1(f"mailto:{EMAIL}".encode()).hexdigest()


def _lrs(client) -> Lrs:
    record, secret = clients.create_client(name="Content", scopes=["read", "write"])
    db.session.commit()
    return Lrs(client, record.key, secret, version="2.0.0")


def _ok(response):
    assert response.status_code in (200, 204), response.get_data(as_text=True)
    return response


@pytest.fixture
def rich_learner(app, client, courses, login_as, create_user, monkeypatch):
    """A learner named in statements in every role, with documents, progress, a certificate,
    outbox rows not yet sent and an invitation; others' records beside theirs."""
    monkeypatch.setitem(app.config, "UPREST_XAPI_FORWARD_URL", "http://127.0.0.1:9/xapi")
    manager = create_user(Role.MANAGER)
    from uprest.accounts import business_services

    business_services.invite_staff(business=manager.business, email=EMAIL, invited_by=manager)
    db.session.commit()
    user = login_as(Role.LEARNER, email=EMAIL, display_name=NAME, business=manager.business)
    client.post("/learn/modules/online-presence/enrol")
    client.post("/learn/modules/online-presence/lessons/why-be-found")
    client.post("/learn/modules/online-presence/lessons/your-website")
    client.post("/learn/modules/online-presence/quiz", data=ALL_RIGHT)
    enrolment = db.session.scalar(sa.select(Enrolment).where(Enrolment.user_id == user.id))
    assert enrolment.certificate_code

    lrs = _lrs(client)
    by_mbox = {"objectType": "Agent", "name": NAME, "mbox": "mailto:Erin.Example@Example.org"}
    by_sha1 = {"objectType": "Agent", "mbox_sha1sum": SHA1}
    by_account = {"account": {"homePage": base_iri(), "name": f"user-{user.id}"}}
    trainer = {"objectType": "Agent", "name": "Tove Trainer", "mbox": "mailto:tove@example.org"}
    team = {"objectType": "Group", "name": "Café staff", "member": [trainer, by_sha1]}
    registration = enrolment.uuid
    statements = {
        "actor_mbox": make_statement(actor=by_mbox, context={"registration": registration}),
        "actor_sha1": make_statement(actor=by_sha1),
        "actor_account": make_statement(actor=by_account),
        "object": make_statement(actor=trainer, object=by_mbox),
        "instructor": make_statement(actor=trainer, context={"instructor": by_mbox}),
        "team": make_statement(actor=trainer, context={"team": team}),
        "context_agent": make_statement(
            actor=trainer,
            context={"contextAgents": [{"objectType": "contextAgent", "agent": by_account}]},
        ),
        "sub_statement": make_statement(
            actor=trainer,
            verb={"id": "http://example.org/verbs/observed", "display": {"en": "observed"}},
            object={
                "objectType": "SubStatement",
                "actor": by_mbox,
                "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
                "object": {"id": "http://example.org/activities/task"},
            },
        ),
    }
    ids = {}
    for role, statement in statements.items():
        statement["id"] = str(uuid.uuid4())
        _ok(lrs.post_statement(statement))
        ids[role] = statement["id"]
    others = make_statement(actor=trainer, id=str(uuid.uuid4()))
    _ok(lrs.post_statement(others))
    voiding = make_statement(
        actor=trainer,
        id=str(uuid.uuid4()),
        verb={"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en": "voided"}},
        object={"objectType": "StatementRef", "id": ids["actor_sha1"]},
    )
    _ok(lrs.post_statement(voiding))
    activity = "http://example.org/activities/lesson-1"
    for agent, kind in ((by_mbox, "state"), (by_sha1, "state"), (by_account, "agents/profile")):
        params = {"agent": json.dumps(agent), "stateId" if kind == "state" else "profileId": "p"}
        if kind == "state":
            params["activityId"] = activity
        _ok(
            lrs.request(
                "PUT",
                "/activities/state" if kind == "state" else "/agents/profile",
                data=json.dumps({"note": f"{NAME} likes {EMAIL}"}),
                params=params,
                content_type="application/json",
            )
        )
    db.session.commit()
    assert db.session.scalar(
        sa.select(sa.func.count()).select_from(OutboxItem).where(OutboxItem.delivered_at.is_(None))
    )
    return {
        "user": user,
        "ids": ids,
        "kept": [others["id"], voiding["id"]],
        "code": enrolment.certificate_code,
        "registration": registration,
    }


def _values(row) -> list[str]:
    found = []
    for value in row:
        if isinstance(value, (bytes, bytearray, memoryview)):
            found.append(bytes(value).decode("utf-8", "replace"))
        elif isinstance(value, (dict, list)):
            found.append(json.dumps(value, ensure_ascii=False))
        elif value is not None:
            found.append(str(value))
    return found


def _traces(user_id: int) -> list[tuple[str, str]]:
    """Every text, JSON and binary column of every table, searched for the person."""
    needles = [EMAIL, SHA1, NAME.lower(), "erin.example%40example.org"]
    account = re.compile(rf"user-{user_id}(?!\d)")
    inspector = sa.inspect(db.session.connection())
    hits = []
    for table in inspector.get_table_names():
        for row in db.session.execute(sa.text(f'SELECT * FROM "{table}"')):
            for text in _values(row):
                lowered = text.lower()
                if any(n in lowered for n in needles) or account.search(text):
                    hits.append((table, text[:200]))
    return hits


def test_erasure_leaves_no_trace_of_the_person_in_any_table(client, rich_learner):
    user = rich_learner["user"]
    user_id = user.id
    assert len(_traces(user_id)) > 20  # the search finds them before
    assert client.post("/profile/delete", data={"delete-password": PASSWORD}).status_code == 302
    db.session.expire_all()
    assert _traces(user_id) == []
    remaining = set(db.session.scalars(sa.select(Statement.statement_id)))
    assert set(rich_learner["ids"].values()).isdisjoint(remaining)
    assert set(rich_learner["kept"]) <= remaining  # others' statements stay
    assert not db.session.scalar(
        sa.select(sa.func.count())
        .select_from(StatementIndex)
        .where(StatementIndex.statement_pk.not_in(sa.select(Statement.id)))
    )
    queued = db.session.scalars(
        sa.select(Statement.statement_id).join(OutboxItem, OutboxItem.statement_pk == Statement.id)
    )
    assert set(queued) <= set(rich_learner["kept"])  # nothing was sent, so nothing to retract
    for model in (Document, AgentRecord):
        keys = db.session.scalars(sa.select(model.agent_key)).all()
        assert not [k for k in keys if "erin" in k.lower() or SHA1 in k]
    assert not db.session.scalars(
        sa.select(ActivityProgress).where(
            ActivityProgress.registration == rich_learner["registration"]
        )
    ).all()
    assert not db.session.scalars(sa.select(Invitation).where(Invitation.email == EMAIL)).all()


def test_the_certificate_of_an_erased_account_is_revoked_in_every_language(client, rich_learner):
    code = rich_learner["code"]
    assert client.post("/profile/delete", data={"delete-password": PASSWORD}).status_code == 302
    for locale in LOCALES:
        response = client.get(f"/learn/certificates/{code}", headers={"Accept-Language": locale})
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        with force_locale(locale):
            assert _("Certificate revoked") in page
        assert NAME not in page and "genuine" not in page
    assert client.get("/learn/certificates/never-issued").status_code == 404


def test_access_logs_mask_personal_query_values(app, caplog):
    """Werkzeug's and gunicorn's access-log formats, as they reach the handlers."""
    agent = "%7B%22mbox%22%3A%22mailto%3Aerin.example%40example.org%22%7D"
    line = f"GET /xapi/activities/state?activityId=http%3A%2F%2Fx&agent={agent} HTTP/1.1"
    with caplog.at_level(logging.INFO):
        logging.getLogger("werkzeug").info(
            '%s - - [%s] "%s" %s %s', "127.0.0.1", "05/Dec/2026 13:00:00", line, "200", "-"
        )
        logging.getLogger("gunicorn.access").info(
            '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"',
            {
                "h": "127.0.0.1",
                "l": "-",
                "u": "-",
                "t": "[05/Dec/2026:13:00:00 +0000]",
                "r": "GET /records?learner=erin.example@example.org&verb= HTTP/1.1",
                "s": "200",
                "b": "512",
                "f": f"https://lms.example/profile?email={EMAIL}",
                "a": "Mozilla",
            },
        )
    text = caplog.text
    assert "erin" not in text.lower() and "example.org" not in text
    assert "agent=***" in text and "learner=***" in text and "email=***" in text
    assert "activityId=http%3A%2F%2Fx" in text and "GET /records?" in text  # the rest stays
