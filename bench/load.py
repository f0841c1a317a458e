"""Load benchmark (not a test): simulated learners and reviewers against the app under gunicorn.

A throw-away PostgreSQL database (BENCH_DATABASE_URL, default
postgresql+psycopg://postgres@127.0.0.1:5432/test; dropped at the end) is set up as an operator
would: ``flask db upgrade``, ``import-courses courses/``, ``seed-demo`` (businesses in the six
municipalities and an open survey wave with responses), an LRS client for content packages; then
--users learner accounts in the surveyed businesses. The app runs under gunicorn with the worker
count README.md gives for production, in production mode (Argon2 at its production cost).

Locust (as a library, headless) then runs --users learners and --reviewers reviewers. Each signs
in once, then loops with a think time between requests: learners open the dashboard, the
catalogue and modules, start modules, read lessons (which emit xAPI statements), answer quizzes,
answer the open wave's self-assessment page by page, and post batches of statements to
/xapi/statements as a cmi5 / SCORM package would; reviewers open their municipality's summaries
and exports. Statistics are reset once every user has started, then --duration is measured.

    pip install -e ".[bench]"
    .venv/bin/python bench/load.py [--users 50] [--reviewers 2] [--duration 120] [--spawn-rate 5]

Exits non-zero when any request failed or a simulated user raised an exception.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import gevent
import psutil
import sqlalchemy as sa
from locust import FastHttpUser, between, task
from locust.env import Environment
from locust.stats import StatsEntry

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from harness import children, flask_cli, gunicorn, proc_cpu, throwaway  # noqa: E402

from uprest import create_app  # noqa: E402
from uprest.accounts import services as account_services  # noqa: E402
from uprest.accounts.demo import DEMO_PASSWORD  # noqa: E402
from uprest.accounts.models import Business  # noqa: E402
from uprest.extensions import db  # noqa: E402
from uprest.surveys.demo import FOLLOW_UP  # noqa: E402
from uprest.surveys.models import BusinessResponse, SurveyWave  # noqa: E402

WORKERS = 4  # README.md, "Production": gunicorn --workers 4
LEARNER_WAIT, REVIEWER_WAIT = (1, 3), (2, 5)  # think time between requests, seconds
PASSWORD = "load benchmark password"
REVIEWERS = ["reviewer@demo.uprest.eu", "reviewer-trollhattan@demo.uprest.eu"]
TARGET_MS = 150
XAPI_HEADERS = {"Content-Type": "application/json", "X-Experience-API-Version": "1.0.3"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
CMI5 = "https://w3id.org/xapi/cmi5/"
PACKAGES = ["harbour-walk", "wine-roads", "bike-safety", "guest-greeting", "allergen-basics"]


class Plan:
    """What the simulated users share: accounts still to hand out, the LRS credentials."""

    learners: list[tuple[str, str]] = []
    reviewers: list[str] = []
    lrs_auth: tuple[str, str] = ("", "")
    ready = 0  # users signed in and set up


# -- pages: forms and links, as a browser sees them -------------------------------------------


class Page(HTMLParser):
    """The forms (action, method, fields) and links of an HTML page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self.links: list[str] = []
        self._select: dict | None = None
        self.feed(html or "")  # an error's empty body

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            action = a.get("action") or ""
            self.forms.append({"action": action, "method": a.get("method", "get"), "fields": []})
        elif not self.forms:
            return
        elif tag in ("input", "button", "textarea") and a.get("name"):
            kind = a.get("type", "submit" if tag == "button" else "text")
            field = {"name": a["name"], "type": kind, "value": a.get("value") or ""}
            field["checked"] = "checked" in a
            self.forms[-1]["fields"].append(field)
        elif tag == "select" and a.get("name"):
            self._select = {"name": a["name"], "type": "select", "options": []}
            self.forms[-1]["fields"].append(self._select)
        elif tag == "option" and self._select is not None and a.get("value"):
            self._select["options"].append(a["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None

    def form(self, action_ending: str = "", field: str | None = None) -> dict | None:
        """The first form whose action ends so and, if ``field`` is given, has that field."""
        for form in self.forms:
            names = {f["name"] for f in form["fields"]}
            if form["action"].endswith(action_ending) and (field is None or field in names):
                return form
        return None


def fill(form: dict, rng: random.Random) -> list[tuple[str, str]]:
    """A learner's answers: a random choice in each group, a number in text boxes.

    Hidden fields (the CSRF token) are kept; of the submit buttons only the first that does not
    postpone ("later") is sent, as a click on it would.
    """
    data, groups, pressed = [], {}, False
    for field in form["fields"]:
        name, kind = field["name"], field["type"]
        if kind == "hidden":
            data.append((name, field["value"]))
        elif kind == "radio":
            groups.setdefault(name, []).append(field["value"])
        elif kind == "checkbox":
            if rng.random() < 0.5:
                data.append((name, field["value"] or "y"))
        elif kind == "select" and field["options"]:
            data.append((name, rng.choice(field["options"])))
        elif kind in ("text", "number", "textarea"):
            data.append((name, str(rng.randint(1, 20)) if name.startswith("q-") else ""))
        elif kind == "submit" and not pressed and name != "later":
            data.append((name, field["value"]))
            pressed = True
    data += [(name, rng.choice(values)) for name, values in groups.items()]
    return data


def endpoint(path: str) -> str:
    """The route a path belongs to, as the name its statistics are kept under."""
    path = urlsplit(path).path
    path = re.sub(r"/modules/[^/]+", "/modules/[slug]", path)
    path = re.sub(r"/lessons/[^/]+", "/lessons/[lesson]", path)
    path = re.sub(r"/paths/[^/]+", "/paths/[slug]", path)
    return re.sub(r"/\d+", "/[id]", path)


def is_page(method: str, name: str) -> bool:
    """HTML pages, what the target is about: not the LRS, the exports, nor the password check."""
    if name.startswith("/xapi/") or name.endswith((".csv", ".json", ".jsonld")):
        return False
    return (method, name) != ("POST", "/login")


class Browser(FastHttpUser):
    """A signed-in person: follows redirects as separate requests, as a browser does."""

    abstract = True
    rng: random.Random

    def go(self, method: str, path: str, data=None, expect=(200,), follow=True):
        """Request ``path``; a status outside ``expect`` counts as an error. Returns the last
        response and its path (after following a redirect)."""
        for _hop in range(5):
            body = urlencode(data) if data is not None else None
            with self.client.request(
                method,
                path,
                name=endpoint(path),
                data=body,
                headers=FORM if data is not None else None,
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code in expect:
                    response.success()
                else:
                    response.failure(f"{response.status_code}, expected one of {expect}")
            location = (
                response.headers.get("Location") if response.status_code in (302, 303) else None
            )
            if not (follow and location):
                return response, path
            method, data, expect = "GET", None, (200, 302, 303)
            path = urlsplit(location)._replace(scheme="", netloc="").geturl()
        return response, path

    def sign_in(self, email: str, password: str) -> str:
        self.rng = random.Random(email)
        response, _path = self.go("GET", "/login")
        form = Page(response.text).form(field="password")
        data = [(f["name"], f["value"]) for f in form["fields"] if f["type"] == "hidden"]
        data += [("email", email), ("password", password)]
        response, path = self.go("POST", "/login", data, expect=(302, 303))
        return path


# -- learners --------------------------------------------------------------------------------


class Learner(Browser):
    """Staff of a tourism business: learns, answers the survey, and uses external content."""

    wait_time = between(*LEARNER_WAIT)
    fixed_count = 50

    def on_start(self):
        self.email, name = Plan.learners.pop()
        self.name = name
        self.sign_in(self.email, PASSWORD)
        self.modules: list[str] = []  # slugs in the catalogue
        self.module: str | None = None
        self.lessons: list[str] = []
        self.position = 0
        self.survey: str | None = None  # the next survey page to answer
        self.results: str | None = None
        self.registration = str(uuid.uuid4())
        self.package = self.rng.choice(PACKAGES)
        self.step = 0
        Plan.ready += 1

    @task(3)
    def dashboard(self):
        self.go("GET", "/learn/")

    @task(2)
    def catalogue(self):
        response, _path = self.go("GET", "/learn/catalogue")
        slugs = {m.group(1) for m in re.finditer(r"/learn/modules/([\w-]+)\"", response.text)}
        self.modules = sorted(slugs)

    @task(2)
    def module_page(self):
        if not self.modules:
            return self.catalogue()
        slug = self.rng.choice(self.modules)
        response, path = self.go("GET", f"/learn/modules/{slug}")
        page = Page(response.text)
        enrol = page.form(f"/learn/modules/{slug}/enrol")
        if enrol is not None:  # not started yet: start it (a locked one leads back here)
            data = [(f["name"], f["value"]) for f in enrol["fields"] if f["type"] == "hidden"]
            response, path = self.go("POST", enrol["action"], data, expect=(302, 303))
            page = Page(response.text)
        lessons = [
            link.rsplit("/", 1)[1]
            for link in page.links
            if link.startswith(f"/learn/modules/{slug}/lessons/")
        ]
        if lessons:
            self.module, self.lessons = slug, list(dict.fromkeys(lessons))
            self.position = 0

    @task(6)
    def lesson(self):
        if not self.lessons:
            return self.module_page()
        lesson = self.lessons[self.position % len(self.lessons)]
        self.position += 1
        self.go("GET", f"/learn/modules/{self.module}/lessons/{lesson}")

    @task(1)
    def quiz(self):
        if not self.module:
            return self.module_page()
        path = f"/learn/modules/{self.module}/quiz"
        response, _path = self.go("GET", path, expect=(200, 404))
        form = Page(response.text).form("/quiz") if response.status_code == 200 else None
        if form is not None:
            self.go("POST", path, fill(form, self.rng), expect=(302, 303))

    @task(1)
    def survey_page(self):
        """One page of the open wave's self-assessment; its results once it is submitted."""
        if self.results:
            self.go("GET", self.results)
            return
        if self.survey is None:
            response, _path = self.go("GET", "/surveys/")
            links = [link for link in Page(response.text).links if "/self/" in link]
            if not links:
                return
            self.survey = links[0]
        response, path = self.go("GET", self.survey)
        form = next(f for f in Page(response.text).forms if not f["action"])  # posts to itself
        response, path = self.go("POST", path, fill(form, self.rng), expect=(302, 303))
        if path.endswith("/results"):
            self.results, self.survey = path, None
        else:
            self.survey = path

    @task(3)
    def statements(self):
        """A batch from an external content package: launched … progressed … completed."""
        count = self.rng.randint(2, 6)
        batch = [self.statement() for _ in range(count)]
        with self.client.post(
            "/xapi/statements",
            data=json.dumps(batch),
            headers=XAPI_HEADERS,
            auth=Plan.lrs_auth,
            name="/xapi/statements",
            catch_response=True,
        ) as response:
            if response.status_code == 200 and len(response.json()) == count:
                response.success()
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")

    def statement(self) -> dict:
        verbs = ["launched", "initialized", "progressed", "progressed", "answered", "completed"]
        verb = verbs[self.step % len(verbs)]
        self.step += 1
        if self.step % len(verbs) == 0:
            self.registration, self.package = str(uuid.uuid4()), self.rng.choice(PACKAGES)
        base = f"https://content.example.org/packages/{self.package}"
        data = {
            "id": str(uuid.uuid4()),
            "actor": {"objectType": "Agent", "name": self.name, "mbox": f"mailto:{self.email}"},
            "verb": {
                "id": f"http://adlnet.gov/expapi/verbs/{verb}",
                "display": {"en-US": verb},
            },
            "object": {
                "id": f"{base}/au/{self.step % 3}",
                "definition": {
                    "name": {"en-US": f"{self.package} part {self.step % 3}"},
                    "type": "http://adlnet.gov/expapi/activities/lesson",
                },
            },
            "context": {
                "registration": self.registration,
                "contextActivities": {
                    "parent": [{"id": base}],
                    "category": [{"id": CMI5 + "context/categories/cmi5"}],
                },
            },
            "timestamp": datetime.now(UTC).isoformat(),
        }
        if verb == "progressed":
            data["result"] = {"extensions": {CMI5 + "result/extensions/progress": 50}}
        elif verb in ("answered", "completed"):
            data["result"] = {"score": {"scaled": round(self.rng.random(), 2)}, "success": True}
        return data


# -- reviewers -------------------------------------------------------------------------------


class Reviewer(Browser):
    """A municipality's reviewer: opens the summaries of its waves and downloads the exports."""

    wait_time = between(*REVIEWER_WAIT)
    fixed_count = 2

    def on_start(self):
        self.sign_in(Plan.reviewers.pop(), DEMO_PASSWORD)
        response, _path = self.go("GET", "/reports/", expect=(302,))
        self.waves = [
            link
            for link in Page(response.text).links
            if re.fullmatch(r"/reports/\d+/waves/\d+", link)
        ]
        self.exports: list[str] = []
        Plan.ready += 1

    @task(3)
    def summary(self):
        response, _path = self.go("GET", self.rng.choice(self.waves))
        self.exports = [
            link
            for link in Page(response.text).links
            if link.endswith((".csv", "-metadata.json", ".jsonld"))
        ]

    @task(2)
    def export(self):
        if not self.exports:
            return self.summary()
        self.go("GET", self.rng.choice(self.exports))


# -- set-up ----------------------------------------------------------------------------------


def server_env(url: str) -> dict:
    """Production mode over plain HTTP on 127.0.0.1 (so cookies may not be Secure)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("UPREST_", "MAIL_", "FLASK_")) and key != "DATABASE_URL"
    }
    return env | {
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_hex(32),
        "FLASK_DEBUG": "0",
        "UPREST_SECURE_COOKIES": "0",
        # every simulated person signs in from 127.0.0.1; the default limit is per address
        "UPREST_LOGIN_LIMIT": "1000 per minute",
    }


def create_learners(url: str, count: int) -> list[tuple[str, str]]:
    """Learner accounts in the businesses that answered the open wave, spread over the
    municipalities; (e-mail, name) each."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "load-bench-setup"})
    accounts = []
    with app.app_context():
        wave = db.session.scalar(sa.select(SurveyWave).where(SurveyWave.title == FOLLOW_UP))
        businesses = db.session.scalars(
            sa.select(Business)
            .join(BusinessResponse, BusinessResponse.business_id == Business.id)
            .where(BusinessResponse.wave_id == wave.id)
            .order_by(Business.municipality_id, Business.id)
        ).all()
        by_place: dict[int, list[Business]] = {}
        for business in businesses:
            by_place.setdefault(business.municipality_id, []).append(business)
        rotation = [b for row in zip(*by_place.values(), strict=False) for b in row]
        for i in range(count):
            business = rotation[i % len(rotation)]
            email, name = f"learner{i:03d}@load.example", f"Load learner {i:03d}"
            account_services.create_user(
                email=email, display_name=name, password=PASSWORD, business=business
            )
            accounts.append((email, name))
        db.session.commit()
        db.engine.dispose()
    return accounts


def describe_data(engine: sa.Engine) -> str:
    counts = {}
    with engine.connect() as conn:
        tables = ("businesses", "users", "course_modules", "business_responses", "self_assessments")
        for table in tables:
            counts[table] = conn.scalar(sa.text(f"SELECT count(*) FROM uprest_{table}"))
        version = conn.scalar(sa.text("SHOW server_version"))
    return f"PostgreSQL {version.split()[0]}; " + ", ".join(f"{k} {v}" for k, v in counts.items())


# -- the run ---------------------------------------------------------------------------------


def memory(master: int) -> list[tuple[str, int, float, float, float]]:
    """RSS, PSS and USS (MiB) of the gunicorn master and each worker."""
    rows = []
    for role, pid in [("master", master)] + [("worker", p) for p in children(master)]:
        info = psutil.Process(pid).memory_full_info()
        rss, pss, uss = (x / 2**20 for x in (info.rss, info.pss, info.uss))
        rows.append((role, pid, rss, pss, uss))
    return rows


def backends(engine: sa.Engine) -> list[int]:
    with engine.connect() as conn:
        return conn.scalars(
            sa.text(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).all()


def run_load(base: str, master: int, engine: sa.Engine, args) -> dict:
    """Start every user, reset the statistics, measure --duration seconds, stop."""
    Learner.fixed_count, Reviewer.fixed_count = args.users, args.reviewers
    env = Environment(user_classes=[Learner, Reviewer], host=base)
    runner = env.create_local_runner()
    started = time.monotonic()
    runner.start(args.users + args.reviewers, spawn_rate=args.spawn_rate)
    while Plan.ready < args.users + args.reviewers and not runner.exceptions:
        gevent.sleep(0.2)  # every user started and signed in
    warm = {
        key: StatsEntry.unserialize(e.serialize(), env.stats)
        for key, e in env.stats.entries.items()
    }
    ramp = time.monotonic() - started
    print(f"  {runner.user_count} users started in {ramp:.0f} s; measuring {args.duration} s",
          flush=True)  # fmt: skip
    env.stats.reset_all()
    workers = children(master)
    cpu_before = proc_cpu(workers), proc_cpu(backends(engine)), time.process_time()
    load_before = os.getloadavg()
    measured = time.monotonic()
    spy = None
    if args.profile:  # sample every worker while measuring (collapsed stacks, for flame graphs)
        command = [
            str(Path(sys.executable).parent / "py-spy"),
            "record",
            "--pid",
            str(master),
            "--subprocesses",
            "--format",
            "raw",
        ]
        command += ["--rate", "50", "--duration", f"{args.duration:.0f}", "-o", args.profile]
        spy = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    gevent.sleep(args.duration)
    seconds = time.monotonic() - measured
    cpu_after = proc_cpu(workers), proc_cpu(backends(engine)), time.process_time()
    figures = {"memory": memory(master), "seconds": seconds, "warm": warm}
    figures["load"] = (load_before, os.getloadavg())
    figures["cpu"] = [b - a for a, b in zip(cpu_before, cpu_after, strict=True)]
    runner.quit()
    if spy is not None:
        spy.wait(60)
    figures["stats"], figures["exceptions"] = env.stats, dict(runner.exceptions)
    figures["errors"] = dict(env.stats.errors)
    return figures


def report(figures: dict, args, config: str, data: str) -> int:
    """Print every figure; returns the number of errors."""
    stats, seconds = figures["stats"], figures["seconds"]
    entries = sorted(
        (e for e in stats.entries.values() if e.num_requests or e.num_failures),
        key=lambda e: (not is_page(e.method, e.name), e.name),
    )
    pages = StatsEntry(stats, "pages", "")
    for entry in entries:
        if is_page(entry.method, entry.name):
            pages.extend(entry)
    errors = stats.total.num_failures + sum(e["count"] for e in figures["exceptions"].values())
    print(f"\n{config}\n{data}\n")
    lines = [
        "| endpoint | requests | req/s | p50 ms | p95 ms | max ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]

    def row(label, e):
        p50, p95 = e.get_response_time_percentile(0.5), e.get_response_time_percentile(0.95)
        lines.append(
            f"| {label} | {e.num_requests:,} | {e.num_requests / seconds:.1f} | {p50:.0f} "
            f"| {p95:.0f} | {e.max_response_time:.0f} | {e.num_failures} |"
        )

    for entry in entries:
        row(f"{entry.method} {entry.name}", entry)
    row("**all pages**", pages)
    row("**all requests**", stats.total)
    print("\n".join(lines))
    logins = [e for (name, method), e in figures["warm"].items() if name == "/login"]
    for entry in logins:
        print(f"  while starting: {entry.method} /login, {entry.num_requests} requests, p50 "
              f"{entry.get_response_time_percentile(0.5):.0f} ms, p95 "
              f"{entry.get_response_time_percentile(0.95):.0f} ms")  # fmt: skip
    print("\n| process | pid | RSS MiB | PSS MiB | USS MiB |\n| --- | ---: | ---: | ---: | ---: |")
    for role, pid, rss, pss, uss in figures["memory"]:
        print(f"| {role} | {pid} | {rss:.0f} | {pss:.0f} | {uss:.0f} |")
    app_cpu, db_cpu, own_cpu = figures["cpu"]
    total = stats.total.num_requests
    print(f"\nThroughput {total / seconds:.1f} requests/s ({total:,} in {seconds:.0f} s). CPU: "
          f"gunicorn workers {app_cpu / seconds:.0%} of a core ({app_cpu * 1000 / total:.1f} ms "
          f"per request), PostgreSQL backends {db_cpu / seconds:.0%} ({db_cpu * 1000 / total:.1f} "
          f"ms), load generator {own_cpu / seconds:.0%}. Load average "
          f"{' '.join(f'{x:.2f}' for x in figures['load'][0])} at the start, "
          f"{' '.join(f'{x:.2f}' for x in figures['load'][1])} at the end.")  # fmt: skip
    for error in figures["errors"].values():
        print(f"ERROR {error.method} {error.name}: {error.error} ({error.occurrences}x)")
    for exception in figures["exceptions"].values():
        print(f"EXCEPTION ({exception['count']}x): {exception['traceback']}")
    p95 = pages.get_response_time_percentile(0.95)
    over = [
        f"{e.method} {e.name}"
        for e in entries
        if is_page(e.method, e.name) and e.get_response_time_percentile(0.95) > TARGET_MS
    ]
    met = p95 <= TARGET_MS and not errors
    print(f"\nPages p95 {p95:.0f} ms (target {TARGET_MS} ms), errors {errors}: target "
          f"{'met' if met else 'NOT met'}." + (f" Pages over {TARGET_MS} ms at p95: "
          f"{', '.join(over)}." if over else ""))  # fmt: skip
    return errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--users", type=int, default=50, help="concurrent learners")
    add("--reviewers", type=int, default=2, choices=range(len(REVIEWERS) + 1))
    add("--duration", type=float, default=120, help="seconds measured, after every user started")
    add("--spawn-rate", type=float, default=5, help="users started per second")
    add("--workers", type=int, default=WORKERS, help="gunicorn sync workers")
    add("--keep", action="store_true", help="keep the database (to EXPLAIN queries)")
    add("--profile", metavar="FILE", help="py-spy the workers while measuring (collapsed stacks)")
    args = parser.parse_args()
    print(f"Load average before set-up: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with (
        throwaway("postgresql", "uprest_load", args.keep) as url,
        tempfile.TemporaryDirectory() as scratch,
    ):
        if args.keep:
            print(f"database kept: {url}")
        env = server_env(url)
        started = time.perf_counter()
        flask_cli(env, "db", "upgrade")
        flask_cli(env, "uprest", "import-courses", str(ROOT / "courses"))
        flask_cli(env, "uprest", "seed-demo")
        key, secret = flask_cli(env, "uprest", "lrs-client", "create", "Content packages").split()[
            -2:
        ]
        Plan.lrs_auth = (key, secret)
        Plan.learners = create_learners(url, args.users)
        Plan.reviewers = REVIEWERS[: args.reviewers]
        engine = sa.create_engine(url)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")  # as autovacuum would after the set-up
        data = describe_data(engine)
        print(f"Set up in {time.perf_counter() - started:.0f} s: {data}", flush=True)
        config = (
            f"Run on {datetime.now():%Y-%m-%d %H:%M}: {os.cpu_count()} cores, Python "
            f"{sys.version.split()[0]}; gunicorn {args.workers} sync workers (README, Production); "
            f"{args.users} learners (think time {LEARNER_WAIT[0]}–{LEARNER_WAIT[1]} s) and "
            f"{args.reviewers} reviewers ({REVIEWER_WAIT[0]}–{REVIEWER_WAIT[1]} s), started at "
            f"{args.spawn_rate:g}/s; {args.duration:g} s measured after all had started."
        )
        print(config, flush=True)
        log = Path(scratch) / "gunicorn.log"
        with gunicorn(env, args.workers, "sync", log) as (base, master):
            figures = run_load(base, master, engine, args)
        engine.dispose()
        errors = report(figures, args, config, data)
        server_errors = [line for line in log.read_text().splitlines() if "Traceback" in line]
        if server_errors:
            print(f"\nThe server logged {len(server_errors)} tracebacks; the log ends:\n"
                  f"{log.read_text()[-3000:]}")  # fmt: skip
    return 1 if errors or server_errors else 0


if __name__ == "__main__":
    sys.exit(main())
