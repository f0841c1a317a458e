"""Businesses, staff invitations and the boundaries between businesses."""

import re
from datetime import timedelta

from tests.conftest import PASSWORD
from uprest.accounts import business_services, services
from uprest.accounts.models import Business, Invitation, PrivacyConsent, Role, User
from uprest.core.time import utcnow
from uprest.extensions import db

CONFIRMED = {"confirmed": "yes"}  # the second post, from the page that asks first


def test_learner_registers_a_business_and_becomes_its_manager(client, login_as, municipality):
    user = login_as(Role.LEARNER)
    response = client.post(
        "/business/register",
        data={
            "name": "Saline Bike Rental",
            "sector": "transport",
            "size_band": "micro",
            "municipality": municipality("cervia").id,
        },
    )
    assert response.status_code == 302
    assert user.role is Role.MANAGER
    assert user.business.name == "Saline Bike Rental"
    assert user.business.municipality.slug == "cervia"


def test_business_name_must_be_unique_within_the_municipality(
    client, login_as, create_business, municipality
):
    create_business("Hotel Mare", place="cervia")
    user = login_as(Role.LEARNER)
    response = client.post(
        "/business/register",
        data={
            "name": "hotel mare",
            "sector": "accommodation",
            "size_band": "small",
            "municipality": municipality("cervia").id,
        },
        headers={"Accept-Language": "it"},
    )
    assert response.status_code == 200
    assert user.role is Role.LEARNER and user.business is None
    assert "Cervia" in response.get_data(as_text=True)


def test_unknown_sector_is_refused(client, login_as, municipality):
    user = login_as(Role.LEARNER)
    response = client.post(
        "/business/register",
        data={
            "name": "X",
            "sector": "mining",
            "size_band": "micro",
            "municipality": municipality().id,
        },
    )
    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert user.business is None


def _invite(client, email="staff@example.org"):
    return client.post("/business/staff/invite", data={"email": email})


def _link(message) -> str:
    return re.search(r"http://localhost(/invitation/\S+)", message.body).group(1)


def test_invitation_creates_a_staff_account_once(app, client, login_as, outbox):
    manager = login_as(Role.MANAGER, locale="sv")
    assert _invite(client).status_code == 302
    assert len(outbox) == 1 and outbox[0].to == ["staff@example.org"]
    assert "inbjud" in outbox[0].subject.lower()  # in the manager's language
    link = _link(outbox[0])
    stranger = app.test_client()
    page = stranger.get(link)
    assert page.status_code == 200 and manager.business.name in page.get_data(as_text=True)
    data = {"display_name": "Sam Staff", "password": PASSWORD, "confirm": PASSWORD}
    refused = stranger.post(link, data=data)  # without accepting the privacy notice
    assert refused.status_code == 200 and "privacy notice" in refused.get_data(as_text=True)
    response = stranger.post(link, data={**data, "accept_privacy": "y"})
    assert response.status_code == 302
    staff = db.session.scalar(db.select(User).where(User.email == "staff@example.org"))
    assert [
        c.notice_version
        for c in db.session.scalars(
            db.select(PrivacyConsent).where(PrivacyConsent.user_id == staff.id)
        )
    ] == [services.PRIVACY_NOTICE_VERSION]
    assert staff.business_id == manager.business_id and staff.role is Role.LEARNER
    assert stranger.get("/profile").status_code == 200
    assert app.test_client().get(link).status_code == 410  # single use


def test_expired_invitation_is_refused(app, client, login_as, outbox):
    login_as(Role.MANAGER)
    _invite(client)
    invitation = db.session.scalar(db.select(Invitation))
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert app.test_client().get(_link(outbox[0])).status_code == 410


def test_signed_in_learner_joins_through_an_invitation(
    app, client, login_as, create_user, login, outbox
):
    manager = login_as(Role.MANAGER)
    learner = create_user(email="joiner@example.org")
    _invite(client, learner.email)
    other = app.test_client()
    other.post("/login", data={"email": learner.email, "password": PASSWORD})
    assert other.post(_link(outbox[0]), data={}).status_code == 302
    assert learner.business_id == manager.business_id


def test_manager_withdraws_an_invitation(client, login_as, outbox):
    login_as(Role.MANAGER)
    _invite(client)
    invitation = db.session.scalar(db.select(Invitation))
    assert (
        client.post(f"/business/invitations/{invitation.id}/revoke", data=CONFIRMED).status_code
        == 302
    )
    assert db.session.scalar(db.select(Invitation)) is None


def test_inviting_existing_staff_is_refused(client, login_as, create_user):
    manager = login_as(Role.MANAGER)
    staff = create_user(business=manager.business)
    response = _invite(client, staff.email)
    assert response.status_code == 400
    assert db.session.scalar(db.select(Invitation)) is None


def test_manager_removes_and_promotes_staff(client, login_as, create_user):
    manager = login_as(Role.MANAGER)
    first = create_user(business=manager.business)
    second = create_user(business=manager.business)
    assert client.post(f"/business/staff/{first.id}/make-manager").status_code == 302
    assert first.role is Role.MANAGER
    assert client.post(f"/business/staff/{second.id}/remove", data=CONFIRMED).status_code == 302
    assert second.business is None


def test_manager_cannot_remove_themselves(client, login_as):
    manager = login_as(Role.MANAGER)
    client.post(f"/business/staff/{manager.id}/remove", data=CONFIRMED)
    assert manager.business is not None


def test_manager_sees_only_their_own_business(client, login_as, create_user, create_business):
    login_as(Role.MANAGER, place="cervia")
    elsewhere = create_business(place="tartu")
    outsider = create_user(business=elsewhere)
    invitation, _token = business_services.invite_staff(
        business=elsewhere, email="x@example.org", invited_by=outsider
    )
    db.session.commit()
    assert client.post(f"/business/staff/{outsider.id}/remove", data=CONFIRMED).status_code == 404
    assert client.post(f"/business/staff/{outsider.id}/make-manager").status_code == 404
    assert (
        client.post(f"/business/invitations/{invitation.id}/revoke", data=CONFIRMED).status_code
        == 404
    )
    assert outsider.business_id == elsewhere.id
    assert db.session.get(Invitation, invitation.id) is not None
    assert elsewhere.name not in client.get("/business/staff").get_data(as_text=True)


def test_manager_edits_business_details(client, login_as):
    manager = login_as(Role.MANAGER)
    response = client.post(
        "/business/",
        data={
            "name": "Renamed",
            "sector": "events",
            "size_band": "small",
            "municipality": manager.business.municipality_id,
        },
    )
    assert response.status_code == 302
    business = db.session.get(Business, manager.business_id)
    assert business.name == "Renamed" and business.sector.value == "events"


def test_staff_page_uses_a_fixed_number_of_queries(client, login_as, create_user, count_queries):
    manager = login_as(Role.MANAGER)
    for _ in range(3):
        create_user(business=manager.business)
    with count_queries() as few:
        client.get("/business/staff")
    for _ in range(10):
        create_user(business=manager.business)
    with count_queries() as many:
        client.get("/business/staff")
    assert len(many) == len(few)


def test_manager_sees_the_staffs_learning_progress(
    client, courses, login_as, create_user, create_business, count_queries
):
    from uprest.courses.services import get_module
    from uprest.learning import services as learning

    manager = login_as(Role.MANAGER)
    module = get_module("green-basics")
    staff = create_user(business=manager.business, display_name="Sam Staff")
    stranger = create_user(business=create_business("Elsewhere"), display_name="Olle Other")
    for person in (staff, stranger):
        learning.view_lesson(learning.enrol(person, module), "energy")
    db.session.commit()
    page = client.get("/business/staff").get_data(as_text=True)
    progress = page.split('id="progress-heading"')[1].split("</section>")[0]
    assert "Sam Staff" in progress and "Green basics" in progress
    assert 'value="33"' in progress  # one of two lessons seen, the quiz not yet passed
    assert "Olle Other" not in page

    with count_queries() as few:
        client.get("/business/staff")
    for _ in range(5):
        learning.enrol(create_user(business=manager.business), get_module("online-presence"))
    db.session.commit()
    with count_queries() as many:
        client.get("/business/staff")
    assert len(many) == len(few)
