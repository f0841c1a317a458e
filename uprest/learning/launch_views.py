"""Launching a cmi5 AU from the lesson page (a POST): the learner's side of cmi5."""

from flask import Blueprint, redirect, url_for
from flask_login import login_required

from uprest.core.forms import ConfirmForm
from uprest.core.templating import render
from uprest.core.unit_of_work import unit_of_work
from uprest.learning import cmi5
from uprest.learning.cmi5_views import package_file_url
from uprest.learning.views import _enrolment_or_redirect, _lesson_or_404

bp = Blueprint("launch", __name__, url_prefix="/learn")


@bp.post("/modules/<slug>/lessons/<lesson>/launch")
@login_required
def launch_au(slug: str, lesson: str):
    """Start an AU session and send the learner to the AU (cmi5 §8.1)."""
    _found, enrolment, back = _enrolment_or_redirect(slug)
    if back:
        return back
    _lesson_or_404(enrolment, lesson)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("uprest.learning.lesson", slug=slug, lesson=lesson))
    with unit_of_work() as work:
        url = cmi5.launch(
            enrolment,
            lesson,
            endpoint=url_for("uprest.xapi.about", _external=True).rsplit("/about", 1)[0] + "/",
            fetch_url=lambda code: url_for("uprest.cmi5.fetch", code=code, _external=True),
            file_url=package_file_url,
            return_url=url_for("uprest.learning.lesson", slug=slug, lesson=lesson, _external=True),
        )
    if not work.committed:
        return redirect(url_for("uprest.learning.lesson", slug=slug, lesson=lesson))
    return render("uprest/learning/cmi5_launch.html", launch_url=url)
