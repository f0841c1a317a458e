"""Document resources (state, activity and agent profiles), agents, activities."""

from __future__ import annotations

from datetime import UTC
from wsgiref.handlers import format_date_time

import sqlalchemy as sa
from flask import Blueprint

from uprest.extensions import db
from uprest.xapi import documents, jsonio, tokens
from uprest.xapi.agents import agent_key, parse_agent_param, person
from uprest.xapi.api import METHODS, lrs_endpoint
from uprest.xapi.clients import authority_for
from uprest.xapi.http import LrsError, XRequest, authenticate, home_page, reply
from uprest.xapi.models import Activity, AgentRecord, Statement
from uprest.xapi.normalise import parse_timestamp, to_naive_utc
from uprest.xapi.store import MAX_AGENT_KEY, MAX_IRI
from uprest.xapi.validation import IRI_RE, UUID_RE, StatementError, actor, timestamp

bp = Blueprint("resources", __name__)  # nested in the LRS blueprint: /xapi, CORS, errors

MAX_CONTENT_TYPE = 255  # xapi_documents.content_type


def _require(xreq: XRequest, allowed: set[str], required: set[str]) -> None:
    unknown = set(xreq.args) - allowed
    if unknown:
        raise LrsError(400, f"unknown parameter {sorted(unknown)[0]!r}")
    missing = required - set(xreq.args)
    if missing:
        raise LrsError(400, f"the {sorted(missing)[0]} parameter is required")


def _activity_id(xreq: XRequest) -> str:
    value = xreq.args["activityId"]
    if not IRI_RE.match(value):
        raise LrsError(400, "activityId must be an IRI")
    if len(value) > MAX_IRI:
        raise LrsError(400, f"activityId is longer than the {MAX_IRI} characters stored")
    return value


def _agent(xreq: XRequest) -> tuple[dict, str]:
    try:
        value = parse_agent_param(xreq.args["agent"])
        actor(value, "agent")
    except (ValueError, StatementError) as error:
        raise LrsError(400, f"agent: {error}") from None
    key = agent_key(value)
    if key is None:
        raise LrsError(400, "agent must be an Agent or an identified Group")
    if len(key) > MAX_AGENT_KEY:
        raise LrsError(400, f"the agent's identifier is longer than {MAX_AGENT_KEY} characters")
    return value, key


def _since(xreq: XRequest):
    if "since" not in xreq.args:
        return None
    try:
        timestamp(xreq.args["since"], "since", xreq.version)
    except StatementError as error:
        raise LrsError(400, str(error)) from None
    return to_naive_utc(parse_timestamp(xreq.args["since"]))


def _document_reply(xreq: XRequest, document):
    if document is None:
        raise LrsError(404, "no such document")
    headers = {
        "ETag": document.etag,
        "Last-Modified": format_date_time(document.updated_at.replace(tzinfo=UTC).timestamp()),
    }
    return reply(xreq, document.content, headers=headers, mimetype=document.content_type)


def _owner(xreq: XRequest) -> documents.Owner | None:
    """For a read-own client, what it may see and change; None for a client that reads all."""
    client = xreq.client
    if not client.reads_own_only:
        return None
    return documents.Owner(client.id, agent_key(authority_for(client, home_page())))


def _documents(xreq: XRequest, kind: str, id_param: str, scope: dict):
    """GET, PUT, POST and DELETE on one kind of document, the same way for all three kinds."""
    document_id = xreq.args.get(id_param)
    if xreq.method in ("GET", "HEAD"):
        authenticate(xreq, "read")
        if xreq.token is not None:
            tokens.check_document(xreq.token, kind, scope, write=False)
        owner = _owner(xreq)
        if document_id is not None:
            if "since" in xreq.args:
                raise LrsError(400, f"since is not allowed with {id_param}")
            found = documents.get_document(kind, document_id, owner=owner, **scope)
            return _document_reply(xreq, found)
        return reply(xreq, documents.list_ids(kind, _since(xreq), owner=owner, **scope))
    authenticate(xreq, "write")
    if xreq.token is not None:
        tokens.check_document(xreq.token, kind, scope, write=True)
    scope = {**scope, "owner": _owner(xreq)}
    if "since" in xreq.args:
        raise LrsError(400, "since is only allowed on GET")
    if_match, if_none_match = xreq.header("If-Match"), xreq.header("If-None-Match")
    if xreq.method in ("PUT", "POST"):
        if document_id is None:
            raise LrsError(400, f"the {id_param} parameter is required")
        if len(document_id) > MAX_IRI or len(xreq.content_type) > MAX_CONTENT_TYPE:
            raise LrsError(400, f"the {id_param} or the Content-Type is too long to store")
        saved = documents.save_document(
            kind,
            document_id,
            content=xreq.body,
            content_type=xreq.content_type,
            merge=xreq.method == "POST",
            if_match=if_match,
            if_none_match=if_none_match,
            # 1.0.3 Communication 3.1 puts only the profiles under concurrency control, and
            # its profile PUTs name a precondition even for a new document (the ADL 1.0.3
            # suite checks the 400); 2.0 adds the State resource and drops that 400.
            headerless_conflict=kind != "state" or xreq.is_v2,
            header_required=kind != "state" and not xreq.is_v2,
            client_id=xreq.client.id,
            **scope,
        )
        return reply(xreq, status=204, headers={"ETag": saved.etag})
    if xreq.method == "DELETE":
        if document_id is None and kind != "state":
            raise LrsError(400, f"the {id_param} parameter is required")
        documents.delete_documents(kind, document_id, if_match=if_match, **scope)
        return reply(xreq, status=204)
    raise LrsError(405, "method not allowed")


@bp.route("/activities/state", methods=METHODS)
@lrs_endpoint
def activity_state(xreq: XRequest):
    _require(
        xreq, {"activityId", "agent", "registration", "stateId", "since"}, {"activityId", "agent"}
    )
    registration = xreq.args.get("registration", "")
    if registration and not UUID_RE.match(registration):
        raise LrsError(400, "registration must be a UUID")
    _value, key = _agent(xreq)
    scope = {"activity_id": _activity_id(xreq), "agent_key": key, "registration": registration}
    return _documents(xreq, "state", "stateId", scope)


@bp.route("/activities/profile", methods=METHODS)
@lrs_endpoint
def activity_profile(xreq: XRequest):
    _require(xreq, {"activityId", "profileId", "since"}, {"activityId"})
    return _documents(xreq, "activity_profile", "profileId", {"activity_id": _activity_id(xreq)})


@bp.route("/agents/profile", methods=METHODS)
@lrs_endpoint
def agent_profile(xreq: XRequest):
    _require(xreq, {"agent", "profileId", "since"}, {"agent"})
    _value, key = _agent(xreq)
    return _documents(xreq, "agent_profile", "profileId", {"agent_key": key})


@bp.route("/agents", methods=["GET", "HEAD"])
@lrs_endpoint
def agents(xreq: XRequest):
    authenticate(xreq, "read")
    _require(xreq, {"agent"}, {"agent"})
    value, key = _agent(xreq)
    if value.get("objectType") == "Group":
        raise LrsError(400, "the agents resource takes an Agent")
    if xreq.token is not None and key != xreq.token.agent_key:
        raise LrsError(403, "this token reads only its own learner")
    if xreq.client.reads_own_only:
        return reply(xreq, person(value, _forms_written_by(xreq.client.id, key)))
    record = db.session.get(AgentRecord, key)
    known = jsonio.loads(record.document) if record else []
    return reply(xreq, person(value, known))


def _forms_written_by(client_id: int, key: str, most: int = 200) -> list[dict]:
    """The forms of an agent as actor in the client's own statements: a read-own client learns
    nothing (a name, another identifier) that only other clients' statements say."""
    rows = db.session.scalars(
        sa.select(Statement.document)
        .where(Statement.client_id == client_id, Statement.actor_key == key)
        .order_by(Statement.id.desc())
        .limit(most)
    )
    forms: list[dict] = []
    for document in rows:
        actor_form = jsonio.loads(document)["actor"]
        if actor_form.get("objectType", "Agent") == "Agent" and actor_form not in forms:
            forms.append(actor_form)
    return forms


@bp.route("/activities", methods=["GET", "HEAD"])
@lrs_endpoint
def activities(xreq: XRequest):
    authenticate(xreq, "read")
    _require(xreq, {"activityId"}, {"activityId"})
    activity_id = _activity_id(xreq)
    record = db.session.get(Activity, activity_id)
    if record is None:
        return reply(xreq, {"objectType": "Activity", "id": activity_id})
    return reply(xreq, jsonio.loads(record.document))
