"""Several gunicorn workers storing statements about the same activities, agents and
registrations at once: no request fails, every statement counts in the progress projection,
and every language any statement gave an activity's name is kept."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa

from tests.conftest import throwaway_database
from tests.live import LiveServer

pytestmark = pytest.mark.nodb

HEADERS = {"X-Experience-API-Version": "1.0.3"}
ADL = "http://adlnet.gov/expapi/verbs/"
LANGUAGES = ["en", "sv", "it", "lv", "et", "de"]
ACTIVITIES = [f"http://example.org/activities/concurrent-{n}" for n in range(5)]
LEARNERS = [f"mailto:learner{n}@example.org" for n in range(4)]


def make_batches(registrations: list[str]) -> list[list[dict]]:
    """12 batches of 40; batch ``b`` names every activity in ``LANGUAGES[b % 6]`` only."""
    batches = []
    for b in range(12):
        language = LANGUAGES[b % len(LANGUAGES)]
        batch = []
        for n in range(40):
            verb = ["experienced", "completed", "failed", "passed"][(b + n) % 4]
            activity = ACTIVITIES[n % len(ACTIVITIES)]
            batch.append(
                {
                    "actor": {"name": f"Learner {n % 4}", "mbox": LEARNERS[n % 4]},
                    "verb": {"id": ADL + verb, "display": {"en-US": verb}},
                    "object": {
                        "id": activity,
                        "definition": {"name": {language: f"{activity[-1]} ({language})"}},
                    },
                    "result": {"score": {"scaled": round((b * 40 + n) / 1000, 3)}},
                    "context": {"registration": registrations[n % len(registrations)]},
                }
            )
        batches.append(batch)
    return batches


@pytest.fixture
def server(tmp_path):
    with throwaway_database(tmp_path) as url:
        live = LiveServer(tmp_path / "server", url, workers=3)
        live.prepare(courses=None)
        output = live.flask("uprest", "lrs-client", "create", "Concurrent")
        live.auth = tuple(output.splitlines()[-1].split())
        live.database_url = url
        live.start()
        try:
            yield live
        finally:
            live.stop()


def test_concurrent_batches_about_the_same_things_all_count(server):
    registrations = [str(uuid.uuid4()) for _ in range(3)]
    batches = make_batches(registrations)
    start = threading.Barrier(6)  # the first six batches leave together

    def post(numbered):
        number, batch = numbered
        if number < 6:
            start.wait(timeout=30)
        return requests.post(
            f"{server.url}/xapi/statements",
            json=batch,
            auth=server.auth,
            headers=HEADERS,
            timeout=60,
        )

    with ThreadPoolExecutor(6) as pool:
        responses = list(pool.map(post, enumerate(batches)))
    assert [r.status_code for r in responses] == [200] * len(batches), [
        r.text for r in responses if r.status_code != 200
    ]

    expected: dict[tuple[str, str], list[dict]] = {}
    for statement in (s for batch in batches for s in batch):
        key = (statement["context"]["registration"], statement["object"]["id"])
        expected.setdefault(key, []).append(statement)
    engine = sa.create_engine(server.database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT registration, activity_id, statements, best_score, is_completed, "
                    "is_passed FROM uprest_learning_activity_progress"
                )
            ).all()
    finally:
        engine.dispose()
    progress = {(row[0], row[1]): row[2:] for row in rows}
    assert set(progress) == set(expected)
    for key, statements in expected.items():
        count, best, completed, passed = progress[key]
        assert count == len(statements)
        assert best == pytest.approx(max(s["result"]["score"]["scaled"] for s in statements))
        assert completed and passed  # each key saw completed and passed among its verbs

    for activity in ACTIVITIES:
        response = requests.get(
            f"{server.url}/xapi/activities",
            params={"activityId": activity},
            auth=server.auth,
            headers=HEADERS,
            timeout=30,
        )
        assert response.status_code == 200
        assert set(response.json()["definition"]["name"]) == set(LANGUAGES)
