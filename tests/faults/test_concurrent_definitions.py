"""Two transactions that meet the same new activity and agent at once both store their statement.

Found by the load benchmark: two learners opening a lesson nobody had opened yet both inserted
its activity definition, and the second request failed with a unique violation (500).
"""

import json
import threading
import time
import uuid

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from tests.conftest import ENGINE, make_config
from uprest import create_app
from uprest.extensions import db
from uprest.xapi import store
from uprest.xapi.agents import agent_key
from uprest.xapi.models import Activity, AgentRecord

pytestmark = [
    pytest.mark.nodb,
    pytest.mark.skipif(ENGINE != "postgresql", reason="concurrent writers: PostgreSQL"),
]


def _wait_for_a_lock_wait(engine: sa.Engine, timeout: float = 20) -> None:
    query = sa.text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    deadline = time.monotonic() + timeout
    with engine.connect() as conn:
        while conn.scalar(query) == 0:
            assert time.monotonic() < deadline, "the second writer never waited"
            time.sleep(0.05)
            conn.rollback()


def test_a_new_activity_and_agent_stored_by_two_writers_at_once(fault_database):
    app = create_app(make_config(fault_database))
    activity = f"https://example.org/lessons/{uuid.uuid4()}"
    actor = {"objectType": "Agent", "name": "Liis", "mbox": "mailto:liis@example.org"}
    statement = {
        "actor": actor,
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"id": activity, "definition": {"name": {"sv-SE": "Lektion"}}},
    }
    first = {"objectType": "Activity", "id": activity, "definition": {"name": {"en-US": "Lesson"}}}
    errors = []

    def second_writer():
        with app.app_context():
            try:
                writer = store.Writer(authority={"name": "app", "mbox": "mailto:app@example.org"})
                store.store_statements([statement], version="1.0.3", writer=writer)
                db.session.commit()
            except Exception as error:  # reported by the assertion below
                errors.append(error)
                db.session.rollback()

    with app.app_context():
        upgrade()
        with db.engine.connect() as other:  # the first writer, not committed yet
            other.execute(
                sa.insert(Activity).values(activity_id=activity, document=json.dumps(first))
            )
            key = agent_key(actor)
            other.execute(
                sa.insert(AgentRecord).values(agent_key=key, document=json.dumps([actor]))
            )
            thread = threading.Thread(target=second_writer)
            thread.start()
            _wait_for_a_lock_wait(db.engine)
            other.commit()
        thread.join(30)
        assert not errors
        document = json.loads(db.session.get(Activity, activity).document)
        assert document["definition"]["name"] == {"en-US": "Lesson", "sv-SE": "Lektion"}
        assert json.loads(db.session.get(AgentRecord, key).document) == [actor]
        db.session.remove()
        db.engine.dispose()
