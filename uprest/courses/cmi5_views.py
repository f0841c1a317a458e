"""Authoring: a trainer uploads a cmi5 package, whose AUs become lesson steps of the module."""

from flask import Blueprint, flash, redirect, url_for
from flask_login import current_user

from uprest.core.unit_of_work import unit_of_work
from uprest.courses import cmi5_steps
from uprest.courses.cmi5_package import PackageError
from uprest.courses.forms import Cmi5UploadForm
from uprest.courses.services import get_module_or_404
from uprest.i18n import ngettext

bp = Blueprint("cmi5", __name__)  # nested in authoring: its prefix and trainer check


@bp.post("/modules/<slug>/cmi5")
def upload_cmi5(slug: str):
    found = get_module_or_404(slug)
    form = Cmi5UploadForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return redirect(url_for("uprest.authoring.module", slug=slug))
    with unit_of_work() as work:
        package = cmi5_steps.add_package(found, form.package.data.read(), user=current_user)
        steps = sum(
            1
            for item in found.draft["module"]["lessons"]
            if "cmi5" in item and item["cmi5"]["package"] == package.id
        )
    if not work.committed:
        if isinstance(work.error, PackageError):  # under its heading, each problem found
            for problem in work.error.problems:
                flash(problem, "error")
        return redirect(url_for("uprest.authoring.module", slug=slug))
    flash(
        ngettext(
            "The cmi5 package has been added as %(num)s lesson step.",
            "The cmi5 package has been added as %(num)s lesson steps.",
            steps,
        ),
        "success",
    )
    return redirect(url_for("uprest.authoring.module", slug=slug))
