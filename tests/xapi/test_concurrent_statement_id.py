"""Twenty clients sending the same statement id at once (a retrying client, a forwarder racing
itself): the database's unique constraint must never reach the client as a 500."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.conftest import throwaway_database
from tests.live import LiveServer

pytestmark = pytest.mark.nodb

THREADS = 20
HEADERS = {"X-Experience-API-Version": "1.0.3"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("same-id")
    with throwaway_database(tmp_path) as url:
        live = LiveServer(tmp_path / "server", url, workers=3)
        live.prepare(courses=None)
        output = live.flask("uprest", "lrs-client", "create", "Same id")
        live.auth = tuple(output.splitlines()[-1].split())
        live.start()
        try:
            yield live
        finally:
            live.stop()


def _statement(sid: str, n: int = 0) -> dict:
    return {
        "id": sid,
        "actor": {"mbox": "mailto:racer@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"id": f"http://example.org/activities/race-{n}"},
    }


def _race(server, method: str, bodies: list[dict], sid: str) -> list[requests.Response]:
    start = threading.Barrier(len(bodies))

    def send(body):
        start.wait(timeout=30)
        return requests.request(
            method,
            f"{server.url}/xapi/statements",
            params={"statementId": sid} if method == "PUT" else None,
            json=body if method == "PUT" else [body],
            auth=server.auth,
            headers=HEADERS,
            timeout=60,
        )

    with ThreadPoolExecutor(len(bodies)) as pool:
        return list(pool.map(send, bodies))


def _stored(server, sid: str) -> dict:
    got = requests.get(
        f"{server.url}/xapi/statements",
        params={"statementId": sid},
        auth=server.auth,
        headers=HEADERS,
        timeout=30,
    )
    assert got.status_code == 200
    return got.json()


@pytest.mark.parametrize(("method", "ok"), [("PUT", 204), ("POST", 200)])
def test_identical_bodies_all_succeed(server, method, ok):
    sid = str(uuid.uuid4())
    replies = _race(server, method, [_statement(sid)] * THREADS, sid)
    assert [r.status_code for r in replies] == [ok] * THREADS
    assert all(r.headers["X-Experience-API-Version"] == "1.0.3" for r in replies)
    if method == "POST":
        assert {tuple(r.json()) for r in replies} == {(sid,)}
    assert _stored(server, sid)["object"]["id"] == _statement(sid)["object"]["id"]


@pytest.mark.parametrize(("method", "ok"), [("PUT", 204), ("POST", 200)])
def test_different_bodies_one_wins_the_rest_conflict(server, method, ok):
    sid = str(uuid.uuid4())
    bodies = [_statement(sid, n) for n in range(THREADS)]
    replies = _race(server, method, bodies, sid)
    codes = sorted(r.status_code for r in replies)
    assert codes == [ok] + [409] * (THREADS - 1), codes
    assert all(r.headers["X-Experience-API-Version"] == "1.0.3" for r in replies)
    winner = next(n for n, r in enumerate(replies) if r.status_code == ok)
    assert _stored(server, sid)["object"]["id"] == bodies[winner]["object"]["id"]
