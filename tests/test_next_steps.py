"""The home page tells each role what to do next and links to it (issue 13 §1)."""

import re

import sqlalchemy as sa

from uprest.accounts import business_services
from uprest.accounts.models import Role
from uprest.courses import services as course_services
from uprest.learning import services as learning_services
from uprest.xapi.models import OutboxItem, Statement


def home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_every_role_lands_on_the_home_page_with_a_next_steps_section(client, login_as):
    for role in Role:
        login_as(role, locale="en")
        page = home(client)
        assert "What to do next" in page, role


def test_learner_is_sent_to_the_open_self_assessment(client, login_as, create_business, open_wave):
    business = create_business()
    wave = open_wave("Autumn check")
    login_as(Role.LEARNER, locale="en", business=business)
    page = home(client)
    assert "Your self-assessment in “Autumn check” is open until" in page
    assert f'href="/surveys/{wave.id}/self/0"' in page
    assert "Answer the business part" not in page  # only a manager answers for the business


def test_learner_with_a_path_is_sent_to_the_next_module(client, login_as, create_business, courses):
    learner = login_as(Role.LEARNER, locale="en", business=create_business())
    path = course_services.list_paths()[0]
    learning_services.follow_path(learner, path)
    from uprest.extensions import db

    db.session.commit()
    page = home(client)
    assert "Your next module in the path" in page
    first = path.module_slugs[0]
    assert f'href="/learn/modules/{first}"' in page


def test_learner_without_modules_is_sent_to_the_catalogue(client, login_as, create_business):
    login_as(Role.LEARNER, locale="en", business=create_business())
    page = home(client)
    assert "You have not started a module yet." in page and 'href="/learn/catalogue"' in page


def test_manager_is_sent_to_the_business_survey_and_to_invite_staff(
    client, login_as, open_wave, db
):
    wave = open_wave("Autumn check")
    manager = login_as(Role.MANAGER, locale="en")
    page = home(client)
    assert "The business survey “Autumn check” is open until" in page
    assert f'href="/surveys/{wave.id}/business/0"' in page
    assert "Invite your staff" in page and 'href="/business/staff"' in page
    assert 'href="/business/"' in page  # the business page the manager used to land on
    business_services.invite_staff(
        business=manager.business, email="cook@example.org", invited_by=manager
    )
    db.session.commit()
    page = home(client)
    assert "1 invitation has not been accepted yet." in page
    assert "Invite your staff" not in page


def test_submitted_survey_is_no_longer_a_next_step(
    client, login, create_business, open_wave, answer_survey
):
    business = create_business()
    wave = open_wave("Autumn check")
    answer_survey(wave, business)
    manager = next(u for u in business.staff if u.role is Role.MANAGER)
    login(manager)
    page = home(client)
    assert "Autumn check" not in page


def test_trainer_sees_drafts_and_untranslated_modules(client, login_as, courses):
    login_as(Role.TRAINER, locale="en")
    page = home(client)
    # tests/data/courses: green-basics is in en and sv only
    assert "is not fully translated into" in page
    assert 'href="/authoring/modules/green-basics/translate/it"' in page
    course_services.create_module(
        slug="brand-new", default_language="en", title="Brand new", minutes=10
    )
    from uprest.extensions import db

    db.session.commit()
    page = home(client)
    assert "1 module has changes that are not published yet." in page
    assert 'href="/authoring/"' in page


def test_reviewer_is_sent_to_the_newest_closed_wave(client, login_as, open_wave, close_wave):
    reviewer = login_as(Role.REVIEWER, locale="en", place="cervia")
    older = close_wave(open_wave("Baseline 2025", days=(-90, -60)))
    newer = close_wave(open_wave("Follow-up 2026", days=(-30, 5)))
    open_wave("Still open", days=(-1, 10))
    page = home(client)
    municipality = reviewer.municipality_id
    assert f'href="/reports/{municipality}/waves/{newer.id}"' in page
    assert f"/waves/{older.id}" not in page and "Still open" not in page
    assert 'href="/municipality"' in page


def test_admin_sees_businesses_to_confirm_and_dead_letters(
    client, login_as, create_business, create_user, courses, db
):
    create_business("Unconfirmed inn", confirmed=False)
    admin = login_as(Role.ADMIN, locale="en")
    page = home(client)
    assert "1 business is waiting to be confirmed." in page
    assert 'href="/business/pending"' in page
    assert "could not be forwarded" not in page
    learning_services.enrol(create_user(), course_services.get_module("green-basics"))
    statement = db.session.scalar(sa.select(Statement).limit(1))
    db.session.add(OutboxItem(statement_pk=statement.id, is_dead=True, attempts=9))
    db.session.commit()
    page = home(client)
    assert "1 learning record could not be forwarded and waits for you." in page
    assert 'href="/admin/xapi-outbox"' in page
    # the queues come first, the authoring after them
    order = [page.index(t) for t in ("waiting to be confirmed", "could not be forwarded")]
    assert order == sorted(order) and order[-1] < page.index("is not fully translated")
    assert admin.role is Role.ADMIN


def test_home_page_is_translated(client, login_as, open_wave, create_business):
    open_wave("Autumn check")
    login_as(Role.MANAGER, locale="sv")
    page = home(client)
    assert "What to do next" not in page and "Invite your staff" not in page


def _answers(wave, create_business, answer_survey, n):
    for _n in range(n):
        answer_survey(
            wave,
            create_business(place="cervia"),
            required={"DIG-08": 5, "GRN-01": 2},
            current=[{"DIG-08": 1, "GRN-01": 1}],
        )


def test_trainer_sees_uncovered_gaps_by_competence_name_only(
    client, login_as, courses, open_wave, close_wave, answer_survey, create_business
):
    wave = open_wave()
    _answers(wave, create_business, answer_survey, 5)
    close_wave(wave)
    login_as(Role.TRAINER, locale="en")
    page = home(client)
    step = re.search(
        r"<li>Uncovered gaps in Cervia, which no module covers at the level needed:([^<]*)<a", page
    )
    assert step, page
    # DIG-08 has no module; GRN-01's gap is covered by green-basics (level 2)
    assert "AI tools for small businesses" in step.group(1)
    assert "Energy efficiency" not in step.group(1)
    assert not re.search(r"\d", step.group(1))  # names only: no counts, no figures
    assert 'href="/authoring/modules/new"' in page


def test_trainer_learns_nothing_of_a_group_below_the_threshold(
    client, login_as, courses, open_wave, close_wave, answer_survey, create_business
):
    wave = open_wave()
    _answers(wave, create_business, answer_survey, 4)  # fewer than 5 businesses
    close_wave(wave)
    login_as(Role.TRAINER, locale="en")
    assert "Uncovered gaps" not in home(client)


def test_trainer_learns_nothing_of_an_open_wave(
    client, login_as, courses, open_wave, answer_survey, create_business
):
    _answers(open_wave(), create_business, answer_survey, 6)
    login_as(Role.TRAINER, locale="en")
    assert "Uncovered gaps" not in home(client)
