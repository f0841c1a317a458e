"""A module whose only lesson step is the fixture cmi5 AU, and helpers to launch it."""

import base64
import html
import io
import json
import re
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from uprest.accounts.models import Role
from uprest.courses import cmi5_steps
from uprest.courses import services as course_services

FIXTURE = Path(__file__).parents[1] / "fixtures" / "cmi5"


def package_zip(files: dict[str, bytes] | None = None, *, xml: bytes | None = None) -> bytes:
    """The fixture AU as a package; ``files`` adds or replaces entries."""
    entries = {name: (FIXTURE / name).read_bytes() for name in ("index.html", "au.js")}
    entries["cmi5.xml"] = xml if xml is not None else (FIXTURE / "cmi5.xml").read_bytes()
    entries.update(files or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def structure(*, move_on="Passed", mastery="0.8", url="index.html") -> bytes:
    text = (FIXTURE / "cmi5.xml").read_text()
    text = text.replace('moveOn="Passed"', f'moveOn="{move_on}"')
    text = text.replace('masteryScore="0.8"', f'masteryScore="{mastery}"' if mastery else "")
    return text.replace("<url>index.html</url>", f"<url>{url}</url>").encode()


@pytest.fixture
def cmi5_module(app, db, create_user):
    """Publish a module with one cmi5 step (moveOn/masteryScore as asked) and no quiz."""

    def make(slug="sorting-waste", **kwargs):
        trainer = create_user(Role.TRAINER)
        module = course_services.create_module(
            slug=slug, default_language="en", title="Sorting waste", minutes=15
        )
        document = course_services.working_copy(module)
        document["text"]["en"]["summary"] = "What goes in which bin."
        course_services.save_draft(module, document)
        cmi5_steps.add_package(module, package_zip(xml=structure(**kwargs)), user=trainer)
        course_services.publish(module, user=trainer)
        db.session.commit()
        return module

    return make


@pytest.fixture
def launched(client, cmi5_module, login_as):
    """An enrolled learner who has just launched the AU: the launch URL's parameters."""

    def make(user=None, **kwargs):
        module = cmi5_module(**kwargs)
        user = user or login_as(Role.LEARNER)
        assert client.post(f"/learn/modules/{module.slug}/enrol").status_code == 302
        lesson = module.draft["module"]["lessons"][0]["slug"]
        url = launch_url(client, module.slug, lesson)
        params = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        return Launch(client, module, user, lesson, url, params)

    return make


def launch_url(client, slug: str, lesson: str) -> str:
    """Launch through the lesson page's button: a page that opens the AU's launch URL."""
    response = client.post(f"/learn/modules/{slug}/lessons/{lesson}/launch")
    assert response.status_code == 200, response.status_code
    page = response.get_data(as_text=True)
    return html.unescape(
        re.search(r'id="cmi5-open" href="([^"]+)"|href="([^"]+)" id="cmi5-open"', page).group(2)
    )


class Launch:
    def __init__(self, client, module, user, lesson, url, params):
        self.client, self.module, self.user, self.lesson = client, module, user, lesson
        self.url, self.params = url, params
        self.actor = json.loads(params["actor"])
        self.registration = params["registration"]
        self.activity = params["activityId"]

    def fetch(self):
        path = urlsplit(self.params["fetch"]).path
        return self.client.post(path).get_json()

    def auth(self) -> dict:
        token = self.fetch()["auth-token"]
        return self.headers(token)

    @staticmethod
    def headers(token: str) -> dict:
        return {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}

    def launch_data(self, headers) -> dict:
        response = self.client.get(
            "/xapi/activities/state",
            query_string={
                "activityId": self.activity,
                "agent": json.dumps(self.actor),
                "registration": self.registration,
                "stateId": "LMS.LaunchData",
            },
            headers=headers,
        )
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()

    def statement(self, verb: str, launch_data: dict, *, result=None, cmi5=True, **extra):
        """A statement as an AU makes it from the context template."""
        context = json.loads(json.dumps(launch_data["contextTemplate"]))
        context["registration"] = self.registration
        if cmi5:
            categories = [{"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}]
            if result and ("success" in result or "completion" in result):
                categories.append({"id": "https://w3id.org/xapi/cmi5/context/categories/moveon"})
            context.setdefault("contextActivities", {})["category"] = categories
        statement = {
            "actor": self.actor,
            "verb": {"id": verb if "://" in verb else f"http://adlnet.gov/expapi/verbs/{verb}"},
            "object": {"objectType": "Activity", "id": self.activity},
            "context": context,
        }
        if result:
            statement["result"] = result
        statement.update(extra)
        return statement

    def send(self, headers, *statements):
        return self.client.post("/xapi/statements", json=list(statements), headers=headers)


def basic(key: str, secret: str) -> str:
    return base64.b64encode(f"{key}:{secret}".encode()).decode()
