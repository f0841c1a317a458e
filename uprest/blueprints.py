"""The ``uprest`` blueprint: every domain's blueprint under one name, prefix and static folder."""

from flask import Blueprint

from uprest.accounts import admin_views, business_views, profile_views, views  # noqa: F401
from uprest.core.errorpages import register_error_handlers
from uprest.core.forms import refuse_control_characters
from uprest.core.security import limit_page_body, set_security_headers
from uprest.courses import cmi5_views as _authoring_cmi5  # noqa: F401
from uprest.courses import path_views, quiz_views  # noqa: F401
from uprest.courses import views as authoring_views
from uprest.credentials import views as credential_views
from uprest.home import views as home_views
from uprest.home.menu import menu_context
from uprest.learning import cmi5_views as learning_cmi5
from uprest.learning import results_views
from uprest.learning import views as learning_views
from uprest.learning.overview import team_progress
from uprest.notifications import views as notification_views
from uprest.reports import views as report_views
from uprest.surveys import views as survey_views
from uprest.surveys import wave_views  # noqa: F401
from uprest.xapi import api as xapi_api
from uprest.xapi import resources as _xapi_resources  # noqa: F401 (routes on xapi_api.bp)
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
root.register_blueprint(home_views.bp)
root.register_blueprint(views.bp)
root.register_blueprint(business_views.bp)
root.register_blueprint(admin_views.bp)
root.register_blueprint(xapi_api.bp)
root.register_blueprint(records_views.bp)
root.register_blueprint(authoring_views.bp)
root.register_blueprint(learning_views.bp)
root.register_blueprint(results_views.bp)
root.register_blueprint(credential_views.bp)
root.register_blueprint(learning_cmi5.bp)
root.register_blueprint(survey_views.bp)
root.register_blueprint(report_views.bp)
root.register_blueprint(notification_views.bp)


@root.context_processor
def panels() -> dict:
    """What a page of one domain shows of another, composed here above both: the staff page
    (accounts) lists the staff's learning progress (learning). Called only by the template
    that shows it."""
    return {"team_progress": team_progress}
