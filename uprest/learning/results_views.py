"""How a module's learners are doing, for its trainers: counts from the learning record, no
names. Beside the authoring pages (same address) but learning's: it reads learning's data."""

from flask import Blueprint

from uprest.accounts.models import Role
from uprest.accounts.permissions import roles_required
from uprest.core.templating import render
from uprest.courses.services import Localised, get_module_or_404
from uprest.i18n import get_locale
from uprest.learning.results import module_results

bp = Blueprint("results", __name__, url_prefix="/authoring")


@bp.get("/modules/<slug>/results")
@roles_required(Role.TRAINER, Role.ADMIN)
def module(slug: str):
    found = get_module_or_404(slug)
    content = Localised(found.draft, str(get_locale() or "en"))
    return render(
        "uprest/learning/module_results.html",
        module=found,
        results=module_results(found),
        prompt=lambda qid: content.t("quiz", qid, "prompt"),
    )
