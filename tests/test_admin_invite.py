"""Administrators create and invite users; the user list filters by role and municipality."""

import re

import sqlalchemy as sa

from uprest.accounts import admin_services
from uprest.accounts.models import PrivacyConsent, Role, User
from uprest.extensions import db


def _new(client, **fields):
    data = {
        "display_name": "Rita Reviewer",
        "email": "rita@example.org",
        "role": "reviewer",
        "municipality": 0,
        "business": 0,
        "locale": "it",
        **fields,
    }
    response = client.post("/admin/users/new", data=data)
    response.get_data()
    response.close()
    return response


def test_admin_creates_a_user_who_sets_their_password(app, client, login_as, municipality, outbox):
    login_as(Role.ADMIN, locale="en")
    response = _new(client, municipality=municipality("ravenna").id)
    assert response.status_code == 302
    rita = db.session.scalar(sa.select(User).where(User.email == "rita@example.org"))
    assert rita.role is Role.REVIEWER and rita.municipality.slug == "ravenna"
    [message] = outbox
    assert message.subject == "Il tuo account UPREST Learning"
    link = re.search(r"http://localhost(/account/setup/\S+)", message.body).group(1)
    client.post("/logout")
    page = client.get(link)
    assert page.status_code == 200 and "rita@example.org" in page.get_data(as_text=True)
    form = {"password": "a long password", "confirm": "a long password", "accept_privacy": "y"}
    assert client.post(link, data=form).status_code == 302
    assert client.get("/municipality").status_code == 200  # signed in, as a reviewer
    assert db.session.scalar(sa.select(PrivacyConsent).where(PrivacyConsent.user_id == rita.id))
    client.post("/logout")
    # The link worked once.
    assert client.get(link).status_code == 410


def test_bad_input_creates_nobody(client, login_as, create_user, outbox):
    login_as(Role.ADMIN, locale="en")
    existing = create_user(Role.LEARNER)
    response = _new(client, email=existing.email)
    assert response.status_code == 400
    assert "An account with this e-mail address already exists." in response.get_data(as_text=True)
    response = _new(client)  # a reviewer without a municipality
    assert response.status_code == 400
    assert "A municipality reviewer needs a municipality." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(User).where(User.email == "rita@example.org")) is None
    assert outbox == []


def test_users_filtered_by_role_and_municipality(client, login_as, create_user, create_business):
    login_as(Role.ADMIN, locale="en")
    tartu_business = create_business("Tartu Tours", place="tartu")
    staff = create_user(Role.LEARNER, business=tartu_business, display_name="Tiit Staff")
    reviewer = create_user(Role.REVIEWER, place="tartu", display_name="Tiina Reviewer")
    create_user(Role.LEARNER, business=create_business(place="cervia"), display_name="Carla")
    tartu = reviewer.municipality_id
    page = client.get(f"/admin/users?municipality={tartu}").get_data(as_text=True)
    assert "Tiit Staff" in page and "Tiina Reviewer" in page and "Carla" not in page
    page = client.get(f"/admin/users?municipality={tartu}&role=learner").get_data(as_text=True)
    assert "Tiit Staff" in page and "Tiina Reviewer" not in page
    assert staff.business_id == tartu_business.id
    # An unknown role is no filter, not an error.
    assert client.get("/admin/users?role=astronaut").status_code == 200


def test_user_list_is_paginated_and_keeps_its_filters(app, client, login_as, create_user):
    login_as(Role.ADMIN, locale="en")
    for _ in range(admin_services.PAGE_SIZE + 1):
        create_user(Role.TRAINER)
    page = client.get("/admin/users?role=trainer").get_data(as_text=True)
    assert "26 users found." in page
    assert "page=2" in page and "role=trainer" in page
    second = client.get("/admin/users?role=trainer&page=2").get_data(as_text=True)
    assert second.count('data-label="Role">Trainer</td>') == 1
