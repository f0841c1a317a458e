"""An LRS client with credentials, speaking xAPI over the test client."""

from __future__ import annotations

import base64
import json as jsonlib
import uuid

import pytest

from uprest.extensions import db
from uprest.xapi import clients


def make_statement(**overrides) -> dict:
    statement = {
        "actor": {"objectType": "Agent", "name": "Ada", "mbox": "mailto:ada@example.org"},
        "verb": {
            "id": "http://adlnet.gov/expapi/verbs/experienced",
            "display": {"en-US": "experienced"},
        },
        "object": {
            "id": "http://example.org/activities/lesson-1",
            "definition": {"name": {"en-US": "Lesson one", "sv-SE": "Lektion ett"}},
        },
    }
    statement.update(overrides)
    return statement


class Lrs:
    """Sends xAPI requests with Basic auth and a version header."""

    def __init__(self, client, key: str, secret: str, version: str = "1.0.3"):
        self.client = client
        self.version = version
        self.auth = "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()

    def headers(self, extra=None, *, version=None, auth=True):
        headers = {"X-Experience-API-Version": version or self.version}
        if auth:
            headers["Authorization"] = self.auth
        headers.update(extra or {})
        return {k: v for k, v in headers.items() if v is not None}

    def request(
        self,
        method,
        path,
        *,
        json=None,
        data=None,
        params=None,
        headers=None,
        version=None,
        auth=True,
        content_type=None,
    ):
        body = jsonlib.dumps(json) if json is not None else data
        hdrs = self.headers(headers, version=version, auth=auth)
        if json is not None:
            hdrs.setdefault("Content-Type", "application/json")
        if content_type:
            hdrs["Content-Type"] = content_type
        return self.client.open(
            "/xapi" + path, method=method, data=body, query_string=params, headers=hdrs
        )

    def post_statement(self, statement=None, **kwargs):
        return self.request("POST", "/statements", json=statement or make_statement(), **kwargs)

    def put_statement(self, statement, statement_id=None, **kwargs):
        statement_id = statement_id or statement.get("id") or str(uuid.uuid4())
        return self.request(
            "PUT", "/statements", json=statement, params={"statementId": statement_id}, **kwargs
        )

    def get(self, path="/statements", **params):
        return self.request("GET", path, params=params)


def _client(scopes):
    client, secret = clients.create_client(name="Test content", scopes=scopes)
    db.session.commit()
    return client, secret


@pytest.fixture
def lrs(client, app):
    record, secret = _client(["read", "write"])
    return Lrs(client, record.key, secret)


@pytest.fixture
def lrs2(client, app):
    record, secret = _client(["read", "write"])
    return Lrs(client, record.key, secret, version="2.0.0")


@pytest.fixture
def make_lrs(client, app):
    def make(scopes, version="1.0.3"):
        record, secret = _client(scopes)
        return Lrs(client, record.key, secret, version=version)

    return make
