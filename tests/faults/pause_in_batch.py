"""gunicorn configuration for the SIGKILL test: the worker pauses inside a batch of statements.

Once the statements' rows are written and before the transaction commits, the worker writes its
pid to the file named by UPREST_PAUSE_MARKER and sleeps, so the test can kill it at exactly that
point. It pauses only once: the client's retry, served by the next worker, runs through.
"""

import os
import time
from pathlib import Path

import sqlalchemy as sa

MARKER = Path(os.environ["UPREST_PAUSE_MARKER"])


def _pause(conn, cursor, statement, *args):
    if statement.startswith("INSERT INTO xapi_statement_index") and not MARKER.exists():
        MARKER.write_text(str(os.getpid()))
        time.sleep(30)


sa.event.listen(sa.engine.Engine, "after_cursor_execute", _pause)
