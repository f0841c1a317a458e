"""The HTTP side of the LRS: versions, Basic auth, CORS, alternate request syntax, errors."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from flask import Response, current_app, g, request, url_for
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from uprest.core.errorpages import answer_errors_under
from uprest.core.time import utcnow
from uprest.xapi import clients, jsonio, tokens
from uprest.xapi.models import LrsClient
from uprest.xapi.normalise import format_timestamp

SUPPORTED = ("1.0.0", "1.0.1", "1.0.2", "1.0.3", "2.0.0")
ALTERNATE_HEADERS = {
    "authorization": "Authorization",
    "x-experience-api-version": "X-Experience-API-Version",
    "content-type": "Content-Type",
    "content-length": "Content-Length",
    "if-match": "If-Match",
    "if-none-match": "If-None-Match",
}
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, PUT, POST, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": (
        "Authorization, Content-Type, X-Experience-API-Version, If-Match, If-None-Match"
    ),
    "Access-Control-Expose-Headers": (
        "ETag, Last-Modified, X-Experience-API-Version, X-Experience-API-Consistent-Through"
    ),
}


class LrsError(Exception):
    """Stops a request with an xAPI error response."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass
class XRequest:
    """One LRS request, whether sent plainly or in the 1.0.3 alternate syntax."""

    method: str
    headers: dict[str, str]
    args: dict[str, str]
    body: bytes
    version: str = "1.0.3"
    client: LrsClient | None = None
    alternate: bool = False
    extra: dict = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def content_type(self) -> str:
        return (self.header("Content-Type") or "").strip()

    @property
    def media_type(self) -> str:
        return self.content_type.split(";")[0].strip().lower()

    @property
    def is_v2(self) -> bool:
        return self.version.startswith("2")

    @property
    def token(self):
        """The short-lived token (``xapi.tokens``) the request authenticated with, if any."""
        return self.extra.get("token")


def _single_args() -> dict[str, str]:
    args = {}
    for key, values in request.args.lists():
        if len(values) > 1:
            raise LrsError(400, f"parameter {key!r} given more than once")
        args[key] = values[0]
    return args


def _body(*, as_text: bool = False):
    """The request body, refused (413) when longer than UPREST_XAPI_MAX_CONTENT_LENGTH. A
    longer declared Content-Length is refused before anything is read; a chunked body is read
    up to one byte past the limit. (Werkzeug's maximum stops a chunked read at the limit
    without an error: the body would arrive cut short, not refused.)"""
    limit = current_app.config["UPREST_XAPI_MAX_CONTENT_LENGTH"]
    too_large = LrsError(413, f"the request body is larger than the {limit} bytes allowed")
    if request.content_length is not None and request.content_length > limit:
        raise too_large
    request.max_content_length = limit + 1
    try:
        data = request.get_data()
    except RequestEntityTooLarge:
        raise too_large from None
    if len(data) > limit:
        raise too_large
    return data.decode(errors="replace") if as_text else data


def parse_request(*, version_required: bool = True) -> XRequest:
    headers = {k.lower(): v for k, v in request.headers.items()}
    args = _single_args()
    if "method" in args:
        xreq = _alternate(headers, args, version_required)
    else:
        xreq = XRequest(method=request.method, headers=headers, args=args, body=_body())
        xreq.version = _version(xreq, version_required)
    if any("\x00" in value for value in xreq.args.values()):  # no database can store one
        raise LrsError(400, "parameters may not contain NUL characters")
    return xreq


def _alternate(headers: dict, args: dict, version_required: bool) -> XRequest:
    """1.0.3 §7.8: POST ?method=X with headers, parameters and content as form fields."""
    if request.method != "POST":
        raise LrsError(400, "the alternate request syntax must be sent with POST")
    if set(args) != {"method"}:
        raise LrsError(400, "the alternate request syntax allows no other query parameters")
    method = args["method"].upper()
    if method not in ("GET", "HEAD", "PUT", "POST", "DELETE"):
        raise LrsError(400, "unknown method in the alternate request syntax")
    media = (request.content_type or "").split(";")[0].strip().lower()
    if media != "application/x-www-form-urlencoded":
        raise LrsError(400, "the alternate request syntax is sent as a form")
    form = {k: v[0] for k, v in parse_qs(_body(as_text=True), keep_blank_values=True).items()}
    merged_headers = dict(headers)
    merged_headers.pop("content-type", None)
    params = {}
    body = b""
    for key, value in form.items():
        if key.lower() in ALTERNATE_HEADERS:
            merged_headers[key.lower()] = value
        elif key == "content":
            body = value.encode()
        else:
            params[key] = value
    if method in ("PUT", "POST") and "content" not in form:
        raise LrsError(400, "the alternate request syntax sends content in a 'content' field")
    xreq = XRequest(method=method, headers=merged_headers, args=params, body=body, alternate=True)
    xreq.version = _version(xreq, version_required)
    if xreq.is_v2:
        raise LrsError(400, "xAPI 2.0 does not allow the alternate request syntax")
    return xreq


def _version(xreq: XRequest, required: bool) -> str:
    value = xreq.header("X-Experience-API-Version")
    if value is None:
        g.uprest_xapi_version = unnamed_version(xreq.header("Authorization"))
        if required:
            raise LrsError(400, "the X-Experience-API-Version header is required")
        return g.uprest_xapi_version
    value = value.strip()
    if value in ("1.0", "2.0"):
        value += ".0"
    if value not in SUPPORTED:
        raise LrsError(400, f"xAPI version {value!r} is not supported")
    # an error raised later in parsing (alternate syntax, parameters) still names this version
    g.uprest_xapi_version = value
    return value


def _basic_credentials(header: str | None) -> tuple[str, str] | None:
    """(key, secret) of a Basic Authorization header; None when there is none; ValueError when
    it is malformed."""
    header = header or ""
    if not header.lower().startswith("basic "):
        return None
    try:
        key, _, secret = base64.b64decode(header[6:].strip()).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        raise ValueError("malformed Basic credentials") from None
    return key, secret


def unnamed_version(authorization: str | None) -> str:
    """The version a request that names none is answered in: the one its LRS client declared
    (so one server can serve a 1.0.3 and a 2.0.0 client side by side), else the default."""
    try:
        credentials = _basic_credentials(authorization)
    except ValueError:
        credentials = None
    client = clients.authenticate(*credentials) if credentials else None
    if client is not None and client.xapi_version:
        return client.xapi_version
    return current_app.config["UPREST_XAPI_DEFAULT_VERSION"]


def authenticate(xreq: XRequest, scope: str) -> LrsClient:
    """Basic auth with an LRS client; ``scope`` is read or write."""
    challenge = {"WWW-Authenticate": 'Basic realm="UPREST LRS"'}
    try:
        credentials = _basic_credentials(xreq.header("Authorization"))
    except ValueError:
        raise LrsError(401, "malformed Basic credentials", challenge) from None
    if credentials is None:
        raise LrsError(401, "authentication required", challenge)
    key, secret = credentials
    if key.startswith(tokens.PREFIX):
        found = tokens.authenticate(key, secret)
        client, xreq.extra["token"] = found if found else (None, None)
    else:
        client = clients.authenticate(key, secret)
    if client is None:
        raise LrsError(401, "unknown, expired or revoked credentials", challenge)
    scopes = client.scope_set
    if scope == "write" and "write" not in scopes:
        raise LrsError(403, "these credentials may not write")
    if scope == "read" and not scopes & {"read", "read-own"}:
        raise LrsError(403, "these credentials may not read")
    xreq.client = client
    return client


def home_page() -> str:
    return url_for("uprest.xapi.about", _external=True).rsplit("/about", 1)[0]


def reply(
    xreq: XRequest | None,
    body=None,
    status: int = 200,
    headers: dict | None = None,
    mimetype: str = "application/json",
) -> Response:
    if body is None:
        data = b""
    elif isinstance(body, (bytes, str)):
        data = body
    else:
        data = jsonio.dumps(body)
    response = Response(data, status=status, mimetype=mimetype if body is not None else None)
    response.headers.update(headers or {})
    version = xreq.version if xreq is not None else _asked_version()
    response.headers["X-Experience-API-Version"] = "2.0.0" if version.startswith("2") else "1.0.3"
    return response


def _asked_version() -> str:
    """The version a request names, for a reply made before the request was parsed (an
    oversized body, a bad alternate request): a supported one, else the default."""
    parsed = g.get("uprest_xapi_version")
    if parsed is not None:
        return parsed
    asked = request.headers.get("X-Experience-API-Version")
    if asked is None:
        return unnamed_version(request.headers.get("Authorization"))
    asked = asked.strip()
    if asked in SUPPORTED or asked in ("1.0", "2.0"):
        return asked
    return current_app.config["UPREST_XAPI_DEFAULT_VERSION"]


def error_reply(error: LrsError, xreq: XRequest | None = None) -> Response:
    return reply(
        xreq, {"error": error.message, "status": error.status}, error.status, error.headers
    )


def http_error_reply(error: HTTPException) -> Response:
    """A routing or HTTP error under /xapi, answered as the LRS answers (xAPI JSON, CORS)."""
    response = error_reply(LrsError(error.code or 500, error.description or error.name))
    if error.response is None and hasattr(error, "get_headers"):
        for name, value in error.get_headers():
            if name.lower() == "allow":
                response.headers["Allow"] = value
    return add_cors(response)


answer_errors_under("/xapi", http_error_reply)


def add_cors(response: Response) -> Response:
    """CORS for browser content, and a consistency mark on every statement read."""
    response.headers.update(CORS_HEADERS)
    if request.path.endswith("/statements") and request.method in ("GET", "HEAD", "POST"):
        response.headers.setdefault(
            "X-Experience-API-Consistent-Through", format_timestamp(utcnow())
        )
    if request.headers.get("Origin"):
        response.headers["Access-Control-Allow-Origin"] = request.headers["Origin"]
        response.headers["Vary"] = "Origin"
    if not current_app.debug:
        response.headers.setdefault("Cache-Control", "no-store")
    return response
