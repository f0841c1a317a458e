"""``Uprest``: the extension object that mounts UPREST into a Flask application."""

import importlib
from dataclasses import dataclass

from flask import Flask

from uprest.config import MIGRATIONS_DIR, finalise
from uprest.extensions import babel, csrf, db, limiter, login_manager, mail, migrate
from uprest.guest import GuestCookies, LoginManagers
from uprest.i18n import _l, select_locale, select_timezone

# Modules whose receivers listen to another domain's signals (erasure, data export, stored
# statements): importing them connects the receivers, once per process.
RECEIVERS = (
    "uprest.learning.privacy",
    "uprest.learning.projection",
    "uprest.notifications.privacy",
    "uprest.surveys.receivers",
    "uprest.xapi.privacy",
)


@dataclass(frozen=True)
class UprestState:
    """What UPREST keeps per application, in ``app.extensions["uprest"]``."""

    url_prefix: str
    standalone: bool
    db: object  # UPREST's Flask-SQLAlchemy instance, with its own engine for this app


class Uprest:
    """Mounts UPREST into ``app``: standalone (``create_app``) or inside a host application.

    Extensions the host already has (Babel, CSRF, mail) are left to the host; UPREST's templates
    live under ``uprest/`` and its strings use its own gettext domain either way. Inside a host,
    UPREST has its own engine and tables (``uprest_*``), its own Alembic version table and its
    own sign-in under its prefix (``uprest.guest``), beside whatever the host has. One object may
    mount UPREST into several applications: nothing per application is kept on it.
    """

    def __init__(self, app: Flask | None = None, **kwargs):
        if app is not None:
            self.init_app(app, **kwargs)

    def init_app(self, app: Flask, url_prefix: str = "", standalone: bool = False) -> None:
        from uprest.accounts.services import load_user
        from uprest.blueprints import root
        from uprest.cli import uprest_cli
        from uprest.core import logfilter
        from uprest.core.errorpages import register_error_handlers
        from uprest.core.security import set_security_headers
        from uprest.home.menu import menu_context
        from uprest.learning.cmi5_views import bp as cmi5_bp
        from uprest.xapi.api import bp as xapi_bp
        from uprest.xapi.resources import bp as xapi_resources_bp

        for module in RECEIVERS:
            importlib.import_module(module)
        host_login = getattr(app, "login_manager", None)
        if host_login is not None and not url_prefix:
            raise RuntimeError(
                "UPREST needs a url_prefix to keep its sign-in apart from the host's."
            )
        finalise(app, standalone=standalone)
        logfilter.install()
        db.init_app(app, register=standalone)
        _configure_sqlite(app)
        if standalone:  # a host keeps `flask db` for its own history; UPREST's: `flask uprest db-…`
            migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
        limiter.init_app(app)
        if "babel" not in app.extensions:
            babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
        if "csrf" not in app.extensions:
            csrf.init_app(app)
        app.extensions["csrf"].exempt(xapi_bp)  # the LRS authenticates with Basic auth
        app.extensions["csrf"].exempt(xapi_resources_bp)
        app.extensions["csrf"].exempt(cmi5_bp)  # the fetch code is the credential
        if "mailman" not in app.extensions:
            mail.init_app(app)
        login_manager.init_app(app)
        login_manager.login_view = "uprest.accounts.login"
        login_manager.login_message = _l("Please log in to see this page.")
        login_manager.login_message_category = "info"
        login_manager.session_protection = "strong"
        login_manager.user_loader(load_user)
        if not standalone and url_prefix:
            app.wsgi_app = GuestCookies(app, url_prefix)
            if host_login is not None:
                app.login_manager = LoginManagers(host_login, login_manager, url_prefix)

        app.register_blueprint(root, url_prefix=url_prefix or None)
        if standalone:  # a host app keeps its own pages for URLs outside UPREST
            register_error_handlers(app)
            app.context_processor(menu_context)
            app.after_request(set_security_headers)
        app.cli.add_command(uprest_cli)
        app.extensions["uprest"] = UprestState(url_prefix=url_prefix, standalone=standalone, db=db)


def _configure_sqlite(app: Flask) -> None:
    """WAL and foreign keys for SQLite, and real transactions so savepoints work.

    Workers take turns at writing: each transaction holds SQLite's one write lock from its start
    (readers of the WAL are not blocked). Serving many users at once is PostgreSQL's job.
    """
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # let SQLAlchemy emit BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # IMMEDIATE: take the write lock up front, waiting up to busy_timeout for it. A deferred
        # transaction that has read and then writes fails at once ("database is locked") when
        # another worker wrote in between, and waiting would not help it.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
