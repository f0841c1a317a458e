"""The competence framework, survey waves, and answering page by page."""

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from uprest.accounts import services as account_services
from uprest.accounts.models import Role
from uprest.extensions import db
from uprest.i18n import LOCALES
from uprest.surveys import framework as fw
from uprest.surveys.models import BusinessGap, BusinessResponse, SelfAssessment, SurveyWave

ROOT = Path(__file__).resolve().parent.parent


def test_framework_has_exactly_the_codes_of_the_course_format(app):
    table = (ROOT / "courses" / "FORMAT.md").read_text()
    expected = re.findall(r"^\| ([A-Z]{3}-\d{2}) \| (.+?) \| (.+?) \|$", table, re.M)
    framework, _created = fw.sync_framework()
    stored = [(c.code, c.names["en"], c.source) for c in framework.competences]
    assert stored == expected and len(stored) == 25
    assert [a.code for a in framework.areas] == ["DIG", "GRN", "GCM", "ENT"]
    for competence in framework.competences:
        assert all(competence.names[code] and competence.descriptions[code] for code in LOCALES)
        assert competence.esco_uri is None or competence.esco_uri.startswith(
            "http://data.europa.eu/esco/skill/"
        )
    assert framework.scale["1"]["en"] == "I don't know how"
    assert framework.scale["5"]["en"] == "I can guide others"


def test_a_changed_framework_is_a_new_version_and_old_waves_keep_theirs(tmp_path, open_wave):
    old_wave = open_wave("Before the edit")
    data = yaml.safe_load(fw.FRAMEWORK_FILE.read_text())
    data["areas"][0]["competences"][0]["name"]["en"] = "Online presence, website and maps"
    edited = tmp_path / "framework.yaml"
    edited.write_text(yaml.safe_dump(data, allow_unicode=True))
    again, created = fw.sync_framework()
    assert not created and again.id == old_wave.framework_id
    new, created = fw.sync_framework(edited)
    assert created and new.version == old_wave.framework.version + 1
    assert new.competences[0].code == "DIG-01"  # stable codes keep waves comparable
    assert old_wave.framework.competences[0].names["en"] == "Online presence and website"


def test_framework_file_must_be_complete(tmp_path):
    data = yaml.safe_load(fw.FRAMEWORK_FILE.read_text())
    del data["areas"][1]["competences"][2]["description"]["lv"]
    broken = tmp_path / "framework.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(fw.FrameworkError, match="GRN-03: no text for lv"):
        fw.read_framework(broken)


def test_load_framework_command(runner):
    result = runner.invoke(args=["uprest", "load-framework"])
    assert result.exit_code == 0 and "version" in result.output


@pytest.mark.parametrize("role", [Role.ADMIN, Role.TRAINER])
def test_organisers_open_and_edit_waves(client, login_as, municipality, role):
    login_as(role)
    response = client.post(
        "/surveys/waves/new",
        data={
            "title": "Tartu spring",
            "scope": municipality("tartu").id,
            "opens_on": "2027-03-01",
            "closes_on": "2027-04-30",
        },
    )
    assert response.status_code == 302
    wave = db.session.scalar(sa.select(SurveyWave).where(SurveyWave.title == "Tartu spring"))
    assert wave.municipality.slug == "tartu" and wave.framework.code == "uprest"
    response = client.post(
        f"/surveys/waves/{wave.id}",
        data={"title": "Tartu spring 2027", "opens_on": "2027-03-01", "closes_on": "2027-05-31"},
    )
    assert response.status_code == 302
    assert wave.title == "Tartu spring 2027" and wave.municipality.slug == "tartu"
    assert "Tartu spring 2027" in client.get("/surveys/waves").get_data(as_text=True)


def test_a_wave_cannot_close_before_it_opens(client, login_as):
    login_as(Role.ADMIN, locale="sv")
    response = client.post(
        "/surveys/waves/new",
        data={
            "title": "Backwards",
            "scope": 0,
            "opens_on": "2027-03-01",
            "closes_on": "2027-02-01",
        },
    )
    assert response.status_code == 400
    assert "Omgången kan inte stänga innan den öppnar." in response.get_data(as_text=True)
    response = client.post(
        "/surveys/waves/new",
        data={"title": "Bad date", "scope": 0, "opens_on": "1 March", "closes_on": "2027-02-01"},
    )
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(SurveyWave.id))) == 0


def _page_data(wave, page_index, level=3, importance=4, business=True, skip=0):
    area = wave.framework.areas[page_index]
    data = {}
    for competence in area.competences[skip:]:
        data[f"level_{competence.id}"] = level
        if business:
            data[f"importance_{competence.id}"] = importance
    return data


def test_manager_answers_the_business_part_page_by_page(client, login_as, open_wave):
    wave = open_wave()
    manager = login_as(Role.MANAGER, locale="en")
    base = f"/surveys/{wave.id}/business"
    assert client.get(base + "/0").status_code == 200
    response = client.post(
        base + "/0", data={"sector": "events", "size_band": "small", "comments": "Need help"}
    )
    assert response.location == base + "/1"
    # a page with missing answers is refused, with the message next to the question
    response = client.post(base + "/1", data=_page_data(wave, 0, skip=1))
    assert response.status_code == 400 and "Choose one answer." in response.get_data(as_text=True)
    stored = db.session.scalar(sa.select(BusinessResponse))
    assert stored.ratings == [] and stored.sector.value == "events"
    # saving for later keeps a partial page, and the survey list offers to resume
    response = client.post(base + "/1", data={**_page_data(wave, 0, skip=1), "later": "1"})
    assert response.location == "/surveys/"
    assert len(stored.ratings) == 9
    assert f'href="{base}/1"' in client.get("/surveys/").get_data(as_text=True)
    for page in range(1, 5):
        response = client.post(f"{base}/{page}", data=_page_data(wave, page - 1))
    assert response.location == base + "/review"
    response = client.post(base + "/review", data={})
    assert response.location == f"/surveys/{wave.id}/results"
    assert stored.submitted_at is not None and len(stored.ratings) == 25
    assert stored.answered_by_id == manager.id
    # answering again updates the one response of the business
    client.post(base + "/1", data=_page_data(wave, 0, level=5))
    assert db.session.scalar(sa.select(sa.func.count(BusinessResponse.id))) == 1
    assert {r.required for r in stored.ratings if r.competence.code.startswith("DIG")} == {5}


def test_submitting_an_incomplete_response_is_refused(client, login_as, open_wave):
    wave = open_wave()
    login_as(Role.LEARNER, business=login_as(Role.MANAGER).business, locale="en")
    client.post(f"/surveys/{wave.id}/self/0", data=_page_data(wave, 0, business=False))
    response = client.post(f"/surveys/{wave.id}/self/review", data={})
    assert response.status_code == 400
    assert "Some competences have no answer yet." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(SelfAssessment)).submitted_at is None


def test_learners_take_the_self_assessment_only(client, login_as, open_wave, create_user):
    wave = open_wave()
    manager = create_user(Role.MANAGER)
    login_as(Role.LEARNER, business=manager.business)
    assert client.get(f"/surveys/{wave.id}/business/0").status_code == 403
    for page in range(4):
        client.post(f"/surveys/{wave.id}/self/{page}", data=_page_data(wave, page, business=False))
    client.post(f"/surveys/{wave.id}/self/review", data={})
    assessment = db.session.scalar(sa.select(SelfAssessment))
    assert assessment.submitted_at is not None and len(assessment.ratings) == 25


def test_closed_and_foreign_waves(client, login_as, open_wave):
    closed = open_wave("Last year", days=(-60, -30))
    tartu = open_wave("Tartu only", place="tartu")
    login_as(Role.MANAGER)  # in Cervia
    response = client.get(f"/surveys/{closed.id}/business/0")
    assert response.status_code == 302 and response.location == "/surveys/"
    assert client.get(f"/surveys/{tartu.id}/business/0").status_code == 404
    assert client.get(f"/surveys/{tartu.id}/results").status_code == 404
    assert "Tartu only" not in client.get("/surveys/").get_data(as_text=True)


def test_manager_sees_the_gap_profile_and_competences_to_train(
    client, login_as, open_wave, answer_survey
):
    wave = open_wave()
    manager = login_as(Role.MANAGER, locale="en")
    answer_survey(
        wave, manager.business, required={"DIG-08": 5, "GRN-01": 4}, current=[{"DIG-08": 1}, 3]
    )
    html = client.get(f"/surveys/{wave.id}/results").get_data(as_text=True)
    assert "AI tools for small businesses" in html and "Recommended competences to train" in html
    assert "as soon as the course catalogue is available" in html
    top = html.index("Recommended competences to train")
    assert html.index("AI tools for small businesses", top) < html.index("Energy efficiency", top)


def test_deleting_an_account_removes_the_self_assessment_and_its_gaps(
    open_wave, answer_survey, create_user
):
    wave = open_wave()
    manager = create_user(Role.MANAGER)
    answer_survey(wave, manager.business, required=4, current=[4, 1])
    learner = next(u for u in manager.business.staff if u.role is Role.LEARNER)
    exported = account_services.export_user_data(learner)
    assert exported["survey_self_assessments"][0]["current_proficiency"]["DIG-01"] == 1
    gap = sa.select(BusinessGap.current).where(BusinessGap.code == "DIG-01")
    assert db.session.scalar(gap) == 2.5
    account_services.delete_account(learner)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(SelfAssessment.id))) == 1
    assert db.session.scalar(gap) == 4.0
