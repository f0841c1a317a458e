"""Forwarding to a second instance of this app, a real HTTP LRS in a subprocess, with an outage."""

import os
import socket
import subprocess
import sys
import time
from datetime import timedelta

import pytest
import requests
import sqlalchemy as sa

from tests.xapi.conftest import make_statement
from uprest.accounts.models import Role
from uprest.core.time import utcnow
from uprest.extensions import db
from uprest.xapi import forwarder
from uprest.xapi.emitter import emit
from uprest.xapi.models import OutboxItem


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class FarLrs:
    """``gunicorn uprest:create_app()`` on its own database: start, stop, ask."""

    def __init__(self, tmp_path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/xapi"
        self.env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'far.sqlite'}",
            "SECRET_KEY": "far-secret",
            "UPREST_SECURE_COOKIES": "0",
            "FLASK_DEBUG": "0",
            "UPREST_XAPI_FORWARD_URL": "",
        }
        self.env.pop("UPREST_TEST_ENGINE", None)
        self._flask("db", "upgrade")
        out = self._flask("uprest", "lrs-client", "create", "Forwarder from UPREST")
        self.key, self.secret = out.strip().splitlines()[-1].split(" ")
        self.process = None

    def _flask(self, *args) -> str:
        return subprocess.run(
            [sys.executable, "-m", "flask", "--app", "uprest", *args],
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def start(self):
        gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
        self.process = subprocess.Popen(
            [
                gunicorn,
                "-w",
                "1",
                "--graceful-timeout",
                "1",
                "-b",
                f"127.0.0.1:{self.port}",
                "uprest:create_app()",
            ],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                if requests.get(self.url + "/about", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("the far LRS did not start")

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def statement_ids(self) -> list[str]:
        response = requests.get(
            self.url + "/statements",
            params={"limit": "0"},
            auth=(self.key, self.secret),
            headers={"X-Experience-API-Version": "1.0.3"},
            timeout=10,
        )
        return [s["id"] for s in response.json()["statements"]]

    def put(self, statement):
        return requests.put(
            self.url + "/statements",
            params={"statementId": statement["id"]},
            json=statement,
            auth=(self.key, self.secret),
            headers={"X-Experience-API-Version": "1.0.3"},
            timeout=10,
        )


@pytest.fixture
def far(tmp_path):
    lrs = FarLrs(tmp_path)
    lrs.start()
    yield lrs
    lrs.stop()


@pytest.fixture
def forwarding(app, far, monkeypatch):
    for key, value in {
        "UPREST_XAPI_FORWARD_URL": far.url,
        "UPREST_XAPI_FORWARD_KEY": far.key,
        "UPREST_XAPI_FORWARD_SECRET": far.secret,
        "UPREST_XAPI_FORWARD_MAX_ATTEMPTS": 5,
    }.items():
        monkeypatch.setitem(app.config, key, value)
    return far


def _emit(app, user, n):
    ids = []
    with app.test_request_context():
        for index in range(n):
            ids.append(
                emit(user=user, verb="experienced", activity=f"lessons/{index}").statement_id
            )
    db.session.commit()
    return ids


def test_every_statement_arrives_exactly_once_across_an_outage(app, forwarding, create_user):
    far = forwarding
    user = create_user()
    first = _emit(app, user, 5)
    assert forwarder.forward_due().delivered == 5
    far.stop()  # outage
    second = _emit(app, user, 5)
    outcome = forwarder.forward_due()
    assert (outcome.delivered, outcome.retried) == (0, 5)
    failing = db.session.scalars(sa.select(OutboxItem).where(OutboxItem.delivered_at.is_(None)))
    assert all(item.last_error and item.attempts == 1 for item in failing)
    assert forwarder.forward_due().handled == 0  # backing off
    far.start()
    # a crash after sending but before recording it: the item is sent again, harmlessly
    resent = db.session.scalar(sa.select(OutboxItem).where(OutboxItem.delivered_at.is_not(None)))
    resent.delivered_at = None
    db.session.commit()
    later = utcnow() + timedelta(hours=1)
    assert forwarder.forward_due(now=later).delivered == 6
    assert forwarder.counts() == {"pending": 0, "delivered": 10, "dead": 0}
    arrived = far.statement_ids()
    assert sorted(arrived) == sorted(first + second) and len(arrived) == 10


def test_a_conflict_becomes_a_dead_letter_that_can_be_replayed(
    app, forwarding, lrs, client, login_as
):
    far = forwarding
    statement = make_statement(id="0b7e4f2c-1d1f-4a59-9f44-0c2c7b1b6f1e")
    assert far.put({**statement, "verb": {"id": "http://example.org/different"}}).status_code == 204
    assert lrs.post_statement(statement).status_code == 200
    outcome = forwarder.forward_due()
    assert outcome.dead == 1
    [item] = forwarder.dead_letters()
    assert "409" in item.last_error
    login_as(Role.ADMIN)
    page = client.get("/admin/xapi-outbox").get_data(as_text=True)
    assert statement["id"] in page and "409" in page
    assert client.post(f"/admin/xapi-outbox/{item.id}/replay").status_code == 302
    db.session.refresh(item)
    assert item.is_dead is False and item.attempts == 0


def test_forward_cli_once(app, forwarding, create_user, runner):
    user = create_user()
    _emit(app, user, 3)
    result = runner.invoke(args=["uprest", "xapi-forward", "--once"])
    assert result.exit_code == 0, result.output
    assert "delivered 3" in result.output
    assert len(forwarding.statement_ids()) == 3
