"""cmi5 in the learner's pages: launching an AU (a POST on the lesson page), and the ``cmi5``
blueprint the AU itself talks to: the one-time fetch URL and the files of uploaded packages.
The ``cmi5`` blueprint is CSRF-exempt: the fetch code is its credential, the files are GETs.
"""

import mimetypes

from flask import Blueprint, Response, abort, flash, jsonify, redirect, request, url_for
from flask_login import current_user, login_required

from uprest.accounts.forms import ConfirmForm
from uprest.accounts.permissions import can_author
from uprest.core.errors import ServiceError
from uprest.courses import cmi5_package
from uprest.courses.models import Cmi5Package
from uprest.extensions import db
from uprest.learning import cmi5, services
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
            file_url=lambda package, name: url_for(
                "uprest.cmi5.package_file", package_id=package, name=name, _external=True
            ),
            return_url=url_for(".lesson", slug=slug, lesson=lesson, _external=True),
        )
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".lesson", slug=slug, lesson=lesson))
    db.session.commit()
    return redirect(url)


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


@bp.get("/packages/<int:package_id>/<path:name>")
@login_required
def package_file(package_id: int, name: str):
    """A file of an uploaded package, for its module's trainers and enrolled learners."""
    package = db.session.get(Cmi5Package, package_id) or abort(404)
    if not can_author(current_user):
        from uprest.courses.models import Module

        module = db.session.get(Module, package.module_id)
        if services.get_enrolment(current_user, module) is None:
            abort(403)
    data = cmi5_package.read_file(package.archive or b"", name)
    if data is None:
        abort(404)
    mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return Response(data, mimetype=mimetype, headers={"Content-Security-Policy": _sandbox()})


def _sandbox() -> str:
    """Package content runs in a sandbox, an origin of its own: an AU can reach the LRS (with
    its token) but not the learner's session, cookies or pages."""
    site = request.host_url.rstrip("/")
    return "; ".join(
        [
            f"default-src 'self' {site}",
            f"script-src 'self' {site}",
            f"style-src 'self' 'unsafe-inline' {site}",
            f"img-src 'self' data: https: {site}",
            f"connect-src 'self' {site}",
            "object-src 'none'",
            "frame-ancestors 'self'",
            "sandbox allow-scripts allow-forms allow-popups",
        ]
    )
