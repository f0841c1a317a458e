"""The LRS, fuzzed over HTTP with generated statements and documents, never answers 5xx."""

from __future__ import annotations

import copy
import json
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.xapi.test_validation import json_values
from tests.xapi.test_validation import statements as valid_statements

FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Text that databases and parsers find awkward: NUL, lone surrogates, long and odd strings.
awkward_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["\x00", "a\x00b", "\ud800", "'; --", "%s", "{}", "null", "é" * 300, "9" * 40, ""]
    ),
)
# A URL can't carry a lone surrogate at all, so query parameters get the rest.
param_text = awkward_text.filter(lambda text: "\ud800" not in text)
timestamps = st.one_of(
    param_text,
    st.sampled_from(
        [
            "2024-02-30T10:00:00Z",
            "2024-01-01",
            "2024-01-01T25:00:00Z",
            "9999-12-31T23:59:59.999999999+14:00",
            "0001-01-01T00:00:00Z",
            "2024-06-01T12:00:00-00:00",
            "2026-06-30T23:59:60Z",
            "0001-01-01T00:00:00+01:00",
            "9999-12-31T23:59:59-01:00",
            "9999-12-31T23:59:60Z",
        ]
    ),
)
# JSON deeper than the LRS's limit (64), built without recursion so hypothesis can print it
deep_json = st.integers(60, 900).map(lambda n: json.loads('{"a":' * n + "{}" + "}" * n))
anything = st.one_of(json_values, awkward_text, timestamps, st.floats(allow_nan=True), deep_json)
FIELDS = [
    "id",
    "timestamp",
    "stored",
    "version",
    "authority",
    "attachments",
    "context",
    "result",
    "object",
    "verb",
    "actor",
]


@st.composite
def fuzzed_statements(draw):
    """A valid statement with a few of its parts replaced by something odd."""
    statement = copy.deepcopy(draw(valid_statements))
    for _ in range(draw(st.integers(0, 3))):
        field = draw(st.sampled_from(FIELDS))
        if draw(st.booleans()) and isinstance(statement.get(field), dict) and statement[field]:
            key = draw(st.sampled_from(sorted(statement[field])))
            statement[field][key] = draw(anything)
        elif field == "context":
            statement["context"] = {
                "registration": draw(st.one_of(awkward_text, st.uuids().map(str))),
                "contextActivities": draw(anything),
                "language": draw(awkward_text),
            }
        elif field == "result":
            statement["result"] = {
                "duration": draw(st.one_of(awkward_text, st.just("PT1H30M"))),
                "score": {"raw": draw(anything), "min": draw(anything), "max": draw(anything)},
            }
        elif field == "timestamp":
            statement["timestamp"] = draw(timestamps)
        else:
            statement[field] = draw(anything)
    return statement


bodies = st.one_of(
    fuzzed_statements(),
    st.lists(fuzzed_statements(), min_size=1, max_size=4),
    json_values,
)


@FUZZ
@given(
    body=bodies,
    method=st.sampled_from(["POST", "PUT"]),
    version=st.sampled_from(["1.0.3", "2.0.0"]),
    statement_id=st.one_of(st.uuids().map(str), param_text),
    raw=st.one_of(st.none(), st.binary(max_size=64)),
)
def test_statements_never_fail_the_server(lrs, body, method, version, statement_id, raw):
    data = raw if raw is not None else json.dumps(body).encode()
    params = {"statementId": statement_id} if method == "PUT" else None
    response = lrs.request(
        method,
        "/statements",
        data=data,
        params=params,
        version=version,
        content_type="application/json",
    )
    assert response.status_code < 500, response.get_data(as_text=True)
    if response.status_code == 200 and method == "POST":
        for stored_id in response.json:
            assert lrs.get(statementId=stored_id).status_code == 200


AGENT = json.dumps({"mbox": "mailto:fuzz@example.org"})
RESOURCES = {
    "/activities/state": {"activityId": "http://example.org/a", "agent": AGENT},
    "/activities/profile": {"activityId": "http://example.org/a"},
    "/agents/profile": {"agent": AGENT},
}
ID_PARAM = {"/activities/state": "stateId"}


@FUZZ
@given(
    resource=st.sampled_from(sorted(RESOURCES)),
    method=st.sampled_from(["GET", "HEAD", "PUT", "POST", "DELETE"]),
    document_id=st.one_of(st.none(), param_text),
    body=st.one_of(
        json_values.map(lambda v: json.dumps(v).encode()),
        st.binary(max_size=64),
        st.integers(60, 1100).map(lambda n: ('{"a":' * n + "{}" + "}" * n).encode()),
    ),
    content_type=st.sampled_from(
        ["application/json", "application/octet-stream", "text/plain", "", "multipart/mixed"]
    ),
    precondition=st.sampled_from(
        [{}, {"If-None-Match": "*"}, {"If-Match": '"nope"'}, {"If-Match": "*"}, {"If-Match": ""}]
    ),
    extra=st.dictionaries(
        st.sampled_from(["registration", "since", "agent", "activityId"]),
        st.one_of(param_text, st.uuids().map(str), timestamps),
        max_size=2,
    ),
    version=st.sampled_from(["1.0.3", "2.0.0"]),
)
def test_documents_never_fail_the_server(
    lrs, resource, method, document_id, body, content_type, precondition, extra, version
):
    params = {**RESOURCES[resource], **extra}
    if document_id is not None:
        params[ID_PARAM.get(resource, "profileId")] = document_id
    response = lrs.request(
        method,
        resource,
        data=body if method in ("PUT", "POST") else None,
        params=params,
        headers=precondition,
        version=version,
        content_type=content_type or None,
    )
    assert response.status_code < 500, (method, params, response.get_data(as_text=True))


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(["agent", "verb", "activity", "registration", "since", "until", "limit"]),
        st.one_of(
            param_text, timestamps, st.uuids().map(str), st.sampled_from(["١٠", "²", "１０"])
        ),
        max_size=4,
    )
)
def test_statement_queries_never_fail_the_server(lrs, params):
    response = lrs.get(**params)
    assert response.status_code < 500, (params, response.get_data(as_text=True))


def test_a_fuzzed_id_never_reaches_the_store_unchecked(lrs):
    for value in ("\x00", "%00", str(uuid.uuid4()) + "\x00"):
        response = lrs.put_statement({"actor": {"mbox": "mailto:a@example.org"}}, value)
        assert response.status_code == 400


EVERY_RESOURCE = [
    "/statements",
    "/agents",
    "/activities",
    "/about",
    *sorted(RESOURCES),
]


@FUZZ
@given(
    resource=st.sampled_from(EVERY_RESOURCE),
    method=st.sampled_from(["GET", "HEAD", "PUT", "POST", "DELETE"]),
    headers=st.dictionaries(
        st.sampled_from(
            ["X-Experience-API-Version", "If-Match", "If-None-Match", "Content-Type", "Accept"]
        ),
        st.one_of(
            param_text.filter(lambda t: "\x00" not in t and "\n" not in t and "\r" not in t),
            st.sampled_from(["1.0.0", "1.0.1", "1.0.3", "2.0.0", "1.0", "2.0", "3.0", "*"]),
        ),
        max_size=3,
    ),
    params=st.dictionaries(
        st.sampled_from(
            ["agent", "activityId", "stateId", "profileId", "since", "limit", "method"]
        ),
        st.one_of(param_text, timestamps, st.just(AGENT)),
        max_size=3,
    ),
    body=st.one_of(st.none(), st.binary(max_size=64), fuzzed_statements().map(json.dumps)),
)
def test_every_resource_with_odd_headers_never_fails_the_server(
    lrs, resource, method, headers, params, body
):
    version = headers.pop("X-Experience-API-Version", "1.0.3")
    response = lrs.request(
        method,
        resource,
        data=body if method in ("PUT", "POST") else None,
        params=params,
        headers=headers,
        version=version,
    )
    assert response.status_code < 500, (method, resource, headers, params)
    if response.status_code != 405:  # Flask's own 405 (no route has the method), not the LRS
        assert response.headers.get("X-Experience-API-Version") in ("1.0.3", "2.0.0")
