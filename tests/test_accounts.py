"""Registration, sign-in, sessions, password reset, profile, personal-data export and erasure."""

import json
import re

import sqlalchemy as sa

from tests.conftest import PASSWORD
from uprest.accounts import services
from uprest.accounts.models import Business, Role, User
from uprest.extensions import db


def test_register_creates_a_learner_who_then_signs_in(client):
    response = client.post(
        "/register",
        data={
            "display_name": "Ada",
            "email": "Ada@Example.org",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "accept_privacy": "y",
        },
        headers={"Accept-Language": "it"},
    )
    assert response.status_code == 302 and response.location.endswith("/login")
    user = services.get_user_by_email("ada@example.org")
    assert user.role is Role.LEARNER and user.locale == "it"
    assert user.password_hash.startswith("$argon2id$")
    client.post("/login", data={"email": "ada@example.org", "password": PASSWORD})
    assert client.get("/profile").status_code == 200


def test_register_with_a_taken_address_changes_nothing(client, create_user):
    create_user(email="taken@example.org", display_name="First Owner")
    before = db.session.scalar(sa.select(sa.func.count(User.id)))
    response = client.post(
        "/register",
        data={
            "display_name": "X",
            "email": "TAKEN@example.org",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "accept_privacy": "y",
        },
    )
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == before
    assert services.get_user_by_email("taken@example.org").display_name == "First Owner"


def test_register_refuses_a_short_password_in_swedish(client):
    response = client.post(
        "/register",
        data={
            "display_name": "X",
            "email": "x@example.org",
            "password": "short",
            "confirm": "short",
        },
        headers={"Accept-Language": "sv"},
    )
    text = response.get_data(as_text=True)
    assert "tecken" in text  # the Swedish message about characters
    assert services.get_user_by_email("x@example.org") is None


def test_wrong_password_is_refused_with_one_message(client, create_user):
    user = create_user()
    response = client.post("/login", data={"email": user.email, "password": "wrong password"})
    assert response.status_code == 200
    assert "not correct" in response.get_data(as_text=True)
    response = client.post("/login", data={"email": "nobody@example.org", "password": "x" * 12})
    assert "not correct" in response.get_data(as_text=True)


def test_disabled_account_cannot_sign_in(client, create_user):
    user = create_user()
    user.is_enabled = False
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200


def test_login_is_rate_limited_with_a_translated_page(client, create_user):
    user = create_user()
    for _ in range(10):
        client.post("/login", data={"email": user.email, "password": "wrong password"})
    response = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD},
        headers={"Accept-Language": "lv"},
    )
    assert response.status_code == 429
    assert '<html lang="lv">' in response.get_data(as_text=True)


def test_login_rotates_the_session(client, create_user):
    user = create_user()
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == f"{user.id}:{user.session_token}"


def test_password_change_ends_other_sessions(app, client, create_user):
    user = create_user()
    other = app.test_client()
    other.post("/login", data={"email": user.email, "password": PASSWORD})
    assert other.get("/profile").status_code == 200
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    new = "a brand new passphrase"
    response = client.post(
        "/profile/password",
        data={
            "password-current_password": PASSWORD,
            "password-password": new,
            "password-confirm": new,
        },
    )
    assert response.status_code == 302
    assert client.get("/profile").status_code == 200
    assert other.get("/profile").status_code == 302  # signed out


def test_logout_requires_post_and_ends_the_session(client, login_as):
    login_as(Role.LEARNER)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/profile").status_code == 302


def test_password_reset_by_mail_is_single_use(client, create_user, outbox):
    user = create_user(locale="et")
    response = client.post("/password/forgot", data={"email": user.email})
    assert response.status_code == 302
    response.close()  # the mail leaves once the response is out
    assert len(outbox) == 1
    message = outbox[0]
    assert message.to == [user.email]
    link = re.search(r"http://localhost(/password/reset/\S+)", message.body).group(1)
    assert "parool" in message.subject.lower()  # Estonian subject line
    new = "another good passphrase"
    assert client.post(link, data={"password": new, "confirm": new}).status_code == 302
    assert services.authenticate(user.email, new) is not None
    response = client.get(link)
    assert response.status_code == 302 and "forgot" in response.location


def test_password_reset_for_unknown_address_sends_nothing(client, outbox):
    response = client.post("/password/forgot", data={"email": "ghost@example.org"})
    assert response.status_code == 302
    response.close()
    assert outbox == []


def test_forged_reset_token_is_refused(client):
    assert client.get("/password/reset/not-a-token").status_code == 302


def test_profile_saves_name_and_language(client, login_as):
    user = login_as(Role.LEARNER)
    response = client.post(
        "/profile",
        data={"profile-display_name": "New Name", "profile-locale": "lv", "profile-submit": "1"},
    )
    assert response.status_code == 302
    assert user.display_name == "New Name" and user.locale == "lv"
    assert '<html lang="lv">' in client.get("/profile").get_data(as_text=True)


def test_profile_refuses_an_unknown_language(client, login_as):
    user = login_as(Role.LEARNER)
    response = client.post(
        "/profile",
        data={"profile-display_name": "Z", "profile-locale": "de", "profile-submit": "1"},
    )
    assert response.status_code == 200
    assert user.display_name != "Z"


def test_export_contains_the_users_data(client, login_as):
    user = login_as(Role.MANAGER, display_name="Mia Manager")
    response = client.get("/profile/export")
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["account"]["email"] == user.email
    assert data["account"]["display_name"] == "Mia Manager"
    assert data["business"]["name"] == user.business.name


def test_delete_account_erases_the_user(client, login_as):
    user = login_as(Role.LEARNER)
    user_id, email = user.id, user.email
    response = client.post("/profile/delete", data={"delete-password": PASSWORD})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user_id) is None
    assert services.get_user_by_email(email) is None
    assert client.get("/profile").status_code == 302


def test_delete_account_needs_the_password(client, login_as):
    user = login_as(Role.LEARNER)
    response = client.post("/profile/delete", data={"delete-password": "wrong one!"})
    assert response.status_code == 400
    assert db.session.get(User, user.id) is not None


def test_only_manager_must_hand_over_before_deleting(client, login_as, create_user):
    manager = login_as(Role.MANAGER)
    staff = create_user(business=manager.business)
    response = client.post("/profile/delete", data={"delete-password": PASSWORD})
    assert response.status_code == 400
    assert "manager" in response.get_data(as_text=True)
    assert db.session.get(User, manager.id) is not None
    assert staff.business_id == manager.business_id


def test_sole_manager_without_staff_takes_the_business_along(client, login_as):
    manager = login_as(Role.MANAGER)
    business_id = manager.business_id
    assert client.post("/profile/delete", data={"delete-password": PASSWORD}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Business, business_id) is None


def test_deletion_erases_invitations_addressed_to_the_user(client, create_user, login):
    from uprest.accounts import business_services
    from uprest.accounts.models import Invitation

    manager = create_user(Role.MANAGER)
    invitation, _token = business_services.invite_staff(
        business=manager.business, email="joiner@example.org", invited_by=manager
    )
    joiner = create_user(email="joiner@example.org")
    business_services.accept_invitation(invitation, joiner)
    db.session.commit()
    login(joiner)
    assert client.post("/profile/delete", data={"delete-password": PASSWORD}).status_code == 302
    assert (
        db.session.scalar(sa.select(Invitation).where(Invitation.email == "joiner@example.org"))
        is None
    )
