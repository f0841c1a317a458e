"""A GET never changes state: reading every lesson of a module records nothing; the button does."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.test_learning import ALL_RIGHT
from uprest.accounts.models import Role
from uprest.courses import services as course_services
from uprest.courses.localise import Localised
from uprest.extensions import db
from uprest.learning import progress, services
from uprest.learning.models import LearningEvent
from uprest.xapi.models import Statement

MODULE = "online-presence"  # tests/data/courses: two lessons and a quiz


def _state(user, slug):
    enrolment = services.get_enrolment(user, course_services.get_module(slug))
    db.session.refresh(enrolment)
    state = progress.for_enrolment(enrolment)
    counts = (
        db.session.scalar(sa.select(sa.func.count()).select_from(Statement)),
        db.session.scalar(sa.select(sa.func.count()).select_from(LearningEvent)),
    )
    return state.percent, sorted(state.viewed), enrolment.completed_at, counts


def _lessons(slug):
    version = course_services.latest_version(course_services.get_module(slug))
    return [item["slug"] for item in Localised(version.content, "en").lessons]


def test_reading_every_lesson_changes_nothing(client, courses, login_as):
    """With the quiz passed, the lessons are all that is missing: reading them completes nothing."""
    user = login_as(Role.LEARNER)
    client.post(f"/learn/modules/{MODULE}/enrol")
    client.post(f"/learn/modules/{MODULE}/quiz", data=ALL_RIGHT)
    before = _state(user, MODULE)
    for _ in range(2):
        for lesson in _lessons(MODULE):
            response = client.get(f"/learn/modules/{MODULE}/lessons/{lesson}")
            assert response.status_code == 200
        assert client.get(f"/learn/modules/{MODULE}/continue").status_code == 302
        assert client.get(f"/learn/modules/{MODULE}").status_code == 200
    assert _state(user, MODULE) == before
    assert before[2] is None  # not completed
    # The buttons do record the lessons, and complete the module.
    for lesson in _lessons(MODULE):
        assert client.post(f"/learn/modules/{MODULE}/lessons/{lesson}").status_code == 302
    percent, viewed, completed_at, _counts = _state(user, MODULE)
    assert viewed == sorted(_lessons(MODULE)) and completed_at is not None and percent == 100


def test_the_lesson_button_records_it_and_moves_on(client, courses, login_as):
    user = login_as(Role.LEARNER)
    client.post(f"/learn/modules/{MODULE}/enrol")
    first, last = _lessons(MODULE)
    response = client.post(f"/learn/modules/{MODULE}/lessons/{first}")
    assert response.location.endswith(f"/learn/modules/{MODULE}/lessons/{last}")
    assert _state(user, MODULE)[1] == [first]
    response = client.post(f"/learn/modules/{MODULE}/lessons/{last}")
    assert response.location.endswith(f"/learn/modules/{MODULE}/quiz")
    percent, viewed, completed_at, _counts = _state(user, MODULE)
    assert viewed == sorted([first, last]) and completed_at is None and percent > 0


def test_the_lesson_button_needs_the_csrf_token(app, client, courses, login_as):
    user = login_as(Role.LEARNER)
    client.post(f"/learn/modules/{MODULE}/enrol")
    first = _lessons(MODULE)[0]
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client.post(f"/learn/modules/{MODULE}/lessons/{first}")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert _state(user, MODULE)[1] == []


def _snapshot() -> dict[str, list]:
    """Every row of every UPREST table, as text: an update shows as well as an insert."""
    tables = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(sa.select(table)).all()
        tables[table.name] = sorted(repr(tuple(row)) for row in rows)
    return tables


@pytest.mark.parametrize(
    "role", [None, Role.LEARNER, Role.MANAGER, Role.TRAINER, Role.ADMIN, Role.REVIEWER]
)
def test_no_get_anywhere_changes_the_database(app, client, create_user, courses, open_wave, role):
    from tests.security.conftest import route_values
    from tests.security.test_headers_and_cookies import _get_urls

    values = route_values(create_user(), open_wave())
    if role is not None:
        user = create_user(role)
        client.post("/login", data={"email": user.email, "password": PASSWORD})
        if role is Role.LEARNER:
            client.post(f"/learn/modules/{MODULE}/enrol")
    db.session.expire_all()
    before = _snapshot()
    for url in _get_urls(app, values):
        client.get(url).close()
    db.session.expire_all()
    after = _snapshot()
    changed = [name for name in before if before[name] != after[name]]
    assert not changed, changed
