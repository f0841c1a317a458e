"""Benchmark (not a test): the built-in LRS under gunicorn — ingest rate and query latency.

For each engine: a throw-away database (SQLite file; PostgreSQL database created on
BENCH_DATABASE_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/test, dropped at the
end), migrations, an LRS client, and the app under gunicorn on a free 127.0.0.1 port. Then:

1. POST --statements generated statements (``lrs_statements.py``) in batches of 50 from 4 client
   threads; the HTTP rate, and the CPU the workers and database backends spent per statement;
2. time statement queries (agent, verb, activity, registration, related_*) through HTTP;
3. insert the same kind of rows (xapi_statements + xapi_statement_index, built with the LRS's
   own ``store`` helpers) straight into the database, 50 per transaction: the raw rate;
4. raw-insert up to --total statements and time the queries again.

    .venv/bin/python bench/lrs_bench.py [--engines sqlite,postgresql] [--statements 100000]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from harness import children, flask_cli, gunicorn, proc_cpu, throwaway  # noqa: E402
from lrs_statements import QUERY_TYPES, Generator  # noqa: E402

import uprest.accounts.models  # noqa: E402, F401 (gives xapi_statements.user_id its type)
from uprest.core import bulk  # noqa: E402
from uprest.xapi import store  # noqa: E402
from uprest.xapi.models import Statement, StatementIndex  # noqa: E402

BATCH, CLIENT_THREADS, VERSION = 50, 4, "1.0.3"
PARAMETER = {"related_activities": "activity", "related_agents": "agent"}
README_START, README_END = "<!-- lrs-bench:start -->", "<!-- lrs-bench:end -->"


def server_cpu(master: int, engine: sa.Engine) -> tuple[float, float]:
    """CPU seconds of the gunicorn workers and of this database's backends (PostgreSQL).

    The machine may be shared: wall-clock rates then vary, CPU per statement much less.
    """
    workers = children(master)
    backends = []
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            backends = conn.scalars(sa.text(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )).all()  # fmt: skip
    return proc_cpu(workers), proc_cpu(backends)


def post_all(base: str, auth: tuple[str, str], batches: list[bytes]) -> tuple[float, int]:
    """POST every batch from CLIENT_THREADS threads; seconds taken and requests retried."""
    counter, lock, retries, failures = iter(range(len(batches))), threading.Lock(), [0], []
    headers = {"Content-Type": "application/json", "X-Experience-API-Version": VERSION}

    def work():
        with requests.Session() as session:
            session.auth, session.headers = auth, headers
            while (index := next(counter, None)) is not None:  # next() on a range is atomic
                for attempt in range(50):  # a 500 (lock or unique conflict): retry as clients do
                    response = session.post(base + "/xapi/statements", data=batches[index])
                    if response.status_code == 200:
                        break
                    with lock:
                        retries[0] += 1
                    time.sleep(min(0.5, 0.02 * (attempt + 1)) * (0.5 + random.random()))
                else:
                    failures.append((response.status_code, response.text[:300]))
                    return

    threads = [threading.Thread(target=work) for _ in range(CLIENT_THREADS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"POST failed: {failures[0]}")
    return time.perf_counter() - started, retries[0]


def time_queries(base: str, auth, gen: Generator, repeat: int, seed: int) -> dict:
    """Per (query type, limit): p50, p95 and max in ms, and the mean page length; printed."""
    rng, results = random.Random(seed), {}
    with requests.Session() as session:
        session.auth, url = auth, base + "/xapi/statements"
        session.headers["X-Experience-API-Version"] = VERSION
        for _ in range(20):  # warm up every worker's connection pool
            session.get(url, params={"limit": 10})
        for kind in QUERY_TYPES:
            pool = list(gen.pools[kind])
            for limit in (50, 10):
                samples, returned = [], 0
                for _ in range(repeat):
                    params = {PARAMETER.get(kind, kind): rng.choice(pool), "limit": limit}
                    if kind.startswith("related"):
                        params[kind] = "true"
                    started = time.perf_counter()
                    response = session.get(url, params=params)
                    samples.append((time.perf_counter() - started) * 1000)
                    if response.status_code != 200:
                        raise RuntimeError(f"{kind}: {response.status_code} {response.text[:300]}")
                    returned += len(response.json()["statements"])
                p50, p95 = statistics.median(samples), statistics.quantiles(samples, n=100)[94]
                top, returned = max(samples), returned / repeat
                results[kind, limit] = (p50, p95, top, returned)
                print(f"  {kind:<19} limit {limit:<3} p50 {p50:6.1f}  p95 {p95:6.1f}  "
                      f"max {top:7.1f} ms  ({returned:.0f} returned)", flush=True)  # fmt: skip
    return results


def raw_engine(url: str) -> sa.Engine:
    """An engine set up like the app's (SQLite: WAL, foreign keys, busy timeout)."""
    engine = sa.create_engine(url)
    if engine.dialect.name == "sqlite":

        @sa.event.listens_for(engine, "connect")
        def on_connect(dbapi_connection, _record):
            for pragma in ("foreign_keys=ON", "journal_mode=WAL", "busy_timeout=5000"):
                dbapi_connection.execute(f"PRAGMA {pragma}")

    return engine


def raw_rows(gen: Generator, count: int, writer: store.Writer) -> list[tuple[dict, list]]:
    """What the LRS writes per statement: the xapi_statements columns and the index facts."""
    rows = []
    for _ in range(count):
        stored = store._next_stored()
        data = store.prepare(gen.statement(), version=VERSION, writer=writer, stored=stored)
        rows.append((store._columns(data, writer), sorted(store._index_rows(data))))
    return rows


def raw_insert(engine: sa.Engine, rows: list, batch: int = BATCH) -> tuple[float, float]:
    """Insert as ``store._insert_batch`` does, with the same bulk helpers (COPY on PostgreSQL,
    executemany on SQLite), and a commit per ``batch``.

    Returns the seconds taken and the CPU seconds of this process and its database backend.
    """
    table = Statement.__table__
    with engine.connect() as conn:
        backend = []
        if engine.dialect.name == "postgresql":
            backend = [conn.scalar(sa.text("SELECT pg_backend_pid()"))]
        started, cpu = time.perf_counter(), time.process_time() + proc_cpu(backend)
        for i in range(0, len(rows), batch):
            part = rows[i : i + batch]
            pks = bulk.insert_returning_ids(table, [columns for columns, _ in part], conn)
            index_rows = [
                (pk, int(kind), value, columns["stored"])
                for pk, (columns, facts) in zip(pks, part, strict=True)
                for kind, value in facts
            ]
            bulk.insert_rows(StatementIndex.__table__, store.INDEX_COLUMNS, index_rows, conn)
            conn.commit()
        cpu = time.process_time() + proc_cpu(backend) - cpu
    return time.perf_counter() - started, cpu


def analyse(engine: sa.Engine) -> None:
    """PostgreSQL: what autovacuum would do after a bulk load. SQLite: nothing runs ANALYZE."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")


def ingest(base: str, master: int, engine: sa.Engine, auth, batches: list, count: int) -> dict:
    """POST the batches: statements/s, retried requests, server CPU per statement."""
    before = server_cpu(master, engine)
    seconds, retries = post_all(base, auth, batches)
    app_cpu, db_cpu = (b - a for a, b in zip(before, server_cpu(master, engine), strict=True))
    with engine.connect() as conn:
        stored = conn.scalar(sa.select(sa.func.count()).select_from(Statement.__table__))
    assert stored == count, (stored, count)
    figures = {"stored": stored, "http": stored / seconds, "retries": retries}
    figures |= {"cpu": (app_cpu + db_cpu) * 1000 / stored, "db_cpu": db_cpu * 1000 / stored}
    print(f"  HTTP ingest: {figures['http']:,.0f} statements/s ({seconds:.0f} s, {retries} "
          f"requests retried, load average {os.getloadavg()[0]:.1f}), {stored:,} stored; "
          f"CPU {figures['cpu']:.2f} ms/statement ({db_cpu * 1000 / stored:.2f} in the database)",
          flush=True)  # fmt: skip
    return figures


def run_engine(engine_name: str, args: argparse.Namespace) -> dict:
    """Every measurement on one engine, in a database of its own."""
    print(f"== {engine_name} ==", flush=True)
    gen, queries = Generator(args.seed), {}
    database = throwaway(engine_name, "uprest_lrsbench", args.keep)
    with database as url, tempfile.TemporaryDirectory() as scratch:
        if args.keep:
            print(f"  database kept: {url}")
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(16)}
        env["UPREST_SECURE_COOKIES"] = "0"
        flask_cli(env, "db", "upgrade")
        auth = tuple(flask_cli(env, "uprest", "lrs-client", "create", "bench").split()[-2:])
        batches = gen.batches(args.statements, BATCH)
        engine, workers = raw_engine(url), args.workers[engine_name]
        log = Path(scratch) / "gunicorn.log"
        with gunicorn(env, workers, args.worker_class, log) as (base, master):
            result = ingest(base, master, engine, auth, batches, args.statements)
            total = result["stored"]
            if args.repeat:
                analyse(engine)
                queries[total] = time_queries(base, auth, gen, args.repeat, 1)
            with engine.connect() as conn:
                client_id = conn.scalar(sa.text("SELECT id FROM uprest_xapi_clients"))
            authority = {"objectType": "Agent", "name": "bench"}
            authority["account"] = {"homePage": base + "/xapi", "name": auth[0]}
            writer = store.Writer(authority=authority, client_id=client_id)
            seconds, cpu = raw_insert(engine, raw_rows(gen, args.raw_statements, writer))
            total += args.raw_statements
            result |= {"raw": args.raw_statements / seconds, "queries": queries}
            result |= {"raw_cpu": cpu * 1000 / args.raw_statements}
            result["ratio"] = result["http"] / result["raw"]
            print(f"  raw insert: {result['raw']:,.0f} statements/s, CPU {result['raw_cpu']:.2f} "
                  f"ms/statement; HTTP/raw {result['ratio']:.0%}", flush=True)  # fmt: skip
            if args.repeat and args.total > total and engine_name not in args.total_engines:
                print(f"  {args.total:,} statements: skipped on {engine_name}", flush=True)
            elif args.repeat and args.total > total:
                started = time.perf_counter()
                while total < args.total:  # untimed, so in bigger transactions
                    chunk = min(20_000, args.total - total)
                    raw_insert(engine, raw_rows(gen, chunk, writer), batch=1000)
                    total += chunk
                print(f"  filled to {total:,} in {time.perf_counter() - started:.0f} s", flush=True)
                analyse(engine)
                queries[total] = time_queries(base, auth, gen, args.repeat, 2)
        engine.dispose()
    return result


def tables(results: dict, args: argparse.Namespace) -> str:
    """Markdown tables of every figure."""
    servers = ", ".join(f"{args.workers[name]} on {name}" for name in results)
    lines = [
        f"Run on {datetime.now():%Y-%m-%d}: {os.cpu_count()} cores, Python "
        f"{sys.version.split()[0]}, gunicorn {args.worker_class} workers ({servers}), "
        f"{CLIENT_THREADS} client threads, batches of {BATCH}, seed {args.seed}.",
        "",
        "| engine | HTTP ingest | raw insert | HTTP / raw | retried POSTs "
        "| CPU per statement, HTTP (database part) | CPU per statement, raw "
        "| CPU-bound ceiling, HTTP / raw |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    cores = os.cpu_count() or 1
    for name, r in results.items():
        ceilings = f"{cores * 1000 / r['cpu']:,.0f}/s / {cores * 1000 / r['raw_cpu']:,.0f}/s"
        lines.append(
            f"| {name} | {r['http']:,.0f}/s | {r['raw']:,.0f}/s | {r['ratio']:.0%} "
            f"| {r['retries']} | {r['cpu']:.2f} ms ({r['db_cpu']:.2f} ms) | {r['raw_cpu']:.2f} ms "
            f"| {ceilings} |"
        )
    heads = " | ".join(f"{name} p50 / p95 / max (ms)" for name in results)
    lines += ["", f"| stored | query | limit | {heads} |"]
    lines.append("| ---: | --- | ---: |" + " ---: |" * len(results))
    rows = {(n, *key) for r in results.values() for n, q in r["queries"].items() for key in q}
    for n, kind, limit in sorted(rows, key=lambda r: (r[0], QUERY_TYPES.index(r[1]), -r[2])):
        figures = [r["queries"].get(n, {}).get((kind, limit)) for r in results.values()]
        cells = [" / ".join(f"{x:.1f}" for x in f[:3]) if f else "not run" for f in figures]
        lines.append(f"| {n:,} | {kind} | {limit} | {' | '.join(cells)} |")
    return "\n".join(lines)


def write_readme(text: str) -> None:
    """Replace the figures between the markers of the "LRS benchmark" section (or add it)."""
    readme = ROOT / "bench" / "README.md"
    content = readme.read_text() if readme.exists() else "# Benchmarks\n"
    block = f"{README_START}\n{text}\n{README_END}"
    if README_START in content:
        pattern = re.escape(README_START) + ".*?" + re.escape(README_END)
        content = re.sub(pattern, lambda _match: block, content, flags=re.S)
    else:
        content = content.rstrip() + f"\n\n## LRS benchmark (`lrs_bench.py`)\n\n{block}\n"
    readme.write_text(content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--engines", default="sqlite,postgresql")
    add("--statements", type=int, default=100_000, help="posted through HTTP")
    add("--raw-statements", type=int, help="inserted raw and timed (default: --statements)")
    add("--total", type=int, default=1_000_000, help="stored for the second query round")
    add("--total-engines", default="sqlite,postgresql", help="engines filled up to --total")
    add("--repeat", type=int, default=200, help="requests per query type and limit (0: none)")
    add("--workers", default="sqlite:1,postgresql:3", help="per engine (ENGINE:N,...) or N")
    add("--worker-class", default="sync", choices=["sync", "gthread"], help="gthread: 4 threads")
    add("--seed", type=int, default=2026)
    add("--no-readme", action="store_true", help="print the figures only")
    add("--keep", action="store_true", help="keep the databases (to EXPLAIN queries)")
    args = parser.parse_args()
    args.raw_statements = args.raw_statements or args.statements
    args.total_engines = args.total_engines.split(",")
    counts = dict(item.rpartition(":")[::2] for item in args.workers.split(","))
    args.workers = {
        name: int(counts.get(name, counts.get(""))) for name in ("sqlite", "postgresql")
    }
    results = {name: run_engine(name, args) for name in args.engines.split(",")}
    text = tables(results, args)
    print("\n" + text)
    if not args.no_readme:
        write_readme(text)


if __name__ == "__main__":
    main()
