"""``flask uprest …``: thin command-line wrappers over the services."""

import click
from flask.cli import AppGroup

from uprest.accounts import demo, services
from uprest.accounts.models import Business, Municipality, Role
from uprest.core.errors import ServiceError
from uprest.extensions import db
from uprest.i18n import LOCALES
from uprest.surveys import demo as survey_demo
from uprest.surveys.framework import FrameworkError, sync_framework

uprest_cli = AppGroup("uprest", help="UPREST Learning administration commands.")


@uprest_cli.command("seed-demo")
def seed_demo():
    """Load demo businesses and one account per role (safe to run again)."""
    steps = len(demo.DEMO_BUSINESSES) + len(demo.DEMO_ACCOUNTS)
    with click.progressbar(demo.seed_steps(), length=steps, label="Seeding demo data") as bar:
        for _step in bar:
            pass
    with click.progressbar(
        survey_demo.seed_steps(), length=survey_demo.STEPS, label="Seeding demo surveys"
    ) as bar:
        for _step in bar:
            pass
    db.session.commit()
    click.echo("Demo logins (role, e-mail, password):")
    for role, email, password in demo.demo_logins():
        click.echo(f"  {role:<9} {email:<36} {password}")


@uprest_cli.command("load-framework")
def load_framework():
    """Store the competence framework file as a new version if it has changed."""
    try:
        framework, created = sync_framework()
    except FrameworkError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    state = "stored as new version" if created else "unchanged, still version"
    click.echo(f"Competence framework {framework.code}: {state} {framework.version}.")


@uprest_cli.command("create-user")
@click.argument("email")
@click.option("--name", required=True, help="Display name.")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.LEARNER.value,
    show_default=True,
)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--municipality", help="Municipality slug (required for reviewers).")
@click.option("--business-id", type=int, help="Business id (required for managers).")
@click.option("--locale", type=click.Choice(LOCALES), help="Preferred language.")
def create_user(email, name, role, password, municipality, business_id, locale):
    """Create an account with a role."""
    place = None
    if municipality:
        place = db.session.scalar(db.select(Municipality).where(Municipality.slug == municipality))
        if place is None:
            raise click.BadParameter(
                f"unknown municipality {municipality!r}", param_hint="--municipality"
            )
    business = None
    if business_id is not None:
        business = db.session.get(Business, business_id)
        if business is None:
            raise click.BadParameter(
                f"no business with id {business_id}", param_hint="--business-id"
            )
    try:
        user = services.create_user(
            email=email,
            display_name=name,
            password=password,
            role=Role(role),
            locale=locale,
            municipality=place,
            business=business,
        )
    except ServiceError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email} (id {user.id}).")
