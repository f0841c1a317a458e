"""Rough edges of issue 13 §4, each with a regression test."""

import re

from uprest.accounts.models import Role


def test_favicon_is_linked_and_served(client):
    page = client.get("/").get_data(as_text=True)
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)
    assert icon
    served = client.get(icon.group(1))
    try:
        assert served.status_code == 200 and served.mimetype == "image/svg+xml"
        assert b"<svg" in served.get_data()
    finally:
        served.close()
    root = client.get("/favicon.ico")
    assert root.status_code == 301 and root.location.endswith(icon.group(1))


def test_favicon_for_signed_in_users_too(client, login_as):
    login_as(Role.LEARNER)
    assert 'rel="icon"' in client.get("/").get_data(as_text=True)


def test_a_page_number_past_the_end_shows_the_last_page(
    client, login_as, create_user, create_business, monkeypatch
):
    from uprest.accounts import admin_services

    monkeypatch.setattr(admin_services, "PAGE_SIZE", 2)
    login_as(Role.ADMIN, locale="en", display_name="Aaron Admin")
    for n in range(4):
        create_user(display_name=f"Zed Person {n}")
    page = client.get("/admin/users?page=999").get_data(as_text=True)
    assert "Page 3 of 3" in page and "Zed Person 3" in page
    assert "Page 1 of 3" in client.get("/admin/users?page=-4").get_data(as_text=True)
    for n in range(5):
        create_business(f"Zulu Inn {n}")
    businesses = client.get("/admin/businesses?page=999").get_data(as_text=True)
    assert "Page 3 of 3" in businesses and "Zulu Inn 4" in businesses


def _choose_on_login_page(client, locale):
    client.post("/logout")
    client.post("/locale", data={"locale": locale, "next": "/login"})


def test_a_language_chosen_on_the_login_page_is_kept_after_sign_in(client, create_user):
    from tests.conftest import PASSWORD

    user = create_user(locale="it")  # the language they registered in: not a choice
    _choose_on_login_page(client, "lv")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert '<html lang="lv">' in client.get("/").get_data(as_text=True)
    assert user.locale == "lv" and user.is_locale_chosen
    # signing in elsewhere later without choosing keeps it
    client.delete_cookie("uprest_locale")
    client.post("/logout")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert '<html lang="lv">' in client.get("/").get_data(as_text=True)


def test_an_earlier_choice_wins_over_the_login_page(client, create_user, login):
    from tests.conftest import PASSWORD

    user = create_user(locale="it")
    login(user)
    client.post(
        "/profile",
        data={"profile-display_name": "Kim", "profile-locale": "sv", "profile-submit": "y"},
    )
    assert user.locale == "sv" and user.is_locale_chosen
    _choose_on_login_page(client, "et")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert '<html lang="sv">' in client.get("/").get_data(as_text=True)
    assert user.locale == "sv"
