"""Self-ratings stay in the survey tables: no statement a trainer can browse carries them."""

from __future__ import annotations

import importlib.util
import json

import sqlalchemy as sa

from tests.test_surveys import _page_data
from uprest.accounts.models import Role
from uprest.config import MIGRATIONS_DIR
from uprest.extensions import db
from uprest.xapi.emitter import emit
from uprest.xapi.models import Statement

MIGRATION = next(MIGRATIONS_DIR.glob("versions/*_privacy_data.py"))


def _survey_statements():
    rows = db.session.scalars(
        sa.select(Statement).where(Statement.activity_id.contains("/surveys/"))
    )
    return [json.loads(row.document) for row in rows]


def test_a_self_assessment_statement_says_completed_and_nothing_more(
    client, login_as, open_wave, create_user
):
    wave = open_wave()
    manager = create_user(Role.MANAGER)
    learner = login_as(Role.LEARNER, business=manager.business, display_name="Sanna Self")
    for page in range(4):
        client.post(
            f"/surveys/{wave.id}/self/{page}",
            data=_page_data(wave, page, level=2 + page % 3, business=False),
        )
    client.post(f"/surveys/{wave.id}/self/review", data={})
    [statement] = _survey_statements()
    assert statement["verb"]["id"].endswith("/completed")
    assert statement["result"] == {"completion": True}
    assert "proficiency" not in json.dumps(statement)
    # the trainer's learning records, filtered by the learner's address, show no levels
    login_as(Role.TRAINER)
    page = client.get(f"/records?learner={learner.email}").get_data(as_text=True)
    assert "Sanna Self" in page and wave.title in page
    assert "DIG-01" not in page and "proficiency" not in page


def test_the_migration_strips_ratings_from_old_survey_statements(app, create_user):
    """A statement as the earlier code wrote it: the levels per competence in the result."""
    spec = importlib.util.spec_from_file_location("privacy_migration", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    learner = create_user(display_name="Olle Old")
    with app.test_request_context():
        old = emit(
            user=learner,
            verb="completed",
            activity="surveys/waves/1/self-assessment",
            result={
                "completion": True,
                "extensions": {
                    "http://localhost/xapi/activities/extensions/current-proficiency": {
                        "DIG-01": 1,
                        "GRN-02": 4,
                    },
                    "http://example.org/kept": 7,
                },
            },
        )
        other = emit(user=learner, verb="experienced", activity="modules/x/lessons/y")
    db.session.commit()
    connection = db.session.connection()
    # The migration predates the uprest_ prefix (9b1f7c3e5a20): give it the table's old name.
    connection.exec_driver_sql("ALTER TABLE uprest_xapi_statements RENAME TO xapi_statements")
    assert migration.strip_survey_ratings(connection) == 1
    assert migration.strip_survey_ratings(connection) == 0
    connection.exec_driver_sql("ALTER TABLE xapi_statements RENAME TO uprest_xapi_statements")
    db.session.expire_all()
    data = json.loads(db.session.get(Statement, old.id).document)
    assert data["result"] == {"completion": True, "extensions": {"http://example.org/kept": 7}}
    assert "proficiency" not in db.session.get(Statement, other.id).document
