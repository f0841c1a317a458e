"""Authoring: a trainer uploads a cmi5 package, whose AUs become lesson steps of the module."""

from flask import Blueprint, flash, redirect, url_for
from flask_login import current_user

from uprest.courses import cmi5_steps
from uprest.courses.cmi5_package import PackageError
from uprest.courses.forms import Cmi5UploadForm
from uprest.courses.services import get_module_or_404
from uprest.extensions import db
from uprest.i18n import _, ngettext

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
    try:
        package = cmi5_steps.add_package(found, form.package.data.read(), user=current_user)
    except PackageError as error:
        db.session.rollback()
        flash(_("The cmi5 package was not added."), "error")
        for problem in error.problems:
            flash(problem, "error")
        return redirect(url_for("uprest.authoring.module", slug=slug))
    steps = sum(
        1
        for item in found.draft["module"]["lessons"]
        if "cmi5" in item and item["cmi5"]["package"] == package.id
    )
    db.session.commit()
    flash(
        ngettext(
            "The cmi5 package has been added as %(num)s lesson step.",
            "The cmi5 package has been added as %(num)s lesson steps.",
            steps,
        ),
        "success",
    )
    return redirect(url_for("uprest.authoring.module", slug=slug))
