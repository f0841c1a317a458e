"""The ``uprest`` blueprint: every domain's blueprint under one name, prefix and static folder.

Each views module has its own blueprint. Pages that share another blueprint's prefix and checks
are nested in it (the authoring pages in ``authoring``: its trainer check; the LRS resources in
``xapi``: CORS, input checks and xAPI errors)."""

from flask import Blueprint

from uprest.accounts import admin_views, business_views, profile_views
from uprest.accounts import views as account_views
from uprest.core.errorpages import register_error_handlers
from uprest.core.forms import refuse_control_characters
from uprest.core.security import limit_page_body, set_security_headers
from uprest.courses import cmi5_views as authoring_cmi5_views
from uprest.courses import path_views, quiz_views
from uprest.courses import views as authoring_views
from uprest.credentials import views as credential_views
from uprest.home import views as home_views
from uprest.home.menu import menu_context
from uprest.learning import cmi5_views, launch_views, results_views
from uprest.learning import views as learning_views
from uprest.learning.overview import team_progress
from uprest.notifications import views as notification_views
from uprest.reports import views as report_views
from uprest.surveys import views as survey_views
from uprest.surveys import wave_views
from uprest.xapi import api as xapi_api
from uprest.xapi import resources as xapi_resources
from uprest.xapi import views as records_views

root = Blueprint(
    "uprest",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)
root.context_processor(menu_context)
root.after_request(set_security_headers)
root.before_request(limit_page_body)
root.before_request(refuse_control_characters)
register_error_handlers(root)

authoring_views.bp.register_blueprint(quiz_views.bp)
authoring_views.bp.register_blueprint(path_views.bp)
authoring_views.bp.register_blueprint(authoring_cmi5_views.bp)
xapi_api.bp.register_blueprint(xapi_resources.bp)

for views_module in (
    home_views,
    account_views,
    profile_views,
    business_views,
    admin_views,
    xapi_api,
    records_views,
    authoring_views,
    learning_views,
    launch_views,
    results_views,
    credential_views,
    cmi5_views,
    survey_views,
    wave_views,
    report_views,
    notification_views,
):
    root.register_blueprint(views_module.bp)


@root.context_processor
def panels() -> dict:
    """What a page of one domain shows of another, composed here above both: the staff page
    (accounts) lists the staff's learning progress (learning). Called only by the template
    that shows it."""
    return {"team_progress": team_progress}
