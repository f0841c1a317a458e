"""The LRS HTTP API under /xapi: statements here, documents and the rest in ``resources.py``."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC
from functools import wraps
from wsgiref.handlers import format_date_time

from flask import Blueprint, request, url_for
from werkzeug.exceptions import HTTPException

from uprest.core.security import checks_own_requests
from uprest.core.time import utcnow
from uprest.extensions import db
from uprest.xapi import jsonio, multipart, query, store, tokens
from uprest.xapi.agents import agent_key, parse_agent_param
from uprest.xapi.documents import DocumentError
from uprest.xapi.http import (
    LrsError,
    XRequest,
    add_cors,
    authenticate,
    error_reply,
    home_page,
    parse_request,
    reply,
)
from uprest.xapi.models import Attachment
from uprest.xapi.normalise import (
    canonical_format,
    format_timestamp,
    ids_format,
    parse_timestamp,
    to_naive_utc,
)
from uprest.xapi.validation import IRI_RE, UUID_RE, StatementError, actor, timestamp

bp = Blueprint("xapi", __name__, url_prefix="/xapi")
bp.after_request(add_cors)
checks_own_requests(bp)  # its own body limit and input checks, its own error format


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    """Routing errors (405, 404, 413) as xAPI JSON errors, not HTML pages."""
    return error_reply(LrsError(error.code or 500, error.description or error.name))


METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE"]

QUERY_PARAMS = {
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
}


def lrs_endpoint(view):
    """Parse the xAPI request, run the view, commit once, and map every failure to its status."""

    @wraps(view)
    def wrapped(**kwargs):
        xreq = None
        try:
            xreq = parse_request(version_required=view.__name__ != "about")
            response = view(xreq, **kwargs)
            db.session.commit()
            return response
        except LrsError as error:
            db.session.rollback()
            return error_reply(error, xreq)
        except StatementError as error:
            db.session.rollback()
            return error_reply(LrsError(400, str(error)), xreq)
        except DocumentError as error:
            db.session.rollback()
            return error_reply(LrsError(error.status, error.message), xreq)
        except tokens.Refused as error:
            db.session.rollback()
            return error_reply(LrsError(error.status, error.message), xreq)
        except store.Conflict as error:
            db.session.rollback()
            return error_reply(
                LrsError(409, f"statement {error} exists with different content"), xreq
            )

    return wrapped


def writer_for(xreq: XRequest) -> store.Writer:
    return store.Writer(
        authority=_authority(xreq), client_id=xreq.client.id if xreq.client else None
    )


def _authority(xreq: XRequest) -> dict:
    from uprest.xapi.clients import authority_for

    return authority_for(xreq.client, home_page())


def _json_body(xreq: XRequest):
    try:
        return jsonio.parse(xreq.body)
    except jsonio.TooDeep as error:
        raise LrsError(400, str(error)) from None
    except ValueError:
        raise LrsError(400, "the body is not valid JSON") from None


def _statements_from(xreq: XRequest):
    if xreq.media_type == "multipart/mixed":
        return multipart.parse(xreq.content_type, xreq.body)
    if xreq.media_type != "application/json" and not (xreq.alternate and not xreq.media_type):
        raise LrsError(400, "statements are sent as application/json or multipart/mixed")
    return _json_body(xreq), {}


@bp.route("/statements", methods=METHODS)
@lrs_endpoint
def statements(xreq: XRequest):
    if xreq.method in ("GET", "HEAD"):
        authenticate(xreq, "read")
        return _get_statements(xreq)
    authenticate(xreq, "write")
    if xreq.method == "PUT":
        return _put_statement(xreq)
    if xreq.method == "POST":
        if set(xreq.args) - {"statementId"} or "statementId" in xreq.args:
            raise LrsError(400, "POST /statements takes no parameters")
        body, attachments = _statements_from(xreq)
        batch = body if isinstance(body, list) else [body]
        if not batch:
            raise LrsError(400, "no statements in the request")
        if xreq.token is not None:
            tokens.check_statements(xreq.token, batch)
        result = store.store_statements(
            batch, version=xreq.version, writer=writer_for(xreq), attachments=attachments
        )
        return reply(xreq, result.ids)
    raise LrsError(405, "statements cannot be deleted")


def _put_statement(xreq: XRequest):
    statement_id = xreq.args.get("statementId")
    if not statement_id:
        raise LrsError(400, "PUT /statements needs the statementId parameter")
    if set(xreq.args) != {"statementId"}:
        raise LrsError(400, "PUT /statements takes only the statementId parameter")
    if not UUID_RE.match(statement_id):
        raise LrsError(400, "statementId must be a UUID")
    body, attachments = _statements_from(xreq)
    if not isinstance(body, dict):
        raise LrsError(400, "PUT /statements takes a single statement")
    if xreq.token is not None:
        tokens.check_statements(xreq.token, [body])
    store.store_statements(
        [body],
        version=xreq.version,
        writer=writer_for(xreq),
        attachments=attachments,
        require_id=statement_id,
    )
    return reply(xreq, status=204)


def _flag(xreq: XRequest, name: str) -> bool:
    value = xreq.args.get(name, "false")
    if value not in ("true", "false"):
        raise LrsError(400, f"{name} must be true or false")
    return value == "true"


def _moment(xreq: XRequest, name: str) -> str | None:
    value = xreq.args.get(name)
    if value is None:
        return None
    try:
        timestamp(value, name, xreq.version)
    except StatementError as error:
        raise LrsError(400, str(error)) from None
    return to_naive_utc(parse_timestamp(value)).isoformat()


def _filters(xreq: XRequest) -> query.Filters:
    args = xreq.args
    agent = None
    if "agent" in args:
        try:
            value = parse_agent_param(args["agent"])
            actor(value, "agent")
        except (ValueError, StatementError) as error:
            raise LrsError(400, f"agent: {error}") from None
        agent = agent_key(value)
    for name in ("verb", "activity"):
        if name in args and not IRI_RE.match(args[name]):
            raise LrsError(400, f"{name} must be an IRI")
    if "registration" in args and not UUID_RE.match(args["registration"]):
        raise LrsError(400, "registration must be a UUID")
    limit = args.get("limit", "0")
    if not (limit.isascii() and limit.isdigit()):  # int() would read '١٠' or fail on '²'
        raise LrsError(400, "limit must be a non-negative integer")
    read_own = xreq.client is not None and xreq.client.reads_own_only
    return query.Filters(
        agent=agent,
        related_agents=_flag(xreq, "related_agents"),
        verb=args.get("verb"),
        activity=args.get("activity"),
        related_activities=_flag(xreq, "related_activities"),
        registration=args.get("registration", "").lower() or None,
        since=_moment(xreq, "since"),
        until=_moment(xreq, "until"),
        limit=int(limit),
        ascending=_flag(xreq, "ascending"),
        client_id=xreq.client.id if read_own else None,
        reader_id=xreq.client.id if xreq.client else None,
    )


def _render(document: str, xreq: XRequest, fmt: str) -> dict:
    data = jsonio.loads(document)
    if fmt == "ids":
        return ids_format(data)
    if fmt == "canonical":
        languages = [lang for lang, _q in request.accept_languages] or []
        header = xreq.header("Accept-Language")
        if header and not languages:
            languages = [part.split(";")[0].strip() for part in header.split(",")]
        return canonical_format(data, languages)
    return data


def _headers(last_modified=None) -> dict:
    now = utcnow()
    headers = {"X-Experience-API-Consistent-Through": format_timestamp(now)}
    moment = last_modified or now
    headers["Last-Modified"] = format_date_time(moment.replace(tzinfo=UTC).timestamp())
    return headers


def _respond(xreq: XRequest, document, rows, with_attachments: bool, last_modified=None):
    headers = _headers(last_modified)
    if not with_attachments:
        return reply(xreq, document, headers=headers)
    hashes = query.attachment_hashes(rows)
    parts = []
    for sha2 in hashes:
        found = db.session.get(Attachment, sha2)
        if found is not None:
            parts.append((sha2, found.content_type, found.content))
    body, content_type = multipart.build(document, parts)
    return reply(xreq, body, headers=headers, mimetype=content_type)


def _get_statements(xreq: XRequest):
    args = xreq.args
    unknown = set(args) - QUERY_PARAMS
    if unknown:
        raise LrsError(400, f"unknown parameter {sorted(unknown)[0]!r}")
    fmt = args.get("format", "exact")
    if fmt not in ("exact", "ids", "canonical"):
        raise LrsError(400, "format must be exact, ids or canonical")
    with_attachments = _flag(xreq, "attachments")
    single = {"statementId", "voidedStatementId"} & set(args)
    if single:
        if len(single) > 1 or set(args) - {
            "statementId",
            "voidedStatementId",
            "format",
            "attachments",
        }:
            raise LrsError(400, "statementId and voidedStatementId take no other filters")
        name = single.pop()
        if not UUID_RE.match(args[name]):
            raise LrsError(400, f"{name} must be a UUID")
        row = query.get_statement(args[name], voided=name == "voidedStatementId")
        if row is None or (xreq.client.reads_own_only and row.client_id != xreq.client.id):
            raise LrsError(404, "no such statement")  # another client's: as if there were none
        if xreq.token is not None and (row.actor_key, row.registration) != (
            xreq.token.agent_key,
            xreq.token.registration,
        ):
            raise LrsError(404, "no such statement")  # another client's: as if there were none
        return _respond(xreq, _render(row.document, xreq, fmt), [row], with_attachments, row.stored)
    if "more" in args:
        filters = query.decode_cursor(args["more"])
        if filters is None or len(args) > 1:
            raise LrsError(400, "the more link is not valid")
        if filters.reader_id != xreq.client.id:  # it carries its reader's read-own filter
            raise LrsError(403, "this more link was issued to other credentials")
        fmt, with_attachments = filters.format, filters.attachments
    else:
        filters = replace(_filters(xreq), format=fmt, attachments=with_attachments)
    if xreq.token is not None:
        agent = None if filters.related_agents else filters.agent
        tokens.check_read(xreq.token, agent, filters.registration)
    rows, following = query.find_statements(filters)
    more = ""
    if following is not None:
        more = url_for("uprest.xapi.statements", more=query.encode_cursor(following))
    if fmt == "exact" and not with_attachments:  # the stored JSON as it is, not re-encoded
        statements = ",".join(row.document for row in rows)
        body = f'{{"statements":[{statements}],"more":{jsonio.dumps(more)}}}'
        return _respond(xreq, body, rows, with_attachments)
    result = {
        "statements": [_render(row.document, xreq, fmt) for row in rows],
        "more": more,
    }
    return _respond(xreq, result, rows, with_attachments)


@bp.route("/about", methods=["GET", "HEAD"])
@lrs_endpoint
def about(xreq: XRequest):
    return reply(xreq, {"version": ["1.0.3", "2.0.0"], "extensions": {}})
