"""Statement exports for research partners: filters, formats, pseudonyms, streaming, the CLI."""

from __future__ import annotations

import json
import tracemalloc
import uuid
from datetime import timedelta

import sqlalchemy as sa

from tests.xapi.conftest import make_statement
from uprest.accounts.models import Business, Role
from uprest.core.time import utcnow
from uprest.extensions import db
from uprest.xapi import export
from uprest.xapi.emitter import emit
from uprest.xapi.models import Statement

ADA = {"objectType": "Agent", "name": "Ada", "mbox": "mailto:ada@example.org"}
BO = {"objectType": "Agent", "name": "Bo", "mbox": "mailto:bo@example.org"}
PASSED = "http://adlnet.gov/expapi/verbs/passed"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
LESSON = "http://example.org/activities/lesson-1"
OTHER = "http://example.org/activities/other"


def _lines(response) -> list[dict]:
    text = response.get_data(as_text=True)
    assert text == "" or text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def _post(lrs, statements):
    reply = lrs.request("POST", "/statements", json=statements)
    assert reply.status_code == 200, reply.get_data(as_text=True)
    return reply.json


def _record(lrs):
    """Six statements: two verbs, two activities, one registration, one voided (and its
    voiding statement), one naming an instructor and a group."""
    registration = str(uuid.uuid4())
    ids = _post(
        lrs,
        [
            make_statement(actor=ADA),
            make_statement(actor=BO, verb={"id": PASSED}),
            make_statement(actor=ADA, object={"id": OTHER}, context={"registration": registration}),
            make_statement(
                actor={"objectType": "Group", "name": "Team", "member": [ADA, BO]},
                context={"instructor": BO},
            ),
            make_statement(actor=BO, verb={"id": PASSED}, object={"id": OTHER}),
        ],
    )
    [voiding] = _post(
        lrs,
        [
            make_statement(
                actor=BO,
                verb={"id": VOIDED},
                object={"objectType": "StatementRef", "id": ids[4]},
            )
        ],
    )
    return ids, voiding, registration


def _download(client, **data):
    form = {"fmt": "ndjson", "municipality": "0", **data}
    return client.post("/admin/xapi-export", data=form, buffered=True)


def test_the_admin_exports_filtered_statements_as_ndjson_without_voided_ones(
    app, client, lrs, login_as
):
    ids, voiding, registration = _record(lrs)
    login_as(Role.ADMIN)
    assert client.get("/admin/xapi-export").status_code == 200

    everything = _download(client, pseudonymise="")
    assert everything.status_code == 200
    assert everything.mimetype == "application/x-ndjson"
    assert "Content-Length" not in everything.headers  # streamed, not built in memory
    assert "attachment" in everything.headers["Content-Disposition"]
    exported = [s["id"] for s in _lines(everything)]
    assert exported == [*ids[:4], voiding]  # stored order; the voided one left out
    # as stored: the same JSON the LRS answers with
    first = lrs.get(statementId=ids[0]).json
    assert _lines(everything)[0] == first

    assert [s["id"] for s in _lines(_download(client, pseudonymise="", verb=PASSED))] == [ids[1]]
    by_activity = _download(client, pseudonymise="", activity=OTHER)
    assert [s["id"] for s in _lines(by_activity)] == [ids[2]]
    by_registration = _download(client, pseudonymise="", registration=registration)
    assert [s["id"] for s in _lines(by_registration)] == [ids[2]]
    today = utcnow().date()
    assert _lines(_download(client, pseudonymise="", since=str(today + timedelta(days=1)))) == []
    until_today = _download(client, pseudonymise="", until=str(today))
    assert len(_lines(until_today)) == 5
    assert _lines(_download(client, pseudonymise="", until=str(today - timedelta(days=1)))) == []


def test_a_json_array_export_is_one_valid_array(client, lrs, login_as):
    ids, voiding, _registration = _record(lrs)
    login_as(Role.ADMIN)
    reply = _download(client, pseudonymise="", fmt="json")
    assert reply.mimetype == "application/json"
    assert [s["id"] for s in json.loads(reply.get_data())] == [*ids[:4], voiding]
    empty = _download(client, pseudonymise="", fmt="json", verb="http://example.org/none")
    assert json.loads(empty.get_data()) == []


def test_pseudonymised_exports_hide_every_person_and_link_them_only_with_the_same_key(
    client, lrs, login_as
):
    _record(lrs)
    login_as(Role.ADMIN)
    key = "a research key of some length"
    first = _download(client, pseudonymise="y", pseudonym_key=key)
    text = first.get_data(as_text=True)
    assert "ada@example.org" not in text and "bo@example.org" not in text
    assert '"Ada"' not in text and '"Bo"' not in text
    statements = _lines(first)
    ada = statements[0]["actor"]
    assert ada["account"]["homePage"] == export.PSEUDONYM_HOME and "name" not in ada
    assert statements[2]["actor"] == ada  # the same person, the same pseudonym
    group = statements[3]
    assert group["actor"]["member"][0] == ada
    assert group["context"]["instructor"] == statements[1]["actor"]  # Bo
    # authority (the sending system) stays
    assert group["authority"]["account"]["name"]

    again = _lines(_download(client, pseudonymise="y", pseudonym_key=key))
    assert again[0]["actor"] == ada
    unkeyed = _lines(_download(client, pseudonymise="y"))
    assert unkeyed[0]["actor"] != ada and unkeyed[0]["actor"]["account"]["name"]


def test_bad_export_input_gets_a_message_and_no_file(client, lrs, login_as):
    _record(lrs)
    login_as(Role.ADMIN)
    for data in (
        {"registration": "not-a-uuid"},
        {"pseudonymise": "y", "pseudonym_key": "short"},
        {"verb": "not an iri"},
        {"since": "2026-02-01", "until": "2026-01-01"},
        {"fmt": "xml"},
    ):
        reply = _download(client, **data)
        assert reply.status_code == 200 and reply.mimetype == "text/html", data
        assert 'class="error"' in reply.get_data(as_text=True), data


def test_the_municipality_filter_keeps_that_municipality_s_learners(
    app, client, create_user, create_business, login_as
):
    in_cervia = create_user(business=create_business(place="cervia"))
    in_tartu = create_user(business=create_business(place="tartu"))
    with app.test_request_context():
        kept = emit(user=in_cervia, verb="experienced", activity="lessons/a").statement_id
        emit(user=in_tartu, verb="experienced", activity="lessons/a")
    db.session.commit()
    login_as(Role.ADMIN)
    cervia = db.session.scalar(
        sa.select(Business.municipality_id).where(Business.id == in_cervia.business_id)
    )
    exported = _lines(_download(client, pseudonymise="", municipality=str(cervia)))
    assert [s["id"] for s in exported] == [kept]


def _pad(index: int) -> dict:
    statement = make_statement(actor={"mbox": f"mailto:learner{index % 50}@example.org"})
    statement["result"] = {"extensions": {"http://example.org/pad": "x" * 2000}}
    return statement


def test_a_large_export_streams_valid_ndjson_and_json_in_flat_memory(app, lrs):
    """5,000 statements of ~2.5 KB: the whole file is ~12 MB, the exporter holds a batch."""
    for start in range(0, 5000, 250):
        _post(lrs, [_pad(i) for i in range(start, start + 250)])
    db.session.expire_all()
    for fmt in ("ndjson", "json"):
        tracemalloc.start()
        size, chunks, parsed = 0, export.stream(export.ExportFilters(), fmt=fmt), []
        for chunk in chunks:
            size += len(chunk)
            parsed.append(chunk)  # kept only to check the text, outside the measured peak
            if len(parsed) > 100:
                parsed = [b"".join(parsed)]
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        text = b"".join(parsed)
        if fmt == "ndjson":
            assert len([json.loads(line) for line in text.splitlines()]) == 5000
        else:
            assert len(json.loads(text)) == 5000
        # everything read, kept and joined is ~2 × the file; the exporter itself adds at most
        # a few batches of rows on top
        assert size > 12_000_000
        assert peak < 2 * size + 6_000_000, (fmt, size, peak)


def test_the_stream_holds_only_a_batch_of_rows(app, lrs):
    """Memory while exporting does not grow with the number of statements."""
    for start in range(0, 3000, 250):
        _post(lrs, [_pad(i) for i in range(start, start + 250)])
    db.session.expire_all()
    tracemalloc.start()
    count = 0
    for chunk in export.stream(export.ExportFilters()):
        count += chunk.count(b"\n")
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 3000
    assert peak < 4_000_000, peak  # the file is ~7.5 MB; a batch of 500 rows is ~1.3 MB


def test_the_cli_writes_a_file_with_the_same_statements(app, lrs, runner, tmp_path):
    ids, voiding, _registration = _record(lrs)
    out = tmp_path / "out.ndjson"
    result = runner.invoke(args=["uprest", "export-statements", "--as-stored", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "5 statement(s)" in result.output
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == [*ids[:4], voiding]

    array = tmp_path / "out.json"
    result = runner.invoke(
        args=[
            "uprest",
            "export-statements",
            "--format",
            "json",
            "--verb",
            PASSED,
            "--out",
            str(array),
        ]
    )
    assert result.exit_code == 0, result.output
    [only] = json.loads(array.read_text())
    assert only["id"] == ids[1] and "bo@example.org" not in array.read_text()

    keyed = ["--pseudonym-key", "k" * 20, "--activity", OTHER]
    first = runner.invoke(args=["uprest", "export-statements", *keyed])
    second = runner.invoke(args=["uprest", "export-statements", *keyed])
    assert first.exit_code == 0 and first.output == second.output
    assert json.loads(first.output)["id"] == ids[2]


def test_the_cli_refuses_bad_input(app, runner):
    for args in (
        ["--registration", "nope"],
        ["--pseudonym-key", "short"],
        ["--municipality", "atlantis"],
    ):
        result = runner.invoke(args=["uprest", "export-statements", *args])
        assert result.exit_code != 0 and "Error" in result.output, args
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Statement)) == 0
