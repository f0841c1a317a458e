"""The learner's way: catalogue, enrolment, lessons, quiz, completion, certificate, paths."""

import re

import sqlalchemy as sa

from uprest.accounts.models import Role
from uprest.courses import services as course_services
from uprest.extensions import db
from uprest.learning import progress, services
from uprest.learning.models import Enrolment, LearningEvent

ALL_RIGHT = {
    "q-q1": "a",
    "q-q2": ["a", "b"],
    "q-q3": "true",
    "q-q4": "15,5",
    "q-q5": " gdpr ",
    "q-q6-p1": "p1",
    "q-q6-p2": "p2",
}


def verbs(user):
    return list(
        db.session.scalars(
            sa.select(LearningEvent.verb)
            .where(LearningEvent.user_id == user.id)
            .order_by(LearningEvent.id)
        )
    )


def test_catalogue_filters_and_has_no_n_plus_one(client, courses, count_queries):
    page = client.get("/learn/catalogue").get_data(as_text=True)
    assert "Be found online" in page and "Green basics" in page and "Digital basics" in page
    only_green = client.get("/learn/catalogue?competence=GRN-01").get_data(as_text=True)
    assert "Green basics" in only_green and "Be found online" not in only_green
    swedish = client.get("/learn/catalogue?language=sv").get_data(as_text=True)
    assert "Green basics" in swedish and "Be found online" not in swedish
    short = client.get("/learn/catalogue?duration=long").get_data(as_text=True)
    assert "No module matches these filters." in short
    with count_queries() as few:
        client.get("/learn/catalogue")
    for n in range(3, 9):
        course_services.import_module(_copy_of("green-basics", f"green-{n}"))
    db.session.commit()
    with count_queries() as many:
        assert "green-8" in client.get("/learn/catalogue").get_data(as_text=True)
    assert len(many) == len(few)


def test_a_quiz_attempt_is_stored_as_one_batch(client, courses, login_as, count_queries):
    """Six answers and the result: one write and one projection, not one per question."""
    from uprest.xapi.signals import statements_stored

    user = login_as(Role.LEARNER)
    client.post("/learn/modules/online-presence/enrol")
    batches = []
    with statements_stored.connected_to(lambda _app, stored: batches.append(len(stored))):
        with count_queries() as queries:
            response = client.post("/learn/modules/online-presence/quiz", data=ALL_RIGHT)
    assert response.location.endswith("/quiz/1")
    assert batches == [7]
    assert verbs(user)[1:] == ["answered"] * 6 + ["passed"]
    assert len(queries) < 40


def _copy_of(slug, new_slug):
    import copy

    content = copy.deepcopy(
        course_services.latest_version(course_services.get_module(slug)).content
    )
    content["module"]["slug"] = new_slug
    return content


def test_from_enrolment_to_certificate(client, courses, login_as):
    user = login_as(Role.LEARNER, display_name="Lina Larsson")
    assert "Start this module" in client.get("/learn/modules/online-presence").get_data(
        as_text=True
    )
    response = client.post("/learn/modules/online-presence/enrol")
    assert response.location.endswith("/learn/modules/online-presence/continue")
    resume = client.get("/learn/modules/online-presence/continue")
    assert resume.location.endswith("/lessons/why-be-found")
    lesson = client.get(resume.location).get_data(as_text=True)
    assert "Travellers search first" in lesson and "youtube-nocookie.com/embed" in lesson
    client.post("/learn/modules/online-presence/lessons/your-website")
    assert "&lt;script&gt;" in client.get(
        "/learn/modules/online-presence/lessons/your-website"
    ).get_data(as_text=True)
    client.post("/learn/modules/online-presence/lessons/why-be-found")
    # the learner resumes where they left off
    assert client.get("/learn/modules/online-presence/continue").location.endswith("/why-be-found")

    wrong = client.post("/learn/modules/online-presence/quiz", data={"q-q1": "b", "q-q3": "false"})
    assert wrong.location.endswith("/quiz/1")
    result = client.get(wrong.location).get_data(as_text=True)
    assert "Not quite — brochures come later." in result and "try again" in result
    enrolment = db.session.scalar(sa.select(Enrolment).where(Enrolment.user_id == user.id))
    assert enrolment.completed_at is None

    right = client.post("/learn/modules/online-presence/quiz", data=ALL_RIGHT)
    assert right.location.endswith("/quiz/2")
    assert "you passed the quiz" in client.get(right.location).get_data(as_text=True)
    db.session.refresh(enrolment)
    assert enrolment.completed_at is not None and len(enrolment.certificate_code) >= 32
    assert verbs(user)[0] == "registered" and verbs(user)[-1] == "completed"
    assert verbs(user).count("answered") == 12 and {"failed", "passed"} <= set(verbs(user))
    assert progress.for_enrolment(enrolment).percent == 100

    certificate = client.get("/learn/modules/online-presence/certificate").get_data(as_text=True)
    assert "Lina Larsson" in certificate and "Be found online" in certificate
    link = re.search(r'href="(http://localhost/learn/certificates/[^"]+)"', certificate).group(1)
    client.post("/logout")
    public = client.get(link.replace("http://localhost", "")).get_data(as_text=True)
    assert "Lina Larsson" in public and "Be found online" in public and user.email not in public
    assert client.get("/learn/certificates/guessed-code").status_code == 404


def test_learner_keeps_the_version_they_started(client, courses, login_as):
    user = login_as(Role.LEARNER)
    client.post("/learn/modules/green-basics/enrol")
    module = course_services.get_module("green-basics")
    document = course_services.working_copy(module)
    document["text"]["en"]["lessons"]["energy"] = "Saving energy, revised"
    document["module"]["lessons"].append({"slug": "waste", "minutes": 5})
    document["text"]["en"]["lessons"]["waste"] = "Waste"
    document["bodies"]["en"]["waste"] = "Sort it.\n"
    course_services.save_draft(module, document)
    version = course_services.publish(module)
    db.session.commit()
    assert version.number == 2
    page = client.get("/learn/modules/green-basics").get_data(as_text=True)
    assert "Saving energy" in page and "revised" not in page and "Waste" not in page
    enrolment = services.get_enrolment(user, module)
    assert enrolment.version.number == 1
    assert client.get("/learn/modules/green-basics/lessons/waste").status_code == 404
    newcomer = login_as(Role.LEARNER)
    client.post("/learn/modules/green-basics/enrol")
    assert services.get_enrolment(newcomer, module).version.number == 2


def test_prerequisites_gate_access_in_a_followed_path(client, courses, login_as):
    user = login_as(Role.LEARNER)
    client.post("/learn/paths/digital-basics/follow")
    page = client.get("/learn/modules/green-basics").get_data(as_text=True)
    assert "Complete these first" in page and "Start this module" not in page
    client.post("/learn/modules/green-basics/enrol")
    assert services.get_enrolment(user, course_services.get_module("green-basics")) is None
    path = client.get("/learn/paths/digital-basics").get_data(as_text=True)
    assert "Your next step" in path and "Locked until" in path

    client.post("/learn/modules/online-presence/enrol")
    for lesson in ("why-be-found", "your-website"):
        client.post(f"/learn/modules/online-presence/lessons/{lesson}")
    client.post("/learn/modules/online-presence/quiz", data=ALL_RIGHT)
    assert "Start this module" in client.get("/learn/modules/green-basics").get_data(as_text=True)
    # green-basics is optional, so the path is complete with the one required module
    assert "You have completed this path" in client.get("/learn/paths/digital-basics").get_data(
        as_text=True
    )
    assert verbs(user).count("completed") == 2
    dashboard = client.get("/learn/").get_data(as_text=True)
    assert "Digital basics" in dashboard and "Your certificate" in dashboard


def test_lessons_need_an_enrolment(client, courses, login_as):
    login_as(Role.LEARNER)
    response = client.get("/learn/modules/online-presence/lessons/why-be-found")
    assert response.location.endswith("/learn/modules/online-presence")
    assert client.get("/learn/modules/no-such-module").status_code == 404


def test_an_empty_quiz_is_refused(client, courses, login_as):
    user = login_as(Role.LEARNER)
    client.post("/learn/modules/green-basics/enrol")
    response = client.post("/learn/modules/green-basics/quiz", data={})
    assert response.status_code == 200
    assert "Answer at least one question" in response.get_data(as_text=True)
    assert "answered" not in verbs(user)


def test_untranslated_content_is_marked(client, courses, login_as):
    login_as(Role.LEARNER, locale="sv")
    client.post("/learn/modules/online-presence/enrol")
    page = client.get("/learn/modules/online-presence/lessons/your-website").get_data(as_text=True)
    assert 'lang="en"' in page and "untranslated" in page
    translated = client.get("/learn/modules/online-presence/lessons/why-be-found")
    assert "Resenärer söker först" in translated.get_data(as_text=True)
    assert 'class="untranslated"' not in translated.get_data(as_text=True)


def test_erasing_the_account_erases_learning_records(client, courses, login_as):
    from uprest.accounts import services as account_services

    user = login_as(Role.LEARNER)
    client.post("/learn/modules/green-basics/enrol")
    account_services.delete_account(user)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LearningEvent)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment)) == 0


def test_data_download_includes_learning(client, courses, login_as):
    login_as(Role.LEARNER)
    client.post("/learn/modules/green-basics/enrol")
    client.post("/learn/modules/green-basics/lessons/energy")
    data = client.get("/profile/export").get_json()
    assert data["learning"]["enrolments"][0]["module"] == "green-basics"
    assert [e["verb"] for e in data["learning"]["events"]] == ["registered", "experienced"]


def test_seed_demo_lets_the_demo_learner_follow_a_path(runner, courses):
    assert runner.invoke(args=["uprest", "seed-demo"]).exit_code == 0
    assert runner.invoke(args=["uprest", "seed-demo"]).exit_code == 0
    from uprest.accounts.services import get_user_by_email

    learner = get_user_by_email("learner@demo.uprest.eu")
    assert [p.path.slug for p in services.followed_paths(learner)] == ["digital-basics"]


def _event_rows(user):
    return [
        (
            e.verb,
            e.enrolment_id,
            e.path_enrolment_id,
            e.object_id,
            e.attempt,
            e.response,
            e.is_correct,
            e.score,
            e.locale,
            e.statement_pk,
        )
        for e in db.session.scalars(
            sa.select(LearningEvent)
            .where(LearningEvent.user_id == user.id)
            .order_by(LearningEvent.statement_pk)
        )
    ]


def test_learner_events_are_statements_and_progress_rebuilds_from_them(
    client, courses, login_as, runner
):
    import json

    from uprest.xapi.models import Statement

    user = login_as(Role.LEARNER, locale="sv")
    client.post("/learn/modules/online-presence/enrol")
    client.post("/learn/modules/online-presence/lessons/why-be-found")
    client.post("/learn/modules/online-presence/quiz", data={"q-q1": "b", "q-q3": "false"})
    client.post("/learn/modules/online-presence/quiz", data=ALL_RIGHT)
    enrolment = db.session.scalar(sa.select(Enrolment).where(Enrolment.user_id == user.id))
    statements = [
        json.loads(doc)
        for doc in db.session.scalars(
            sa.select(Statement.document).where(Statement.user_id == user.id).order_by(Statement.id)
        )
    ]
    assert len(statements) == len(_event_rows(user))
    assert {s["context"]["registration"] for s in statements} == {enrolment.uuid}
    assert all(s["context"]["language"] == "sv-SE" for s in statements)
    passed = next(s for s in statements if s["verb"]["id"].endswith("/passed"))
    assert passed["object"]["id"].endswith("/modules/online-presence/quiz")
    assert passed["result"]["score"]["raw"] == 100 and passed["result"]["success"] is True
    before = _event_rows(user)
    percent_before = progress.for_enrolment(enrolment).percent
    result = runner.invoke(args=["uprest", "xapi-rebuild-progress"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert _event_rows(user) == before
    assert progress.for_enrolment(enrolment).percent == percent_before


def test_trainer_sees_module_results_from_the_record(
    client, courses, login_as, login, count_queries
):
    learner = login_as(Role.LEARNER)
    client.post("/learn/modules/online-presence/enrol")
    client.post("/learn/modules/online-presence/quiz", data={"q-q1": "b", "q-q3": "false"})
    # five of six right: 15,5 was read as 155 in English before both separators were accepted
    client.post("/learn/modules/online-presence/quiz", data={**ALL_RIGHT, "q-q4": "20"})
    trainer = login_as(Role.TRAINER)
    with count_queries() as queries:
        page = client.get("/authoring/modules/online-presence/results")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and learner.display_name not in text
    assert "<strong>2</strong> quiz attempts, 1 passed" in text
    assert "<strong>1</strong> enrolled" in text
    assert "Where do most travellers first look for a small hotel?</a>" in text  # not "q1"
    assert "<strong>83%</strong> average best quiz score" in text  # formatted as a percentage
    assert len(queries) < 12
    assert trainer


def test_learning_statements_name_their_activities(client, courses, login_as):
    import json

    from uprest.xapi.models import Statement

    user = login_as(Role.LEARNER)
    client.post("/learn/modules/online-presence/enrol")
    client.post("/learn/modules/online-presence/lessons/why-be-found")
    client.post("/learn/modules/online-presence/quiz", data=ALL_RIGHT)
    names = [
        json.loads(doc)["object"].get("definition", {}).get("name", {})
        for doc in db.session.scalars(
            sa.select(Statement.document).where(Statement.user_id == user.id).order_by(Statement.id)
        )
    ]
    assert names[0]["en-GB"] == "Be found online" and "sv-SE" in names[0]
    assert names[1]["en-GB"]  # the lesson's own title
    assert names[2]["en-GB"] == "Where do most travellers first look for a small hotel?"
    assert names[2]["sv-SE"] == "Var letar de flesta resenärer först efter ett litet hotell?"
