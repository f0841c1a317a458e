"""read-own credentials see only what they wrote, on every LRS resource (issue 11).

The attacker holds read-own + write credentials (as a content package does) and tries to read
or change what other clients and the app wrote: a statement by id, a voided statement, another
client's ``more`` link, the /agents Person, and state and profile documents.
"""

import base64
import json
import uuid
from urllib.parse import parse_qs, urlparse

import pytest

from tests.xapi.conftest import make_statement

ACTIVITY = "http://example.org/activities/module-1"
LEARNER = {"objectType": "Agent", "mbox": "mailto:learner@example.org"}
VOIDED = "http://adlnet.gov/expapi/verbs/voided"


@pytest.fixture
def victim(make_lrs):
    """Credentials that read and write everything, like the municipality's reporting tool."""
    return make_lrs(["read", "write"])


@pytest.fixture
def attacker(make_lrs):
    return make_lrs(["read-own", "write"])


def _more_token(link: str) -> str:
    return parse_qs(urlparse(link).query)["more"][0]


def test_a_statement_of_another_client_is_not_found_by_id(victim, attacker):
    [theirs] = victim.post_statement(make_statement(actor=LEARNER)).json
    [mine] = attacker.post_statement().json
    assert attacker.get(statementId=theirs).status_code == 404
    assert (
        attacker.request("HEAD", "/statements", params={"statementId": theirs}).status_code == 404
    )
    assert attacker.get(statementId=mine).json["id"] == mine
    assert victim.get(statementId=theirs).json["id"] == theirs


def test_a_voided_statement_of_another_client_is_not_found(victim, attacker):
    [theirs] = victim.post_statement().json
    voiding = make_statement(
        verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": theirs}
    )
    assert victim.post_statement(voiding).status_code == 200
    assert attacker.get(voidedStatementId=theirs).status_code == 404
    assert victim.get(voidedStatementId=theirs).json["id"] == theirs
    # the attacker's own voided statement stays readable to it
    [mine] = attacker.post_statement().json
    own_voiding = {**voiding, "object": {"objectType": "StatementRef", "id": mine}}
    assert attacker.post_statement(own_voiding).status_code == 200
    assert attacker.get(voidedStatementId=mine).json["id"] == mine


def test_a_more_link_works_only_for_the_credentials_it_was_issued_to(victim, attacker, make_lrs):
    for _ in range(3):
        victim.post_statement(make_statement(actor=LEARNER))
    page = victim.get(limit="1").json
    assert page["more"]
    stolen = attacker.get(more=_more_token(page["more"]))
    assert stolen.status_code == 403
    assert "statements" not in stolen.json
    assert victim.get(more=_more_token(page["more"])).json["statements"]
    # a read-own cursor, too, is bound to the client: its filter is not someone else's key
    other = make_lrs(["read-own", "write"])
    for _ in range(2):
        other.post_statement()
    own_page = other.get(limit="1").json
    assert attacker.get(more=_more_token(own_page["more"])).status_code == 403
    assert len(other.get(more=_more_token(own_page["more"])).json["statements"]) == 1


def test_agents_shows_a_read_own_client_only_what_it_wrote(victim, attacker):
    victim.post_statement(make_statement(actor={**LEARNER, "name": "Secret Name"}))
    person = attacker.get("/agents", agent=json.dumps(LEARNER)).json
    assert person == {"objectType": "Person", "mbox": [LEARNER["mbox"]]}
    attacker.post_statement(make_statement(actor={**LEARNER, "name": "Lea"}))
    person = attacker.get("/agents", agent=json.dumps(LEARNER)).json
    assert person["name"] == ["Lea"]
    full = victim.get("/agents", agent=json.dumps(LEARNER)).json
    assert set(full["name"]) == {"Secret Name", "Lea"}


def _document(lrs, method, path, body=None, headers=None, **params):
    data = json.dumps(body) if body is not None else None
    return lrs.request(
        method,
        path,
        params=params,
        data=data,
        headers=headers,
        content_type="application/json" if body is not None else None,
    )


def _own_agent(lrs) -> str:
    """The attacker's own identity: the authority the LRS gives its statements."""
    key = base64.b64decode(lrs.auth.split()[1]).decode().split(":")[0]
    return json.dumps({"account": {"homePage": "http://localhost/xapi", "name": key}})


DOCUMENTS = {
    "state": (
        "/activities/state",
        "stateId",
        {"activityId": ACTIVITY, "agent": json.dumps(LEARNER)},
    ),
    "activity profile": ("/activities/profile", "profileId", {"activityId": ACTIVITY}),
    "agent profile": ("/agents/profile", "profileId", {"agent": json.dumps(LEARNER)}),
}


@pytest.mark.parametrize("kind", DOCUMENTS)
def test_documents_of_other_clients_are_hidden_and_kept(victim, attacker, kind):
    path, id_param, scope = DOCUMENTS[kind]
    theirs = {**scope, id_param: "bookmark"}
    put = _document(victim, "PUT", path, {"page": 7}, {"If-None-Match": "*"}, **theirs)
    assert put.status_code == 204
    # reading: as if it were not there
    assert _document(attacker, "GET", path, **theirs).status_code == 404
    assert _document(attacker, "GET", path, **scope).json == []
    # writing over it, merging into it, deleting it: refused, and it is unchanged
    etag = _document(victim, "GET", path, **theirs).headers["ETag"]
    forged = _document(attacker, "PUT", path, {"page": 1}, {"If-Match": etag}, **theirs)
    assert forged.status_code == 403
    assert _document(attacker, "POST", path, {"page": 1}, **theirs).status_code == 403
    assert _document(attacker, "DELETE", path, **theirs).status_code == 403
    if kind == "state":  # deleting every state document in the scope spares the others'
        assert _document(attacker, "DELETE", path, **scope).status_code == 204
    assert _document(victim, "GET", path, **theirs).json == {"page": 7}
    # its own documents it reads, lists, changes and deletes as usual
    mine = {**scope, id_param: "mine"}
    assert (
        _document(attacker, "PUT", path, {"a": 1}, {"If-None-Match": "*"}, **mine).status_code
        == 204
    )
    assert _document(attacker, "POST", path, {"b": 2}, **mine).status_code == 204
    assert _document(attacker, "GET", path, **mine).json == {"a": 1, "b": 2}
    assert _document(attacker, "GET", path, **scope).json == ["mine"]
    assert sorted(_document(victim, "GET", path, **scope).json) == ["bookmark", "mine"]
    assert _document(attacker, "DELETE", path, **mine).status_code == 204
    assert _document(attacker, "GET", path, **mine).status_code == 404


def test_documents_keyed_by_its_own_identity_are_its_own(victim, attacker):
    """An agent profile about the client itself, whoever wrote it, is the client's to read."""
    own = {"agent": _own_agent(attacker), "profileId": "settings"}
    put = _document(
        victim, "PUT", "/agents/profile", {"theme": "dark"}, {"If-None-Match": "*"}, **own
    )
    assert put.status_code == 204
    assert _document(attacker, "GET", "/agents/profile", **own).json == {"theme": "dark"}


def test_a_statement_by_id_is_unique_to_its_writer_even_with_a_guessed_id(victim, attacker):
    statement_id = str(uuid.uuid4())
    assert victim.put_statement(make_statement(id=statement_id), statement_id).status_code == 204
    # the attacker can't read it; putting the same id with other content is still a conflict
    assert attacker.get(statementId=statement_id).status_code == 404
    clash = attacker.put_statement(make_statement(id=statement_id, actor=LEARNER), statement_id)
    assert clash.status_code == 409
