"""The statement resource, as the ADL conformance suite exercises it (1365/1442 pass locally)."""

import hashlib
import json
import uuid

import pytest

from tests.xapi.conftest import make_statement

VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def test_about_needs_no_auth_or_version(client):
    response = client.get("/xapi/about")
    assert response.status_code == 200
    assert response.json["version"] == ["1.0.3", "2.0.0"]
    assert client.head("/xapi/about").status_code == 200


def test_version_header_is_required_and_checked(lrs):
    empty = lrs.request("GET", "/statements", headers={"X-Experience-API-Version": ""})
    assert empty.status_code == 400
    response = lrs.client.get("/xapi/statements", headers={"Authorization": lrs.auth})
    assert response.status_code == 400
    assert lrs.request("GET", "/statements", version="1.1.0").status_code == 400
    for version in ("1.0", "1.0.3", "2.0.0"):
        response = lrs.request("GET", "/statements", version=version)
        assert response.status_code == 200
        assert response.headers["X-Experience-API-Version"] in ("1.0.3", "2.0.0")


def test_basic_auth_is_required(lrs):
    assert lrs.request("GET", "/statements", auth=False).status_code == 401
    bad = lrs.request("GET", "/statements", headers={"Authorization": "Basic Zm9vOmJhcg=="})
    assert bad.status_code == 401
    assert (
        lrs.request("GET", "/statements", headers={"Authorization": "Basic:xx"}).status_code == 401
    )


def test_post_and_get_by_id(lrs):
    response = lrs.post_statement()
    assert response.status_code == 200
    [statement_id] = response.json
    stored = lrs.get(statementId=statement_id)
    assert stored.status_code == 200
    body = stored.json
    assert body["id"] == statement_id
    assert body["stored"].endswith("Z") and body["timestamp"] == body["stored"]
    assert body["authority"]["objectType"] == "Agent"
    assert body["version"] == "1.0.0"
    assert "X-Experience-API-Consistent-Through" in stored.headers
    assert "Last-Modified" in stored.headers


def test_json_the_lrs_cannot_keep_exactly(lrs):
    """NaN is not JSON (400); an integer beyond 64 bits in an extension is kept as a double,
    as I-JSON advises, rather than failing the request."""
    nan = b'{"actor": {"mbox": "mailto:a@example.org"}, "verb": {"id": "http://e.org/v"},'
    nan += b' "object": {"id": "http://e.org/a"}, "result": {"score": {"raw": NaN}}}'
    refused = lrs.request("POST", "/statements", data=nan, content_type="application/json")
    assert refused.status_code == 400 and "JSON" in refused.json["error"]
    huge = make_statement(
        id=str(uuid.uuid4()),
        context={"extensions": {"http://example.org/ext/big": 2**70}},
    )
    assert lrs.post_statement(huge).status_code == 200
    kept = lrs.get(statementId=huge["id"]).json["context"]["extensions"]
    assert kept["http://example.org/ext/big"] == float(2**70)


def test_batch_is_all_or_nothing(lrs):
    good, bad = make_statement(id=str(uuid.uuid4())), make_statement(actor={"name": "x"})
    assert lrs.post_statement([good, bad]).status_code == 400
    assert lrs.get(statementId=good["id"]).status_code == 404
    same = str(uuid.uuid4())
    assert lrs.post_statement([make_statement(id=same), make_statement(id=same)]).status_code == 400


def test_put_conflict_and_identical_resend(lrs):
    statement = make_statement(id=str(uuid.uuid4()))
    assert lrs.put_statement(statement).status_code == 204
    assert lrs.put_statement(statement).status_code == 204  # identical: accepted, not duplicated
    changed = {**statement, "verb": {"id": "http://example.org/other"}}
    response = lrs.put_statement(changed)
    assert response.status_code == 409
    assert lrs.get(statementId=statement["id"]).json["verb"]["id"] == statement["verb"]["id"]


def test_put_needs_a_matching_statement_id(lrs):
    statement = make_statement(id=str(uuid.uuid4()))
    assert lrs.request("PUT", "/statements", json=statement).status_code == 400
    assert lrs.put_statement(statement, statement_id=str(uuid.uuid4())).status_code == 400


def test_voiding(lrs):
    [target] = lrs.post_statement().json
    voiding = make_statement(
        verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": target}
    )
    [voiding_id] = lrs.post_statement(voiding).json
    assert lrs.get(statementId=target).status_code == 404
    assert lrs.get(voidedStatementId=target).status_code == 200
    ids = [s["id"] for s in lrs.get().json["statements"]]
    assert voiding_id in ids and target not in ids
    void_the_void = make_statement(
        verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": voiding_id}
    )
    assert lrs.post_statement(void_the_void).status_code == 400
    not_a_ref = make_statement(verb={"id": VOIDED})
    assert lrs.post_statement(not_a_ref).status_code == 400


def test_filters_reach_through_statement_refs(lrs):
    verb = "http://example.org/verbs/unique-" + uuid.uuid4().hex
    [target] = lrs.post_statement(make_statement(verb={"id": verb})).json
    referring = make_statement(object={"objectType": "StatementRef", "id": target})
    [ref_id] = lrs.post_statement(referring).json
    ids = {s["id"] for s in lrs.get(verb=verb).json["statements"]}
    assert ids == {target, ref_id}


def test_agent_activity_registration_and_related_filters(lrs):
    registration = str(uuid.uuid4())
    mine = {"mbox": "mailto:filter@example.org"}
    parent = "http://example.org/course/" + uuid.uuid4().hex
    direct = make_statement(actor=mine, context={"registration": registration})
    related = make_statement(
        actor={"mbox": "mailto:someone@example.org"},
        context={"instructor": mine, "contextActivities": {"parent": [{"id": parent}]}},
    )
    [direct_id] = lrs.post_statement(direct).json
    [related_id] = lrs.post_statement(related).json
    agent = json.dumps(mine)
    assert [s["id"] for s in lrs.get(agent=agent).json["statements"]] == [direct_id]
    found = {s["id"] for s in lrs.get(agent=agent, related_agents="true").json["statements"]}
    assert found == {direct_id, related_id}
    assert lrs.get(activity=parent).json["statements"] == []
    related_found = lrs.get(activity=parent, related_activities="true").json["statements"]
    assert [s["id"] for s in related_found] == [related_id]
    by_registration = lrs.get(registration=registration).json["statements"]
    assert [s["id"] for s in by_registration] == [direct_id]


def test_related_filters_merge_direct_and_related_rows_in_order(lrs):
    """A related_* query reads the agent/activity rows and the related rows (a value is kept
    under one kind per statement): each statement once, in stored order, across pages."""
    mine = {"mbox": f"mailto:{uuid.uuid4().hex}@example.org"}
    course = "http://example.org/course/" + uuid.uuid4().hex
    verb = "http://example.org/verbs/v-" + uuid.uuid4().hex
    others = {"mbox": "mailto:other@example.org"}
    shapes = [
        {"actor": mine, "object": {"id": course}},  # direct both ways
        {
            "actor": others,
            "context": {"instructor": mine, "contextActivities": {"parent": [{"id": course}]}},
        },
        {
            "actor": mine,
            "context": {"instructor": mine, "contextActivities": {"grouping": [{"id": course}]}},
        },
        {"actor": others, "object": {"objectType": "Agent", **mine}, "verb": {"id": verb}},
    ]
    posted = []
    for n in range(9):
        statement = make_statement(**shapes[n % len(shapes)])
        posted += lrs.post_statement(statement).json
    [voiding] = lrs.post_statement(
        make_statement(
            actor=others,
            verb={"id": VOIDED},
            object={"objectType": "StatementRef", "id": posted[1]},
        )
    ).json
    live = [posted[n] for n in range(9) if n != 1] + [voiding]  # it meets its target's filters
    agent = json.dumps(mine)
    pages, params = [], {"agent": agent, "related_agents": "true", "limit": 3}
    response = lrs.get(**params)
    while True:
        pages += [s["id"] for s in response.json["statements"]]
        if not response.json["more"]:
            break
        response = lrs.client.get(
            response.json["more"],
            headers={"Authorization": lrs.auth, "X-Experience-API-Version": "1.0.3"},
        )
    assert pages == live[::-1]
    ascending = lrs.get(agent=agent, related_agents="true", ascending="true").json["statements"]
    assert [s["id"] for s in ascending] == live
    with_course = [voiding] + [posted[n] for n in range(8, -1, -1) if n % 4 != 3 and n != 1]
    found = lrs.get(activity=course, related_activities="true").json["statements"]
    assert [s["id"] for s in found] == with_course
    both = lrs.get(activity=course, related_activities="true", agent=agent, related_agents="true")
    assert [s["id"] for s in both.json["statements"]] == with_course
    by_verb = lrs.get(verb=verb, agent=agent).json["statements"]
    assert [s["id"] for s in by_verb] == [posted[n] for n in range(9) if n % 4 == 3][::-1]


def test_bad_query_parameters(lrs):
    for params in (
        {"foo": "bar"},
        {"LIMIT": "1"},
        {"limit": "-1"},
        {"agent": "true"},
        {"since": "yesterday"},
        {"format": "full"},
        {"ascending": "yes"},
        {"statementId": str(uuid.uuid4()), "verb": "http://e.org/v"},
    ):
        response = lrs.get(**params)
        assert response.status_code == 400, params
        assert "X-Experience-API-Consistent-Through" in response.headers


def test_more_links_page_through_every_statement_with_the_filters(lrs):
    verb = "http://example.org/verbs/paged-" + uuid.uuid4().hex
    posted = lrs.post_statement([make_statement(verb={"id": verb}) for _ in range(7)]).json
    lrs.post_statement(make_statement())  # another verb, must not appear
    seen, response = [], lrs.get(verb=verb, limit="2", ascending="true")
    pages = 0
    while True:
        pages += 1
        seen += [s["id"] for s in response.json["statements"]]
        more = response.json["more"]
        if not more:
            break
        assert more.startswith("/xapi/statements?")
        response = lrs.client.get(more, headers=lrs.headers())
        assert response.status_code == 200
    assert seen == posted and pages == 4


def test_tampered_more_link_is_refused(lrs):
    lrs.post_statement([make_statement() for _ in range(3)])
    more = lrs.get(limit="1").json["more"]
    response = lrs.client.get(more[:-3] + "abc", headers=lrs.headers())
    assert response.status_code == 400


def test_since_until_and_order(lrs):
    first = lrs.post_statement().json[0]
    stored = lrs.get(statementId=first).json["stored"]
    second = lrs.post_statement().json[0]
    after = [s["id"] for s in lrs.get(since=stored).json["statements"]]
    assert second in after and first not in after
    until = [s["id"] for s in lrs.get(until=stored).json["statements"]]
    assert first in until and second not in until
    newest_first = [s["id"] for s in lrs.get().json["statements"]]
    assert newest_first.index(second) < newest_first.index(first)


def test_formats(lrs):
    statement = make_statement(id=str(uuid.uuid4()))
    lrs.post_statement(statement)
    ids = lrs.get(statementId=statement["id"], format="ids").json
    assert ids["object"] == {"id": statement["object"]["id"]}
    assert ids["verb"] == {"id": statement["verb"]["id"]}
    assert set(ids["actor"]) <= {"objectType", "mbox"}
    canonical = lrs.request(
        "GET",
        "/statements",
        params={"statementId": statement["id"], "format": "canonical"},
        headers={"Accept-Language": "sv-SE"},
    ).json
    assert canonical["object"]["definition"]["name"] == {"sv-SE": "Lektion ett"}
    exact = lrs.get(statementId=statement["id"]).json
    assert len(exact["object"]["definition"]["name"]) == 2


def test_version_2_converts_timestamps_to_utc_and_sets_last_modified(lrs2):
    statement = make_statement(id=str(uuid.uuid4()), timestamp="2026-03-01T12:00:00.1234+02:00")
    assert lrs2.post_statement(statement).status_code == 200
    stored = lrs2.get(statementId=statement["id"])
    assert stored.json["timestamp"] == "2026-03-01T10:00:00.1234Z"
    assert stored.json["version"] == "2.0.0"
    assert stored.headers["X-Experience-API-Version"] == "2.0.0"


def test_alternate_request_syntax_in_1_0_3_only(lrs):
    statement = make_statement(id=str(uuid.uuid4()))
    form = {
        "statementId": statement["id"],
        "content": json.dumps(statement),
        "Authorization": lrs.auth,
        "X-Experience-API-Version": "1.0.3",
        "Content-Type": "application/json",
    }
    response = lrs.client.post("/xapi/statements?method=PUT", data=form)
    assert response.status_code == 204
    assert lrs.get(statementId=statement["id"]).status_code == 200
    got = lrs.client.post(
        "/xapi/statements?method=GET",
        data={"Authorization": lrs.auth, "X-Experience-API-Version": "1.0.3", "limit": "1"},
    )
    assert got.status_code == 200 and len(got.json["statements"]) == 1
    extra = lrs.client.post(
        "/xapi/statements?method=GET&limit=1",
        data={"Authorization": lrs.auth, "X-Experience-API-Version": "1.0.3"},
    )
    assert extra.status_code == 400
    v2 = lrs.client.post(
        "/xapi/statements?method=GET",
        data={"Authorization": lrs.auth, "X-Experience-API-Version": "2.0.0"},
    )
    assert v2.status_code == 400


def test_head_and_cors(lrs):
    response = lrs.request("HEAD", "/statements")
    assert response.status_code == 200 and response.data == b""
    preflight = lrs.client.options(
        "/xapi/statements", headers={"Origin": "https://content.example"}
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://content.example"
    assert "X-Experience-API-Version" in preflight.headers["Access-Control-Allow-Headers"]


def _multipart(statement, parts, boundary="abc123"):
    chunks = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n{json.dumps(statement)}\r\n"]
    body = "".join(chunks).encode()
    for content_type, content, sha2 in parts:
        body += (
            (
                f"--{boundary}\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: "
                f"binary\r\nX-Experience-API-Hash: {sha2}\r\n\r\n"
            ).encode()
            + content
            + b"\r\n"
        )
    return body + f"--{boundary}--".encode(), f"multipart/mixed; boundary={boundary}"


def test_attachments_in_and_out(lrs):
    content = b"Certificate \x00\xff binary bytes\r\n"
    sha2 = hashlib.sha256(content).hexdigest()
    statement = make_statement(
        id=str(uuid.uuid4()),
        attachments=[
            {
                "usageType": "http://adlnet.gov/expapi/attachments/certificate",
                "display": {"en": "Certificate"},
                "contentType": "application/octet-stream",
                "length": len(content),
                "sha2": sha2,
            }
        ],
    )
    body, content_type = _multipart(statement, [("application/octet-stream", content, sha2)])
    response = lrs.request("POST", "/statements", data=body, content_type=content_type)
    assert response.status_code == 200, response.json
    back = lrs.get(statementId=statement["id"], attachments="true")
    assert back.mimetype == "multipart/mixed"
    assert content in back.data and sha2.encode() in back.data
    missing, content_type = _multipart(statement | {"id": str(uuid.uuid4())}, [])
    assert (
        lrs.request("POST", "/statements", data=missing, content_type=content_type).status_code
        == 400
    )
    wrong, content_type = _multipart(
        statement | {"id": str(uuid.uuid4())}, [("application/octet-stream", b"other", sha2)]
    )
    assert (
        lrs.request("POST", "/statements", data=wrong, content_type=content_type).status_code == 400
    )


def test_signed_statement_is_checked(lrs):
    jwt = pytest.importorskip("jwt")
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    statement = make_statement(id=str(uuid.uuid4()))

    def signed(payload, alg="RS256"):
        token = jwt.encode(payload, key, algorithm=alg).encode()
        sha2 = hashlib.sha256(token).hexdigest()
        stmt = dict(
            statement,
            attachments=[
                {
                    "usageType": "http://adlnet.gov/expapi/attachments/signature",
                    "display": {"en": "Signature"},
                    "contentType": "application/octet-stream",
                    "length": len(token),
                    "sha2": sha2,
                }
            ],
        )
        return _multipart(stmt, [("application/octet-stream", token, sha2)])

    body, content_type = signed(dict(statement, verb={"id": "http://example.org/forged"}))
    assert (
        lrs.request("POST", "/statements", data=body, content_type=content_type).status_code == 400
    )
    body, content_type = signed(statement)
    assert (
        lrs.request("POST", "/statements", data=body, content_type=content_type).status_code == 200
    )


def test_scopes(make_lrs, lrs):
    reader = make_lrs(["read"])
    assert reader.post_statement().status_code == 403
    assert reader.get().status_code == 200
    own = make_lrs(["read-own", "write"])
    [mine] = own.post_statement().json
    [theirs] = lrs.post_statement().json
    ids = [s["id"] for s in own.get().json["statements"]]
    assert mine in ids and theirs not in ids


def test_revoked_client_is_refused(lrs, app):
    from uprest.extensions import db
    from uprest.xapi import clients
    from uprest.xapi.models import LrsClient

    for client in db.session.scalars(db.select(LrsClient)):
        clients.revoke_client(client)
    db.session.commit()
    assert lrs.get().status_code == 401


def test_activities_and_agents_resources(lrs):
    statement = make_statement()
    lrs.post_statement(statement)
    activity = lrs.get("/activities", activityId=statement["object"]["id"])
    assert activity.json["definition"]["name"]["sv-SE"] == "Lektion ett"
    unknown = lrs.get("/activities", activityId="http://example.org/never-seen")
    assert unknown.json == {"objectType": "Activity", "id": "http://example.org/never-seen"}
    person = lrs.get("/agents", agent=json.dumps({"mbox": "mailto:ada@example.org"})).json
    assert person["objectType"] == "Person" and person["name"] == ["Ada"]
    assert lrs.get("/agents").status_code == 400


def test_a_batch_costs_the_same_sql_statements_whatever_its_size(lrs, count_queries):
    """No per-statement queries on the write path: 5 and 50 new statements (new agents, new
    activities with definitions, registrations, parents) run the same SQL statements."""

    def batch(size: int, tag: str) -> list[dict]:
        return [
            make_statement(
                actor={"mbox": f"mailto:{tag}-{n}@example.org"},
                object={
                    "id": f"http://example.org/{tag}/{n}",
                    "definition": {"name": {"en-US": f"Lesson {n}"}},
                },
                context={
                    "registration": str(uuid.uuid4()),
                    "contextActivities": {"parent": [{"id": f"http://example.org/{tag}"}]},
                },
                result={"score": {"scaled": n / size}},
            )
            for n in range(size)
        ]

    counts = []
    for size in (5, 50):
        tag = uuid.uuid4().hex
        with count_queries() as queries:
            response = lrs.request("POST", "/statements", json=batch(size, tag))
        assert response.status_code == 200, response.json
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
