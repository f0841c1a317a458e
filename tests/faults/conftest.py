"""Fault tests run the app under gunicorn, on a database of their own that nothing else uses."""

import pytest

from tests.conftest import throwaway_database


@pytest.fixture
def fault_database(tmp_path):
    """A fresh SQLite file, or a fresh PostgreSQL database when UPREST_TEST_ENGINE=postgresql."""
    with throwaway_database(tmp_path) as url:
        yield url
