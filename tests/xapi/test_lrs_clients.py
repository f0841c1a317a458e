"""What TinCan-era (xAPI 1.0.x) clients do with documents, and what 2.0 still requires."""

import json
import uuid

import pytest

ACTIVITY = "http://example.org/activities/resume"
AGENT = json.dumps({"mbox": "mailto:resume@example.org"})


def _doc(lrs, method, path, body=None, headers=None, **params):
    return lrs.request(
        method,
        path,
        params=params,
        data=json.dumps(body) if body is not None else None,
        headers=headers,
        content_type="application/json" if body is not None else None,
    )


def _state(lrs, method, body=None, headers=None):
    params = {"activityId": ACTIVITY, "agent": AGENT, "stateId": "resume"}
    return _doc(lrs, method, "/activities/state", body, headers, **params)


@pytest.mark.parametrize("version", ["1.0.0", "1.0.1", "1.0.3"])
def test_1_0_state_saves_twice_without_concurrency_headers(lrs, version):
    """1.0.3 Communication 3.1: the State resource has no concurrency rules (saveState)."""
    lrs.version = version
    assert _state(lrs, "PUT", {"location": "page-1"}).status_code == 204
    second = _state(lrs, "PUT", {"location": "page-2"})
    assert second.status_code == 204
    got = _state(lrs, "GET")
    assert got.json == {"location": "page-2"} and got.headers["ETag"] == second.headers["ETag"]
    assert _state(lrs, "POST", {"score": 3}).status_code == 204
    assert _state(lrs, "GET").json == {"location": "page-2", "score": 3}
    assert _state(lrs, "DELETE").status_code == 204
    assert _state(lrs, "GET").status_code == 404


def test_1_0_state_still_honours_headers_that_are_sent(lrs):
    _state(lrs, "PUT", {"location": "page-1"})
    stale = _state(lrs, "PUT", {"location": "x"}, headers={"If-Match": '"' + "0" * 40 + '"'})
    assert stale.status_code == 412
    assert _state(lrs, "PUT", {"location": "x"}, headers={"If-None-Match": "*"}).status_code == 412
    assert _state(lrs, "GET").json == {"location": "page-1"}


def test_2_0_state_keeps_the_conflict_without_if_match(lrs2):
    assert _state(lrs2, "PUT", {"location": "page-1"}).status_code == 204
    conflict = _state(lrs2, "PUT", {"location": "page-2"})
    assert conflict.status_code == 409 and conflict.json["error"]
    assert _state(lrs2, "GET").json == {"location": "page-1"}


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/activities/profile", {"activityId": ACTIVITY}),
        ("/agents/profile", {"agent": AGENT}),
    ],
)
def test_1_0_profile_put_of_a_new_document_needs_no_header(lrs, path, params):
    """save_activity_profile / save_agent_profile: creating needs no header; replacing does."""
    params = {**params, "profileId": "p-" + uuid.uuid4().hex}
    assert _doc(lrs, "PUT", path, {"k": 1}, **params).status_code == 204
    assert _doc(lrs, "GET", path, **params).json == {"k": 1}
    conflict = _doc(lrs, "PUT", path, {"k": 2}, **params)
    assert conflict.status_code == 409 and conflict.json["error"]
    etag = _doc(lrs, "GET", path, **params).headers["ETag"]
    assert _doc(lrs, "PUT", path, {"k": 2}, {"If-Match": etag}, **params).status_code == 204
    assert _doc(lrs, "GET", path, **params).json == {"k": 2}
