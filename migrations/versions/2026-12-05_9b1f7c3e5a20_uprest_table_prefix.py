"""Prefix every UPREST table with uprest_, so a host application's tables never collide.

Renames the tables listed below (and only those: tables created later are named uprest_* from the
start), with their primary keys, unique and foreign-key constraints, indexes and, on PostgreSQL,
their id sequences, to the names the models' naming convention gives the new table names. Rows,
ids and foreign keys stay as they are.

SQLite cannot rename a constraint, so each table is rebuilt from its own CREATE TABLE text with the
constraint names changed (SQLite's documented way of altering a table, with foreign keys off:
migrations/env.py turns them off for the run and checks them before committing).

Revision ID: 9b1f7c3e5a20
Revises: a4c7e2d91f30
Create Date: 2026-12-05 16:40:00
"""

import re

import sqlalchemy as sa
from alembic import op
from sqlalchemy.util import md5_hex

revision = "9b1f7c3e5a20"
down_revision = "a4c7e2d91f30"
branch_labels = None
depends_on = None

PREFIX = "uprest_"
TABLES = (
    "municipalities",
    "businesses",
    "users",
    "invitations",
    "privacy_consents",
    "frameworks",
    "competence_areas",
    "competences",
    "survey_waves",
    "business_responses",
    "business_ratings",
    "self_assessments",
    "self_ratings",
    "business_gaps",
    "gap_cells",
    "gap_values",
    "course_modules",
    "course_module_versions",
    "course_module_competences",
    "course_module_locales",
    "course_paths",
    "enrolments",
    "path_enrolments",
    "learning_events",
    "learning_activity_progress",
    "certificate_revocations",
    "xapi_clients",
    "xapi_statements",
    "xapi_statement_index",
    "xapi_attachments",
    "xapi_documents",
    "xapi_activities",
    "xapi_agents",
    "xapi_outbox",
)


def upgrade():
    rename_tables({name: PREFIX + name for name in TABLES})


def downgrade():
    rename_tables({PREFIX + name: name for name in TABLES})


def rename_tables(names: dict[str, str]) -> None:
    bind = op.get_bind()
    taken = set(names.values()) & set(sa.inspect(bind).get_table_names())
    if taken:  # a host application's own table, say
        raise RuntimeError(f"Cannot rename UPREST's tables: {', '.join(sorted(taken))} exist.")
    for old, new in names.items():
        op.rename_table(old, new)  # both engines point other tables' foreign keys at the new name
    inspector = sa.inspect(bind)
    # Tables named uprest_* from the start (added by revisions before this one) keep their names,
    # but their foreign keys to the renamed tables are named after the referred table too.
    others = [
        (table, table)
        for table in inspector.get_table_names()
        if table.startswith(PREFIX) and table not in names.values()
    ]
    for old, new in [*names.items(), *others]:
        renames = _object_renames(inspector, bind.dialect, old, new, names)
        renames = {before: after for before, after in renames.items() if before != after}
        if bind.dialect.name == "sqlite":
            if renames:
                _rebuild_sqlite_table(bind, new, renames)
        else:
            _rename_postgresql_objects(bind, inspector, new, renames, sequences=old != new)


def _object_renames(inspector, dialect, old: str, new: str, names: dict) -> dict[str, str]:
    """Old name → new name of each constraint and index of table ``new`` (formerly ``old``)."""
    max_length = dialect.max_identifier_length

    def conv(name: str) -> str:  # how SQLAlchemy shortens a naming-convention name
        return name if len(name) <= max_length else f"{name[: max_length - 8]}_{md5_hex(name)[-4:]}"

    def pair(pattern: str, **parts) -> tuple[str, str]:
        before = pattern.format(table=old, **{k: v[0] for k, v in parts.items()})
        after = pattern.format(table=new, **{k: v[1] for k, v in parts.items()})
        return conv(before), conv(after)

    candidates = []
    pk = inspector.get_pk_constraint(new)
    if pk.get("name"):
        candidates.append((pk["name"], pair("pk_{table}")))
    for uq in inspector.get_unique_constraints(new):
        cols = "_".join(uq["column_names"])
        candidates.append((uq["name"], pair("uq_{table}_{cols}", cols=(cols, cols))))
    for fk in inspector.get_foreign_keys(new):
        referred = fk["referred_table"]
        before = next((o for o, n in names.items() if n == referred), referred)
        col = fk["constrained_columns"][0]
        candidates.append(
            (fk["name"], pair("fk_{table}_{col}_{ref}", col=(col, col), ref=(before, referred)))
        )
    for ix in inspector.get_indexes(new):
        col = ix["column_names"][0] or ""
        candidates.append((ix["name"], pair("ix_{table}_{col}", col=(col, col))))

    renames = {}
    for name, (expected_old, expected_new) in candidates:
        if not name:
            continue
        if name == expected_old:
            renames[name] = expected_new
        elif name.startswith(f"ix_{old}_"):  # an index named in the model, not by convention
            renames[name] = f"ix_{new}_{name[len(f'ix_{old}_') :]}"
    return renames


def _rename_postgresql_objects(
    bind, inspector, table: str, renames: dict[str, str], sequences: bool
) -> None:
    constraints = set(
        bind.execute(
            sa.text("SELECT conname FROM pg_constraint WHERE conrelid = CAST(:t AS regclass)"),
            {"t": table},
        ).scalars()
    )
    for old, new in renames.items():
        if old in constraints:  # renaming a primary key or unique constraint renames its index
            op.execute(f'ALTER TABLE "{table}" RENAME CONSTRAINT "{old}" TO "{new}"')
        else:
            op.execute(f'ALTER INDEX "{old}" RENAME TO "{new}"')
    for column in inspector.get_columns(table) if sequences else ():
        sequence = bind.execute(
            sa.text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table, "c": column["name"]}
        ).scalar()
        if sequence:
            op.execute(f'ALTER SEQUENCE {sequence} RENAME TO "{table}_{column["name"]}_seq"')


def _rebuild_sqlite_table(bind, table: str, renames: dict[str, str]) -> None:
    """Recreate ``table`` from its own DDL with the constraint names changed, keeping every row."""

    def rename_in(sql: str) -> str:
        for old, new in renames.items():
            sql = re.sub(rf'(?<![\w"]){re.escape(old)}(?![\w"])', new, sql)
            sql = sql.replace(f'"{old}"', f'"{new}"')
        return sql

    ddl = bind.execute(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"), {"t": table}
    ).scalar_one()
    indexes = (
        bind.execute(
            sa.text(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t"
                " AND sql IS NOT NULL"
            ),
            {"t": table},
        )
        .scalars()
        .all()
    )
    scratch = f"_rebuild_{table}"
    head, _, body = ddl.partition("(")
    bind.exec_driver_sql(f'CREATE TABLE "{scratch}" ({rename_in(body)}')
    bind.exec_driver_sql(f'INSERT INTO "{scratch}" SELECT * FROM "{table}"')
    bind.exec_driver_sql(f'DROP TABLE "{table}"')
    bind.exec_driver_sql(f'ALTER TABLE "{scratch}" RENAME TO "{table}"')
    for sql in indexes:
        bind.exec_driver_sql(rename_in(sql))
