"""Benchmark (not a test): the municipality summary page and its exports at scale.

Generates 10,000 businesses and 100,000 survey responses (10,000 business parts and 90,000
staff self-assessments, 25 competences each: about 2.5 million ratings) in a throw-away
database, then times the summary page and the three exports through the Flask test client.

    .venv/bin/python bench/summary_bench.py                 # PostgreSQL and SQLite
    .venv/bin/python bench/summary_bench.py --engine sqlite --repeat 20

PostgreSQL: a database is created on BENCH_DATABASE_URL (default
postgresql+psycopg://postgres@127.0.0.1:5432/test) and dropped afterwards.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from flask_migrate import upgrade  # noqa: E402
from harness import percentile, throwaway  # noqa: E402

from uprest import create_app  # noqa: E402
from uprest.accounts import services as account_services  # noqa: E402
from uprest.accounts.models import Municipality, Role, Sector, SizeBand  # noqa: E402
from uprest.extensions import db  # noqa: E402
from uprest.surveys import gaps  # noqa: E402
from uprest.surveys.services import open_wave  # noqa: E402

BUSINESSES = 10_000
RESPONSES = 100_000
PASSWORD = "benchmark password"


def _random_level(dialect: str) -> str:
    """A pseudo-random level 1..5 in SQL (each use draws anew)."""
    if dialect == "sqlite":
        return "(1 + abs(random() % 5))"
    return "(1 + floor(random() * 5)::int)"


def generate(app) -> tuple[int, int]:
    """Fill the database; returns the wave's id and the reviewer's municipality's id."""
    started = time.perf_counter()
    with app.app_context():
        dialect = db.engine.dialect.name
        places = db.session.scalars(sa.select(Municipality.id).order_by(Municipality.id)).all()
        sectors, sizes = list(Sector), list(SizeBand)
        db.session.execute(
            sa.text(
                "INSERT INTO uprest_businesses (name, sector, size_band, municipality_id, created_at, "
                "confirmed_at) VALUES (:name, :sector, :size, :place, CURRENT_TIMESTAMP, "
                "CURRENT_TIMESTAMP)"
            ),
            [
                {
                    "name": f"Bench business {i:05d}",
                    "sector": sectors[(i * 7) % len(sectors)].value,
                    "size": sizes[(i * 3) % 5 % len(sizes)].value,
                    "place": places[i % len(places)],
                }
                for i in range(BUSINESSES)
            ],
        )
        business_ids = db.session.scalars(sa.text("SELECT id FROM uprest_businesses ORDER BY id")).all()
        wave = open_wave(
            title="Benchmark wave",
            # closed: only a closed wave's figures are published (core.disclosure, rule 4)
            opens_on=date(2026, 1, 1),
            closes_on=date(2026, 3, 1),
            municipality=None,
            created_by=None,
        )
        series = (
            "WITH RECURSIVE series(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM series "
            "WHERE i + 1 < :n) SELECT i FROM series"
            if dialect == "sqlite"
            else "SELECT generate_series(0, :n - 1) AS i"
        )
        db.session.execute(
            sa.text(
                "INSERT INTO uprest_users (email, display_name, password_hash, role, business_id, "
                "is_enabled, session_token, created_at) SELECT 'staff' || s.i || '@bench.example', "
                "'Staff ' || s.i, 'x', 'learner', :first + s.i % :businesses, :enabled, "
                f"'t' || s.i, CURRENT_TIMESTAMP FROM ({series}) AS s"
            ),
            {
                "n": RESPONSES - BUSINESSES,
                "first": min(business_ids),
                "businesses": BUSINESSES,
                "enabled": True,
            },
        )
        db.session.execute(
            sa.text(
                "INSERT INTO uprest_business_responses (wave_id, business_id, sector, size_band, page, "
                "submitted_at, updated_at) SELECT :wave, id, sector, size_band, 5, "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM uprest_businesses"
            ),
            {"wave": wave.id},
        )
        db.session.execute(
            sa.text(
                "INSERT INTO uprest_self_assessments (wave_id, user_id, business_id, page, "
                "submitted_at, updated_at) SELECT :wave, id, business_id, 4, CURRENT_TIMESTAMP, "
                "CURRENT_TIMESTAMP FROM uprest_users WHERE business_id IS NOT NULL"
            ),
            {"wave": wave.id},
        )
        level = _random_level(dialect)
        db.session.execute(
            sa.text(
                "INSERT INTO uprest_business_ratings (response_id, competence_id, required, importance) "
                f"SELECT r.id, c.id, {level}, {level} FROM uprest_business_responses r "
                "CROSS JOIN uprest_competences c WHERE c.framework_id = :framework"
            ),
            {"framework": wave.framework_id},
        )
        db.session.execute(
            sa.text(
                "INSERT INTO uprest_self_ratings (assessment_id, competence_id, current) "
                f"SELECT a.id, c.id, {level} FROM uprest_self_assessments a "
                "CROSS JOIN uprest_competences c WHERE c.framework_id = :framework"
            ),
            {"framework": wave.framework_id},
        )
        gaps.refresh(wave.id)
        wave_id = wave.id
        account_services.create_user(
            email="reviewer@bench.example",
            display_name="Bench reviewer",
            password=PASSWORD,
            role=Role.REVIEWER,
            municipality=db.session.get(Municipality, places[0]),
        )
        db.session.commit()
    with app.app_context(), db.engine.connect() as conn:
        # what autovacuum would do after a bulk load: statistics and the visibility map
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.exec_driver_sql("VACUUM ANALYZE" if dialect == "postgresql" else "ANALYZE")
    with app.app_context():
        counts = {
            table: db.session.scalar(sa.text(f"SELECT count(*) FROM uprest_{table}"))
            for table in ("businesses", "business_responses", "self_assessments", "self_ratings")
        }
    print(f"  generated in {time.perf_counter() - started:.1f} s: {counts}")
    return wave_id, places[0]


def time_pages(app, wave_id: int, place_id: int, repeat: int) -> dict[str, tuple[float, float]]:
    client = app.test_client()
    response = client.post("/login", data={"email": "reviewer@bench.example", "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    base = f"/reports/{place_id}/waves/{wave_id}"
    results = {}
    for label, url in [
        ("summary page", base),
        ("CSV export", base + "/summary.csv"),
        ("CSVW metadata", base + "/summary.csv-metadata.json"),
        ("DCAT-AP description", base + "/dataset.jsonld"),
    ]:
        client.get(url)  # warm up caches
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        results[label] = (statistics.median(samples), percentile(samples, 95))
    return results


def run(engine_name: str, repeat: int) -> None:
    print(f"== {engine_name} ==")
    with throwaway(engine_name) as url:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "SECRET_KEY": "bench",
                "TESTING": True,
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,
                "UPREST_ARGON2_TIME_COST": 1,
                "UPREST_ARGON2_MEMORY_KIB": 1024,
            }
        )
        with app.app_context():
            upgrade()
        wave_id, place_id = generate(app)
        for label, (p50, p95) in time_pages(app, wave_id, place_id, repeat).items():
            print(f"  {label:<22} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   ({repeat} requests)")
        with app.app_context():
            db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["postgresql", "sqlite", "both"], default="both")
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    engines = ["postgresql", "sqlite"] if args.engine == "both" else [args.engine]
    for engine_name in engines:
        run(engine_name, args.repeat)


if __name__ == "__main__":
    main()
