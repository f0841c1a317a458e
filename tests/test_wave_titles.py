"""Wave titles translated per locale, with a completeness display like modules (issue 13 §1)."""

from datetime import timedelta

from uprest.accounts.models import Role
from uprest.core.time import utcnow
from uprest.extensions import db
from uprest.surveys.models import SurveyWave


def _form(**extra):
    today = utcnow().date()
    return {
        "title": "Spring survey",
        "scope": 0,
        "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=30)).isoformat(),
        **extra,
    }


def test_organiser_translates_a_wave_title_and_sees_completeness(client, login_as):
    login_as(Role.TRAINER, locale="en")
    page = client.get("/surveys/waves/new").get_data(as_text=True)
    assert '<label for="title_sv">Title in Swedish</label>' in page
    assert 'id="title_sv" lang="sv"' in page
    response = client.post("/surveys/waves/new", data=_form(title_sv="Vårens enkät", title_it=" "))
    assert response.status_code == 302
    wave = db.session.query(SurveyWave).filter_by(title="Spring survey").one()
    assert wave.titles == {"sv": "Vårens enkät"}  # a blank translation is not stored
    page = client.get(f"/surveys/waves/{wave.id}").get_data(as_text=True)
    assert 'value="Vårens enkät"' in page
    assert page.count("1 of 1 texts") == 2 and page.count("0 of 1 texts") == 3  # en, sv done
    listing = client.get("/surveys/waves").get_data(as_text=True)
    assert '<span lang="en">EN</span>, <span lang="sv">SV</span>' in listing
    # an edit keeps, changes and removes translations
    response = client.post(
        f"/surveys/waves/{wave.id}",
        data=_form(title_sv="", title_et="Kevadine küsitlus", closes_on=wave.closes_on.isoformat()),
    )
    assert response.status_code == 302
    db.session.refresh(wave)
    assert wave.titles == {"et": "Kevadine küsitlus"}


def test_too_long_translation_is_refused(client, login_as):
    login_as(Role.ADMIN, locale="en")
    response = client.post("/surveys/waves/new", data=_form(title_lv="x" * 121))
    assert response.status_code == 400
    assert "Use at most 120 characters." in response.get_data(as_text=True)
    assert db.session.query(SurveyWave).count() == 0


def test_learner_sees_the_title_in_their_language_or_english_marked(
    client, login_as, create_business, open_wave
):
    wave = open_wave("Spring survey")
    wave.titles = {"sv": "Vårens enkät"}
    db.session.commit()
    business = create_business()
    login_as(Role.LEARNER, locale="sv", business=business)
    page = client.get("/surveys/").get_data(as_text=True)
    assert "<h2>Vårens enkät</h2>" in page
    assert "Vårens enkät" in client.get("/").get_data(as_text=True)  # the next step too
    login_as(Role.LEARNER, locale="it", business=business)
    page = client.get("/surveys/").get_data(as_text=True)
    assert '<h2 lang="en">Spring survey</h2>' in page
