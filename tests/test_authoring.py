"""Trainers author modules, lessons with a preview, quizzes, translations, versions and paths."""

from uprest.accounts.models import Role
from uprest.courses import services
from uprest.extensions import db

PUBLISH_ANYWAY = {"confirm_incomplete": "y"}  # the module is not in every language


def test_author_a_module_from_scratch_and_publish_it(client, login_as):
    login_as(Role.TRAINER)
    response = client.post(
        "/authoring/modules/new",
        data={
            "slug": "reviews",
            "title": "Online reviews",
            "default_language": "en",
            "estimated_minutes": 30,
        },
    )
    assert response.location.endswith("/authoring/modules/reviews")
    page = client.get("/authoring/modules/reviews").get_data(as_text=True)
    assert "Before you can publish" in page and "A module needs at least one lesson." in page

    client.post(
        "/authoring/modules/reviews",
        data={
            "title": "Online reviews",
            "summary": "Answer reviews well.",
            "default_language": "en",
            "estimated_minutes": 30,
            "competences": "DIG-04 3\ndig-05: 2",
        },
    )
    client.post(
        "/authoring/modules/reviews/lessons",
        data={"lesson-slug": "why", "lesson-title": "Why", "lesson-minutes": 10},
    )
    preview = client.post(
        "/authoring/modules/reviews/lessons/why",
        data={
            "title": "Why reviews",
            "minutes": 10,
            "body": "# Trust\n\n<b>raw</b>",
            "preview": "Preview",
        },
    ).get_data(as_text=True)
    assert "<h2>Trust</h2>" in preview and "&lt;b&gt;raw&lt;/b&gt;" in preview
    module = services.get_module("reviews")
    assert module.draft.get("bodies") == {}  # a preview saves nothing
    client.post(
        "/authoring/modules/reviews/lessons/why",
        data={"title": "Why reviews", "minutes": 10, "body": "# Trust\n\nGuests read them."},
    )
    client.post(
        "/authoring/modules/reviews/quiz", data={"add-type": "single_choice", "add-submit": "1"}
    )
    question = client.post(
        "/authoring/modules/reviews/quiz/q1",
        data={
            "prompt": "Should you answer bad reviews?",
            "options-0-id": "a",
            "options-0-text": "Yes, calmly",
            "options-0-feedback": "Right.",
            "options-0-correct": "y",
            "options-1-id": "b",
            "options-1-text": "Never",
            "options-1-feedback": "Silence looks careless.",
        },
    )
    assert question.status_code == 302, question.get_data(as_text=True)
    db.session.refresh(module)
    assert module.draft["module"]["competences"] == [
        {"code": "DIG-04", "level": 3},
        {"code": "DIG-05", "level": 2},
    ]
    client.post("/authoring/modules/reviews/publish", data=PUBLISH_ANYWAY)
    assert services.latest_version(module).number == 1
    assert "Online reviews" in client.get("/learn/catalogue").get_data(as_text=True)

    translate = client.get("/authoring/modules/reviews/translate/sv").get_data(as_text=True)
    assert "Should you answer bad reviews?" in translate and "0 of 9 texts" in translate
    client.post(
        "/authoring/modules/reviews/translate/sv",
        data={"t-title": "Omdömen på nätet", "b-why": "# Förtroende\n"},
    )
    db.session.refresh(module)
    assert module.draft["text"]["sv"] == {"title": "Omdömen på nätet"}
    assert module.draft["bodies"]["sv"] == {"why": "# Förtroende\n"}
    client.post("/authoring/modules/reviews/publish", data=PUBLISH_ANYWAY)
    assert [v.number for v in module.versions] == [1, 2]
    again = client.post(
        "/authoring/modules/reviews/publish", data=PUBLISH_ANYWAY, follow_redirects=True
    )
    assert "Nothing has changed since version 2." in again.get_data(as_text=True)


def test_bad_input_is_refused_and_changes_nothing(client, courses, login_as):
    login_as(Role.TRAINER)
    module = services.get_module("green-basics")
    before = dict(module.draft)
    response = client.post(
        "/authoring/modules/green-basics",
        data={
            "title": "X",
            "default_language": "en",
            "estimated_minutes": 5,
            "competences": "DIG-1",
        },
    )
    assert "is not a code and a level" in response.get_data(as_text=True)
    taken = client.post(
        "/authoring/modules/new",
        data={
            "slug": "green-basics",
            "title": "X",
            "default_language": "en",
            "estimated_minutes": 5,
        },
    )
    assert "already exists" in taken.get_data(as_text=True)
    db.session.refresh(module)
    assert module.draft == before


def test_path_editor_refuses_a_cycle(client, courses, login_as):
    login_as(Role.ADMIN)
    data = {
        "slug": "digital-basics",
        "title-en": "Digital basics",
        "description-en": "Start here.",
        "include-online-presence": "1",
        "include-green-basics": "1",
        "required-online-presence": "1",
        "after-online-presence": "green-basics",
        "after-green-basics": "online-presence",
    }
    refused = client.post("/authoring/paths/digital-basics", data=data).get_data(as_text=True)
    assert "go round in a circle" in refused
    assert "green-basics → online-presence → green-basics" in refused
    data.pop("after-online-presence")
    saved = client.post("/authoring/paths/digital-basics", data=data)
    assert saved.status_code == 302
    path = services.get_path("digital-basics")
    assert path.document["path"]["modules"] == [
        {"module": "online-presence", "required": True},
        {"module": "green-basics", "required": False, "after": ["online-presence"]},
    ]
    assert path.document["text"] == {
        "en": {"title": "Digital basics", "description": "Start here."}
    }


def test_learners_cannot_author(client, courses, login_as):
    login_as(Role.LEARNER)
    assert client.get("/authoring/").status_code == 403
    assert client.post("/authoring/modules/green-basics/publish").status_code == 403
