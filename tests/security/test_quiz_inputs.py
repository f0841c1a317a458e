"""Numbers and characters a quiz can't keep (issue 11): 1e400, NaN, infinities, a thousand
digits, NUL bytes. The learner gets a clear message in their language, nothing is stored,
and the server never answers 500."""

import pytest
import sqlalchemy as sa

from uprest.accounts.models import Role
from uprest.extensions import db
from uprest.learning.models import LearningEvent
from uprest.xapi.models import Statement

RIGHT = {
    "q-q1": "a",
    "q-q2": ["a", "b"],
    "q-q3": "true",
    "q-q4": "15",
    "q-q5": "gdpr",
    "q-q6-p1": "p1",
    "q-q6-p2": "p2",
}
QUIZ = "/learn/modules/online-presence/quiz"


@pytest.fixture
def learner(client, courses, login_as):
    def make(locale="en"):
        user = login_as(Role.LEARNER, locale=locale)
        client.post("/learn/modules/online-presence/enrol")
        return user

    return make


def _recorded(user):
    events = db.session.scalar(
        sa.select(sa.func.count(LearningEvent.id)).where(LearningEvent.user_id == user.id)
    )
    statements = db.session.scalar(
        sa.select(sa.func.count(Statement.id)).where(Statement.user_id == user.id)
    )
    return events, statements


@pytest.mark.parametrize(
    "number",
    [
        "1e400",
        "-1e400",
        "NaN",
        "nan",
        "-inf",
        "inf",
        "Infinity",
        "9" * 5000,
        "1" * 70,
        "1e16",
    ],
)
def test_numbers_a_quiz_cannot_keep_are_refused(client, learner, number):
    user = learner()
    before = _recorded(user)
    response = client.post(QUIZ, data={**RIGHT, "q-q4": number})
    assert response.status_code == 200
    assert "Question 4: enter a number" in response.get_data(as_text=True)
    assert _recorded(user) == before


@pytest.mark.parametrize(("question", "answer"), [("q-q5", "gd\x00pr"), ("q-q4", "1\x00")])
def test_a_nul_byte_in_an_answer_is_refused(client, learner, question, answer):
    """Refused before the quiz reads it (``core.forms.refuse_control_characters``)."""
    user = learner()
    before = _recorded(user)
    response = client.post(QUIZ, data={**RIGHT, question: answer})
    assert response.status_code == 400
    assert _recorded(user) == before


def test_the_message_is_in_the_learners_language(client, learner):
    learner("sv")
    response = client.post(QUIZ, data={**RIGHT, "q-q4": "1e400"})
    assert "Fråga 4: skriv ett tal, till exempel 12,5." in response.get_data(as_text=True)


def test_ordinary_numbers_are_still_marked(client, learner):
    user = learner()
    response = client.post(QUIZ, data={**RIGHT, "q-q4": "15.5"})
    assert response.status_code == 302
    answers = dict(
        db.session.execute(
            sa.select(LearningEvent.object_id, LearningEvent.response).where(
                LearningEvent.user_id == user.id, LearningEvent.verb == "answered"
            )
        ).all()
    )
    assert answers["q4"] == 15.5


def test_values_that_were_not_offered_are_not_stored(client, learner):
    """A tampered choice or matching value counts as unanswered, not as text to keep."""
    user = learner()
    tampered = {**RIGHT, "q-q1": "x" * 400, "q-q6-p1": "p9" * 10, "q-q6-p2": "p2"}
    assert client.post(QUIZ, data=tampered).status_code == 302
    answers = dict(
        db.session.execute(
            sa.select(LearningEvent.object_id, LearningEvent.response).where(
                LearningEvent.user_id == user.id, LearningEvent.verb == "answered"
            )
        ).all()
    )
    assert answers["q1"] is None and answers["q6"] == {"p1": "", "p2": "p2"}
