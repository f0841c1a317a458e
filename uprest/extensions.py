"""Extension objects and the declarative base; initialised by ``Uprest.init_app``."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names keep Alembic diffs and SQLite batch migrations sane.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class PluginSQLAlchemy(SQLAlchemy):
    """Flask-SQLAlchemy that can live beside a host application's own instance.

    Flask-SQLAlchemy keeps one instance per app in ``app.extensions["sqlalchemy"]`` and refuses a
    second. UPREST's keeps its own engine and session per app like any other instance; mounted in
    a host, it leaves that key to the host's (set up before or after), so ``db.init_app`` is
    never called twice on the host's ``db``.
    """

    def init_app(self, app, register: bool = True) -> None:
        host = app.extensions.pop("sqlalchemy", None)
        try:
            super().init_app(app)
        finally:
            if host is not None:
                app.extensions["sqlalchemy"] = host
            elif not register:
                del app.extensions["sqlalchemy"]


# Models are not added to `flask shell` by Flask-SQLAlchemy: in a host it would look for the
# host's instance.
db = PluginSQLAlchemy(model_class=Base, add_models_to_shell=False)
migrate = Migrate()
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()
mail = Mail()
limiter = Limiter(key_func=get_remote_address)
