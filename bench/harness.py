"""What the benchmarks share: a throw-away database, the flask CLI, the app under gunicorn."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@contextmanager
def throwaway(engine_name: str, prefix: str = "uprest_bench", keep: bool = False):
    """The URL of a new, empty database; removed afterwards unless ``keep``.

    SQLite: a file in a temporary folder. PostgreSQL: a new database on BENCH_DATABASE_URL
    (default ``DEFAULT_PG``), dropped with its connections at the end.
    """
    if engine_name == "sqlite":
        folder = tempfile.mkdtemp(prefix=f"{prefix}_")
        try:
            yield f"sqlite:///{folder}/bench.sqlite"
        finally:
            if not keep:
                shutil.rmtree(folder)
        return
    base = os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG)
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        if not keep:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def flask_cli(env: dict, *args: str) -> str:
    """Run ``flask --app uprest ARGS`` as an operator would; its standard output."""
    command = [str(ROOT / ".venv/bin/flask"), "--app", "uprest", *args]
    done = subprocess.run(command, cwd=ROOT, env=env, text=True, capture_output=True)
    if done.returncode:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(env: dict, workers: int, worker_class: str, log: Path, threads: int | None = None):
    """The app under gunicorn on a free port; yields its base URL and the master's pid.

    ``threads`` defaults to 4 for gthread workers and 1 otherwise.
    """
    port = free_port()
    threads = threads or (4 if worker_class == "gthread" else 1)
    options = f"-w {workers} -k {worker_class} --threads {threads} -b 127.0.0.1:{port}".split()
    with open(log, "w") as out:
        command = [str(ROOT / ".venv/bin/gunicorn"), *options, "uprest:create_app()"]
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if requests.get(base + "/xapi/about", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        yield base, server.pid
    except BaseException:
        print(log.read_text()[-4000:], file=sys.stderr)
        raise
    finally:
        server.terminate()
        server.wait(30)


def children(pid: int) -> list[int]:
    """The direct children of a process (a gunicorn master's workers)."""
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def proc_cpu(pids) -> float:
    """CPU seconds (user + system) these processes have used so far."""
    total = 0
    for pid in pids:
        try:  # utime and stime are fields 14 and 15 of /proc/PID/stat
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def percentile(samples: list[float], q: float) -> float:
    """The nearest-rank percentile ``q`` (0–100) of the samples."""
    ordered = sorted(samples)
    index = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]
