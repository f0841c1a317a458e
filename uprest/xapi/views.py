"""Pages of the learning record: the statement viewer, LRS credentials, forwarding status."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

from flask import Blueprint, abort, flash, redirect, request, url_for

from uprest.accounts import services as accounts
from uprest.accounts.forms import ConfirmForm
from uprest.accounts.models import Role, User
from uprest.accounts.permissions import roles_required
from uprest.core.errors import ServiceError
from uprest.core.forms import attach_error
from uprest.core.templating import render
from uprest.extensions import db
from uprest.i18n import _, get_locale
from uprest.xapi import clients, forwarder, query
from uprest.xapi.emitter import LANGUAGE_TAGS
from uprest.xapi.forms import LrsClientForm, StatementFilterForm
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
                "verb": _pick(data["verb"].get("display"), data["verb"]["id"].rsplit("/", 1)[-1]),
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
        try:
            client, secret = clients.create_client(
                name=form.name.data, scopes=form.scopes.data, is_trusted=form.is_trusted.data
            )
        except ServiceError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            created = {"client": client, "secret": secret}
            form = LrsClientForm(formdata=None)
    return render(
        "uprest/records/clients.html",
        form=form,
        created=created,
        clients=clients.list_clients(),
        confirm_form=ConfirmForm(),
        endpoint=url_for("uprest.xapi.about", _external=True).rsplit("/about", 1)[0],
    )


@bp.post("/admin/lrs-clients/<int:client_id>/revoke")
@roles_required(Role.ADMIN)
def revoke_client(client_id: int):
    client = db.session.get(LrsClient, client_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        clients.revoke_client(client)
        db.session.commit()
        flash(_("The credentials of %(name)s no longer work.", name=client.name), "success")
    return redirect(url_for(".lrs_clients"))


@bp.get("/admin/xapi-outbox")
@roles_required(Role.ADMIN)
def outbox():
    return render(
        "uprest/records/outbox.html",
        counts=forwarder.counts(),
        dead=forwarder.dead_letters(),
        confirm_form=ConfirmForm(),
    )


@bp.post("/admin/xapi-outbox/<int:item_id>/replay")
@roles_required(Role.ADMIN)
def replay(item_id: int):
    item = db.session.get(OutboxItem, item_id) or abort(404)
    if ConfirmForm().validate_on_submit() and item.is_dead:
        forwarder.replay(item)
        db.session.commit()
        flash(_("The statement will be sent again."), "success")
    return redirect(url_for(".outbox"))
