"""Cron runs that overlap: several `flask uprest send-notifications` processes at once, against
one database and a real SMTP server, send each notification exactly once."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pytest

from tests.conftest import throwaway_database
from tests.live import LiveServer
from tests.smtp_sink import smtp_sink

pytestmark = pytest.mark.nodb

RUNS = 4


def test_overlapping_runs_send_each_notification_once(tmp_path):
    with smtp_sink() as sink, throwaway_database(tmp_path) as url:
        site = LiveServer(
            tmp_path / "site",
            url,
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=str(sink.port),
            MAIL_USE_TLS="0",
            UPREST_BASE_URL="https://learn.example.org",
            # Every open demo wave counts as just opened and as closing soon.
            UPREST_NOTIFY_LOOKBACK_DAYS="3650",
            UPREST_NOTIFY_CLOSING_DAYS="3650",
        )
        site.prepare()
        site.flask("uprest", "seed-demo")
        command = [sys.executable, "-m", "flask", "--app", "uprest", "uprest", "send-notifications"]
        runs = [
            subprocess.Popen(
                command, env=site.env, cwd=site.folder, stdout=subprocess.PIPE, text=True
            )
            for _ in range(RUNS)
        ]
        outputs = [run.communicate(timeout=120)[0] for run in runs]
        assert all(run.returncode == 0 for run in runs), outputs
        sent = Counter((str(m["To"]), str(m["Subject"]).strip()) for m in sink.messages)
        assert len(sent) >= 2, "the demo data should make several notifications due"
        assert max(sent.values()) == 1, [key for key, n in sent.items() if n > 1]
        reported = sum(int(out.split("sent ")[1].split(",")[0]) for out in outputs)
        assert reported == len(sink.messages)
        # And a later run finds nothing left to send.
        assert "sent 0, failed 0" in site.flask("uprest", "send-notifications")
        assert len(sink.messages) == sum(sent.values())
