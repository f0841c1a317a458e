"""A business's municipality: chosen by the owner (or the site's), correctable until answers."""

import re

import pytest

from uprest.accounts.models import Business, Role
from uprest.extensions import db

DETAILS = {"name": "Saline Bike Rental", "sector": "transport", "size_band": "micro"}


def selected_options(page: str) -> list[str]:
    select = re.search(r'<select[^>]*id="municipality".*?</select>', page, re.S).group(0)
    return re.findall(r"<option[^>]*selected[^>]*>", select)


def test_registration_preselects_no_municipality(client, login_as):
    login_as(Role.LEARNER, locale="en")
    page = client.get("/business/register").get_data(as_text=True)
    assert selected_options(page) == ['<option selected value="">']  # the blank "choose" one
    assert "Choose your municipality</option>" in page


def test_registration_without_a_municipality_is_refused(client, login_as):
    user = login_as(Role.LEARNER, locale="en")
    response = client.post("/business/register", data={**DETAILS, "municipality": ""})
    assert response.status_code == 200
    assert "This field is required." in response.get_data(as_text=True)
    assert user.business is None and user.role is Role.LEARNER


def test_site_municipality_is_used_without_asking(app, client, login_as, municipality):
    user = login_as(Role.LEARNER, locale="en")
    app.config["UPREST_MUNICIPALITY"] = "tartu"
    try:
        page = client.get("/business/register").get_data(as_text=True)
        assert 'id="municipality"' not in page
        assert "Your business will be registered in Tartu." in page
        # a municipality smuggled into the form is ignored
        posted = {**DETAILS, "municipality": municipality("cervia").id}
        assert client.post("/business/register", data=posted).status_code == 302
    finally:
        app.config["UPREST_MUNICIPALITY"] = ""
    assert user.business.municipality.slug == "tartu"


def test_owner_corrects_the_municipality_before_any_answer(client, login_as, municipality):
    manager = login_as(Role.MANAGER, locale="en", place="cervia")
    page = client.get("/business/").get_data(as_text=True)
    assert [o for o in selected_options(page) if str(manager.business.municipality_id) in o]
    data = {**DETAILS, "municipality": municipality("tartu").id}
    assert client.post("/business/", data=data).status_code == 302
    business = db.session.get(Business, manager.business_id)
    assert business.municipality.slug == "tartu"
    assert business.confirmed_at is None  # Tartu confirms it anew


@pytest.mark.parametrize("part", ["business", "self"])
def test_municipality_is_fixed_after_the_first_survey_answer(
    client, login_as, municipality, open_wave, part
):
    manager = login_as(Role.MANAGER, locale="en", place="cervia")
    wave = open_wave()
    from uprest.core.time import utcnow
    from uprest.surveys import services as survey_services
    from uprest.surveys.models import Part

    survey_services.start_response(wave, manager, Part(part), utcnow().date())
    db.session.commit()
    page = client.get("/business/").get_data(as_text=True)
    assert 'id="municipality"' not in page
    assert "Ask an administrator if it should change." in page
    data = {**DETAILS, "municipality": municipality("tartu").id}
    assert client.post("/business/", data=data).status_code == 302  # other details still saved
    business = db.session.get(Business, manager.business_id)
    assert business.municipality.slug == "cervia" and business.name == DETAILS["name"]


def test_service_refuses_a_move_after_answers(login_as, municipality, open_wave, answer_survey):
    from uprest.accounts import business_services
    from uprest.core.errors import ServiceError

    manager = login_as(Role.MANAGER, place="cervia")
    answer_survey(open_wave(), manager.business)
    with pytest.raises(ServiceError):
        business_services.update_business(
            manager.business,
            name="Moved",
            sector=manager.business.sector,
            size_band=manager.business.size_band,
            municipality=municipality("tartu"),
        )
