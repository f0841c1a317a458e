"""Credential pages: downloads for the holder, the public check, the issuer's keys and status."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, request, url_for
from flask_login import current_user, login_required

from uprest.accounts.models import Role
from uprest.accounts.permissions import roles_required
from uprest.core.errors import ServiceError
from uprest.core.forms import ConfirmForm
from uprest.core.templating import render
from uprest.courses.services import get_module_or_404, get_path_or_404
from uprest.credentials import achievements, baking, keys, paths, services
from uprest.credentials.forms import VerifyForm
from uprest.extensions import db
from uprest.i18n import _, get_locale

bp = Blueprint("credentials", __name__, url_prefix="/credentials")

DOWNLOADS = {
    "jwt": "application/vc+jwt",
    "json": "application/json",
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
}


def _key_or_404(make):
    try:
        return make()
    except ServiceError:
        abort(404)


@bp.get("/did.json")
def did_document():
    return jsonify(_key_or_404(keys.did_document))


@bp.get("/jwks.json")
def jwks():
    return jsonify({"keys": [_key_or_404(keys.public_jwk)]})


@bp.get("/status/<int:number>")
def status_list(number: int):
    token = _key_or_404(lambda: services.signed_status_list(number))
    response = current_app.response_class(token, mimetype="application/vc+jwt")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/achievements/paths/<slug>")
def path_achievement(slug: str):
    found = get_path_or_404(slug)
    locale = request.args.get("lang", "")
    if locale not in paths.path_locales(found):
        locale = "en"
    return jsonify(paths.achievement(found, locale))


@bp.get("/achievements/<slug>/<int:version>")
def achievement(slug: str, version: int):
    found = services.module_version(get_module_or_404(slug), version) or abort(404)
    locale = request.args.get("lang", "")
    if locale not in achievements.achievement_locales(found):
        locale = found.default_language
    return jsonify(achievements.achievement(found, locale))


def _own_or_404(uuid: str):
    credential = services.get(uuid)
    if credential is None or credential.holding is None:
        abort(404)
    if credential.holding.user_id != current_user.id:
        abort(404)
    return credential


def _page_of(credential) -> str:
    """Where the holder came from: the module's certificate, or the path."""
    if credential.enrolment is not None:
        slug = credential.enrolment.module.slug
        return url_for("uprest.learning.certificate", slug=slug)
    return url_for("uprest.learning.path", slug=credential.path_enrolment.path.slug)


def _slug(credential) -> str:
    if credential.enrolment is not None:
        return credential.enrolment.module.slug
    return credential.path_enrolment.path.slug


@bp.get("/<uuid>/download.<kind>")
@login_required
def download(uuid: str, kind: str):
    credential = _own_or_404(uuid)
    if kind not in DOWNLOADS:
        abort(404)
    try:
        body = _file(credential, kind)
    except ServiceError as error:
        flash(str(error.message), "error")
        return redirect(_page_of(credential))
    response = current_app.response_class(body, mimetype=DOWNLOADS[kind])
    name = f"uprest-{_slug(credential)}.{kind}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _file(credential, kind: str) -> bytes | str:
    if kind == "json":
        return jsonify(services.document(credential)).get_data()
    if kind == "pdf":
        from uprest.credentials import pdf

        return pdf.certificate(credential, str(get_locale() or "en"))
    token = services.signed(credential)
    title = services.document(credential)["name"]
    return {"jwt": lambda: token, "png": lambda: baking.png(token, title),
            "svg": lambda: baking.svg(token, title)}[kind]()  # fmt: skip


@bp.get("/<uuid>")
def show(uuid: str):
    """The address in the credential and in the printed QR code: the record's current status."""
    credential = services.get(uuid) or abort(404)
    result = services.verify_record(credential)
    return render(
        "uprest/credentials/result.html",
        result=result,
        details=_details(result),
        form=ConfirmForm(),
        can_revoke=current_user.is_authenticated and current_user.role is Role.ADMIN,
        verify_form=None,
    )


@bp.route("/verify", methods=["GET", "POST"])
def verify():
    form = VerifyForm()
    result = None
    if form.validate_on_submit():
        data = form.token()
        if data is None:
            form.upload.errors = [_("Choose a credential file or paste its text.")]
        else:
            try:
                result = services.verify(services.token_from_upload(data))
            except ServiceError as error:
                result = services.Verification("invalid", error.message)
    return render(
        "uprest/credentials/verify.html",
        verify_form=form,
        result=result,
        details=_details(result) if result else None,
    )


def _details(result) -> dict | None:
    """Name, module, date and competences to show beside a valid or revoked result."""
    credential = result.credential
    if credential is None or credential.holding is None:
        return None
    found = achievements.facts(credential, str(get_locale() or "en"))
    return found | {"issued_at": credential.issued_at, "uuid": credential.uuid}


@bp.post("/<uuid>/revoke")
@roles_required(Role.ADMIN)
def revoke(uuid: str):
    credential = services.get(uuid) or abort(404)
    if ConfirmForm().validate_on_submit():
        if services.revoke(credential):
            db.session.commit()
            flash(_("The credential is revoked: every check now reports it as revoked."), "success")
        else:
            flash(_("This credential was already revoked."), "info")
    return redirect(url_for(".show", uuid=uuid))
