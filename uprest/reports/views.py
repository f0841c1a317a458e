"""Municipality summaries for reviewers (own municipality only) and administrators."""

import json

from flask import Blueprint, Response, redirect, request, url_for
from flask_login import current_user

from uprest.accounts import business_services
from uprest.accounts.models import Role
from uprest.accounts.permissions import get_municipality_or_404, roles_required
from uprest.core.templating import render
from uprest.core.time import utcnow
from uprest.i18n import get_locale
from uprest.reports import charts, exports, formatting, tables
from uprest.reports.dashboard import dashboard
from uprest.reports.services import is_published, release, summary
from uprest.surveys.services import get_reachable_wave_or_404, waves_for_municipality

bp = Blueprint("reports", __name__, url_prefix="/reports")
READERS = (Role.REVIEWER, Role.ADMIN)
WAVE = "/<int:municipality_id>/waves/<int:wave_id>"


@bp.get("/")
@roles_required(*READERS)
def index():
    if current_user.role is Role.REVIEWER:
        return redirect(url_for(".municipality", municipality_id=current_user.municipality_id))
    return render(
        "uprest/reports/index.html", municipalities=business_services.list_municipalities()
    )


@bp.get("/<int:municipality_id>")
@roles_required(*READERS)
def municipality(municipality_id: int):
    place = get_municipality_or_404(municipality_id, current_user)
    waves = waves_for_municipality(place.id)
    return render(
        "uprest/reports/waves.html",
        municipality=place,
        waves=waves,
        published={w.id for w in waves if is_published(w)},
    )


@bp.get("/<int:municipality_id>/dashboard")
@roles_required(*READERS)
def dashboard_page(municipality_id: int):
    place = get_municipality_or_404(municipality_id, current_user)
    return render("uprest/reports/dashboard.html", board=dashboard(place), **_formatters())


@bp.get("/<int:municipality_id>/council-report")
@roles_required(*READERS)
def council_report(municipality_id: int):
    place = get_municipality_or_404(municipality_id, current_user)
    board = dashboard(place)
    page = _page(board.latest) if board.latest else _formatters()
    return render("uprest/reports/council.html", board=board, today=utcnow().date(), **page)


def _summary(municipality_id: int, wave_id: int):
    place = get_municipality_or_404(municipality_id, current_user)
    wave = get_reachable_wave_or_404(wave_id, place.id)
    compare_id = request.args.get("compare", type=int)
    compare = get_reachable_wave_or_404(compare_id, place.id) if compare_id else None
    return summary(wave, place, compare)


def _release(municipality_id: int, wave_id: int):
    place = get_municipality_or_404(municipality_id, current_user)
    return release(get_reachable_wave_or_404(wave_id, place.id), place)


def _chart(result):
    items = [
        (
            row.competence.name,
            (
                row.cell.stats.mean_gap if row.cell.shown else None,
                row.consortium.stats.mean_gap if row.consortium.shown else None,
            ),
        )
        for row in result.rows
    ]
    values = [v for _label, pair in items for v in pair if v is not None]
    return charts.bar_chart(items, min(values, default=0), max(values, default=1))


def _formatters() -> dict:
    return {
        "cell_value": formatting.cell_value,
        "change": formatting.change,
        "number": formatting.number,
        "percent": formatting.percent,
    }


def _page(result) -> dict:
    """What the summary's body template needs: the figures, the chart and its formatters."""
    return {"summary": result, "chart": _chart(result), **_formatters()}


@bp.get(WAVE)
@roles_required(*READERS)
def summary_page(municipality_id: int, wave_id: int):
    result = _summary(municipality_id, wave_id)
    return render(
        "uprest/reports/summary.html",
        waves=[w for w in waves_for_municipality(result.municipality.id) if is_published(w)],
        **_page(result),
    )


@bp.get(WAVE + "/print")
@roles_required(*READERS)
def print_report(municipality_id: int, wave_id: int):
    result = _summary(municipality_id, wave_id)
    return render("uprest/reports/print.html", **_page(result))


def _urls(result) -> dict:
    ids = {"municipality_id": result.municipality.id, "wave_id": result.wave.id}
    return {
        "csv_url": url_for(".export_csv", **ids, _external=True),
        "metadata_url": url_for(".export_metadata", **ids, _external=True),
        "dataset_url": url_for(".export_dataset", **ids, _external=True),
    }


def _download(body: str, mimetype: str, filename: str) -> Response:
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get(WAVE + "/summary.csv")
@roles_required(*READERS)
def export_csv(municipality_id: int, wave_id: int):
    result = _summary(municipality_id, wave_id)
    return _download(
        exports.csv_text(result), "text/csv; charset=utf-8", exports.file_stem(result) + ".csv"
    )


@bp.get(WAVE + "/table.csv")
@roles_required(*READERS)
def export_local_csv(municipality_id: int, wave_id: int):
    """The same rows as the open-data CSV, in the reader's language, for a spreadsheet."""
    result = _summary(municipality_id, wave_id)
    name = f"{exports.file_stem(result)}-{get_locale()}.csv"
    return _download(tables.csv_text(result), "text/csv; charset=utf-8", name)


@bp.get(WAVE + "/table.xlsx")
@roles_required(*READERS)
def export_xlsx(municipality_id: int, wave_id: int):
    result = _summary(municipality_id, wave_id)
    return _download(
        tables.xlsx_bytes(result),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"{exports.file_stem(result)}-{get_locale()}.xlsx",
    )


@bp.get(WAVE + "/summary.csv-metadata.json")
@roles_required(*READERS)
def export_metadata(municipality_id: int, wave_id: int):
    result = _release(municipality_id, wave_id)
    body = exports.csvw_metadata(result, _urls(result)["csv_url"])
    return _download(
        json.dumps(body, ensure_ascii=False, indent=2),
        "application/csvm+json",
        exports.file_stem(result) + ".csv-metadata.json",
    )


@bp.get(WAVE + "/dataset.jsonld")
@roles_required(*READERS)
def export_dataset(municipality_id: int, wave_id: int):
    result = _release(municipality_id, wave_id)
    body = exports.dcat_dataset(result, **_urls(result))
    return _download(
        json.dumps(body, ensure_ascii=False, indent=2),
        "application/ld+json",
        exports.file_stem(result) + "-dataset.jsonld",
    )
