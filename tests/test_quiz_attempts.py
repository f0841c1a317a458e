"""Quiz attempts: options shuffled per attempt, and each module's limit and cool-down on retries."""

import copy
import json
import re
import shutil
from datetime import timedelta

import sqlalchemy as sa

from tests.conftest import COURSES
from uprest.accounts.models import Role
from uprest.courses import package
from uprest.courses import services as course_services
from uprest.extensions import db
from uprest.learning import quiz
from uprest.learning.models import Enrolment, LearningEvent
from uprest.xapi.models import Statement

QUIZ = "/learn/modules/online-presence/quiz"
ALL_RIGHT = {
    "q-q1": "a",
    "q-q2": ["a", "b"],
    "q-q3": "true",
    "q-q4": "15",
    "q-q5": "gdpr",
    "q-q6-p1": "p1",
    "q-q6-p2": "p2",
}


def with_policy(**policy) -> None:
    """Publishes online-presence again with a retry policy in its quiz."""
    module = course_services.get_module("online-presence")
    content = copy.deepcopy(course_services.latest_version(module).content)
    content["module"]["quiz"].update(policy)
    assert course_services.import_module(content) == "updated"
    db.session.commit()


def shown_order(page: str, qid: str) -> list[str]:
    return re.findall(rf'id="q-{qid}-([a-z0-9]+)" name="q-{qid}" value=', page)


def enrolment_of(user) -> Enrolment:
    return db.session.scalar(sa.select(Enrolment).where(Enrolment.user_id == user.id))


def result_events(enrolment) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(
            LearningEvent.enrolment_id == enrolment.id,
            LearningEvent.verb.in_(("passed", "failed")),
        )
    )


def test_the_order_depends_on_the_seed_alone():
    question = {"id": "q1", "type": "single_choice", "options": [{"id": c} for c in "abcde"]}
    orders = {
        tuple(o["id"] for o in quiz.shuffled_options(question, f"reg:{n}")) for n in range(1, 9)
    }
    assert len(orders) > 1  # attempts differ
    assert all(sorted(order) == list("abcde") for order in orders)  # nothing lost or added
    again = quiz.shuffled_options(question, "reg:3")
    assert again == quiz.shuffled_options(question, "reg:3")
    true_false = {"id": "q2", "type": "true_false", "answer": True}
    assert quiz.shuffled_options(true_false, "reg:1") == []


def test_options_keep_their_order_on_reload_and_change_with_the_attempt(client, courses, login_as):
    user = login_as(Role.LEARNER)
    client.post("/learn/modules/online-presence/enrol")
    registration = enrolment_of(user).uuid
    seen = []
    for attempt in range(1, 7):
        first = client.get(QUIZ).get_data(as_text=True)
        reloaded = client.get(QUIZ).get_data(as_text=True)
        assert shown_order(first, "q1") == shown_order(reloaded, "q1")
        question = course_services.latest_version(
            course_services.get_module("online-presence")
        ).content["module"]["quiz"]["questions"][0]
        expected = quiz.shuffled_options(question, quiz.attempt_seed(registration, attempt))
        assert shown_order(first, "q1") == [o["id"] for o in expected]
        seen.append(tuple(shown_order(first, "q1") + shown_order(first, "q2")))
        client.post(QUIZ, data={"q-q3": "true"})
    assert len(set(seen)) > 1


def test_marking_and_statements_use_option_ids_not_positions(client, courses, login_as):
    user = login_as(Role.LEARNER)
    client.post("/learn/modules/online-presence/enrol")
    # Answer with whatever is shown first, until the right option "a" is shown elsewhere.
    attempt = 1
    order = shown_order(client.get(QUIZ).get_data(as_text=True), "q1")
    while order[0] == "a" and attempt < 20:
        client.post(QUIZ, data={"q-q1": order[0]})
        attempt += 1
        order = shown_order(client.get(QUIZ).get_data(as_text=True), "q1")
    assert order[0] != "a"
    chosen_first = order[0]
    response = client.post(QUIZ, data={"q-q1": "a", "q-q2": [order[0]]})
    assert response.location.endswith(f"/quiz/{attempt}")
    answered = db.session.scalar(
        sa.select(LearningEvent).where(
            LearningEvent.user_id == user.id,
            LearningEvent.attempt == attempt,
            LearningEvent.object_id == "q1",
        )
    )
    assert answered.response == "a" and answered.is_correct is True
    statements = [
        json.loads(doc)
        for doc in db.session.scalars(
            sa.select(Statement.document).where(Statement.user_id == user.id)
        )
    ]
    mine = [
        s
        for s in statements
        if s["verb"]["id"].endswith("/answered")
        and s["context"]["extensions"]["http://id.tincanapi.com/extension/attempt-id"] == attempt
    ]
    by_question = {s["object"]["id"].rsplit("/", 1)[1]: s["result"] for s in mine}
    assert json.loads(by_question["q1"]["response"]) == "a"
    assert by_question["q1"]["success"] is True
    assert json.loads(by_question["q2"]["response"]) == [chosen_first]


def test_a_limit_on_attempts_is_enforced_with_a_clear_message(client, courses, login_as):
    with_policy(max_attempts=2)
    user = login_as(Role.LEARNER)
    client.post("/learn/modules/online-presence/enrol")
    assert "You have 2 attempts left." in client.get(QUIZ).get_data(as_text=True)
    assert client.post(QUIZ, data={"q-q1": "b"}).status_code == 302
    page = client.get(QUIZ).get_data(as_text=True)
    assert "You have 1 attempt left." in page and "Send my answers" in page
    assert client.post(QUIZ, data={"q-q1": "c"}).location.endswith("/quiz/2")
    result = client.get("/learn/modules/online-presence/quiz/2").get_data(as_text=True)
    assert "You have used all 2 attempts this quiz allows." in result
    assert "Try the quiz again" not in result
    page = client.get(QUIZ).get_data(as_text=True)
    assert "You have used all 2 attempts this quiz allows." in page
    assert "Send my answers" not in page
    refused = client.post(QUIZ, data=ALL_RIGHT)
    assert refused.status_code == 200
    assert "You have used all 2 attempts this quiz allows." in refused.get_data(as_text=True)
    assert result_events(enrolment_of(user)) == 2


def test_the_refusal_is_translated(client, courses, login_as):
    with_policy(max_attempts=1)
    login_as(Role.LEARNER, locale="sv")
    client.post("/learn/modules/online-presence/enrol")
    client.post(QUIZ, data={"q-q1": "b"})
    page = client.post(QUIZ, data=ALL_RIGHT).get_data(as_text=True)
    assert "Du har använt det enda försöket som det här quizet tillåter." in page


def test_a_cool_down_makes_the_learner_wait_between_attempts(client, courses, login_as):
    with_policy(cooldown_minutes=30)
    user = login_as(Role.LEARNER)
    client.post("/learn/modules/online-presence/enrol")
    assert "wait 30 minutes before the next one" in client.get(QUIZ).get_data(as_text=True)
    assert client.post(QUIZ, data={"q-q1": "b"}).status_code == 302
    refused = client.post(QUIZ, data=ALL_RIGHT)
    assert refused.status_code == 200
    assert "You can take this quiz again from" in refused.get_data(as_text=True)
    enrolment = enrolment_of(user)
    assert result_events(enrolment) == 1
    for event in db.session.scalars(
        sa.select(LearningEvent).where(LearningEvent.enrolment_id == enrolment.id)
    ):
        event.created_at -= timedelta(minutes=29)
    db.session.commit()
    assert client.post(QUIZ, data=ALL_RIGHT).status_code == 200  # 29 minutes: still waiting
    for event in db.session.scalars(
        sa.select(LearningEvent).where(LearningEvent.enrolment_id == enrolment.id)
    ):
        event.created_at -= timedelta(minutes=2)
    db.session.commit()
    assert client.post(QUIZ, data=ALL_RIGHT).location.endswith("/quiz/2")
    assert result_events(enrolment) == 2


def test_learners_on_an_earlier_version_keep_its_policy(client, courses, login_as):
    """The policy travels with the published version, as the questions do."""
    login_as(Role.LEARNER)
    client.post("/learn/modules/online-presence/enrol")
    with_policy(max_attempts=1)
    for _ in range(2):
        assert client.post(QUIZ, data={"q-q1": "b"}).status_code == 302


def test_the_package_sets_the_policy_and_bad_values_are_refused(runner, tmp_path):
    root = tmp_path / "courses"
    shutil.copytree(COURSES, root)
    module = root / "online-presence" / "module.yaml"
    original = module.read_text()
    module.write_text(original.replace("pass_mark: 70", "pass_mark: 70\n  max_attempts: 0"))
    result = runner.invoke(args=["uprest", "import-courses", str(root)])
    assert result.exit_code != 0
    assert "“max_attempts” must be a whole number of at least 1." in result.output
    module.write_text(original.replace("pass_mark: 70", "pass_mark: 70\n  cooldown_minutes: soon"))
    result = runner.invoke(args=["uprest", "import-courses", str(root)])
    assert "“cooldown_minutes” must be a whole number of at least 0." in result.output
    policy = "pass_mark: 70\n  max_attempts: 3\n  cooldown_minutes: 60"
    module.write_text(original.replace("pass_mark: 70", policy))
    result = runner.invoke(args=["uprest", "import-courses", str(root)])
    assert result.exit_code == 0, result.output
    content = course_services.latest_version(course_services.get_module("online-presence")).content
    assert content["module"]["quiz"]["max_attempts"] == 3
    assert content["module"]["quiz"]["cooldown_minutes"] == 60
    out = tmp_path / "out"
    exported = runner.invoke(args=["uprest", "export-course", "online-presence", "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    problems = []
    exported = package.load_yaml(out / "online-presence" / "module.yaml", "module.yaml", problems)
    assert exported["quiz"]["max_attempts"] == 3 and exported["quiz"]["cooldown_minutes"] == 60


def test_the_trainer_sets_the_policy_in_the_module_editor(client, courses, login_as):
    login_as(Role.TRAINER)
    page = client.get("/authoring/modules/online-presence/quiz").get_data(as_text=True)
    assert "Attempts allowed (leave empty for no limit)" in page
    saved = client.post(
        "/authoring/modules/online-presence/quiz",
        data={
            "pass-pass_mark": "80",
            "pass-max_attempts": "3",
            "pass-cooldown_minutes": "15",
            "pass-submit": "1",
        },
        follow_redirects=True,
    )
    assert "The quiz settings have been saved." in saved.get_data(as_text=True)
    quiz_settings = course_services.get_module("online-presence").draft["module"]["quiz"]
    assert (quiz_settings["pass_mark"], quiz_settings["max_attempts"]) == (80, 3)
    assert quiz_settings["cooldown_minutes"] == 15
    refused = client.post(
        "/authoring/modules/online-presence/quiz",
        data={"pass-pass_mark": "80", "pass-max_attempts": "0", "pass-submit": "1"},
    )
    assert "Enter a number from 1 to 100." in refused.get_data(as_text=True)
    unchanged = course_services.get_module("online-presence").draft["module"]["quiz"]
    assert unchanged["max_attempts"] == 3
    client.post(
        "/authoring/modules/online-presence/quiz",
        data={"pass-pass_mark": "80", "pass-max_attempts": "", "pass-submit": "1"},
    )
    cleared = course_services.get_module("online-presence").draft["module"]["quiz"]
    assert "max_attempts" not in cleared and "cooldown_minutes" not in cleared
