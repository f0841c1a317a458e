"""Deterministic, realistic xAPI statements for ``lrs_bench.py``, and the values to query."""

from __future__ import annotations

import json
import random
import uuid
from datetime import UTC, datetime, timedelta

ADL = "http://adlnet.gov/expapi/verbs/"
# launched … terminated frame every visit of an activity (cmi5-like); the rest happen in between
FRAME = ["launched", "initialized", "completed", "passed", "failed", "terminated"]
MIDDLE = {"experienced": 30, "progressed": 20, "answered": 25, "interacted": 15}
RARE = (
    "attended attempted suspended resumed scored registered asked commented exited logged-in "
    "logged-out mastered preferred shared imported created"
).split()
CUSTOM_VERBS = [
    f"http://id.tincanapi.com/verb/{v}"
    for v in "viewed bookmarked downloaded rated liked skipped replied".split()
] + [
    f"https://learn.uprest.eu/xapi/verbs/{v}"
    for v in "self-assessed reflected planned uploaded reviewed reset-goal joined-team".split()
]
SCORED = {"answered", "passed", "failed", "scored", "mastered"}
LANGS = ["en-US", "sv-SE", "it-IT", "lv-LV", "et-EE", "fi-FI", "de-DE"]
PROGRESS = "https://w3id.org/xapi/cmi5/result/extensions/progress"
QUERY_TYPES = ("agent", "verb", "activity", "registration", "related_activities", "related_agents")


def uuid4(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


class Generator:
    """Deterministic, realistic statements; remembers the values queries can ask for.

    5,000 learners (mbox or account) follow registrations (learner × one of 25 courses) that
    visit 1–4 of the course's 1,800 lessons; each visit is launched … terminated with 1–6
    statements in between. 200 registrations run at once and their statements interleave.
    """

    def __init__(self, seed: int):
        self.rng = rng = random.Random(seed)
        self.learners = [self._agent(i, rng.random() < 0.6) for i in range(5000)]
        self.instructors = [self._agent(9000 + i, True) for i in range(60)]
        self.teams = [
            {
                "objectType": "Group",
                "name": f"Team {t}",
                "member": [self._ifi(a) for a in rng.sample(self.learners, rng.randint(3, 6))],
            }
            for t in range(150)
        ]
        self.courses = [self._activity(f"courses/{c}", "course") for c in range(25)]
        self.modules = [
            self._activity(f"courses/{m % 25}/modules/m{m}", "module") for m in range(175)
        ]
        self.lessons: dict[int, list] = {c: [] for c in range(25)}
        for i in range(1800):
            m = rng.randrange(175)
            kind = rng.choice(["lesson", "assessment", "media"])
            path = f"courses/{m % 25}/modules/m{m}/lessons/{i}"
            self.lessons[m % 25].append((self.modules[m], self._activity(path, kind)))
        middle = {**MIDDLE, **{v: 1 for v in RARE + CUSTOM_VERBS}}
        self.middle, self.weights = list(middle), list(middle.values())
        self.active: list[dict] = []
        self.enrolled = 0
        self.clock = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)
        self.pools = {k: {} for k in QUERY_TYPES}  # query type -> {value: None}, ordered

    def _agent(self, i: int, mbox: bool) -> dict:
        first = self.rng.choice(["Anna", "Jānis", "Liis", "Marco", "Sofia", "Erik", "Kadri"])
        if mbox:
            return {"name": f"{first} {i}", "mbox": f"mailto:{first.lower()}.{i}@ex{i % 7}.eu"}
        return {
            "objectType": "Agent",
            "name": f"{first} {i}",
            "account": {"homePage": f"https://sso.town{i % 6}.example", "name": f"u{i:05d}"},
        }

    @staticmethod
    def _ifi(agent: dict) -> dict:
        return {k: v for k, v in agent.items() if k in ("mbox", "account")}

    def _activity(self, path: str, kind: str) -> dict:
        langs = [LANGS[0], *self.rng.sample(LANGS[1:], self.rng.randint(1, 4))]
        definition = {
            "name": {lang: f"{kind.title()} {path} ({lang})" for lang in langs},
            "type": f"http://adlnet.gov/expapi/activities/{kind}",
        }
        if self.rng.random() < 0.5:
            definition["description"] = {lang: f"About {path} in {lang}" for lang in langs}
        return {
            "objectType": "Activity",
            "id": f"https://learn.uprest.eu/xapi/{path}",
            "definition": definition,
        }

    def _registration(self) -> dict:
        """A learner's enrolment in a course and the statements it will produce, in order."""
        rng, course = self.rng, self.rng.randrange(25)
        plan = []
        for module, lesson in rng.sample(self.lessons[course], rng.randint(1, 4)):
            middle = rng.choices(self.middle, self.weights, k=rng.randint(1, 6))
            end = rng.choice(FRAME[2:5])
            plan += [(module, lesson, verb) for verb in [*FRAME[:2], *middle, end, FRAME[5]]]
        self.enrolled += 1  # every learner has a registration before anyone has two
        return {
            "id": uuid4(rng),
            "learner": self.learners[self.enrolled % 5000],
            "course": course,
            "instructor": rng.choice(self.instructors) if rng.random() < 0.4 else None,
            "team": rng.choice(self.teams) if rng.random() < 0.1 else None,
            "lang": rng.choice(LANGS),
            "plan": plan[::-1],
        }

    def statement(self) -> dict:
        """The next statement of one of the running registrations."""
        rng = self.rng
        while len(self.active) < 200:
            self.active.append(self._registration())
        reg = rng.choice(self.active)
        module, lesson, name = reg["plan"].pop()
        if not reg["plan"]:
            self.active.remove(reg)
        verb = name if name.startswith("http") else ADL + name
        name = verb.rsplit("/", 1)[1]
        display = {"en-US": name} | ({"sv-SE": name + " (sv)"} if rng.random() < 0.3 else {})
        self.clock += timedelta(milliseconds=rng.randint(50, 5000))
        context = {
            "registration": reg["id"],
            "language": reg["lang"],
            "platform": "H5P",
            "contextActivities": {
                "parent": [{"id": module["id"]}],
                "grouping": [{"id": self.courses[reg["course"]]["id"]}],
            },
            "extensions": {"http://id.tincanapi.com/extension/attempt-id": 1},
        }
        if rng.random() < 0.3:
            context["contextActivities"]["category"] = [{"id": "https://w3id.org/xapi/cmi5/v1.0"}]
        for key in ("instructor", "team"):
            if reg[key]:
                context[key] = reg[key]
        data = {
            "id": uuid4(rng),
            "actor": reg["learner"],
            "verb": {"id": verb, "display": display},
            "object": lesson,
            "context": context,
            "timestamp": self.clock.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        }
        data["result"] = result = {}
        if name in SCORED:
            raw = rng.randint(0, 100) if name != "passed" else rng.randint(60, 100)
            raw = min(raw, 59) if name == "failed" else raw
            result |= {
                "score": {"scaled": raw / 100, "raw": raw, "min": 0, "max": 100},
                "success": raw >= 60,
            }
        if name == "answered":
            result["response"] = rng.choice(["a", "b", "c", "true", "false"])
        if name in ("completed", "passed", "failed", "terminated"):
            minutes, seconds = rng.randint(0, 59), rng.uniform(0, 59.99)
            result |= {"completion": name != "failed", "duration": f"PT{minutes}M{seconds:.2f}S"}
        if name == "progressed":
            result["extensions"] = {PROGRESS: rng.randint(1, 99)}
        if not result:
            del data["result"]
        self._remember(data)
        return data

    def _remember(self, data: dict) -> None:
        pools, ctx = self.pools, data["context"]
        pools["agent"][json.dumps(self._ifi(data["actor"]))] = None
        pools["verb"][data["verb"]["id"]] = None
        pools["activity"][data["object"]["id"]] = None
        pools["registration"][ctx["registration"]] = None
        for entries in ctx["contextActivities"].values():
            pools["related_activities"].update({e["id"]: None for e in entries})
        for agent in [data["actor"], ctx.get("instructor"), *ctx.get("team", {}).get("member", [])]:
            if agent:
                pools["related_agents"][json.dumps(self._ifi(agent))] = None

    def batches(self, statements: int, size: int) -> list[bytes]:
        """Pre-serialised POST bodies of ``size`` statements each."""
        return [
            json.dumps([self.statement() for _ in range(min(size, statements - i))]).encode()
            for i in range(0, statements, size)
        ]
