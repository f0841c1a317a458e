"""``flask uprest …`` commands."""

import sqlalchemy as sa

from uprest.accounts import services
from uprest.accounts.models import Business, Role, User
from uprest.extensions import db


def _count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_seed_demo_is_idempotent_and_prints_logins(runner):
    first = runner.invoke(args=["uprest", "seed-demo"])
    assert first.exit_code == 0, first.output
    assert "admin@demo.uprest.eu" in first.output and "uprest-demo-2026" in first.output
    users, businesses = _count(User), _count(Business)
    # 3 named businesses per municipality, topped up to 16 for the demo surveys
    assert businesses == 6 * 16 and users > 10
    second = runner.invoke(args=["uprest", "seed-demo"])
    assert second.exit_code == 0
    assert (_count(User), _count(Business)) == (users, businesses)
    reviewer = services.get_user_by_email("reviewer@demo.uprest.eu")
    assert reviewer.role is Role.REVIEWER and reviewer.municipality.slug == "cervia"
    assert services.authenticate("manager@demo.uprest.eu", "uprest-demo-2026").business


def test_create_user(runner):
    result = runner.invoke(
        args=[
            "uprest",
            "create-user",
            "New@Example.org",
            "--name",
            "Nina",
            "--role",
            "reviewer",
            "--municipality",
            "tartu",
            "--password",
            "long enough pass",
            "--locale",
            "et",
        ]
    )
    assert result.exit_code == 0, result.output
    user = services.get_user_by_email("new@example.org")
    assert user.role is Role.REVIEWER and user.municipality.slug == "tartu" and user.locale == "et"


def test_create_user_refuses_bad_input(runner, create_user):
    create_user(email="taken@example.org")
    cases = [
        (["taken@example.org", "--name", "X", "--password", "long enough pass"], "already"),
        (["a@example.org", "--name", "X", "--password", "short"], "10"),
        (["not-an-email", "--name", "X", "--password", "long enough pass"], "e-mail"),
        (
            [
                "b@example.org",
                "--name",
                "X",
                "--role",
                "reviewer",
                "--password",
                "long enough pass",
            ],
            "municipality",
        ),
        (
            [
                "c@example.org",
                "--name",
                "X",
                "--role",
                "reviewer",
                "--municipality",
                "oslo",
                "--password",
                "long enough pass",
            ],
            "oslo",
        ),
        (["d@example.org", "--name", "X", "--role", "wizard", "--password", "x" * 12], "wizard"),
        (
            [
                "e@example.org",
                "--name",
                "X",
                "--role",
                "manager",
                "--business-id",
                "999999",
                "--password",
                "long enough pass",
            ],
            "999999",
        ),
    ]
    before = _count(User)
    for args, fragment in cases:
        result = runner.invoke(args=["uprest", "create-user", *args])
        assert result.exit_code != 0, args
        assert fragment in result.output, (args, result.output)
    assert _count(User) == before
