"""Bulk writes for the hot paths: COPY on PostgreSQL, and INSERT … ON CONFLICT on both engines.

The ORM's unit of work and psycopg's ``executemany`` send one statement per row; for the
learning record's index (about ten rows per statement) that per-row work was most of the
database's share of an ingest. The helpers run on the session's own connection, inside its
transaction, so a failure later in the unit of work rolls them back with everything else.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from uprest.extensions import db


def insert_rows(
    table: sa.Table,
    columns: Sequence[str],
    rows: Iterable[Sequence],
    connection: sa.Connection | None = None,
) -> None:
    """Append ``rows`` (tuples in the order of ``columns``) to ``table``; no defaults applied."""
    connection = connection or db.session.connection()
    if connection.dialect.name == "postgresql":
        names = ", ".join(connection.dialect.identifier_preparer.quote(c) for c in columns)
        with connection.connection.driver_connection.cursor() as cursor:
            with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    rows = [dict(zip(columns, row, strict=True)) for row in rows]
    if rows:
        connection.execute(table.insert(), rows)


def insert_returning_ids(
    table: sa.Table, rows: list[dict], connection: sa.Connection | None = None
) -> list[int]:
    """Insert ``rows`` (dicts with every column but ``id``); their new ids, in order.

    PostgreSQL: the ids are drawn from the table's sequence, then the rows are COPYed. SQLite:
    the transaction holds the database's one write lock (``BEGIN IMMEDIATE``), so the next ids
    are max(id) + 1 …, as SQLite would give them, and the rows go in one ``executemany``
    (``INSERT … RETURNING`` in parameter order would be one statement per row).
    """
    connection = connection or db.session.connection()
    if connection.dialect.name == "postgresql":
        ids = sorted(connection.scalars(_draw_ids(table.name, connection), {"n": len(rows)}))
    else:
        last = connection.scalar(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0)))
        ids = list(range(last + 1, last + 1 + len(rows)))
    columns = list(rows[0])
    insert_rows(
        table,
        ["id", *columns],
        ([id_, *(row[c] for c in columns)] for id_, row in zip(ids, rows, strict=True)),
        connection,
    )
    return ids


_draws: dict[tuple[str, str], sa.TextClause] = {}


def _draw_ids(table_name: str, connection: sa.Connection) -> sa.TextClause:
    """``SELECT nextval(…) FROM generate_series(1, :n)`` with the table's sequence named in the
    text: looking it up per row (``pg_get_serial_sequence``) cost eight times the ``nextval``."""
    key = (str(connection.engine.url), table_name)
    if key not in _draws:
        sequence = connection.scalar(
            sa.text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table_name}
        )
        literal = "'" + sequence.replace("'", "''") + "'"
        _draws[key] = sa.text(f"SELECT nextval({literal}::regclass) FROM generate_series(1, :n)")
    return _draws[key]


def merge_rows(table: sa.Table, rows: list[dict], keys: Sequence[str], merged) -> None:
    """Insert ``rows``; a row whose ``keys`` exist is combined with it: ``merged(table,
    excluded)`` gives the SET clause. Rows must not repeat a key; they are locked in order.

    PostgreSQL gets the rows as one array per column (``unnest``): the statement's text stays
    the same whatever the batch size, so the server prepares it once per connection.
    """
    if not rows:
        return
    dialect = current_dialect()
    statement = _merge_statement(table, tuple(rows[0]), tuple(keys), merged, dialect)
    if dialect == "postgresql":
        db.session.execute(statement, {f"rows_{c}": [row[c] for row in rows] for c in rows[0]})
    else:  # RETURNING makes SQLAlchemy send the rows as multi-row VALUES ("insertmanyvalues")
        db.session.execute(statement, rows).all()


@cache
def _merge_statement(table: sa.Table, columns: tuple, keys: tuple, merged, dialect: str):
    """Built once per table and engine: constructing the statement costs more than running it."""
    if dialect == "postgresql":
        arrays = [
            sa.bindparam(f"rows_{name}", type_=postgresql.ARRAY(table.c[name].type))
            for name in columns
        ]
        source = sa.func.unnest(*arrays).table_valued(*columns).render_derived()
        statement = postgresql.insert(table).from_select(columns, sa.select(*source.c))
        return statement.on_conflict_do_update(
            index_elements=keys, set_=merged(table, statement.excluded)
        )
    statement = sqlite.insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=keys, set_=merged(table, statement.excluded)
    )
    return statement.returning(table.c[keys[0]])


def insert_new(table: sa.Table, rows: list[dict], key: str) -> set:
    """Insert the rows whose ``key`` is not taken yet; the keys of those inserted."""
    if not rows:
        return set()
    statement = _insert_new_statement(table, key, current_dialect())
    return set(db.session.scalars(statement, rows))


@cache
def _insert_new_statement(table: sa.Table, key: str, dialect: str):
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    return statement.on_conflict_do_nothing().returning(table.c[key])


def one_of(column, name: str, dialect: str):
    """``column IN (:name…)`` for a list bound at execution. PostgreSQL gets ``= ANY(:name)``
    with one array parameter, so the SQL text doesn't change with the list's length."""
    if dialect == "postgresql":
        return column == sa.any_(sa.bindparam(name, type_=postgresql.ARRAY(column.type)))
    return column.in_(sa.bindparam(name, expanding=True))


def current_dialect() -> str:
    return db.session.get_bind().dialect.name


def greater(left, right):
    """The larger of two values, NULL only when both are (GREATEST/max differ on NULL)."""
    return sa.case(
        (left.is_(None), right), (right.is_(None), left), (right > left, right), else_=left
    )
