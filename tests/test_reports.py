"""Municipality summaries: SQL aggregates, disclosure control, access, exports."""

import csv
import io
import json
import warnings

import pytest
import sqlalchemy as sa

from tests.conftest import make_config
from uprest import create_app
from uprest.accounts.models import Role, Sector, SizeBand
from uprest.extensions import db
from uprest.reports import queries
from uprest.surveys import scoring
from uprest.surveys.models import BusinessGap, SurveyWave


def _businesses(create_business, place, sectors):
    """Businesses in ``place``: ``sectors`` maps a sector to how many."""
    made = []
    for sector, n in sectors.items():
        for _ in range(n):
            size = SizeBand.MICRO if len(made) % 3 else SizeBand.SMALL
            made.append(create_business(place=place, sector=sector, size_band=size))
    return made


def _summary_url(place, wave, suffix=""):
    return f"/reports/{place.id}/waves/{wave.id}{suffix}"


def _csv(client, place, wave):
    text = client.get(_summary_url(place, wave, "/summary.csv")).get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(text)))


def test_sql_aggregates_match_the_pure_scoring(
    open_wave, answer_survey, create_business, municipality
):
    wave = open_wave()
    specs = [(4, [2, 3], 5), (3, [3], 2), (5, [1, 2, 4], 4), (2, [3], 1), (4, [4, 1], 3)]
    rows = []
    for required, currents, importance in specs:
        business = create_business()
        answer_survey(wave, business, required=required, current=currents, importance=importance)
        rows.append((required, sum(currents) / len(currents), importance))
    figures = queries.municipality_figures(wave.id, municipality("cervia").id)
    stats = figures.stats["all"][("all", "DIG-03")]
    expected = scoring.score("DIG-03", rows)
    assert stats.businesses == 5 and stats.respondents == 9
    for name in ("mean_gap", "median_gap", "prevalence", "borich", "required", "current"):
        assert getattr(stats, name) == pytest.approx(getattr(expected, name)), name


def test_small_municipality_shows_no_figures(
    client, login_as, open_wave, close_wave, answer_survey, create_business, municipality
):
    wave = open_wave()
    for business in _businesses(create_business, "cervia", {Sector.ACCOMMODATION: 4}):
        answer_survey(wave, business)
    close_wave(wave)
    login_as(Role.REVIEWER, locale="en")
    cervia = municipality("cervia")
    html = client.get(_summary_url(cervia, wave)).get_data(as_text=True)
    assert "Fewer than 5 businesses have answered so far" in html
    rows = _csv(client, cervia, wave)
    local = [r for r in rows if r["scope"] == "municipality"]
    assert local and all(r["suppressed"] == "true" and r["mean_gap"] == "" for r in local)
    assert all(r["businesses"] == "" for r in local)


def test_breakdowns_use_secondary_suppression(
    client, login_as, open_wave, close_wave, answer_survey, create_business, municipality
):
    wave = open_wave()
    sectors = {Sector.ACCOMMODATION: 7, Sector.EVENTS: 3}
    for business in _businesses(create_business, "cervia", sectors):
        answer_survey(wave, business, required=4, current=[2])
    close_wave(wave)
    login_as(Role.REVIEWER, locale="en")
    rows = _csv(client, municipality("cervia"), wave)
    by_sector = {(r["group"], r["competence"]): r for r in rows if r["breakdown"] == "sector"}
    # 3 events businesses are too few; accommodation would give them away: both withheld
    for group in ("accommodation", "events"):
        assert by_sector[(group, "DIG-01")]["suppressed"] == "true"
        assert by_sector[(group, "DIG-01")]["mean_gap"] == ""
    overall = next(r for r in rows if r["breakdown"] == "all" and r["competence"] == "DIG-01")
    assert overall["businesses"] == "10" and overall["mean_gap"] == "2.000"
    assert overall["suppressed"] == "false"


def test_distributions_only_for_ten_or_more(
    client, login_as, open_wave, close_wave, answer_survey, create_business, municipality
):
    nine, ten = open_wave("Nine"), open_wave("Ten")
    businesses = _businesses(create_business, "cervia", {Sector.ACCOMMODATION: 10})
    for business in businesses[:9]:
        answer_survey(nine, business)
    for business in businesses:
        answer_survey(ten, business)
    close_wave(nine), close_wave(ten)
    login_as(Role.REVIEWER, locale="en")
    url = _summary_url(municipality("cervia"), nine)
    assert "how many businesses chose each level" not in client.get(url).get_data(as_text=True)
    url = _summary_url(municipality("cervia"), ten)
    assert "how many businesses chose each level" in client.get(url).get_data(as_text=True)


def test_free_text_is_never_published(
    client, login_as, open_wave, close_wave, answer_survey, create_business, municipality
):
    wave = open_wave()
    for business in _businesses(create_business, "cervia", {Sector.TRANSPORT: 6}):
        answer_survey(wave, business, comments="SECRET-NOTE about Mario")
    close_wave(wave)
    login_as(Role.REVIEWER)
    cervia = municipality("cervia")
    for suffix in ("", "/print", "/summary.csv", "/summary.csv-metadata.json", "/dataset.jsonld"):
        body = client.get(_summary_url(cervia, wave, suffix)).get_data(as_text=True)
        assert "SECRET-NOTE" not in body, suffix


def test_reviewer_of_cervia_never_sees_tartu(
    client, login_as, open_wave, close_wave, answer_survey, create_business, municipality
):
    wave = open_wave()
    tartu_only = open_wave("Tartu only", place="tartu")
    for business in _businesses(create_business, "tartu", {Sector.EVENTS: 6}):
        answer_survey(wave, business, required=5, current=[1])
    for business in _businesses(create_business, "cervia", {Sector.EVENTS: 5}):
        answer_survey(wave, business, required=3, current=[3])
    close_wave(wave)
    login_as(Role.REVIEWER, place="cervia", locale="en")
    cervia, tartu = municipality("cervia"), municipality("tartu")
    assert client.get("/reports/").location == f"/reports/{cervia.id}"
    for suffix in ("", "/print", "/summary.csv", "/summary.csv-metadata.json", "/dataset.jsonld"):
        assert client.get(_summary_url(tartu, wave, suffix)).status_code == 403, suffix
    assert client.get(f"/reports/{tartu.id}").status_code == 403
    assert client.get(_summary_url(cervia, tartu_only)).status_code == 404
    # Cervia's own figures hold no Tartu business; the consortium row is the only mix.
    rows = _csv(client, cervia, wave)
    local = [r for r in rows if r["scope"] == "municipality" and r["breakdown"] == "all"]
    assert {r["businesses"] for r in local} == {"5"} and {r["mean_gap"] for r in local} == {"0.000"}
    consortium = [r for r in rows if r["scope"] == "consortium"]
    assert {r["businesses"] for r in consortium} == {"11"}
    assert "Tartu" not in client.get(_summary_url(cervia, wave)).get_data(as_text=True)


def test_change_between_waves(
    client, login_as, open_wave, close_wave, answer_survey, create_business, municipality
):
    before = open_wave("Before training", days=(-90, -60))
    after = open_wave("After training")
    businesses = _businesses(create_business, "cervia", {Sector.ACCOMMODATION: 5})
    db.session.execute(
        sa.update(type(before))
        .where(type(before).id == before.id)
        .values(opens_on=after.opens_on, closes_on=after.closes_on)
    )
    for business in businesses:
        answer_survey(before, business, required=4, current=[1])
        answer_survey(after, business, required=4, current=[3])
    db.session.execute(
        sa.update(type(before))
        .where(type(before).id == before.id)
        .values(
            opens_on=after.opens_on.replace(year=after.opens_on.year - 1),
            closes_on=after.closes_on.replace(year=after.closes_on.year - 1),
        )
    )
    db.session.commit()
    close_wave(after)
    login_as(Role.REVIEWER, locale="en")
    html = client.get(_summary_url(municipality("cervia"), after)).get_data(as_text=True)
    assert "Change since the earlier wave “Before training”" in html and "−2.00" in html
    # compared the other way round, the change still runs from the earlier wave to the later
    url = _summary_url(municipality("cervia"), before) + f"?compare={after.id}"
    html = client.get(url).get_data(as_text=True)
    assert "Change from this wave to the later wave “After training”" in html
    assert "−2.00" in html and "+2.00" not in html


def test_export_validates_against_its_own_metadata(
    client, login_as, open_wave, close_wave, answer_survey, create_business, municipality, tmp_path
):
    from csvw import CSVW

    wave = open_wave()
    sectors = {Sector.ACCOMMODATION: 6, Sector.EVENTS: 2, Sector.TRANSPORT: 1}
    for business in _businesses(create_business, "cervia", sectors):
        answer_survey(wave, business, required=4, current=[2, 3])
    close_wave(wave)
    login_as(Role.REVIEWER)
    cervia = municipality("cervia")
    body = client.get(_summary_url(cervia, wave, "/summary.csv")).get_data()
    metadata = client.get(_summary_url(cervia, wave, "/summary.csv-metadata.json")).get_json(
        force=True
    )
    assert metadata["url"].endswith(_summary_url(cervia, wave, "/summary.csv"))
    assert "fewer than 5 businesses" in metadata["rdfs:comment"]
    assert metadata["dc:spatial"]["schema:name"] == "Cervia"
    assert metadata["prov:wasGeneratedBy"]["schema:name"] == wave.title
    assert all(c.get("dc:description") for c in metadata["tableSchema"]["columns"])
    # The metadata names the live CSV; the validator reads a local copy of it.
    (tmp_path / "summary.csv").write_bytes(body)
    metadata["url"] = "summary.csv"
    (tmp_path / "summary.csv-metadata.json").write_text(json.dumps(metadata))
    table = CSVW(str(tmp_path / "summary.csv-metadata.json"), validate=True)
    assert table.is_valid, table.warnings
    rows = list(table.tables[0].iterdicts())
    assert len(rows) == body.count(b"\r\n") - 1
    assert any(r["suppressed"] is True and r["mean_gap"] is None for r in rows)
    assert any(r["suppressed"] is False and r["businesses"] == 9 for r in rows)
    # and a CSV that breaks the schema does not validate
    (tmp_path / "summary.csv").write_bytes(body.replace(b",9,", b",nine,", 1))
    with warnings.catch_warnings():
        warnings.simplefilter("always")  # the validator reports through warnings
        assert not CSVW(str(tmp_path / "summary.csv-metadata.json"), validate=True).is_valid


def test_dcat_ap_dataset_description(
    client, login_as, open_wave, answer_survey, create_business, municipality
):
    wave = open_wave()
    for business in _businesses(create_business, "cervia", {Sector.EVENTS: 5}):
        answer_survey(wave, business)
    login_as(Role.ADMIN)
    cervia = municipality("cervia")
    data = client.get(_summary_url(cervia, wave, "/dataset.jsonld")).get_json(force=True)
    assert data["@type"] == "dcat:Dataset" and data["dct:title"]["@value"]
    assert data["dct:temporal"]["dcat:startDate"]["@value"] == wave.opens_on.isoformat()
    formats = [d["dct:format"]["@id"].rsplit("/", 1)[1] for d in data["dcat:distribution"]]
    assert formats == ["CSV", "JSON"]
    assert data["dcat:distribution"][0]["dcat:downloadURL"]["@id"].endswith("/summary.csv")


def test_summary_page_runs_a_fixed_number_of_queries(
    client,
    login_as,
    open_wave,
    close_wave,
    answer_survey,
    create_business,
    municipality,
    count_queries,
):
    login_as(Role.REVIEWER)
    cervia = municipality("cervia")
    counts = []
    close_wave(open_wave("Earlier"))  # both waves below have an earlier one to compare with
    for n in (5, 8):
        wave = open_wave(f"{n} businesses")
        for business in _businesses(create_business, "cervia", {Sector.EVENTS: n}):
            answer_survey(wave, business)
        close_wave(wave)
        with count_queries() as statements:
            assert client.get(_summary_url(cervia, wave)).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] and counts[0] < 25


def test_threshold_is_configurable_but_never_below_three(database_url):
    with pytest.raises(RuntimeError, match="below 3"):
        create_app(make_config(database_url, UPREST_DISCLOSURE_THRESHOLD=2))


def test_demo_data_gives_every_reviewer_a_real_summary(app, runner):
    from uprest.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
    from uprest.extensions import limiter
    from uprest.surveys.demo import BASELINE

    assert runner.invoke(args=["uprest", "seed-demo"]).exit_code == 0
    # the baseline has closed, so its figures are published; the follow-up is still open
    wave = db.session.scalar(sa.select(SurveyWave).where(SurveyWave.title == BASELINE))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BusinessGap)) > 0
    for account in DEMO_ACCOUNTS:
        if account.role is not Role.REVIEWER:
            continue
        client = app.test_client()
        limiter.reset()
        client.post("/login", data={"email": account.email, "password": DEMO_PASSWORD})
        place = client.get("/reports/").location
        html = client.get(f"{place}/waves/{wave.id}").get_data(as_text=True)
        assert 'class="withheld"' in html, account.municipality
        assert "<svg" in html and 'class="num">+' in html, account.municipality


def test_metadata_and_dataset_description_compute_no_figures(
    client,
    login_as,
    open_wave,
    answer_survey,
    create_business,
    municipality,
    count_queries,
):
    wave = open_wave()
    for business in _businesses(create_business, "cervia", {Sector.EVENTS: 5}):
        answer_survey(wave, business)
    login_as(Role.REVIEWER)
    cervia = municipality("cervia")
    for suffix in ("/summary.csv-metadata.json", "/dataset.jsonld"):
        with count_queries() as statements:
            assert client.get(_summary_url(cervia, wave, suffix)).status_code == 200
        assert not [s for s in statements if "gap_" in s], suffix
        assert len(statements) < 8, suffix
