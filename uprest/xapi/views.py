"""Pages of the learning record: the statement viewer, LRS credentials, forwarding status."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    request,
    stream_with_context,
    url_for,
)

from uprest.accounts import business_services
from uprest.accounts import services as accounts
from uprest.accounts.models import Role, User
from uprest.accounts.permissions import roles_required
from uprest.core.forms import ConfirmForm, choices
from uprest.core.templating import render
from uprest.core.time import utcnow
from uprest.core.unit_of_work import unit_of_work
from uprest.extensions import db
from uprest.i18n import _, get_locale
from uprest.xapi import clients, export, forwarder, forwarding, query, vocabulary
from uprest.xapi.emitter import LANGUAGE_TAGS
from uprest.xapi.forms import (
    ClientVersionForm,
    ForwardingForm,
    LrsClientForm,
    StatementExportForm,
    StatementFilterForm,
)
from uprest.xapi.models import LrsClient, OutboxItem

bp = Blueprint("records", __name__)
PAGE = 25


def _pick(language_map: dict | None, fallback: str) -> str:
    """The text of a language map in the reader's language, else English, else any."""
    if not language_map:
        return fallback
    locale = str(get_locale() or "en")
    for tag in (LANGUAGE_TAGS.get(locale, locale), locale, "en-GB", "en-US", "en"):
        for key, text in language_map.items():
            if key.lower() == tag.lower() or key.split("-")[0].lower() == tag.lower():
                return text
    return next(iter(language_map.values()))


def _rows(statements) -> list[dict]:
    """What the viewer shows of each statement, learners' names looked up in one query."""
    documents = [(row, json.loads(row.document)) for row in statements]
    user_ids = {row.user_id for row, _data in documents if row.user_id}
    names = (
        dict(
            db.session.execute(
                db.select(User.id, User.display_name).where(User.id.in_(user_ids))
            ).all()
        )
        if user_ids
        else {}
    )
    shown = []
    for row, data in documents:
        actor = data["actor"]
        obj = data["object"]
        shown.append(
            {
                "stored": row.stored,
                "actor": names.get(row.user_id)
                or actor.get("name")
                or actor.get("mbox", "").removeprefix("mailto:")
                or _("Anonymous"),
                "verb": _pick(
                    data["verb"].get("display"), vocabulary.verb_name(data["verb"]["id"])
                ),
                "object": _pick(
                    obj.get("definition", {}).get("name"), obj.get("id", obj.get("objectType", ""))
                ),
                "object_id": obj.get("id", ""),
                "score": data.get("result", {}).get("score", {}).get("scaled"),
                "success": data.get("result", {}).get("success"),
            }
        )
    return shown


@bp.get("/records")
@roles_required(Role.TRAINER, Role.ADMIN)
def statements():
    form = StatementFilterForm(request.args)
    filters = query.Filters(limit=PAGE)
    rows, following, unknown_learner = [], None, False
    cursor = request.args.get("page")
    if cursor:
        filters = query.decode_cursor(cursor) or abort(400)
    elif form.validate():
        user_id = None
        if form.learner.data:
            learner = accounts.get_user_by_email(form.learner.data)
            unknown_learner = learner is None
            user_id = learner.id if learner else -1
        filters = query.Filters(
            limit=PAGE,
            user_id=user_id,
            activity=form.activity.data or None,
            related_activities=bool(form.activity.data),
            verb=form.verb.data or None,
            since=datetime.combine(form.since.data, time()).isoformat()
            if form.since.data
            else None,
            until=(datetime.combine(form.until.data, time()) + timedelta(days=1)).isoformat()
            if form.until.data
            else None,
        )
    if not form.errors:
        rows, following = query.find_statements(filters)
    next_page = None
    if following is not None:
        next_page = url_for(".statements", page=query.encode_cursor(following))
    return render(
        "uprest/records/statements.html",
        form=form,
        rows=_rows(rows),
        next_page=next_page,
        unknown_learner=unknown_learner,
    )


@bp.route("/admin/lrs-clients", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def lrs_clients():
    form = LrsClientForm()
    created = None
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            client, secret = clients.create_client(
                name=form.name.data,
                scopes=form.scopes.data,
                is_trusted=form.is_trusted.data,
                xapi_version=form.xapi_version.data,
            )
        if work.committed:
            created = {"client": client, "secret": secret}
            form = LrsClientForm(formdata=None)
    return render(
        "uprest/records/clients.html",
        form=form,
        created=created,
        clients=clients.list_clients(),
        confirm_form=ConfirmForm(),
        version_form=ClientVersionForm,
        endpoint=url_for("uprest.xapi.about", _external=True).rsplit("/about", 1)[0],
    )


@bp.post("/admin/lrs-clients/<int:client_id>/version")
@roles_required(Role.ADMIN)
def client_version(client_id: int):
    client = db.session.get(LrsClient, client_id) or abort(404)
    form = ClientVersionForm()
    if form.validate_on_submit():
        with unit_of_work() as work:
            clients.set_version(client, form.xapi_version.data)
        if work.committed:
            flash(_("%(name)s now speaks the chosen xAPI version.", name=client.name), "success")
    else:
        flash(_("Choose xAPI 1.0.3, 2.0.0 or the default version."), "error")
    return redirect(url_for(".lrs_clients"))


@bp.post("/admin/lrs-clients/<int:client_id>/revoke")
@roles_required(Role.ADMIN)
def revoke_client(client_id: int):
    client = db.session.get(LrsClient, client_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        clients.revoke_client(client)
        db.session.commit()
        flash(_("The credentials of %(name)s no longer work.", name=client.name), "success")
    return redirect(url_for(".lrs_clients"))


@bp.route("/admin/xapi-outbox", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def outbox():
    """Forwarding: the admin's settings (or the environment's), and the outbox's state."""
    row = forwarding.saved()
    form = ForwardingForm()
    cfg_url = current_app.config.get("UPREST_XAPI_FORWARD_URL")
    if not form.is_submitted() and row is not None:
        form.is_enabled.data, form.url.data = row.is_enabled, row.url
    elif not form.is_submitted() and cfg_url:  # start from what is in force
        form.is_enabled.data, form.url.data = True, cfg_url
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            forwarding.save(
                is_enabled=form.is_enabled.data,
                url=form.url.data or "",
                key=form.key.data or None,
                secret=form.secret.data or None,
            )
        if work.committed:
            flash(_("The forwarding settings are saved."), "success")
            return redirect(url_for(".outbox"))
    target = forwarding.target()
    return render(
        "uprest/records/outbox.html",
        form=form,
        saved=row,
        target=target,
        key_hint=forwarding.masked(target.key if target else (row.key if row else "")),
        environment_url=cfg_url,
        secret_unreadable=forwarding.secret_unreadable(),
        state=forwarder.state(),
        dead=forwarder.dead_letters(),
        confirm_form=ConfirmForm(),
    )


@bp.post("/admin/xapi-outbox/use-environment")
@roles_required(Role.ADMIN)
def forwarding_from_environment():
    if ConfirmForm().validate_on_submit():
        forwarding.use_environment()
        db.session.commit()
        flash(_("Forwarding follows the environment variables again."), "success")
    return redirect(url_for(".outbox"))


@bp.post("/admin/xapi-outbox/<int:item_id>/replay")
@roles_required(Role.ADMIN)
def replay(item_id: int):
    item = db.session.get(OutboxItem, item_id) or abort(404)
    if ConfirmForm().validate_on_submit() and item.is_dead:
        forwarder.replay(item)
        db.session.commit()
        flash(_("The statement will be sent again."), "success")
    return redirect(url_for(".outbox"))


def _export_filters(form: StatementExportForm) -> export.ExportFilters:
    return export.ExportFilters(
        since=datetime.combine(form.since.data, time()) if form.since.data else None,
        until=datetime.combine(form.until.data, time()) + timedelta(days=1)
        if form.until.data
        else None,
        verb=form.verb.data or None,
        activity=form.activity.data or None,
        registration=form.registration.data or None,
        municipality_id=form.municipality.data or None,
    )


@bp.route("/admin/xapi-export", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def export_statements():
    """A research partner's extract, streamed: the page's form posts, the answer is the file."""
    form = StatementExportForm()
    form.municipality.choices = choices(
        [(0, _("Every learner"))]
        + [(m.id, m.name) for m in business_services.list_municipalities()]
    )
    if form.validate_on_submit():
        pseudonymiser = (
            export.Pseudonymiser(form.pseudonym_key.data or None)
            if form.pseudonymise.data
            else None
        )
        chunks = export.stream(
            _export_filters(form), fmt=form.fmt.data, pseudonymiser=pseudonymiser
        )
        extension, mimetype = (
            ("ndjson", "application/x-ndjson")
            if form.fmt.data == "ndjson"
            else ("json", "application/json")
        )
        filename = f"uprest-statements-{utcnow():%Y%m%d-%H%M%S}.{extension}"
        return Response(
            stream_with_context(chunks),
            mimetype=mimetype,
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
    return render("uprest/records/export.html", form=form)
