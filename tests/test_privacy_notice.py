"""The privacy notice, consent at registration, and a registration form that reveals no accounts."""

from __future__ import annotations

import re

import sqlalchemy as sa

from tests.conftest import PASSWORD
from uprest.accounts import services
from uprest.accounts.models import PrivacyConsent, Role
from uprest.extensions import db
from uprest.i18n import LOCALES, _, force_locale


def _register(client, email, **extra):
    data = {
        "display_name": "Nina New",
        "email": email,
        "password": PASSWORD,
        "confirm": PASSWORD,
        "accept_privacy": "y",
        **extra,
    }
    response = client.post("/register", data=data, headers={"Accept-Language": "en"})
    response.close()  # the mail leaves once the response is done
    return response


def test_the_notice_is_in_five_languages_and_linked_from_every_page(client):
    for locale in LOCALES:
        page = client.get("/privacy", headers={"Accept-Language": locale}).get_data(as_text=True)
        with force_locale(locale):
            for text in ("Privacy notice", "Legal basis", "Your rights", "Contact"):
                assert _(text) in page
        assert services.PRIVACY_NOTICE_VERSION in page
    for path in ("/", "/login", "/register", "/learn/catalogue"):
        assert 'href="/privacy"' in client.get(path).get_data(as_text=True), path


def test_the_controller_is_the_readers_municipality_else_the_consortium(client, login_as):
    anonymous = client.get("/privacy").get_data(as_text=True)
    assert "UPREST consortium of municipalities" in anonymous
    manager = login_as(Role.MANAGER, place="tartu")
    page = client.get("/privacy").get_data(as_text=True)
    locale = re.search(r'<html lang="(\w+)"', page).group(1)
    with force_locale(locale):
        named = _(
            "The controller of your personal data is the municipality of %(municipality)s, a "
            "partner of the UPREST consortium.",
            municipality=manager.business.municipality.name,
        )
    assert str(named) in page and "Tartu" in page


def test_registration_requires_accepting_the_notice_and_records_consent(client):
    refused = _register(client, "nina@example.org", accept_privacy="")
    assert refused.status_code == 200
    assert "Please accept the privacy notice to continue." in refused.get_data(as_text=True)
    assert services.get_user_by_email("nina@example.org") is None
    assert _register(client, "nina@example.org").status_code == 302
    user = services.get_user_by_email("nina@example.org")
    [consent] = db.session.scalars(
        sa.select(PrivacyConsent).where(PrivacyConsent.user_id == user.id)
    )
    assert consent.notice_version == services.PRIVACY_NOTICE_VERSION
    assert consent.consented_at is not None


def _answer(response, client):
    """What the visitor sees: the status, where it leads and the page shown there."""
    follow = client.get(response.location).get_data(as_text=True)
    return response.status_code, response.location, follow


def test_registration_does_not_reveal_whether_an_address_has_an_account(
    client, create_user, outbox
):
    create_user(email="known@example.org", display_name="Karin Known", locale="sv")
    known = _answer(_register(client, "known@example.org"), client)
    unknown = _answer(_register(client, "unknown@example.org"), client)
    assert known == unknown
    assert [m.to for m in outbox] == [["known@example.org"], ["unknown@example.org"]]
    existing, welcome = outbox
    with force_locale("sv"):  # in the owner's language
        assert existing.subject == _("You already have a UPREST Learning account")
    assert "/password/forgot" in existing.body and "/login" in existing.body
    assert welcome.subject == "Your UPREST Learning account is ready"
    assert services.get_user_by_email("known@example.org").display_name == "Karin Known"
    assert not db.session.scalars(
        sa.select(PrivacyConsent).where(
            PrivacyConsent.user_id == services.get_user_by_email("known@example.org").id
        )
    ).all()
