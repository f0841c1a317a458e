"""Script put into every authored field, name and business name comes back as inert text."""

from __future__ import annotations

import base64
from html.parser import HTMLParser

import pytest

from uprest.accounts import business_services
from uprest.accounts.models import Role
from uprest.extensions import db
from uprest.learning import services as learning
from uprest.xapi import clients


def payload(field: str) -> str:
    """Breaks out of text, of a quoted attribute and of an unquoted one, and opens a script."""
    return f"\"'><img src=x onerror=alert('{field}')><script>alert('{field}')</script>"


DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "svg", "math", "base"}


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in DANGEROUS_TAGS:
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{name}= attribute on <{tag}>")
            if name in ("href", "src", "action", "formaction") and (
                value or ""
            ).strip().lower().startswith(("javascript:", "data:text/html")):
                self.problems.append(f"{name}={value!r} on <{tag}>")
            if value:
                self.text.append(value)

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


def test_the_checker_sees_live_markup():
    assert parse(f"<p>{payload('x')}</p>").problems == [
        "onerror= attribute on <img>",
        "<script> element",
    ]
    assert parse('<a href=" JavaScript:alert(1)">x</a>').problems
    assert not parse("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>").problems


def assert_inert(response, *shown: str) -> None:
    """No markup came from the payloads; each payload in ``shown`` is on the page as text."""
    assert response.status_code == 200, (response.request.path, response.status_code)
    parser = parse(response.get_data(as_text=True))
    assert not parser.problems, (response.request.path, parser.problems)
    text = "\n".join(parser.text)
    for item in shown:
        assert item in text, (response.request.path, item)


def author_module(client, slug: str = "xss-module") -> None:
    """A trainer writes a module with a payload in every text field, in en and sv, and publishes."""
    post = client.post
    post(
        "/authoring/modules/new",
        data={
            "slug": slug,
            "title": payload("title"),
            "default_language": "en",
            "estimated_minutes": 10,
        },
    )
    post(
        f"/authoring/modules/{slug}",
        data={
            "title": payload("title"),
            "summary": payload("summary"),
            "default_language": "en",
            "estimated_minutes": 10,
            "competences": "DIG-01 2",
        },
    )
    post(
        f"/authoring/modules/{slug}/lessons",
        data={"lesson-slug": "one", "lesson-title": payload("lesson"), "lesson-minutes": 5},
    )
    body = (
        f"# Heading\n\n{payload('body')}\n\n[click](javascript:alert(1)) "
        '<a href="javascript:alert(2)">raw link</a>\n\n![img](x "onerror=alert(3)")'
    )
    post(
        f"/authoring/modules/{slug}/lessons/one",
        data={"title": payload("lesson"), "minutes": 5, "body": body},
    )
    post(f"/authoring/modules/{slug}/quiz", data={"add-type": "single_choice", "add-submit": "1"})
    post(
        f"/authoring/modules/{slug}/quiz/q1",
        data={
            "prompt": payload("prompt"),
            "options-0-id": "a",
            "options-0-text": payload("option"),
            "options-0-feedback": payload("feedback"),
            "options-0-correct": "y",
            "options-1-id": "b",
            "options-1-text": "Plain answer",
            "options-1-feedback": "Plain feedback",
        },
    )
    post(f"/authoring/modules/{slug}/quiz", data={"add-type": "matching", "add-submit": "1"})
    response = post(
        f"/authoring/modules/{slug}/quiz/q2",
        data={
            "prompt": "Match them",
            "pairs-0-id": "p1",
            "pairs-0-left": payload("left"),
            "pairs-0-right": payload("right"),
            "pairs-1-id": "p2",
            "pairs-1-left": "Left two",
            "pairs-1-right": "Right two",
            "feedback_correct": payload("matched"),
            "feedback_incorrect": "Try again",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    post(
        f"/authoring/modules/{slug}/translate/sv",
        data={"t-title": payload("sv-title"), "b-one": payload("sv-body")},
    )
    # en and sv only: publishing asks to confirm the incomplete languages
    assert (
        post(f"/authoring/modules/{slug}/publish", data={"confirm_incomplete": "y"}).status_code
        == 302
    )


def test_authored_fields_are_inert_for_authors_and_learners(client, login, create_user):
    trainer = create_user(Role.TRAINER)
    login(trainer)
    author_module(client)
    response = client.post(
        "/authoring/paths/new",
        data={
            "slug": "xss-path",
            "title-en": payload("path-title"),
            "description-en": payload("path-description"),
            "include-xss-module": "1",
            "required-xss-module": "1",
            "position-xss-module": "1",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    get = client.get
    assert_inert(get("/authoring/"))
    assert_inert(get("/authoring/modules/xss-module"), payload("lesson"))
    assert_inert(get("/authoring/modules/xss-module/lessons/one"), payload("lesson"))
    preview = client.post(
        "/authoring/modules/xss-module/lessons/one",
        data={"title": "T", "minutes": 5, "body": payload("preview"), "preview": "1"},
    )
    assert_inert(preview, payload("preview"))
    assert_inert(get("/authoring/modules/xss-module/quiz"), payload("prompt"))
    assert_inert(get("/authoring/modules/xss-module/quiz/q1"), payload("prompt"), payload("option"))
    assert_inert(get("/authoring/modules/xss-module/quiz/q2"), payload("left"), payload("right"))
    assert_inert(
        get("/authoring/modules/xss-module/translate/sv"),
        payload("title"),
        payload("summary"),
        payload("sv-title"),
        payload("feedback"),
    )
    assert_inert(get("/authoring/paths/xss-path"), payload("path-title"), payload("title"))

    learner = create_user(display_name=payload("learner-name"))
    login(learner)
    assert_inert(
        get("/learn/catalogue"), payload("title"), payload("summary"), payload("path-title")
    )
    assert_inert(get("/learn/paths/xss-path"), payload("path-title"), payload("path-description"))
    assert_inert(get("/learn/modules/xss-module"), payload("title"), payload("summary"))
    client.post("/learn/modules/xss-module/enrol")
    assert_inert(get("/learn/modules/xss-module/lessons/one"), payload("lesson"), payload("body"))
    client.set_cookie("uprest_locale", "sv")
    assert_inert(get("/learn/modules/xss-module/lessons/one"), payload("sv-body"))
    client.post("/learn/modules/xss-module/lessons/one")  # "continue": the lesson is seen
    assert_inert(get("/learn/modules/xss-module"), payload("sv-title"))
    client.delete_cookie("uprest_locale")
    assert_inert(get("/learn/modules/xss-module/quiz"), payload("prompt"), payload("option"))
    answered = client.post(
        "/learn/modules/xss-module/quiz", data={"q-q1": "a", "q-q2-p1": "p1", "q-q2-p2": "p2"}
    )
    assert_inert(get(answered.location), payload("prompt"), payload("feedback"))
    assert_inert(get("/learn/"), payload("title"))
    assert_inert(get("/learn/modules/xss-module/certificate"), payload("learner-name"))
    code = learning.get_enrolment(learner, _module("xss-module")).certificate_code
    client.post("/logout")
    assert_inert(get(f"/learn/certificates/{code}"), payload("learner-name"), payload("title"))

    login(trainer)
    assert_inert(get("/records"), payload("learner-name"))


def _module(slug):
    from uprest.courses import services

    return services.get_module(slug)


def test_names_and_business_names_are_inert_everywhere(client, login, create_user, outbox):
    manager = create_user(Role.MANAGER, display_name=payload("manager-name"))
    manager.business.name = payload("business")
    staff = create_user(business=manager.business, display_name=payload("staff-name"))
    admin = create_user(Role.ADMIN, display_name=payload("admin-name"))
    db.session.commit()
    get = client.get

    login(manager)
    assert_inert(get("/business/"), payload("business"))
    assert_inert(get("/business/staff"), payload("business"), payload("staff-name"))
    assert_inert(get("/profile"), payload("manager-name"))
    _invitation, token = business_services.invite_staff(
        business=manager.business, email="new@example.org", invited_by=manager
    )
    db.session.commit()
    client.post("/logout")
    assert_inert(get(f"/invitation/{token}"), payload("business"))

    login(staff)
    assert_inert(get("/"), payload("staff-name"), payload("business"))
    data = get("/profile/export")
    assert data.mimetype == "application/json" and data.headers["X-Content-Type-Options"]

    login(admin)
    assert_inert(get("/admin/users"), payload("staff-name"), payload("manager-name"))
    assert_inert(get(f"/admin/users/{staff.id}"), payload("staff-name"), payload("business"))
    assert_inert(get("/admin/businesses"), payload("business"))
    assert_inert(get(f"/admin/businesses/{manager.business_id}"), payload("business"))


def test_names_sent_through_the_lrs_are_inert_in_the_viewer(client, login, create_user):
    client_row, secret = clients.create_client(name=payload("client"), scopes=["write"])
    db.session.commit()
    auth = base64.b64encode(f"{client_row.key}:{secret}".encode()).decode()
    statement = {
        "actor": {"name": payload("actor"), "mbox": "mailto:actor@example.org"},
        "verb": {"id": "http://example.org/verbs/x", "display": {"en": payload("verb")}},
        "object": {
            "id": "http://example.org/activities/x",
            "definition": {"name": {"en": payload("activity")}},
        },
    }
    response = client.post(
        "/xapi/statements",
        json=statement,
        headers={"Authorization": f"Basic {auth}", "X-Experience-API-Version": "1.0.3"},
    )
    assert response.status_code == 200
    login(create_user(Role.ADMIN))
    assert_inert(client.get("/records"), payload("actor"), payload("verb"), payload("activity"))
    assert_inert(client.get("/admin/lrs-clients"), payload("client"))


@pytest.mark.parametrize(
    "name",
    ["<b>bold</b>", "{{ 7*7 }}", "{% raw %}x", "${7*7}", "javascript:alert(1)"],
)
def test_template_syntax_in_a_name_is_not_evaluated(client, login, create_user, name):
    user = create_user(display_name=name)
    login(user)
    assert_inert(client.get("/"), name)  # shown literally: a template would have said 49
    assert_inert(client.get("/profile"), name)
