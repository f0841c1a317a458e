"""The migrations build exactly the models' schema on this session's engine, and tear down."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from tests.conftest import COURSES, ENGINE, make_config, throwaway_database
from uprest import create_app
from uprest.extensions import db


def before_prefix(model) -> sa.Table:
    """The model's table under its name from before 9b1f7c3e5a20, for rows at older revisions."""
    return model.__table__.to_metadata(
        sa.MetaData(), name=model.__tablename__.removeprefix("uprest_")
    )


@pytest.fixture
def empty_app(tmp_path):
    with throwaway_database(tmp_path) as url:
        app = create_app(make_config(url))
        yield app
        with app.app_context():
            db.engine.dispose()


@pytest.mark.nodb
def test_upgrade_matches_models_and_downgrade_empties(empty_app):
    with empty_app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "compare_type": True,
                    "render_as_batch": True,
                    "version_table": "alembic_version_uprest",
                },
            )
            diff = compare_metadata(context, db.metadata)
            municipalities = (
                connection.execute(sa.text("SELECT slug FROM uprest_municipalities ORDER BY slug"))
                .scalars()
                .all()
            )
        assert diff == [], diff
        assert municipalities == [
            "cervia",
            "daugavpils",
            "ravenna",
            "tartu",
            "trollhattan",
            "vanersborg",
        ]
        downgrade(revision="base")
        tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version_uprest"}
        assert tables == set(), tables
        upgrade()  # and up again, so downgrade left nothing behind


@pytest.mark.once
def test_sqlite_pragmas(empty_app):
    assert ENGINE == "sqlite"
    with empty_app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


@pytest.mark.nodb
def test_upgrade_fills_the_summary_cells_from_existing_gaps(empty_app):
    """A database that already holds per-business gaps gets its summary cells on upgrade."""
    from datetime import date

    from uprest.accounts.models import Business, Municipality, Sector, SizeBand
    from uprest.surveys import gap_cells
    from uprest.surveys.models import (
        BusinessGap,
        Competence,
        CompetenceArea,
        Framework,
        GapCell,
        GapValue,
        SurveyWave,
    )

    def insert(connection, model, **values):
        table = before_prefix(model)
        return connection.execute(sa.insert(table).values(**values)).inserted_primary_key[0]

    def snapshot():
        return [
            sorted(
                tuple(round(v, 9) if isinstance(v, float) else v for v in row)
                for row in db.session.execute(sa.select(model.__table__)).all()
            )
            for model in (GapCell, GapValue)
        ]

    with empty_app.app_context():
        upgrade(revision="7d1d15e755eb")
        with db.engine.begin() as connection:
            municipalities = before_prefix(Municipality)
            place = connection.scalar(sa.select(municipalities.c.id).order_by(municipalities.c.id))
            framework = insert(
                connection, Framework, code="t", version=1, checksum="x", titles={}, scale={}
            )
            area = insert(
                connection, CompetenceArea, framework_id=framework, code="A", position=1, names={}
            )
            codes = {}
            for position, code in enumerate(("A-01", "A-02")):
                codes[code] = insert(
                    connection,
                    Competence,
                    framework_id=framework,
                    area_id=area,
                    code=code,
                    position=position,
                    source="test",
                    names={},
                    descriptions={},
                )
            wave = insert(
                connection,
                SurveyWave,
                title="Old wave",
                framework_id=framework,
                opens_on=date(2026, 1, 1),
                closes_on=date(2026, 2, 1),
            )
            for index, (required, current, staff) in enumerate(
                [(4, 2.5, 2), (3, 3.0, 1), (5, 1.0, 3), (2, 2.5, 2)]
            ):
                sector = (Sector.EVENTS, Sector.TRANSPORT)[index % 2]
                size_band = SizeBand.MICRO
                business = insert(
                    connection,
                    Business,
                    name=f"B{index}",
                    sector=sector,
                    size_band=size_band,
                    municipality_id=place,
                )
                for code, competence in codes.items():
                    connection.execute(
                        sa.insert(before_prefix(BusinessGap)).values(
                            wave_id=wave,
                            business_id=business,
                            competence_id=competence,
                            code=code,
                            municipality_id=place,
                            sector=sector,
                            size_band=size_band,
                            required=required,
                            importance=None if index == 3 else 4,
                            current=current,
                            gap=required - current,
                            staff=staff,
                        )
                    )
        upgrade()
        migrated = snapshot()
        assert len(migrated[0]) == 4  # two sectors, two competences
        gap_cells.rebuild(wave)
        assert snapshot() == migrated
        db.session.rollback()


def test_upgrade_drops_the_related_index_rows_a_direct_row_implies(empty_app):
    """Index rows written before d84b2c6e0f15 kept the actor as a related agent too."""
    from datetime import datetime

    from uprest.xapi.models import Statement, StatementIndex

    moment = datetime(2026, 11, 1)
    with empty_app.app_context():
        upgrade(revision="c3e1f0a9d2b7")
        with db.engine.begin() as connection:
            pk = connection.execute(
                sa.insert(before_prefix(Statement)).values(
                    statement_id="6f1c4c1e-0000-4000-8000-000000000001",
                    actor_key="mbox|mailto:a@example.org",
                    verb_id="http://e.org/v",
                    activity_id="http://e.org/a",
                    timestamp=moment,
                    stored=moment,
                    is_voided=False,
                    document="{}",
                )
            ).inserted_primary_key[0]
            rows = [
                (1, "mbox|mailto:a@example.org"),
                (2, "mbox|mailto:a@example.org"),
                (2, "mbox|mailto:teacher@example.org"),
                (4, "http://e.org/a"),
                (5, "http://e.org/a"),
                (5, "http://e.org/course"),
            ]
            connection.execute(
                sa.insert(before_prefix(StatementIndex)),
                [{"statement_pk": pk, "kind": k, "value": v, "stored": moment} for k, v in rows],
            )
        upgrade()
        kept = db.session.execute(sa.select(StatementIndex.kind, StatementIndex.value)).all()
        db.session.rollback()  # SQLite: the read began a write transaction (BEGIN IMMEDIATE)
        assert sorted(kept) == [rows[0], rows[2], rows[3], rows[5]]
        downgrade(revision="c3e1f0a9d2b7")
        old_index = before_prefix(StatementIndex)
        restored = db.session.execute(sa.select(old_index.c.kind, old_index.c.value)).all()
        db.session.rollback()
        assert sorted(restored) == sorted(rows)


def test_upgrade_issues_credentials_for_modules_completed_before(empty_app):
    """Learners who completed a module before credentials existed get theirs, in their language."""
    from uprest.accounts import services as account_services
    from uprest.accounts.models import Role
    from uprest.core.time import utcnow
    from uprest.courses import importer
    from uprest.courses import services as course_services
    from uprest.credentials.models import Credential
    from uprest.learning.models import Enrolment

    with empty_app.app_context():
        upgrade()  # the models are today's: make the rows at head, then go back before credentials
        modules, paths = importer.read_all(COURSES)
        list(importer.write_all(modules, paths))
        module = course_services.get_module("online-presence")
        version = course_services.latest_version(module)
        done, busy = (
            account_services.create_user(
                email=f"{name}@example.org", display_name=name, password="a long password 1",
                role=Role.LEARNER, locale=locale,
            )
            for name, locale in (("done", "sv"), ("busy", None))
        )  # fmt: skip
        finished = Enrolment(user=done, module=module, version=version, completed_at=utcnow())
        db.session.add_all([finished, Enrolment(user=busy, module=module, version=version)])
        db.session.commit()
        finished_id, completed_at = finished.id, finished.completed_at
        db.session.remove()
        downgrade(revision="a4c7e2d91f08")  # the revision before credentials (and the prefix)
        upgrade()
        [credential] = db.session.scalars(sa.select(Credential)).all()
        assert credential.enrolment_id == finished_id and credential.locale == "sv"
        assert credential.issued_at == completed_at and len(credential.uuid) == 36
        db.session.remove()
