"""Oversized LRS requests are refused before they are read (issue 11): a declared
Content-Length over UPREST_XAPI_MAX_CONTENT_LENGTH gets 413 at once, and a chunked body is cut
off at the limit, so no worker holds a 50 MB body in memory."""

import io
import json
import socket
import time
from pathlib import Path

import pytest

from tests.conftest import throwaway_database
from tests.live import LiveServer

LIMIT = 64 * 1024


class Untouchable(io.RawIOBase):
    """A request body that must not be read."""

    def __init__(self):
        self.reads = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        self.reads += 1
        raise AssertionError("the body of an oversized request was read")


class Endless(io.RawIOBase):
    """A chunked body that never ends; counts what was read."""

    def __init__(self):
        self.read_bytes = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        size = len(buffer)
        buffer[:size] = b"[" * size
        self.read_bytes += size
        return size


@pytest.fixture
def limited(app, monkeypatch):
    monkeypatch.setitem(app.config, "UPREST_XAPI_MAX_CONTENT_LENGTH", LIMIT)


PATHS = [
    ("POST", "/xapi/statements", {}),
    ("PUT", "/xapi/statements", {"statementId": "6f1c3e2a-8d59-4c52-9d4e-2f1a9b3c7d10"}),
    (
        "PUT",
        "/xapi/activities/state",
        {
            "activityId": "http://example.org/a",
            "agent": json.dumps({"mbox": "mailto:a@example.org"}),
            "stateId": "s",
        },
    ),
    ("PUT", "/xapi/activities/profile", {"activityId": "http://example.org/a", "profileId": "p"}),
    ("POST", "/xapi/statements", {"method": "PUT"}),  # the 1.0.3 alternate syntax
]


@pytest.mark.parametrize(("method", "path", "params"), PATHS)
def test_a_huge_declared_length_is_refused_unread(client, lrs, limited, method, path, params):
    body = Untouchable()
    response = client.open(
        path,
        method=method,
        query_string=params,
        headers={"Authorization": lrs.auth, "X-Experience-API-Version": "1.0.3"},
        content_type="application/x-www-form-urlencoded" if "method" in params else "text/plain",
        environ_overrides={"wsgi.input": body, "CONTENT_LENGTH": str(50 * 1024 * 1024)},
    )
    assert response.status_code == 413
    assert response.json["status"] == 413 and "bytes" in response.json["error"]
    assert response.headers["X-Experience-API-Version"] == "1.0.3"
    assert body.reads == 0


def test_a_chunked_body_is_read_only_up_to_the_limit(client, lrs2, limited):
    body = Endless()
    response = client.open(
        "/xapi/statements",
        method="POST",
        headers={"Authorization": lrs2.auth, "X-Experience-API-Version": "2.0.0"},
        content_type="multipart/mixed; boundary=x",
        environ_overrides={
            "wsgi.input": body,
            "wsgi.input_terminated": True,
            "CONTENT_LENGTH": "",
            "HTTP_TRANSFER_ENCODING": "chunked",
        },
    )
    assert response.status_code == 413, (response.json, body.read_bytes)
    assert response.headers["X-Experience-API-Version"] == "2.0.0"
    assert body.read_bytes <= LIMIT + 64 * 1024


def test_bodies_under_the_limit_are_stored(lrs, limited):
    from tests.xapi.conftest import make_statement

    assert lrs.post_statement(make_statement()).status_code == 200


@pytest.fixture
def server(tmp_path):
    with throwaway_database(tmp_path) as url:
        live = LiveServer(
            tmp_path / "server", url, workers=1, UPREST_XAPI_MAX_CONTENT_LENGTH=str(1024 * 1024)
        )
        live.prepare(courses=None)
        output = live.flask("uprest", "lrs-client", "create", "Big sender")
        live.key, live.secret = output.splitlines()[-1].split()
        live.start()
        try:
            yield live
        finally:
            live.stop()


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def _send(server, head: bytes, body_chunks) -> bytes:
    """Send a request over a raw socket, as much of the body as the server takes; the reply."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(head)
        try:
            for chunk in body_chunks:
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed without reading the rest
        sock.settimeout(30)
        reply = b""
        try:
            while chunk := sock.recv(65536):
                reply += chunk
        except ConnectionResetError:
            pass
    return reply


def _head(server, headers: str) -> bytes:
    import base64

    auth = base64.b64encode(f"{server.key}:{server.secret}".encode()).decode()
    return (
        f"POST /xapi/statements HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic {auth}\r\n"
        f"X-Experience-API-Version: 1.0.3\r\nContent-Type: application/json\r\n{headers}\r\n"
    ).encode()


MB = 1024 * 1024


def test_a_running_server_refuses_50_mb_without_growing(server):
    [worker] = server.worker_pids()
    warm = _send(server, _head(server, "Content-Length: 2\r\n"), [b"[]"])
    assert b" 400 " in warm.split(b"\r\n")[0]
    before = _rss_kib(worker)

    started = time.monotonic()
    declared = _send(server, _head(server, f"Content-Length: {50 * MB}\r\n"), [])
    assert declared.startswith(b"HTTP/1.1 413")
    assert time.monotonic() - started < 10  # answered without waiting for 50 MB that never came
    assert b'"status":413' in declared and b"X-Experience-API-Version: 1.0.3" in declared

    block = b"[" * MB
    chunked = (b"%x\r\n%s\r\n" % (len(block), block) for _ in range(50))
    streamed = _send(server, _head(server, "Transfer-Encoding: chunked\r\n"), chunked)
    assert streamed.startswith(b"HTTP/1.1 413")
    assert [worker] == server.worker_pids()  # the same worker, alive
    assert _rss_kib(worker) - before < 8 * 1024  # KiB: nothing like the 50 MB sent
