"""Administrators' pages and the municipality reviewer's view."""

from uprest.accounts.models import Role, User
from uprest.extensions import db


def test_admin_changes_a_role_and_binding(client, login_as, create_user, municipality):
    login_as(Role.ADMIN)
    user = create_user()
    response = client.post(
        f"/admin/users/{user.id}",
        data={
            "role": "reviewer",
            "municipality": municipality("tartu").id,
            "business": 0,
            "is_enabled": "y",
        },
    )
    assert response.status_code == 302
    assert user.role is Role.REVIEWER and user.municipality.slug == "tartu"


def test_reviewer_needs_a_municipality(client, login_as, create_user):
    login_as(Role.ADMIN)
    user = create_user()
    response = client.post(
        f"/admin/users/{user.id}",
        data={"role": "reviewer", "municipality": 0, "business": 0, "is_enabled": "y"},
        headers={"Accept-Language": "et"},
    )
    assert response.status_code == 200
    assert user.role is Role.LEARNER


def test_admin_cannot_lock_themselves_out(client, login_as):
    admin = login_as(Role.ADMIN)
    response = client.post(
        f"/admin/users/{admin.id}", data={"role": "learner", "municipality": 0, "business": 0}
    )
    assert response.status_code == 200
    assert admin.role is Role.ADMIN and admin.is_enabled


def test_admin_disables_an_account(app, client, login_as, create_user):
    login_as(Role.ADMIN)
    user = create_user()
    client.post(
        f"/admin/users/{user.id}", data={"role": "learner", "municipality": 0, "business": 0}
    )
    assert db.session.get(User, user.id).is_enabled is False


def test_user_search(client, login_as, create_user):
    login_as(Role.ADMIN)
    create_user(email="findme@example.org", display_name="Zelda Findme")
    text = client.get("/admin/users?q=findme").get_data(as_text=True)
    assert "Zelda Findme" in text


def test_business_list_filters_by_municipality(client, login_as, create_business, municipality):
    login_as(Role.ADMIN)
    create_business("Tartu Tours", place="tartu")
    create_business("Cervia Cycles", place="cervia")
    text = client.get(f"/admin/businesses?municipality={municipality('tartu').id}").get_data(
        as_text=True
    )
    assert "Tartu Tours" in text and "Cervia Cycles" not in text


def test_admin_sets_the_default_language(client, login_as, municipality):
    login_as(Role.ADMIN)
    place = municipality("daugavpils")
    assert (
        client.post(f"/admin/municipalities/{place.id}", data={"default_locale": "en"}).status_code
        == 302
    )
    assert place.default_locale == "en"


def test_reviewer_sees_counts_of_their_municipality_only(
    client, login_as, create_business, municipality
):
    create_business("Cervia One", place="cervia")
    create_business("Tartu Secret", place="tartu")
    login_as(Role.REVIEWER, place="cervia")
    text = client.get("/municipality").get_data(as_text=True)
    assert "Cervia" in text
    assert "Cervia One" not in text and "Tartu Secret" not in text  # counts, never names
    tartu = municipality("tartu")
    assert client.get(f"/admin/municipalities/{tartu.id}").status_code == 403
    assert client.get("/admin/businesses").status_code == 403


def test_permission_helpers_refuse_other_objects(app, create_user, create_business, municipality):
    from werkzeug.exceptions import Forbidden

    from uprest.accounts.permissions import get_business_or_404, get_municipality_or_404

    reviewer = create_user(Role.REVIEWER, place="cervia")
    manager = create_user(Role.MANAGER, place="cervia")
    tartu_business = create_business(place="tartu")
    for call in (
        lambda: get_municipality_or_404(municipality("tartu").id, reviewer),
        lambda: get_business_or_404(tartu_business.id, reviewer),
        lambda: get_business_or_404(tartu_business.id, manager),
    ):
        try:
            call()
        except Forbidden:
            pass
        else:
            raise AssertionError("access was not refused")
    assert get_municipality_or_404(municipality("cervia").id, reviewer).slug == "cervia"
    assert get_business_or_404(manager.business_id, manager) is manager.business
