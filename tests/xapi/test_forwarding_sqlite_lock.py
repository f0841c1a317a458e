"""On SQLite the forwarder holds no write lock while it waits on the far LRS: the one lock is
taken by every transaction (BEGIN IMMEDIATE), and learners' requests would wait behind the
network otherwise."""

from __future__ import annotations

import sqlite3

import pytest
from flask_migrate import upgrade

from tests.conftest import make_config
from tests.xapi.conftest import make_statement
from uprest import create_app
from uprest.extensions import db
from uprest.xapi import forwarder, store

pytestmark = [pytest.mark.nodb, pytest.mark.once]


class FarLrs:
    """Answers 204, after checking that another connection can write meanwhile."""

    def __init__(self, path):
        self.path = path
        self.others_wrote = []

    def put(self, *args, **kwargs):
        other = sqlite3.connect(self.path, timeout=0.5, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            self.others_wrote.append(True)
        except sqlite3.OperationalError:
            self.others_wrote.append(False)
        finally:
            other.close()
        response = type("Response", (), {"status_code": 204, "text": ""})
        return response()


def test_no_write_lock_is_held_while_sending(tmp_path):
    path = tmp_path / "forward.sqlite"
    config = make_config(f"sqlite:///{path}", UPREST_XAPI_FORWARD_URL="http://far.example/xapi")
    app = create_app(config)
    with app.app_context():
        upgrade()
        writer = store.Writer(authority={"name": "app", "mbox": "mailto:app@example.org"})
        store.store_statements([make_statement(), make_statement()], version="1.0.3", writer=writer)
        db.session.commit()
        far = FarLrs(path)
        assert forwarder.forward_due(http=far).delivered == 2
        assert far.others_wrote == [True, True]
        db.engine.dispose()
