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
def test_1_0_profile_put_names_a_precondition_even_for_a_new_document(lrs, path, params):
    """1.0.3 keeps profiles under concurrency control and the ADL 1.0.3 suite checks the 400 for
    a headerless PUT of a new document: a 1.0.x client creates with If-None-Match: *."""
    params = {**params, "profileId": "p-" + uuid.uuid4().hex}
    refused = _doc(lrs, "PUT", path, {"k": 1}, **params)
    assert refused.status_code == 400 and refused.json["error"]
    created = _doc(lrs, "PUT", path, {"k": 1}, {"If-None-Match": "*"}, **params)
    assert created.status_code == 204
    assert _doc(lrs, "GET", path, **params).json == {"k": 1}
    conflict = _doc(lrs, "PUT", path, {"k": 2}, **params)
    assert conflict.status_code == 409 and conflict.json["error"]
    etag = _doc(lrs, "GET", path, **params).headers["ETag"]
    assert _doc(lrs, "PUT", path, {"k": 2}, {"If-Match": etag}, **params).status_code == 204
    assert _doc(lrs, "GET", path, **params).json == {"k": 2}


def _versions(response):
    return response.status_code, response.headers["X-Experience-API-Version"]


def test_one_server_answers_each_request_in_its_own_version(lrs, lrs2):
    assert _versions(lrs.request("GET", "/about")) == (200, "1.0.3")
    assert _versions(lrs2.request("GET", "/about")) == (200, "2.0.0")
    assert _versions(_state(lrs, "GET")) == (404, "1.0.3")
    assert _versions(_state(lrs2, "GET")) == (404, "2.0.0")
    bad = {"activityId": ACTIVITY, "agent": "nope", "stateId": "s"}
    assert _versions(_doc(lrs, "GET", "/activities/state", **bad)) == (400, "1.0.3")
    assert _versions(_doc(lrs2, "GET", "/activities/state", **bad)) == (400, "2.0.0")


@pytest.mark.parametrize("default", ["1.0.3", "2.0.0"])
def test_a_request_naming_no_version_gets_the_configured_default(lrs, app, monkeypatch, default):
    monkeypatch.setitem(app.config, "UPREST_XAPI_DEFAULT_VERSION", default)
    about = lrs.client.get("/xapi/about")
    assert about.status_code == 200 and about.headers["X-Experience-API-Version"] == default
    unversioned = lrs.client.get(
        "/xapi/activities/state", headers={"Authorization": lrs.headers()["Authorization"]}
    )
    assert _versions(unversioned) == (400, default)
    unsupported = lrs.request("GET", "/about", version="1.5.0")
    assert _versions(unsupported) == (400, default)


@pytest.mark.parametrize(
    ("default", "named", "form"),
    [
        # 2.0 forbids the alternate syntax: the refusal still speaks 2.0
        ("1.0.3", "2.0.0", {"stateId": "s", "activityId": ACTIVITY, "agent": AGENT}),
        # a bad parameter found after the version was read
        ("2.0.0", "1.0.3", {"stateId": "s\x00", "activityId": ACTIVITY, "agent": AGENT}),
    ],
)
def test_errors_in_the_alternate_syntax_carry_the_version_it_names(
    lrs, app, monkeypatch, default, named, form
):
    monkeypatch.setitem(app.config, "UPREST_XAPI_DEFAULT_VERSION", default)
    headers = lrs.headers()
    fields = {
        "X-Experience-API-Version": named,
        "Authorization": headers["Authorization"],
        **form,
    }
    response = lrs.client.post(
        "/xapi/activities/state?method=GET",
        data=fields,
        content_type="application/x-www-form-urlencoded",
    )
    assert _versions(response) == (400, named)
