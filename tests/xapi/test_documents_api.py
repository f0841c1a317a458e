"""State, activity-profile and agent-profile documents: ETags, concurrency, merge, listing."""

import json
import uuid

ACTIVITY = "http://example.org/activities/module-1"
AGENT = json.dumps({"mbox": "mailto:learner@example.org"})


def _state(lrs, method, state_id="progress", body=None, headers=None, **params):
    params = {"activityId": ACTIVITY, "agent": AGENT, **params}
    if state_id is not None:
        params["stateId"] = state_id
    data = json.dumps(body) if isinstance(body, dict) else body
    return lrs.request(
        method,
        "/activities/state",
        params=params,
        data=data,
        headers=headers,
        content_type="application/json" if isinstance(body, dict) else None,
    )


def test_state_put_get_with_etag(lrs):
    assert _state(lrs, "PUT", body={"page": 3}).status_code == 204
    response = _state(lrs, "GET")
    assert response.status_code == 200 and response.json == {"page": 3}
    etag = response.headers["ETag"]
    assert etag.startswith('"') and len(etag) == 42
    assert "Last-Modified" in response.headers


def test_put_over_an_existing_document_needs_a_precondition(lrs2):
    """xAPI 2.0 puts the State resource under concurrency control (1.0.x: see test_lrs_clients)."""
    lrs = lrs2
    _state(lrs, "PUT", body={"page": 1})
    response = _state(lrs, "PUT", body={"page": 2})
    assert response.status_code == 409 and response.json["error"]
    assert _state(lrs, "GET").json == {"page": 1}
    wrong = _state(lrs, "PUT", body={"page": 2}, headers={"If-Match": '"' + "0" * 40 + '"'})
    assert wrong.status_code == 412
    etag = _state(lrs, "GET").headers["ETag"]
    assert _state(lrs, "PUT", body={"page": 2}, headers={"If-Match": etag}).status_code == 204
    assert _state(lrs, "PUT", body={"page": 9}, headers={"If-None-Match": "*"}).status_code == 412
    assert _state(lrs, "GET").json == {"page": 2}


def test_post_merges_json_objects_and_refuses_otherwise(lrs):
    _state(lrs, "POST", body={"a": 1, "b": 1})
    assert _state(lrs, "POST", body={"b": 2, "c": 3}).status_code == 204
    assert _state(lrs, "GET").json == {"a": 1, "b": 2, "c": 3}
    bad = lrs.request(
        "POST",
        "/activities/state",
        data="plain text",
        content_type="text/plain",
        params={"activityId": ACTIVITY, "agent": AGENT, "stateId": "progress"},
    )
    assert bad.status_code == 400
    assert _state(lrs, "GET").json == {"a": 1, "b": 2, "c": 3}


def test_state_ids_since_registration_and_delete_all(lrs):
    registration = str(uuid.uuid4())
    _state(lrs, "PUT", state_id="one", body={"x": 1})
    _state(lrs, "PUT", state_id="two", body={"x": 2})
    _state(lrs, "PUT", state_id="three", body={"x": 3}, registration=registration)
    assert sorted(_state(lrs, "GET", state_id=None).json) == ["one", "two"]
    assert _state(lrs, "GET", state_id=None, registration=registration).json == ["three"]
    assert _state(lrs, "GET", state_id=None, since="2999-01-01T00:00:00Z").json == []
    assert _state(lrs, "DELETE", state_id=None).status_code == 204
    assert _state(lrs, "GET", state_id=None).json == []
    assert _state(lrs, "GET", state_id=None, registration=registration).json == ["three"]


def test_state_parameters_are_checked(lrs):
    assert (
        lrs.request("GET", "/activities/state", params={"activityId": ACTIVITY}).status_code == 400
    )
    assert _state(lrs, "GET", agent="true").status_code == 400
    assert _state(lrs, "GET", registration="nope").status_code == 400
    assert _state(lrs, "GET", colour="red").status_code == 400
    assert _state(lrs, "GET", state_id="missing").status_code == 404


def test_profiles_require_a_precondition_in_1_0_3(lrs, lrs2):
    params = {"activityId": ACTIVITY, "profileId": "p-" + uuid.uuid4().hex}
    body = json.dumps({"k": 1})
    assert (
        lrs.request(
            "PUT", "/activities/profile", params=params, data=body, content_type="application/json"
        ).status_code
        == 400
    )
    assert (
        lrs2.request(
            "PUT", "/activities/profile", params=params, data=body, content_type="application/json"
        ).status_code
        == 204
    )
    assert lrs.request("GET", "/activities/profile", params={"activityId": ACTIVITY}).json == [
        params["profileId"]
    ]
    agent_params = {"agent": AGENT, "profileId": "settings"}
    created = lrs.request(
        "PUT",
        "/agents/profile",
        params=agent_params,
        data=body,
        content_type="application/json",
        headers={"If-None-Match": "*"},
    )
    assert created.status_code == 204
    got = lrs.request("GET", "/agents/profile", params=agent_params)
    assert got.json == {"k": 1} and got.mimetype == "application/json"
    etag = got.headers["ETag"]
    deleted = lrs.request(
        "DELETE", "/agents/profile", params=agent_params, headers={"If-Match": etag}
    )
    assert deleted.status_code == 204
    assert lrs.request("GET", "/agents/profile", params=agent_params).status_code == 404
    assert lrs.request("DELETE", "/agents/profile", params={"agent": AGENT}).status_code == 400


def test_binary_documents_keep_their_content_type(lrs):
    params = {"activityId": ACTIVITY, "agent": AGENT, "stateId": "photo"}
    content = b"\x89PNG\r\n\x1a\n binary"
    lrs.request("PUT", "/activities/state", params=params, data=content, content_type="image/png")
    got = lrs.request("GET", "/activities/state", params=params)
    assert got.data == content and got.mimetype == "image/png"
