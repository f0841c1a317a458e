"""A host site that mounts UPREST as a tourism board would: its own Flask-SQLAlchemy ``db``, its
own ``users`` table, its own Flask-Migrate history and its own Flask-Login, UPREST under a prefix.
"""

from pathlib import Path

import sqlalchemy as sa
from flask import Flask, redirect
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import Mapped, mapped_column

from uprest import Uprest

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

db = SQLAlchemy()
migrate = Migrate()
login = LoginManager()


class Member(UserMixin, db.Model):
    """The host's own user, in the host's own ``users`` table."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))


@login.user_loader
def load_member(member_id: str) -> Member | None:
    return db.session.get(Member, int(member_id))  # a UPREST id ("5:token") would raise here


def create_host(database_url: str, prefix: str = "/learning", plugin: Uprest | None = None):
    app = Flask("host_site")
    app.config.update(
        SECRET_KEY="host secret",
        TESTING=True,
        SQLALCHEMY_DATABASE_URI=database_url,
        WTF_CSRF_ENABLED=False,
        MAIL_BACKEND="locmem",
        UPREST_ARGON2_MEMORY_KIB=1024,
        UPREST_ARGON2_TIME_COST=1,
    )
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    login.init_app(app)

    @app.get("/")
    def home():
        who = current_user.name if current_user.is_authenticated else "nobody"
        return f"host home, signed in: {who}"

    @app.post("/sign-in/<int:member_id>")
    def sign_in(member_id: int):
        login_user(db.session.get(Member, member_id), remember=True)
        return redirect("/")

    @app.post("/sign-out")
    def sign_out():
        logout_user()
        return redirect("/")

    (plugin or Uprest()).init_app(app, url_prefix=prefix)
    return app
