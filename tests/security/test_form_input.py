"""NUL bytes and control characters in any text, line breaks in names: refused, nothing changed."""

from __future__ import annotations

import sqlalchemy as sa

from tests.conftest import PASSWORD
from uprest.accounts import services
from uprest.accounts.models import Invitation, Role
from uprest.extensions import db
from uprest.surveys.models import SurveyWave as Wave
from uprest.xapi.models import LrsClient

REFUSED = "Characters not allowed"
REFUSED_SV = "Otillåtna tecken"


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _refused(response, text=REFUSED) -> None:
    assert response.status_code == 400, response.status_code
    assert text in response.get_data(as_text=True)


def test_nul_in_a_profile_name_is_refused_in_the_users_language(client, login_as):
    user = login_as(Role.LEARNER, locale="sv")
    name = user.display_name
    response = client.post(
        "/profile",
        data={"profile-display_name": "Kim\x00", "profile-locale": "sv", "profile-submit": "1"},
    )
    _refused(response, REFUSED_SV)
    assert '<html lang="sv">' in response.get_data(as_text=True)
    assert user.display_name == name


def test_nul_in_a_password_is_refused(client, login_as):
    user = login_as(Role.LEARNER)
    new = "a new password\x00here"
    response = client.post(
        "/profile/password",
        data={
            "password-current_password": PASSWORD,
            "password-password": new,
            "password-confirm": new,
        },
    )
    _refused(response)
    assert services.verify_password(user, PASSWORD)


def test_nul_at_sign_in_is_refused(client, create_user):
    user = create_user()
    _refused(client.post("/login", data={"email": user.email + "\x00", "password": PASSWORD}))
    _refused(client.post("/login", data={"email\x00": user.email, "password": PASSWORD}))


def test_nul_in_a_wave_title_is_refused(client, login_as):
    login_as(Role.ADMIN)
    before = _count(Wave)
    response = client.post(
        "/surveys/waves/new",
        data={
            "title": "Spring\x00",
            "scope": "0",
            "opens_on": "2027-01-01",
            "closes_on": "2027-02-01",
        },
    )
    _refused(response)
    assert _count(Wave) == before


def test_nul_in_an_lrs_client_name_is_refused(client, login_as):
    login_as(Role.ADMIN)
    before = _count(LrsClient)
    _refused(client.post("/admin/lrs-clients", data={"name": "H5P\x00", "scopes": "read"}))
    assert _count(LrsClient) == before


def test_control_characters_in_a_search_box_are_refused(client):
    _refused(client.get("/learn/catalogue", query_string={"competence": "\x00"}))
    _refused(client.get("/learn/catalogue", query_string={"competence": "digital\x1b[31m"}))
    assert client.get("/learn/catalogue", query_string={"competence": "d1"}).status_code == 200


def test_tabs_and_line_breaks_stay_allowed_in_long_texts(client, login_as):
    login_as(Role.TRAINER)
    response = client.post(
        "/authoring/modules/new",
        data={"title": "Tabs\tare fine", "summary": "Line one\r\nline two"},
    )
    assert response.status_code != 400


def test_a_line_break_in_a_name_is_refused(client, login_as):
    user = login_as(Role.LEARNER)
    name = user.display_name
    response = client.post(
        "/profile",
        data={
            "profile-display_name": "Kim\r\nBcc: all@example.org",
            "profile-locale": "",
            "profile-submit": "1",
        },
    )
    assert "Use a single line, without line breaks." in response.get_data(as_text=True)
    assert user.display_name == name


def test_an_invitation_whose_mail_cannot_be_built_is_not_kept(client, login_as, outbox):
    manager = login_as(Role.MANAGER)
    # A name stored before this rule (or by the command line) with a header-forging line break.
    manager.business.name = "Hotel\r\nBcc: everyone@example.org"
    manager.locale = "en"  # Cervia's businesses otherwise see Italian
    db.session.commit()
    before = _count(Invitation)
    response = client.post("/business/staff/invite", data={"email": "new@example.org"})
    assert response.status_code == 400
    assert "cannot be sent" in response.get_data(as_text=True)
    assert _count(Invitation) == before
    assert outbox == []


def test_an_invitation_with_a_plain_name_is_sent(client, login_as, outbox):
    login_as(Role.MANAGER)
    response = client.post("/business/staff/invite", data={"email": "new@example.org"})
    assert response.status_code == 302
    assert [message.to for message in outbox] == [["new@example.org"]]


def test_a_line_break_in_a_business_name_is_refused(client, login_as):
    manager = login_as(Role.MANAGER)
    business = manager.business
    name = business.name
    manager.locale = "en"  # Cervia's businesses otherwise see Italian
    db.session.commit()
    response = client.post(
        "/business/",
        data={
            "name": "Hotel\nBcc: everyone@example.org",
            "sector": business.sector.value,
            "size_band": business.size_band.value,
            "municipality": str(business.municipality_id),
        },
    )
    assert "Use a single line, without line breaks." in response.get_data(as_text=True)
    assert business.name == name


def test_an_unknown_multiple_choice_gets_wtforms_message_translated(client, login_as):
    """WTForms' own plural message: once a 500 (formatted twice), now shown in Swedish."""
    login_as(Role.ADMIN, locale="sv")
    before = _count(LrsClient)
    response = client.post("/admin/lrs-clients", data={"name": "H5P", "scopes": "root"})
    assert response.status_code == 200
    assert "”root” är inte ett giltigt val för det här fältet." in response.get_data(as_text=True)
    assert _count(LrsClient) == before
