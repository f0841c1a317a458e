"""Browser journeys: Debian's Chromium, driven by Playwright, against gunicorn on SQLite.

The journeys run once per ``make test`` (marked ``browser`` and ``once``): they test what users
see, not the database engine, and a SQLite file keeps them fast; the engine-specific behaviour
is covered by the rest of the suite, which runs on both engines.

Without Chromium, Playwright or npm the journeys are skipped on a developer's machine and fail
in CI (``CI=true``), so a broken browser setup never passes unnoticed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.journey import A11yReport, Journey
from tests.conftest import compile_catalogues
from tests.live import LiveServer

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.call_failed = report.failed
    return report


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core, installed with npm from the version pinned in package.json on first use."""
    script = HERE / "node_modules" / "axe-core" / "axe.min.js"
    cmi5 = HERE / "node_modules" / "@xapi" / "cmi5" / "dist" / "Cmi5.umd.js"  # the cmi5 AU's
    if not (script.exists() and cmi5.exists()):
        npm = shutil.which("npm")
        if npm is None:
            unavailable("npm is not installed, so axe-core cannot be fetched")
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=HERE,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode or not script.exists():
            unavailable(f"npm could not install axe-core:\n{done.stdout}\n{done.stderr}")
    return script.read_text()


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright is not installed (pip install -e .[test])")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Exception as error:
        playwright.stop()
        unavailable(f"Chromium cannot start: {error}")
    yield browser
    browser.close()
    playwright.stop()


class FarLrs(ThreadingHTTPServer):
    """A tiny external LRS for forwarding: 409 for the statement ids in ``conflicts``, else 204."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), FarLrsHandler)
        self.conflicts: set[str] = set()
        self.received: list[str] = []
        self.url = f"http://127.0.0.1:{self.server_address[1]}/xapi"


class FarLrsHandler(BaseHTTPRequestHandler):
    def do_PUT(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        statement_id = parse_qs(urlsplit(self.path).query).get("statementId", [""])[0]
        if statement_id in self.server.conflicts:
            body = json.dumps({"error": "a different statement has this id"}).encode()
            self.send_response(409)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.server.received.append(statement_id)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def far_lrs():
    server = FarLrs()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def live(tmp_path_factory, far_lrs):
    """The app under gunicorn on a SQLite file: fixture courses, demo accounts, forwarding on."""
    compile_catalogues()
    folder = tmp_path_factory.mktemp("live")
    server = LiveServer(
        folder,
        f"sqlite:///{folder / 'uprest.sqlite'}",
        UPREST_XAPI_FORWARD_URL=far_lrs.url,
        UPREST_XAPI_FORWARD_KEY="key",
        UPREST_XAPI_FORWARD_SECRET="secret",
        UPREST_CREDENTIAL_KEY_FILE=str(folder / "credential-signing-key.pem"),
    )
    # cmi5 packages from another origin of the same server (cookies are per host name)
    server.env["UPREST_CMI5_CONTENT_URL"] = f"http://localhost:{server.port}"
    server.prepare()
    server.flask("uprest", "credentials-keygen")
    server.flask("uprest", "seed-demo")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def a11y_report():
    report = A11yReport()
    yield report
    report.write()


@pytest.fixture
def journey(request, chromium, axe_source, live, a11y_report):
    """``journey(locale)`` opens a fresh browser context (own cookies) in that language."""
    opened: list[Journey] = []

    def open_journey(locale: str, *, phone: bool = False) -> Journey:
        viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 800}
        context = chromium.new_context(
            locale=locale, viewport=viewport, device_scale_factor=1, is_mobile=phone
        )
        context.set_default_timeout(15_000)
        opened.append(
            Journey(
                context, base_url=live.url, locale=locale, axe_source=axe_source, report=a11y_report
            )
        )
        return opened[-1]

    yield open_journey
    failed = getattr(request.node, "call_failed", True)
    for number, item in enumerate(opened, start=1):
        item.close(failed_as=f"{request.node.name}-{number}" if failed else None)
        if not failed:
            assert not item.csp_errors, item.csp_errors
