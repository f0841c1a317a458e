"""UPREST's Alembic history, run on UPREST's own engine in the standalone app or in a host.

``flask uprest db-upgrade`` calls these; they need no Flask-Migrate, so a host's own
``flask db`` keeps its own history (``migrations/env.py`` keeps UPREST's revision in
``alembic_version_uprest``).
"""

from alembic import command
from alembic.config import Config

from uprest.config import MIGRATIONS_DIR


def alembic_config() -> Config:
    config = Config(str(MIGRATIONS_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade(revision: str = "head") -> None:
    """Apply UPREST's migrations up to ``revision`` (inside an app context)."""
    command.upgrade(alembic_config(), revision)


def downgrade(revision: str) -> None:
    command.downgrade(alembic_config(), revision)


def current() -> None:
    """Print the revision of the database (Alembic writes it to standard output)."""
    command.current(alembic_config())
