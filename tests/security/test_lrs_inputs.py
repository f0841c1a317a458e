"""SQL-injection strings and oversized values through every LRS query parameter change nothing.

Each answer is a 400, or a plain "no match" (200 with nothing, 404) where the parameter is free
text, and the stored statements and documents are exactly as before.
"""

from __future__ import annotations

import json
import uuid

import pytest
import sqlalchemy as sa

from tests.xapi.conftest import make_statement
from uprest.extensions import db
from uprest.xapi.models import Document, OutboxItem, Statement, StatementIndex

INJECTIONS = [
    "' OR '1'='1",
    "'; DROP TABLE xapi_statements; --",
    '" OR ""="',
    "1) OR (1=1",
    "%' OR 1=1 --",
    "1 UNION SELECT id, secret_hash FROM xapi_clients --",
    "admin'--",
    "\\'; DELETE FROM xapi_documents; --",
    "\u0000",
    "http://example.org/a' OR '1'='1",
    '{"mbox": "mailto:x\' OR 1=1 --@example.org"}',
    '{"mbox": "mailto:ada@example.org", "$where": "1==1"}',
]
OVERSIZED = ["a" * 100_000, '{"mbox": "mailto:' + "a" * 100_000 + '@example.org"}']
VALUES = INJECTIONS + OVERSIZED
AGENT = json.dumps({"mbox": "mailto:ada@example.org"})
ACTIVITY = "http://example.org/activities/lesson-1"

STATEMENT_PARAMS = [
    "statementId",
    "voidedStatementId",
    "agent",
    "verb",
    "activity",
    "registration",
    "related_activities",
    "related_agents",
    "since",
    "until",
    "limit",
    "format",
    "attachments",
    "ascending",
    "more",
]
# (resource, the other parameters a valid request carries, parameters to poison)
DOCUMENT_CASES = [
    (
        "/activities/state",
        {"activityId": ACTIVITY, "agent": AGENT, "stateId": "bookmark"},
        ["activityId", "agent", "stateId", "registration", "since"],
    ),
    (
        "/activities/profile",
        {"activityId": ACTIVITY, "profileId": "settings"},
        ["activityId", "profileId", "since"],
    ),
    ("/agents/profile", {"agent": AGENT, "profileId": "settings"}, ["agent", "profileId", "since"]),
    ("/agents", {"agent": AGENT}, ["agent"]),
    ("/activities", {"activityId": ACTIVITY}, ["activityId"]),
]


@pytest.fixture
def stored(lrs):
    """Three statements and one document of each kind, and a snapshot of every table."""
    lrs.post_statement([make_statement() for _ in range(3)])
    doc = {"X-Experience-API-Version": "1.0.3", "If-None-Match": "*"}
    for path, params in (
        ("/activities/state", {"activityId": ACTIVITY, "agent": AGENT, "stateId": "bookmark"}),
        ("/activities/profile", {"activityId": ACTIVITY, "profileId": "settings"}),
        ("/agents/profile", {"agent": AGENT, "profileId": "settings"}),
    ):
        response = lrs.request("PUT", path, json={"page": 3}, params=params, headers=doc)
        assert response.status_code == 204, response.get_data(as_text=True)
    return snapshot()


def snapshot() -> dict:
    db.session.expire_all()
    return {
        model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Statement, StatementIndex, Document, OutboxItem)
    } | {
        "documents": sorted(
            (d.kind, d.document_id, d.etag) for d in db.session.scalars(sa.select(Document))
        ),
        "statements": sorted(db.session.scalars(sa.select(Statement.statement_id))),
    }


def assert_no_match(response, what: str) -> None:
    status = response.status_code
    assert status < 500, (what, status, response.get_data(as_text=True)[:300])
    if status == 400:
        assert response.request.method == "HEAD" or "error" in response.json, what
        return
    assert status in (200, 404), (what, status)
    if status == 200 and response.is_json:
        body = response.json
        if isinstance(body, dict) and "statements" in body:
            assert body["statements"] == [], what
        elif isinstance(body, list):
            assert body == [], what


@pytest.mark.parametrize("param", STATEMENT_PARAMS)
def test_statement_query_parameters(lrs, stored, param):
    for value in VALUES:
        response = lrs.get(**{param: value})
        assert_no_match(response, f"{param}={value[:40]!r}")
    for value in VALUES:  # with a real filter beside it, so a query is built and run
        params = {"activity": ACTIVITY, param: value}
        assert_no_match(lrs.get(**params), f"activity+{param}={value[:40]!r}")
    assert snapshot() == stored


@pytest.mark.parametrize(("path", "valid", "poisoned"), DOCUMENT_CASES)
def test_document_parameters(lrs, stored, path, valid, poisoned):
    methods = ["GET", "HEAD", "DELETE"] if "profile" in path or "state" in path else ["GET"]
    for param in poisoned:
        for value in VALUES:
            for method in methods:
                response = lrs.request(method, path, params={**valid, param: value})
                what = f"{method} {path} {param}={value[:40]!r}"
                if method == "DELETE":
                    assert response.status_code in (204, 400, 404, 409, 412, 428), what
                else:
                    assert_no_match(response, what)
    assert snapshot() == stored


def test_oversized_values_elsewhere_are_refused_cleanly(lrs, stored):
    assert lrs.get(verb="x" * 100_000).status_code == 400
    response = lrs.request(
        "GET", "/statements", headers={"X-Experience-API-Version": "x" * 100_000}
    )
    assert response.status_code == 400
    response = lrs.request(
        "GET", "/statements", headers={"Authorization": "Basic " + "a" * 100_000}
    )
    assert response.status_code == 401
    huge = make_statement(object={"id": "http://example.org/" + "a" * 100_000})
    assert lrs.post_statement(huge).status_code in (200, 400, 413)  # stored whole, or refused
    assert set(stored["statements"]) <= set(snapshot()["statements"])


def test_a_statement_id_is_only_ever_a_uuid(lrs, stored):
    for value in INJECTIONS:
        response = lrs.put_statement(make_statement(), statement_id=value)
        assert response.status_code == 400, value
    response = lrs.put_statement(make_statement(), statement_id=str(uuid.uuid4()))
    assert response.status_code == 204
    assert snapshot()["uprest_xapi_statements"] == stored["uprest_xapi_statements"] + 1


def test_identifiers_longer_than_the_store_holds_are_refused(lrs, stored):
    """Found by fuzzing on PostgreSQL: these gave 500 (string truncation, NUL in text)."""
    longest = "http://example.org/" + "a" * (2048 - 19)
    assert lrs.post_statement(make_statement(object={"id": longest})).status_code == 200
    for statement in (
        make_statement(object={"id": longest + "a"}),
        make_statement(verb={"id": longest + "a"}),
        make_statement(actor={"mbox": "mailto:" + "a" * 600 + "@example.org"}),
        make_statement(context={"contextActivities": {"parent": [{"id": longest + "a"}]}}),
    ):
        response = lrs.post_statement(statement)
        assert response.status_code == 400 and "characters stored" in response.json["error"]
    doc = {"If-None-Match": "*"}
    for params in (
        {"activityId": ACTIVITY, "profileId": "x" * 2049},
        {"activityId": longest + "a", "profileId": "x"},
        {"activityId": ACTIVITY, "profileId": "\x00"},
    ):
        response = lrs.request("PUT", "/activities/profile", json={}, params=params, headers=doc)
        assert response.status_code == 400, params
    response = lrs.request(
        "PUT",
        "/activities/profile",
        data=b"{}",
        params={"activityId": ACTIVITY, "profileId": "x"},
        headers=doc,
        content_type="application/" + "x" * 300,
    )
    assert response.status_code == 400
