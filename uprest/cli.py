"""``flask uprest …``: thin command-line wrappers over the services."""

from pathlib import Path

import click
from flask.cli import AppGroup

from uprest import schema
from uprest.accounts import demo, services
from uprest.accounts.models import Business, Municipality, Role
from uprest.config import CURRICULUM_DIR
from uprest.core.errors import ServiceError
from uprest.courses import importer
from uprest.extensions import db
from uprest.i18n import LOCALES
from uprest.learning import demo as learning_demo
from uprest.surveys import demo as survey_demo
from uprest.surveys.framework import FrameworkError, sync_framework
from uprest.xapi import clients
from uprest.xapi.models import LrsClient, Statement

uprest_cli = AppGroup("uprest", help="UPREST Learning administration commands.")


@uprest_cli.command("seed-demo")
def seed_demo():
    """Load demo businesses and one account per role (safe to run again)."""
    steps = len(demo.DEMO_BUSINESSES) + len(demo.DEMO_ACCOUNTS)
    with click.progressbar(demo.seed_steps(), length=steps, label="Seeding demo data") as bar:
        for _step in bar:
            pass
    learning_demo.follow_first_path(demo.DEMO_ACCOUNTS[-1].email)
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


lrs_client_cli = AppGroup("lrs-client", help="Credentials of systems that use the built-in LRS.")
uprest_cli.add_command(lrs_client_cli)


@lrs_client_cli.command("create")
@click.argument("name")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    type=click.Choice(clients.SCOPES),
    default=("read", "write"),
    show_default=True,
    help="Repeat for several scopes.",
)
@click.option(
    "--trusted",
    is_flag=True,
    help="Its statements about a learner's enrolment count towards their progress.",
)
@click.option(
    "--xapi-version",
    type=click.Choice(clients.VERSIONS),
    help="The xAPI version it speaks: its requests that name none are answered in it.",
)
def lrs_client_create(name, scopes, trusted, xapi_version):
    """Create credentials; the last line printed is KEY SECRET."""
    try:
        client, secret = clients.create_client(
            name=name, scopes=list(scopes), is_trusted=trusted, xapi_version=xapi_version
        )
    except ServiceError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    trust = " (trusted to report progress)" if client.is_trusted else ""
    click.echo(
        f"Created LRS client {client.name!r} with scopes {client.scopes}{trust}. Key and secret:"
    )
    click.echo(f"{client.key} {secret}")


@lrs_client_cli.command("list")
def lrs_client_list():
    """List clients and whether they are active."""
    for client in clients.list_clients():
        state = "active" if client.is_active else "revoked"
        trusted = "trusted" if client.is_trusted else "-"
        version = client.xapi_version or "default"
        click.echo(
            f"{client.key}  {state:<7}  {client.scopes:<20}  {trusted:<7}  {version:<7}  "
            f"{client.name}"
        )


@lrs_client_cli.command("set-version")
@click.argument("key")
@click.argument("xapi_version", type=click.Choice([*clients.VERSIONS, "default"]))
def lrs_client_set_version(key, xapi_version):
    """Declare the xAPI version a client speaks ('default': UPREST_XAPI_DEFAULT_VERSION)."""
    client = db.session.scalar(db.select(LrsClient).where(LrsClient.key == key))
    if client is None:
        raise click.ClickException(f"no LRS client with key {key!r}")
    clients.set_version(client, None if xapi_version == "default" else xapi_version)
    db.session.commit()
    click.echo(f"{client.name!r} speaks xAPI {client.xapi_version or 'in the default version'}.")


@lrs_client_cli.command("revoke")
@click.argument("key")
def lrs_client_revoke(key):
    """Revoke a client's credentials at once."""
    client = db.session.scalar(db.select(LrsClient).where(LrsClient.key == key))
    if client is None:
        raise click.ClickException(f"no LRS client with key {key!r}")
    clients.revoke_client(client)
    db.session.commit()
    click.echo(f"Revoked {client.name!r}.")


@uprest_cli.command("xapi-rebuild-progress")
def xapi_rebuild_progress():
    """Rebuild learners' progress from the learning record (one transaction)."""
    from uprest.learning import projection

    total = db.session.scalar(db.select(db.func.count(Statement.id)))
    with click.progressbar(length=total, label="Folding statements") as bar:
        for used in projection.rebuild():
            bar.update(used)
    db.session.commit()
    click.echo("Progress rebuilt from the learning record.")


@uprest_cli.command("xapi-forward")
@click.option("--once", is_flag=True, help="Send what is due and stop (for cron).")
@click.option("--batch", default=100, show_default=True, help="Statements per round.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds to wait when idle.")
def xapi_forward(once, batch, interval):
    """Forward stored statements to the external LRS (set on the Forwarding page, else
    UPREST_XAPI_FORWARD_URL)."""
    import time

    from uprest.xapi import forwarder, forwarding

    if forwarding.target() is None:
        raise click.ClickException(
            "Forwarding is off: switch it on at Forwarding (admin) or set "
            "UPREST_XAPI_FORWARD_URL; nothing to forward to."
        )
    while True:
        outcome = forwarder.forward_due(limit=batch)
        if outcome.handled:
            click.echo(
                f"delivered {outcome.delivered}, retry later {outcome.retried}, "
                f"dead letters {outcome.dead}"
            )
        if once and outcome.handled < batch:
            counts = forwarder.counts()
            click.echo(f"pending {counts['pending']}, dead letters {counts['dead']}")
            return
        if not outcome.handled:
            time.sleep(interval)


@uprest_cli.command("send-notifications")
def send_notifications():
    """Send the e-mail notifications that are due, each once (for cron; runs may overlap)."""
    from flask import current_app

    from uprest.notifications import services as notifications

    base_url = current_app.config.get("UPREST_BASE_URL")
    if not base_url and not current_app.config.get("SERVER_NAME"):
        raise click.ClickException(
            "UPREST_BASE_URL is not set: the links in the mails need the site's address."
        )
    # The mails are rendered, and their links built, as for a request to the site's address.
    with current_app.test_request_context(base_url=base_url or None):
        notifications.release_stale_claims()
        due = notifications.due_notifications()
        with click.progressbar(length=len(due), label="Sending notifications") as bar:
            sent, failed = notifications.send_due(due=due, progress=lambda _item: bar.update(1))
    click.echo(f"sent {sent}, failed {failed}")
    if failed:
        click.echo("the failed ones are tried again on the next run", err=True)
        raise SystemExit(1)


@uprest_cli.command("import-courses")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), required=False)
def import_courses(folder: Path | None):
    """Load course packages (module folders and paths/) from FOLDER; safe to run again.

    Without FOLDER, the curriculum shipped with UPREST is loaded.
    """
    folder = folder or CURRICULUM_DIR
    try:
        modules, paths = importer.read_all(folder)
    except importer.PackageError as error:
        for problem in error.problems:
            click.echo(f"  {problem}", err=True)
        raise click.ClickException(
            f"{len(error.problems)} problem(s) found in {folder}; nothing was imported."
        ) from None
    if not modules and not paths:
        click.echo(f"No course packages in {folder}.")
        return
    outcomes = []
    try:
        with click.progressbar(
            importer.write_all(modules, paths),
            length=len(modules) + len(paths),
            label="Importing courses",
            item_show_func=lambda item: item[0] if item else None,
        ) as bar:
            outcomes = list(bar)
    except Exception:
        db.session.rollback()
        raise
    db.session.commit()
    counts = {kind: sum(1 for _, o in outcomes if o == kind) for kind in ("created", "updated")}
    click.echo(
        f"{len(modules)} module(s) and {len(paths)} path(s) read: {counts['created']} created, "
        f"{counts['updated']} updated, the rest unchanged."
    )


@uprest_cli.command("export-course")
@click.argument("slug")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder to write the package into (as OUT/SLUG/).",
)
def export_course(slug: str, out: Path):
    """Write module SLUG (its latest published version) as a course package."""
    try:
        folder = importer.export_module(slug, out)
    except importer.PackageError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Wrote {folder}")


@uprest_cli.command("export-path")
@click.argument("slug")
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True
)
def export_path(slug: str, out: Path):
    """Write path SLUG as OUT/paths/SLUG.yaml plus its text files."""
    try:
        file = importer.export_path(slug, out)
    except importer.PackageError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Wrote {file}")


@uprest_cli.command("credentials-keygen")
@click.option(
    "--force", is_flag=True, help="Replace an existing key (issued credentials stop verifying)."
)
def credentials_keygen(force: bool):
    """Make the Ed25519 key that signs credentials; prints the public key only."""
    from uprest.credentials import keys

    path = keys.key_path()
    try:
        keys.generate(path, force=force)
    except ServiceError as error:
        raise click.ClickException(f"{error} ({path})") from error
    click.echo(f"Signing key written to {path} (readable by this user only).")
    click.echo(f"Public key (Ed25519, base64url): {keys.public_x()}")


@uprest_cli.command("verify-credential")
@click.argument("file", type=click.File("rb"))
def verify_credential(file):
    """Check a credential file (.jwt, baked .png or .svg): signature, then status. Exit code 1
    unless it is valid."""
    from uprest.credentials import services as credentials

    try:
        result = credentials.verify(credentials.token_from_upload(file.read()))
    except ServiceError as error:
        result = credentials.Verification("invalid", error.message)
    click.echo(f"{result.state}: {result.message}")
    if result.document:
        click.echo(f"credential: {result.document['id']}")
    if result.state != "valid":
        raise SystemExit(1)


@uprest_cli.command("revoke-credential")
@click.argument("credential_id")
def revoke_credential(credential_id: str):
    """Revoke a credential by its uuid (the last part of its address)."""
    from uprest.credentials import services as credentials

    found = credentials.get(credential_id.rstrip("/").rsplit("/", 1)[-1])
    if found is None:
        raise click.ClickException("No credential has this id.")
    changed = credentials.revoke(found)
    db.session.commit()
    click.echo("Revoked." if changed else "It was already revoked.")


@uprest_cli.command("export-statements")
@click.option("--since", type=click.DateTime(), help="Stored at or after (UTC).")
@click.option(
    "--until", type=click.DateTime(), help="Stored before (UTC); a date alone: to its end."
)
@click.option("--verb", help="Verb IRI.")
@click.option("--activity", help="Activity IRI (the statement's object).")
@click.option("--registration", help="Registration UUID.")
@click.option("--municipality", help="Only learners of this municipality (slug).")
@click.option(
    "--format", "fmt", type=click.Choice(["ndjson", "json"]), default="ndjson", show_default=True
)
@click.option(
    "--pseudonymise/--as-stored",
    default=True,
    show_default=True,
    help="Replace every person's identifier by a keyed hash and leave names out.",
)
@click.option(
    "--pseudonym-key",
    envvar="UPREST_PSEUDONYM_KEY",
    help="Key of the hash (or UPREST_PSEUDONYM_KEY); the same key gives the same pseudonyms"
    " in every export. Without one, a random key per export.",
)
@click.option("--out", type=click.Path(dir_okay=False, allow_dash=True), default="-")
def export_statements(
    since, until, verb, activity, registration, municipality, fmt, pseudonymise, pseudonym_key, out
):
    """Write statements for a research partner (voided ones left out), streamed to OUT."""
    from datetime import time, timedelta

    from uprest.accounts.models import Municipality
    from uprest.xapi import export
    from uprest.xapi.validation import UUID_RE

    if registration and not UUID_RE.match(registration):
        raise click.ClickException(f"{registration!r} is not a UUID")
    if pseudonym_key and len(pseudonym_key) < export.MIN_KEY_LENGTH:
        raise click.ClickException(
            f"a pseudonym key has at least {export.MIN_KEY_LENGTH} characters"
        )
    if until is not None and until.time() == time():
        until += timedelta(days=1)  # a date alone means up to the end of that day
    municipality_id = None
    if municipality:
        found = db.session.scalar(db.select(Municipality).where(Municipality.slug == municipality))
        if found is None:
            raise click.ClickException(f"no municipality {municipality!r}")
        municipality_id = found.id
    filters = export.ExportFilters(
        since=since,
        until=until,
        verb=verb,
        activity=activity,
        registration=registration,
        municipality_id=municipality_id,
    )
    pseudonymiser = export.Pseudonymiser(pseudonym_key) if pseudonymise else None
    total = export.count(filters)
    chunks = export.stream(filters, fmt=fmt, pseudonymiser=pseudonymiser)
    with click.open_file(out, "wb") as stream:
        if out == "-":
            for chunk in chunks:
                stream.write(chunk)
        else:
            with click.progressbar(length=total, label="Exporting statements") as bar:
                for chunk in chunks:
                    stream.write(chunk)
                    bar.update(chunk.count(b"\n") if fmt == "ndjson" else 1)
    if out != "-":
        click.echo(f"{total} statement(s) written to {out}.")


@uprest_cli.command("db-upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str):
    """Apply UPREST's migrations (its own history; a host's `flask db` is not involved)."""
    schema.upgrade(revision)


@uprest_cli.command("db-downgrade")
@click.argument("revision")
def db_downgrade(revision: str):
    """Revert UPREST's migrations down to REVISION ("base" removes UPREST's tables)."""
    schema.downgrade(revision)


@uprest_cli.command("db-current")
def db_current():
    """Show the revision of UPREST's tables."""
    schema.current()
