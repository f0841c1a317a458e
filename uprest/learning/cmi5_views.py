"""The ``cmi5`` blueprint an AU itself talks to: the one-time fetch URL and the files of uploaded
packages (the launch is a learner's page: ``launch_views``). It is CSRF-exempt and needs no
session: the fetch code and the signed key of the file URLs, both given out at launch, are its
credentials.
"""

import mimetypes

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    request,
    url_for,
)
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from uprest.courses import services as course_services
from uprest.courses.models import Cmi5Package
from uprest.extensions import db
from uprest.learning import cmi5

bp = Blueprint("cmi5", __name__, url_prefix="/cmi5")
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type",
}


@bp.route("/fetch/<code>", methods=["POST", "OPTIONS"])
def fetch(code: str):
    """cmi5 §8.2: always 200 with JSON; the token only the first time."""
    if request.method == "OPTIONS":
        return Response(status=204, headers=CORS)
    answer = cmi5.fetch(code)
    db.session.commit()
    response = jsonify(answer)
    response.headers.update(CORS)
    response.headers["Cache-Control"] = "no-store"
    return response


def package_file_url(package: int, name: str) -> str:
    key = _serializer().dumps([package, current_user.id])
    content = current_app.config.get("UPREST_CMI5_CONTENT_URL")
    path = url_for("uprest.cmi5.package_file", package_id=package, key=key, name=name)
    return content + path if content else request.host_url.rstrip("/") + path


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="uprest-cmi5-package")


@bp.get("/packages/<int:package_id>/<key>/<path:name>")
def package_file(package_id: int, key: str, name: str):
    """A file of an uploaded package. The AU runs in a sandbox, an origin of its own, so its
    requests carry no session cookie: the key in the path, signed at launch for this package
    and learner, is the credential, and it expires with the launch token."""
    try:
        signed = _serializer().loads(key, max_age=current_app.config["UPREST_CMI5_TOKEN_SECONDS"])
    except BadSignature:
        abort(404)
    if signed[0] != package_id:
        abort(404)
    package = db.session.get(Cmi5Package, package_id) or abort(404)
    data = course_services.read_package_file(package.archive or b"", name)
    if data is None:
        abort(404)
    mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return Response(data, mimetype=mimetype, headers={"Content-Security-Policy": _sandbox()})


def _sandbox() -> str:
    """Package content runs in an origin of its own: the content host name when one is set
    (UPREST_CMI5_CONTENT_URL), else a sandbox. Either way an AU reaches the LRS with its token
    but not the learner's session, cookies or pages."""
    site = request.host_url.rstrip("/")
    sandbox = (
        []
        if current_app.config.get("UPREST_CMI5_CONTENT_URL")
        else ["sandbox allow-scripts allow-forms allow-popups"]
    )
    return "; ".join(
        [
            f"default-src 'self' {site}",
            f"script-src 'self' {site}",
            f"style-src 'self' 'unsafe-inline' {site}",
            f"img-src 'self' data: https: {site}",
            "connect-src *",  # the LRS may be on another host name of this app
            "object-src 'none'",
            "frame-ancestors 'self'",
            *sandbox,
        ]
    )
