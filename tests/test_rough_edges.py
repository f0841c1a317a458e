"""Rough edges of issue 13 §4, each with a regression test."""

import re

import pytest

from uprest.accounts.models import Role, SizeBand


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


def test_translate_page_labels_say_what_each_text_is_for(client, login_as, courses):
    login_as(Role.TRAINER, locale="en")
    page = client.get("/authoring/modules/online-presence/translate/it").get_data(as_text=True)
    labels = re.findall(r'<label class="visually-hidden" for="([^"]+)">([^<]+)</label>', page)
    by_field = dict(labels)
    assert by_field["t-title"] == "Module title"
    assert by_field["t-quiz.q1.prompt"] == "Question 1"
    assert by_field["t-quiz.q2.options.b"] == "Question 2, option b"
    assert by_field["t-quiz.q1.feedback.a"] == "Question 1, feedback on option a"
    assert by_field["t-quiz.q5.answers"] == "Question 5, accepted answers (one per line)"
    assert by_field["t-quiz.q6.pairs.p2.right"] == "Question 6, pair 2, right side"
    assert by_field["t-quiz.q3.feedback.incorrect"] == "Question 3, feedback on a wrong answer"
    assert by_field["b-why-be-found"] == "Lesson 1 text"
    assert not [text for _field, text in labels if "." in text and " " not in text]  # no raw keys


def test_chart_legend_style_does_not_squeeze_the_translate_labels():
    from uprest.config import PACKAGE_DIR

    css = re.sub(r"/\*.*?\*/", "", (PACKAGE_DIR / "static" / "uprest.css").read_text(), flags=re.S)
    rules = re.findall(r"([^{}]+)\{([^}]*width:\s*\.9rem[^}]*)\}", css)
    assert rules and all(selector.strip().startswith(".chart ") for selector, _body in rules)


def test_wide_report_tables_scroll_by_keyboard(
    client, login_as, open_wave, close_wave, answer_survey, create_business, municipality
):
    wave = open_wave()
    for n in range(10):
        business = create_business(place="cervia", size_band=list(SizeBand)[n % 2])
        answer_survey(wave, business, required=4, current=[2])
    close_wave(wave)
    login_as(Role.REVIEWER, locale="en")
    page = client.get(f"/reports/{municipality('cervia').id}/waves/{wave.id}").get_data(
        as_text=True
    )
    wrappers = re.findall(r'<div class="scroll"([^>]*)>', page)
    assert len(wrappers) >= 3  # every competence, by sector, by size (and distributions)
    for attributes in wrappers:
        assert 'tabindex="0"' in attributes and 'role="region"' in attributes
        heading = re.search(r'aria-labelledby="([^"]+)"', attributes).group(1)
        assert f'<h2 id="{heading}">' in page


def _css() -> str:
    from uprest.config import PACKAGE_DIR

    return re.sub(r"/\*.*?\*/", "", (PACKAGE_DIR / "static" / "uprest.css").read_text(), flags=re.S)


def test_number_and_date_inputs_are_styled_like_the_others():
    rule = next(
        body
        for selector, body in re.findall(r"([^{}]+)\{([^}]*)\}", _css())
        if "input[type=text]" in selector
    )
    selector = next(s for s, b in re.findall(r"([^{}]+)\{([^}]*)\}", _css()) if b == rule)
    assert "input[type=number]" in selector and "input[type=date]" in selector
    assert "min-height: 44px" in rule  # a touch target well above 24 px


def test_long_names_wrap():
    rules = dict((s.strip(), b) for s, b in re.findall(r"([^{}]+)\{([^}]*)\}", _css()))
    wrapping = next(b for s, b in rules.items() if s.startswith("h1, h2, h3, th, td"))
    assert "overflow-wrap: anywhere" in wrapping
    assert "overflow-wrap: normal" in rules[".scroll th, .scroll td"]  # these scroll instead


def test_module_competence_codes_come_from_the_framework(client, login_as, courses):
    from uprest.courses import services as course_services
    from uprest.extensions import db

    login_as(Role.TRAINER, locale="en")
    module = course_services.get_module("green-basics")
    before = dict(module.draft)
    data = {"title": "X", "default_language": "en", "estimated_minutes": 5}
    response = client.post(
        "/authoring/modules/green-basics", data={**data, "competences": "GRN-01 2\nXYZ-99 3"}
    )
    assert "XYZ-99 is not a competence of the framework." in response.get_data(as_text=True)
    db.session.refresh(module)
    assert module.draft == before
    page = client.get("/authoring/modules/green-basics").get_data(as_text=True)
    assert "<code>GRN-01</code> Energy efficiency" in page  # the codes to choose from
    ok = client.post("/authoring/modules/green-basics", data={**data, "competences": "GRN-02 2"})
    assert ok.status_code == 302


def test_publishing_incomplete_translations_asks_to_confirm(client, login_as, courses):
    from uprest.courses import services as course_services
    from uprest.extensions import db

    login_as(Role.TRAINER, locale="en")
    module = course_services.get_module("green-basics")  # in en and sv only
    data = {
        "title": "Green basics, again",
        "summary": "Save energy and water.",
        "default_language": "en",
        "estimated_minutes": 20,
    }
    client.post("/authoring/modules/green-basics", data={**data, "competences": "GRN-01 2"})
    page = client.get("/authoring/modules/green-basics").get_data(as_text=True)
    assert "Not every text is translated into: Italian, Latvian, Estonian." in page
    assert 'name="confirm_incomplete"' in page
    refused = client.post("/authoring/modules/green-basics/publish", follow_redirects=True)
    text = refused.get_data(as_text=True)
    assert "Not published: confirm that learners may see Italian, Latvian, Estonian" in text
    db.session.refresh(module)
    assert [v.number for v in module.versions] == [1]
    client.post("/authoring/modules/green-basics/publish", data={"confirm_incomplete": "y"})
    db.session.refresh(module)
    assert [v.number for v in module.versions] == [1, 2]


def _asks(response, question: str) -> str:
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and f"<h1>{question}" in page
    assert '<input type="hidden" name="confirmed" value="yes">' in page
    return page


def test_removing_staff_and_withdrawing_invitations_ask_first(client, login_as, create_user):
    from uprest.accounts import business_services
    from uprest.accounts.models import Invitation, User
    from uprest.extensions import db

    manager = login_as(Role.MANAGER, locale="en")
    member = create_user(business=manager.business, display_name="Sam Staff")
    invitation, _token = business_services.invite_staff(
        business=manager.business, email="cook@example.org", invited_by=manager
    )
    db.session.commit()
    name, invitation_id = manager.business.name, invitation.id
    _asks(
        client.post(f"/business/staff/{member.id}/remove"),
        f"Remove Sam Staff from the staff of {name}?",
    )
    assert db.session.get(User, member.id).business_id == manager.business_id  # nothing yet
    client.post(f"/business/staff/{member.id}/remove", data={"confirmed": "yes"})
    assert db.session.get(User, member.id).business_id is None
    _asks(
        client.post(f"/business/invitations/{invitation_id}/revoke"),
        "Withdraw the invitation to cook@example.org?",
    )
    assert db.session.get(Invitation, invitation_id) is not None
    client.post(f"/business/invitations/{invitation_id}/revoke", data={"confirmed": "yes"})
    assert db.session.get(Invitation, invitation_id) is None


def test_removing_a_lesson_or_a_question_asks_first(client, login_as, courses):
    from uprest.courses import services as course_services
    from uprest.extensions import db

    login_as(Role.TRAINER, locale="en")
    module = course_services.get_module("online-presence")
    url = "/authoring/modules/online-presence"
    page = _asks(client.post(f"{url}/lessons/why-be-found/delete"), "Remove the lesson “")
    assert 'href="/authoring/modules/online-presence"' in page  # the way back
    assert client.post(f"{url}/lessons/no-such-lesson/delete").status_code == 404
    _asks(client.post(f"{url}/quiz/q2/delete"), "Remove question 2?")
    db.session.refresh(module)
    assert len(module.draft["module"]["lessons"]) == 2
    assert len(module.draft["module"]["quiz"]["questions"]) == 6
    client.post(f"{url}/lessons/why-be-found/delete", data={"confirmed": "yes"})
    client.post(f"{url}/quiz/q2/delete", data={"confirmed": "yes"})
    db.session.refresh(module)
    assert [item["slug"] for item in module.draft["module"]["lessons"]] == ["your-website"]
    assert "q2" not in [q["id"] for q in module.draft["module"]["quiz"]["questions"]]


def _duplicate_ids(page: str) -> list[str]:
    assert 'name="csrf_token"' in page and 'id="False"' not in page and " id " not in page
    ids = re.findall(r'\sid="([^"]+)"', page)
    return sorted({i for i in ids if ids.count(i) > 1})


@pytest.fixture
def csrf_on(app):
    """Forms as in production: each carries its CSRF token (a hidden input)."""
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        yield
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_pages_with_several_forms_have_unique_ids(
    client, login_as, create_user, courses, open_wave, csrf_on, app
):
    from uprest.accounts import business_services
    from uprest.extensions import db

    app.config["WTF_CSRF_ENABLED"] = False  # signing in goes through a form too
    manager = login_as(Role.MANAGER, locale="en")
    app.config["WTF_CSRF_ENABLED"] = True
    create_user(business=manager.business)
    business_services.invite_staff(
        business=manager.business, email="cook@example.org", invited_by=manager
    )
    db.session.commit()
    for url in ("/", "/business/", "/business/staff", "/profile", "/learn/modules/green-basics"):
        assert _duplicate_ids(client.get(url).get_data(as_text=True)) == [], url
    app.config["WTF_CSRF_ENABLED"] = False
    login_as(Role.TRAINER, locale="en")
    app.config["WTF_CSRF_ENABLED"] = True
    for url in (
        "/authoring/modules/online-presence",
        "/authoring/modules/online-presence/quiz",
        "/authoring/modules/online-presence/translate/sv",
        "/authoring/paths/digital-basics",
        "/surveys/waves/new",
    ):
        assert _duplicate_ids(client.get(url).get_data(as_text=True)) == [], url
