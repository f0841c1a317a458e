"""cmi5 in the learner's pages: launching an AU (a POST on the lesson page), and the ``cmi5``
blueprint the AU itself talks to: the one-time fetch URL and the files of uploaded packages.
The ``cmi5`` blueprint is CSRF-exempt and needs no session: the fetch code and the signed key of
the file URLs, both given out at launch, are its credentials.
"""

import mimetypes

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    request,
    url_for,
)
from flask_login import current_user, login_required
from itsdangerous import BadSignature, URLSafeTimedSerializer

from uprest.core.errors import ServiceError
from uprest.core.forms import ConfirmForm
from uprest.core.templating import render
from uprest.courses import services as course_services
from uprest.courses.models import Cmi5Package
from uprest.extensions import db
from uprest.learning import cmi5
from uprest.learning.views import _enrolment_or_redirect, _lesson_or_404
from uprest.learning.views import bp as learning_bp

bp = Blueprint("cmi5", __name__, url_prefix="/cmi5")
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type",
}


@learning_bp.post("/modules/<slug>/lessons/<lesson>/launch")
@login_required
def launch_au(slug: str, lesson: str):
    """Start an AU session and send the learner to the AU (cmi5 §8.1)."""
    _found, enrolment, back = _enrolment_or_redirect(slug)
    if back:
        return back
    _lesson_or_404(enrolment, lesson)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for(".lesson", slug=slug, lesson=lesson))
    try:
        url = cmi5.launch(
            enrolment,
            lesson,
            endpoint=url_for("uprest.xapi.about", _external=True).rsplit("/about", 1)[0] + "/",
            fetch_url=lambda code: url_for("uprest.cmi5.fetch", code=code, _external=True),
            file_url=lambda package, name: _file_url(package, name),
            return_url=url_for(".lesson", slug=slug, lesson=lesson, _external=True),
        )
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".lesson", slug=slug, lesson=lesson))
    db.session.commit()
    return render("uprest/learning/cmi5_launch.html", launch_url=url)


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


def _file_url(package: int, name: str) -> str:
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
