"""From a business's gap profile to recommended modules, and enrolling staff in one step."""

import re

import sqlalchemy as sa

from uprest.accounts.models import Role
from uprest.courses.models import Module
from uprest.extensions import db
from uprest.learning.models import Enrolment
from uprest.xapi.models import Statement


def test_manager_enrols_staff_in_recommended_modules(
    client, courses, open_wave, answer_survey, login, create_user, create_business
):
    business = create_business("Canal Café")
    manager = create_user(Role.MANAGER, business=business)
    staff = create_user(business=business, display_name="Sam Staff")
    wave = open_wave()
    answer_survey(
        wave, business, required={"DIG-01": 4, "GRN-01": 3}, current=({"DIG-01": 1, "GRN-01": 1},)
    )
    login(manager)
    page = client.get(f"/surveys/{wave.id}/results").get_data(as_text=True)
    assert "/learn/modules/online-presence" in page and "Sam Staff" in page
    response = client.post(
        f"/surveys/{wave.id}/enrol",
        data={"member": [str(staff.id)], "module": ["online-presence"]},
    )
    assert response.status_code == 302
    enrolments = db.session.scalars(sa.select(Enrolment).where(Enrolment.user_id == staff.id))
    assert [e.module.slug for e in enrolments] == ["online-presence"]
    registered = db.session.scalar(
        sa.select(sa.func.count(Statement.id)).where(
            Statement.user_id == staff.id,
            Statement.verb_id == "http://adlnet.gov/expapi/verbs/registered",
        )
    )
    assert registered == 1
    # enrolling again changes nothing; a stranger cannot be enrolled
    client.post(
        f"/surveys/{wave.id}/enrol", data={"member": [str(staff.id)], "module": ["online-presence"]}
    )
    stranger = create_user(business=create_business("Elsewhere"))
    client.post(
        f"/surveys/{wave.id}/enrol",
        data={"member": [str(staff.id), str(stranger.id)], "module": ["online-presence"]},
    )
    assert db.session.scalar(sa.select(sa.func.count(Enrolment.id))) == 1


def test_survey_submissions_become_statements(app, open_wave, answer_survey, create_business):
    import json

    business = create_business("Statement Inn")
    wave = open_wave()
    answer_survey(wave, business, required=4, current=(2, 3))
    documents = [json.loads(d) for d in db.session.scalars(sa.select(Statement.document))]
    completed = [
        d
        for d in documents
        if d["object"]["id"].split("/surveys/waves/")[-1].startswith(f"{wave.id}/")
    ]
    kinds = sorted(
        d["object"]["id"].rsplit("/", 2)[-2] if "business" in d["object"]["id"] else "self"
        for d in completed
    )
    assert kinds == ["business", "self", "self"]
    # the levels stay in the survey tables: a statement says only that a part was completed
    assert all(d["result"] == {"completion": True} for d in completed)


def test_catalogue_modules_come_from_the_published_courses(app, courses):
    from uprest.surveys import recommend

    tags = {(t.slug, t.code, t.level) for t in recommend.catalogue_modules()}
    assert ("online-presence", "DIG-01", 3) in tags and ("green-basics", "GRN-01", 2) in tags


def test_suggested_modules_shown_in_another_language_say_so(
    client, courses, open_wave, answer_survey, login, create_user, create_business
):
    """The fixture modules have no Italian text: their English titles carry lang="en"."""
    business = create_business("Bagno Sole")
    manager = create_user(Role.MANAGER, business=business, locale="it")
    wave = open_wave()
    answer_survey(
        wave, business, required={"DIG-01": 4, "GRN-01": 3}, current=({"DIG-01": 1, "GRN-01": 1},)
    )
    login(manager)
    page = client.get(f"/surveys/{wave.id}/results").get_data(as_text=True)
    assert 'href="/learn/modules/green-basics" lang="en">Green basics</a>' in page
    manager.locale = "sv"
    db.session.commit()
    page = client.get(f"/surveys/{wave.id}/results").get_data(as_text=True)
    assert 'href="/learn/modules/green-basics">Grön grund</a>' in page


def test_enrolling_several_staff_reports_who_waits_for_a_prerequisite(
    client, courses, open_wave, login, create_user, create_business
):
    """Each pair that can be enrolled is; a pair blocked by a path's prerequisite is named."""
    from uprest.courses import services as course_services
    from uprest.learning import services as learning

    business = create_business("Canal Café")
    manager = create_user(Role.MANAGER, business=business, locale="en")
    on_path = create_user(business=business, display_name="Pat Path")
    free = create_user(business=business, display_name="Fran Free")
    learning.follow_path(on_path, course_services.get_path("digital-basics"))
    db.session.commit()
    wave = open_wave()
    login(manager)
    response = client.post(
        f"/surveys/{wave.id}/enrol",
        data={
            "member": [str(on_path.id), str(free.id)],
            "module": ["green-basics", "online-presence"],
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    enrolled = db.session.execute(
        sa.select(Enrolment.user_id, Enrolment.module_id).order_by(Enrolment.id)
    ).all()
    by_user = {}
    for user_id, module_id in enrolled:
        by_user.setdefault(user_id, set()).add(db.session.get(Module, module_id).slug)
    assert by_user[free.id] == {"green-basics", "online-presence"}
    assert by_user[on_path.id] == {"online-presence"}  # green-basics comes after it in the path
    assert "3 enrolments made." in page
    assert (
        "Pat Path was not enrolled in “Green basics”: first they need to complete "
        "“Be found online”." in page.replace("&#8220;", "“").replace("&#8221;", "”")
    )
    # again: nothing new, and the existing enrolments are said to exist
    page = client.post(
        f"/surveys/{wave.id}/enrol",
        data={"member": [str(free.id)], "module": ["green-basics"]},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "0 enrolments made." in page and "1 of these enrolments existed already." in page


def test_a_gap_no_module_covers_is_said_plainly(
    client, courses, open_wave, answer_survey, login_as
):
    wave = open_wave()
    manager = login_as(Role.MANAGER, locale="en")
    # GRN-01: green-basics (level 2) covers 1 → 2; DIG-08: no module in tests/data/courses
    answer_survey(
        wave,
        manager.business,
        required={"GRN-01": 2, "DIG-08": 5},
        current=[{"GRN-01": 1, "DIG-08": 1}],
    )
    html = client.get(f"/surveys/{wave.id}/results").get_data(as_text=True)
    top = html[html.index("Recommended competences to train") : html.index("Suggested modules")]
    items = dict(re.findall(r'<strong title="([A-Z]+-\d+)">.*?</strong>(.*?)</li>', top, re.S))
    assert "No module covers this gap yet." in items["DIG-08"]
    assert "No module covers" not in items["GRN-01"]
    assert "/learn/modules/green-basics" in html


def test_a_module_aiming_past_the_level_needed_is_not_suggested(
    client, courses, open_wave, answer_survey, login_as
):
    wave = open_wave()
    manager = login_as(Role.MANAGER, locale="en")
    # online-presence aims at DIG-01 level 3; this business needs level 2 (and has 1)
    answer_survey(wave, manager.business, required={"DIG-01": 2}, current=[{"DIG-01": 1}])
    html = client.get(f"/surveys/{wave.id}/results").get_data(as_text=True)
    assert "/learn/modules/online-presence" not in html
    assert "No module covers this gap yet." in html
    assert "No module in the catalogue covers these gaps at the level needed yet." in html
