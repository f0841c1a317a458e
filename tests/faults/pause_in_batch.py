"""gunicorn configuration for the SIGKILL test: the worker pauses inside a batch of statements.

Once the statements' rows are written (COPY or INSERT), just before the transaction commits, the
worker writes its pid to the file named by UPREST_PAUSE_MARKER and sleeps, so the test can kill it
at exactly that point. It pauses only once: the client's retry, served by the next worker, runs
through.
"""

import os
import time
from pathlib import Path

import sqlalchemy as sa

MARKER = Path(os.environ["UPREST_PAUSE_MARKER"])


def _note(conn, cursor, statement, *args):
    if "xapi_statements" in statement:
        conn.info["touched_statements"] = True


def _pause(conn):
    """Just before COMMIT of a transaction that wrote statements: every row is written."""
    if conn.info.pop("touched_statements", False) and not MARKER.exists():
        MARKER.write_text(str(os.getpid()))
        time.sleep(30)


sa.event.listen(sa.engine.Engine, "after_cursor_execute", _note)
sa.event.listen(sa.engine.Engine, "commit", _pause)
