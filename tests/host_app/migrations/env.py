"""The host's own Alembic environment (Flask-Migrate), with the default version table."""

from alembic import context
from flask import current_app

target_db = current_app.extensions["migrate"].db

with target_db.engine.connect() as connection:
    context.configure(connection=connection, target_metadata=target_db.metadata)
    with context.begin_transaction():
        context.run_migrations()
