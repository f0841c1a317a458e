"""A real server for end-to-end tests: gunicorn in a subprocess, on a throwaway database.

Browser journeys and fault tests talk to it over HTTP, as users and LRS clients do. It is set up
the way an operator would: ``flask db upgrade``, ``flask uprest import-courses``, CLI commands for
accounts; the console mail backend prints e-mails into the server log, where tests read links.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

BIN = Path(sys.executable).parent
COURSES = Path(__file__).resolve().parent / "data" / "courses"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """``gunicorn "uprest:create_app()"`` in production mode; its log is kept in ``folder``."""

    def __init__(self, folder: Path, database_url: str, *, workers: int = 2, **env: str):
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = folder / "server.log"
        self.workers = workers
        self.process: subprocess.Popen | None = None
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("UPREST_", "MAIL_", "FLASK_")) and key != "DATABASE_URL"
        }
        self.env.update(
            {
                "DATABASE_URL": database_url,
                "SECRET_KEY": "live-server-secret-key-for-tests",
                "FLASK_DEBUG": "0",
                "PYTHONUNBUFFERED": "1",  # console e-mails reach the log at once
                "UPREST_SECURE_COOKIES": "0",  # plain http on 127.0.0.1
                "UPREST_LOGIN_LIMIT": "1000 per minute",
                "UPREST_LOGIN_ADDRESS_LIMIT": "1000 per minute",
                "UPREST_LOGIN_IP_LIMIT": "1000 per minute",
                "UPREST_ARGON2_TIME_COST": "1",
                "UPREST_ARGON2_MEMORY_KIB": "8192",
                **env,
            }
        )

    def flask(self, *args: str, check: bool = True) -> str:
        """Run ``flask --app uprest ARGS`` against the server's database; its output."""
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "uprest", *args],
            env=self.env,
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if check and done.returncode:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def prepare(self, courses: Path | None = COURSES) -> None:
        self.flask("db", "upgrade")
        if courses is not None:
            self.flask("uprest", "import-courses", str(courses))

    def create_user(self, email: str, name: str, role: str = "learner", **options: str) -> None:
        args = ["uprest", "create-user", email, "--name", name, "--role", role]
        args += ["--password", options.pop("password", PASSWORD)]
        for key, value in options.items():
            args += [f"--{key.replace('_', '-')}", value]
        self.flask(*args)

    def start(self, config: Path | None = None) -> LiveServer:
        command = [
            str(BIN / "gunicorn"),
            "--workers",
            str(self.workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--graceful-timeout",
            "2",
            "--timeout",
            "60",
        ]
        if config is not None:
            command += ["--config", str(config)]
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [*command, "uprest:create_app()"],
            env=self.env,
            cwd=self.folder,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.wait_until_up()
        return self

    def wait_until_up(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped at start-up:\n{self.log()}")
            try:
                requests.get(self.url + "/xapi/about", timeout=1)
                return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError(f"the server did not start in {timeout} s:\n{self.log()}")

    def worker_pids(self) -> list[int]:
        """The gunicorn workers: the master's children, read from /proc."""
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    pids.append(int(entry.name))
        return pids

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def links_to(self, address: str, path: str) -> list[str]:
        """Links under ``path`` in the e-mails the console backend printed for ``address``."""
        found = []
        for message in self.log().split("-" * 79):
            if re.search(rf"^To: {re.escape(address)}$", message, re.MULTILINE):
                found += re.findall(rf"{re.escape(self.url + path)}\S+", message)
        return found


PASSWORD = "correct horse battery"
