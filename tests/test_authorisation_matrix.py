"""Every registered route, for every role, against the expected table (new routes need one)."""

import pytest

from tests.conftest import PASSWORD
from uprest.accounts import business_services
from uprest.accounts.models import Role
from uprest.extensions import db, limiter
from uprest.xapi import clients

PUBLIC = "public"
SIGNED_IN = "signed in"
ADMIN = {Role.ADMIN}
MANAGER = {Role.MANAGER}
AUTHORS = {Role.TRAINER, Role.ADMIN}
REVIEWER = {Role.REVIEWER}
RESPONDENTS = {Role.MANAGER, Role.LEARNER}
ORGANISERS = {Role.ADMIN, Role.TRAINER}
READERS = {Role.REVIEWER, Role.ADMIN}

EXPECTED = {
    "uprest.static": PUBLIC,
    "uprest.home.index": PUBLIC,
    "uprest.home.set_locale": PUBLIC,
    "uprest.home.health": PUBLIC,
    "uprest.home.privacy": PUBLIC,
    "uprest.accounts.login": PUBLIC,
    "uprest.accounts.register": PUBLIC,
    "uprest.accounts.forgot_password": PUBLIC,
    "uprest.accounts.reset_password": PUBLIC,
    "uprest.accounts.accept_invitation": PUBLIC,
    "uprest.accounts.setup_account": PUBLIC,
    "uprest.accounts.join_with_code": PUBLIC,
    "uprest.notifications.preferences": PUBLIC,  # the signed token in the link is the key
    "uprest.notifications.my_preferences": SIGNED_IN,
    "uprest.accounts.logout": SIGNED_IN,
    "uprest.profile.profile": SIGNED_IN,
    "uprest.profile.change_password": SIGNED_IN,
    "uprest.profile.export_data": SIGNED_IN,
    "uprest.profile.delete_account": SIGNED_IN,
    "uprest.accounts.municipality": REVIEWER,
    "uprest.business.register": SIGNED_IN,
    "uprest.business.overview": MANAGER,
    "uprest.business.staff": MANAGER,
    "uprest.business.invite": MANAGER,
    "uprest.business.invite_many": MANAGER,
    "uprest.business.code_invitations": MANAGER,
    "uprest.business.remove_staff": MANAGER,
    "uprest.business.make_manager": MANAGER,
    "uprest.business.revoke_invitation": MANAGER,
    "uprest.business.pending": READERS,
    "uprest.business.confirm": READERS,
    "uprest.business.import_businesses": READERS,
    "uprest.admin.users": ADMIN,
    "uprest.admin.edit_user": ADMIN,
    "uprest.admin.new_user": ADMIN,
    "uprest.admin.businesses": ADMIN,
    "uprest.admin.business": ADMIN,
    "uprest.admin.municipalities": ADMIN,
    "uprest.admin.municipality": ADMIN,
    # The LRS ignores web sessions: it authenticates each request with Basic auth (tests/xapi).
    "uprest.xapi.about": PUBLIC,
    "uprest.xapi.statements": PUBLIC,
    "uprest.xapi.resources.activity_state": PUBLIC,
    "uprest.xapi.resources.activity_profile": PUBLIC,
    "uprest.xapi.resources.agent_profile": PUBLIC,
    "uprest.xapi.resources.agents": PUBLIC,
    "uprest.xapi.resources.activities": PUBLIC,
    "uprest.records.statements": {Role.TRAINER, Role.ADMIN},
    "uprest.records.lrs_clients": ADMIN,
    "uprest.records.revoke_client": ADMIN,
    "uprest.records.outbox": ADMIN,
    "uprest.records.replay": ADMIN,
    "uprest.records.client_version": ADMIN,
    "uprest.records.forwarding_from_environment": ADMIN,
    "uprest.records.export_statements": ADMIN,
    "uprest.learning.catalogue": PUBLIC,
    "uprest.learning.module": PUBLIC,
    "uprest.learning.path": PUBLIC,
    "uprest.learning.verify_certificate": PUBLIC,
    "uprest.credentials.did_document": PUBLIC,
    "uprest.credentials.jwks": PUBLIC,
    "uprest.credentials.status_list": PUBLIC,
    "uprest.credentials.achievement": PUBLIC,
    "uprest.credentials.path_achievement": PUBLIC,
    "uprest.credentials.show": PUBLIC,
    "uprest.credentials.verify": PUBLIC,
    "uprest.credentials.download": SIGNED_IN,
    "uprest.credentials.revoke": ADMIN,
    "uprest.learning.dashboard": SIGNED_IN,
    "uprest.learning.enrol": SIGNED_IN,
    "uprest.learning.resume": SIGNED_IN,
    "uprest.learning.lesson": SIGNED_IN,
    "uprest.learning.finish_lesson": SIGNED_IN,
    "uprest.learning.take_quiz": SIGNED_IN,
    "uprest.learning.quiz_result": SIGNED_IN,
    "uprest.learning.certificate": SIGNED_IN,
    "uprest.learning.follow_path": SIGNED_IN,
    # cmi5: launching needs an enrolment; the AU's files and fetch URL take the key and the
    # one-time code given out at launch as their credentials (tests/cmi5).
    "uprest.launch.launch_au": SIGNED_IN,
    "uprest.cmi5.package_file": PUBLIC,
    "uprest.cmi5.fetch": PUBLIC,
    "uprest.authoring.index": AUTHORS,
    "uprest.authoring.new_module": AUTHORS,
    "uprest.authoring.module": AUTHORS,
    "uprest.authoring.add_lesson": AUTHORS,
    "uprest.authoring.lesson": AUTHORS,
    "uprest.authoring.move_lesson": AUTHORS,
    "uprest.authoring.delete_lesson": AUTHORS,
    "uprest.authoring.translate": AUTHORS,
    "uprest.authoring.publish": AUTHORS,
    "uprest.authoring.quizzes.quiz": AUTHORS,
    "uprest.authoring.quizzes.question": AUTHORS,
    "uprest.authoring.quizzes.delete_question": AUTHORS,
    "uprest.authoring.paths.new_path": AUTHORS,
    "uprest.authoring.paths.edit_path": AUTHORS,
    "uprest.results.module": AUTHORS,
    "uprest.authoring.cmi5.upload_cmi5": AUTHORS,
    "uprest.surveys.home": RESPONDENTS,
    "uprest.surveys.answer": RESPONDENTS,
    "uprest.surveys.review": RESPONDENTS,
    "uprest.surveys.results": RESPONDENTS,
    "uprest.surveys.enrol_staff": MANAGER,
    "uprest.waves.waves": ORGANISERS,
    "uprest.waves.new_wave": ORGANISERS,
    "uprest.waves.edit_wave": ORGANISERS,
    "uprest.reports.index": READERS,
    "uprest.reports.municipality": READERS,
    "uprest.reports.summary_page": READERS,
    "uprest.reports.print_report": READERS,
    "uprest.reports.export_csv": READERS,
    "uprest.reports.export_local_csv": READERS,
    "uprest.reports.export_xlsx": READERS,
    "uprest.reports.dashboard_page": READERS,
    "uprest.reports.council_report": READERS,
    "uprest.reports.export_metadata": READERS,
    "uprest.reports.export_dataset": READERS,
}

ROLES = [None, *Role]


def _routes(app):
    return sorted(
        (rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("uprest.")),
        key=lambda rule: rule.endpoint,
    )


def test_every_route_has_an_entry(app):
    missing = {rule.endpoint for rule in _routes(app)} - set(EXPECTED)
    assert not missing, f"add these endpoints to the authorisation table: {sorted(missing)}"


def _allowed(expected, role) -> bool:
    if expected == PUBLIC:
        return True
    if expected == SIGNED_IN:
        return role is not None
    return role in expected


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "anonymous")
def test_authorisation_matrix(app, role, create_user, create_business, courses, open_wave):
    manager = create_user(Role.MANAGER, place="cervia")
    staff = create_user(business=manager.business)
    invitation, _token = business_services.invite_staff(
        business=manager.business, email="invitee@example.org", invited_by=manager
    )
    lrs_client, _secret = clients.create_client(name="Matrix", scopes=["read"])
    wave = open_wave()
    db.session.commit()
    values = {
        "wave_id": wave.id,
        "part": "self",
        "page": 0,
        "user_id": staff.id,
        "business_id": manager.business_id,
        "municipality_id": manager.business.municipality_id,
        "invitation_id": invitation.id,
        "token": "not-a-valid-token",
        "filename": "uprest.css",
        "client_id": lrs_client.id,
        "item_id": 1,
        "slug": "online-presence",
        "lesson": "your-website",
        "qid": "q1",
        "locale": "sv",
        "attempt": 1,
        "code": "not-a-certificate-code",
        "uuid": "00000000-0000-4000-8000-000000000000",
        "kind": "jwt",
        "number": 0,
        "version": 1,
        "package_id": 1,
        "name": "index.html",
        "key": "not-a-key",
    }
    user = None
    if role is Role.MANAGER:
        user = manager
    elif role is not None:
        user = create_user(role, place="cervia")
    mismatches = []
    for rule in _routes(app):
        client = app.test_client()
        if user is not None:
            limiter.reset()
            client.post("/login", data={"email": user.email, "password": PASSWORD})
        method = "GET" if "GET" in rule.methods else "POST"
        arguments = {k: v for k, v in values.items() if k in rule.arguments}
        if "path" in rule.endpoint and "slug" in arguments:
            arguments["slug"] = "digital-basics"
        url = rule.build(arguments)[1]
        response = client.open(url, method=method)
        response.close()
        to_login = response.status_code == 302 and "/login" in response.location
        denied = response.status_code == 403 or to_login
        assert response.status_code < 500, (rule.endpoint, response.status_code)
        if denied == _allowed(EXPECTED[rule.endpoint], role):
            mismatches.append((rule.endpoint, method, response.status_code))
        if role is None and not _allowed(EXPECTED[rule.endpoint], role):
            assert to_login, (rule.endpoint, "anonymous users are sent to the login page")
    assert not mismatches, mismatches
