"""Inputs real clients (and attackers) send that once reached a 500: hostile nesting, dates at
the edge of the calendar, non-ASCII digits, repeated keys. Each is a clear 400 or is stored."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.xapi.conftest import make_statement
from uprest.xapi.jsonio import MAX_DEPTH

ACTIVITY = "http://example.org/activities/edge"
AGENT = json.dumps({"mbox": "mailto:edge@example.org"})
STATE = {"activityId": ACTIVITY, "agent": AGENT, "stateId": "s"}


def nested(depth: int) -> str:
    """JSON text ``depth`` objects deep, written without recursion."""
    return '{"a":' * depth + "{}" + "}" * depth


def _statement_with(extension: str) -> str:
    text = json.dumps(make_statement())
    return text[:-1] + ', "result": {"extensions": {"http://example.org/x": ' + extension + "}}}"


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 500, 1100])
def test_json_nested_too_deep_is_refused_everywhere(lrs, depth):
    statement = _statement_with(nested(depth))
    posted = lrs.request("POST", "/statements", data=statement, content_type="application/json")
    assert posted.status_code == 400 and "JSON" in posted.json["error"]
    agent = '{"mbox": "mailto:edge@example.org", "x": ' + nested(depth) + "}"
    assert lrs.request("GET", "/agents", params={"agent": agent}).status_code == 400
    state = {**STATE, "agent": agent}
    assert lrs.request("GET", "/activities/state", params=state).status_code == 400
    assert lrs.request("PUT", "/activities/state", params=STATE, json={"k": 1}).status_code == 204
    merge = lrs.request(
        "POST",
        "/activities/state",
        params=STATE,
        data=nested(depth),
        content_type="application/json",
    )
    assert merge.status_code == 400
    assert lrs.request("GET", "/activities/state", params=STATE).json == {"k": 1}
    form = {
        "X-Experience-API-Version": "1.0.3",
        "Authorization": lrs.headers()["Authorization"],
        "Content-Type": "application/json",
        "content": statement,
    }
    alternate = lrs.client.post(
        "/xapi/statements?method=POST", data=form, content_type="application/x-www-form-urlencoded"
    )
    assert alternate.status_code == 400
    boundary = "edge-boundary"
    multipart = (
        f"--{boundary}\r\nContent-Type: application/json\r\n\r\n{statement}\r\n--{boundary}--\r\n"
    )
    parts = lrs.request(
        "POST",
        "/statements",
        data=multipart,
        content_type=f'multipart/mixed; boundary="{boundary}"',
    )
    assert parts.status_code == 400
    assert lrs.request("GET", "/statements").json["statements"] == []


def test_json_at_the_depth_limit_is_stored(lrs):
    # the extension value sits 4 levels down in the statement
    statement = _statement_with(nested(MAX_DEPTH - 5))
    posted = lrs.request("POST", "/statements", data=statement, content_type="application/json")
    assert posted.status_code == 200


@pytest.mark.parametrize(
    "moment", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "9999-12-31T23:59:60Z"]
)
def test_moments_without_a_utc_form_are_refused(lrs, moment):
    statement = make_statement()
    statement["timestamp"] = moment
    posted = lrs.post_statement(statement)
    assert posted.status_code == 400 and "range" in posted.json["error"]
    for name in ("since", "until"):
        assert lrs.request("GET", "/statements", params={name: moment}).status_code == 400
    since = {"activityId": ACTIVITY, "agent": AGENT, "since": moment}
    assert lrs.request("GET", "/activities/state", params=since).status_code == 400
    assert lrs.request("GET", "/statements").json["statements"] == []


def test_a_leap_second_is_stored_as_the_next_minute(lrs):
    statement = make_statement()
    statement["id"] = str(uuid.uuid4())
    statement["timestamp"] = "2026-06-30T23:59:60Z"
    assert lrs.post_statement(statement).status_code == 200
    # since/until filter on `stored` (now): a leap-second bound reads as the next minute
    for name, found in (("since", [statement["id"]]), ("until", [])):
        got = lrs.request("GET", "/statements", params={name: "2026-06-30T23:59:60Z"})
        assert got.status_code == 200
        assert [s["id"] for s in got.json["statements"]] == found
    stored = lrs.request("GET", "/statements", params={"statementId": statement["id"]})
    assert stored.json["timestamp"] == "2026-06-30T23:59:60Z"  # the sender's text is kept


@pytest.mark.parametrize("limit", ["١٠", "²", "１０", "-1", "1.0"])
def test_limit_takes_ascii_digits_only(lrs, limit):
    response = lrs.request("GET", "/statements", params={"limit": limit})
    assert response.status_code == 400 and "limit" in response.json["error"]


def test_a_repeated_json_key_keeps_its_last_value(lrs):
    """I-JSON forbids repeats; the documented behaviour is that the last one counts."""
    sid = str(uuid.uuid4())
    text = (
        f'{{"id": "{sid}", "actor": {{"mbox": "mailto:edge@example.org"}},'
        ' "verb": {"id": "http://example.org/verbs/first"},'
        ' "verb": {"id": "http://example.org/verbs/last"},'
        ' "object": {"id": "http://example.org/activities/edge"}}'
    )
    posted = lrs.request("POST", "/statements", data=text, content_type="application/json")
    assert posted.status_code == 200
    stored = lrs.request("GET", "/statements", params={"statementId": sid}).json
    assert stored["verb"]["id"] == "http://example.org/verbs/last"
