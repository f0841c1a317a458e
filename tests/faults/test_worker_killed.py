"""A gunicorn worker killed with SIGKILL in the middle of a batch POST leaves no partial batch,
and the client's retry stores every statement exactly once."""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from tests.live import LiveServer

pytestmark = pytest.mark.nodb

BATCH = 500
HEADERS = {"X-Experience-API-Version": "1.0.3"}


def make_batch(verb: str) -> list[dict]:
    return [
        {
            "id": str(uuid.uuid4()),
            "actor": {"name": f"Learner {n}", "mbox": f"mailto:learner{n}@example.org"},
            "verb": {"id": verb, "display": {"en": "tried"}},
            "object": {
                "id": f"http://example.org/activities/lesson-{n % 7}",
                "definition": {"name": {"en": f"Lesson {n % 7}"}},
            },
            "context": {"contextActivities": {"parent": [{"id": "http://example.org/course"}]}},
        }
        for n in range(BATCH)
    ]


def stored_ids(server: LiveServer, auth, verb: str) -> list[str]:
    """Every statement with ``verb``, following ``more`` links to the end."""
    ids: list[str] = []
    url, params = f"{server.url}/xapi/statements", {"verb": verb, "limit": "200"}
    while url:
        response = requests.get(url, params=params, auth=auth, headers=HEADERS, timeout=30)
        assert response.status_code == 200, response.text
        body = response.json()
        ids += [s["id"] for s in body["statements"]]
        url, params = (server.url + body["more"]) if body["more"] else None, None
    return ids


def test_sigkill_mid_batch_leaves_nothing_and_the_retry_stores_all_once(tmp_path, fault_database):
    marker = tmp_path / "paused"
    server = LiveServer(tmp_path / "server", fault_database, workers=1)
    server.env["UPREST_PAUSE_MARKER"] = str(marker)
    server.prepare(courses=None)
    key, secret = server.flask("uprest", "lrs-client", "create", "Faults").splitlines()[-1].split()
    auth = (key, secret)
    server.start(config=Path(__file__).with_name("pause_in_batch.py"))
    try:
        verb = f"http://example.org/verbs/tried-{uuid.uuid4().hex}"
        batch = make_batch(verb)
        outcome: dict = {}

        def send():
            try:
                outcome["response"] = requests.post(
                    f"{server.url}/xapi/statements",
                    json=batch,
                    auth=auth,
                    headers=HEADERS,
                    timeout=60,
                )
            except requests.RequestException as error:
                outcome["error"] = error

        client = threading.Thread(target=send)
        client.start()
        deadline = time.monotonic() + 30
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert marker.exists(), "the worker never reached the batch insert"
        time.sleep(0.1)  # let the pid be written out in full
        worker = int(marker.read_text())
        os.kill(worker, signal.SIGKILL)
        client.join(60)
        assert "error" in outcome, f"the client got an answer: {outcome.get('response')}"

        server.wait_until_up()  # the master starts a new worker
        assert stored_ids(server, auth, verb) == []  # nothing of the batch, not a part of it
        for statement in batch[:: BATCH // 5]:
            missing = requests.get(
                f"{server.url}/xapi/statements",
                params={"statementId": statement["id"]},
                auth=auth,
                headers=HEADERS,
                timeout=10,
            )
            assert missing.status_code == 404

        for _attempt in range(2):  # the retry, and a second retry of the same batch
            response = requests.post(
                f"{server.url}/xapi/statements", json=batch, auth=auth, headers=HEADERS, timeout=60
            )
            assert response.status_code == 200, response.text
            assert response.json() == [s["id"] for s in batch]
        ids = stored_ids(server, auth, verb)
        assert len(ids) == BATCH and set(ids) == {s["id"] for s in batch}

        engine = sa.create_engine(fault_database)
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT count(*) FROM uprest_xapi_statements WHERE verb_id = :verb"),
                {"verb": verb},
            ).scalar()
            index = conn.execute(
                sa.text("SELECT count(*) FROM uprest_xapi_statement_index WHERE value = :verb"),
                {"verb": verb},
            ).scalar()
        engine.dispose()
        assert rows == BATCH and index == BATCH
    finally:
        server.stop()
