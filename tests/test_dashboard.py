"""The municipality dashboard, the council report and the reviewer's own-language downloads."""

import csv
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from uprest.accounts.models import Business, Role, Sector
from uprest.core.time import utcnow
from uprest.courses.models import Module
from uprest.extensions import db
from uprest.learning import services as learning
from uprest.learning.models import Enrolment
from uprest.reports import dashboard


def _dashboard_url(place):
    return f"/reports/{place.id}/dashboard"


def _staff_enrolments(create_user, business, module, enrolled=1, completed=0):
    for index in range(enrolled):
        person = create_user(business=business)
        enrolment = learning.enrol(person, module)
        if index < completed:
            enrolment.completed_at = utcnow()
            enrolment.certificate_code = f"code-{business.id}-{person.id}"
    db.session.commit()


NEXT_MONTH = utcnow().date() + timedelta(days=40)  # counts include everything made today


def _all_in_the_past(days=40):
    """Businesses confirmed and enrolments started ``days`` ago (before this month began)."""
    earlier = utcnow() - timedelta(days=days)
    db.session.execute(
        sa.update(Business).values(confirmed_at=earlier).where(Business.confirmed_at.is_not(None))
    )
    db.session.execute(sa.update(Enrolment).values(started_at=earlier + timedelta(hours=1)))
    db.session.execute(
        sa.update(Enrolment)
        .values(completed_at=earlier + timedelta(hours=2))
        .where(Enrolment.completed_at.is_not(None))
    )
    db.session.commit()


def _confirmed_before_the_close():
    db.session.execute(
        sa.update(Business)
        .values(confirmed_at=utcnow() - timedelta(days=5))
        .where(Business.confirmed_at.is_not(None))
    )
    db.session.commit()


def _modules():
    return list(db.session.scalars(sa.select(Module).order_by(Module.slug)))


def test_response_rate_counts_confirmed_businesses_by_the_close(
    open_wave, close_wave, answer_survey, create_business, municipality
):
    wave = open_wave()
    answered = [create_business() for _ in range(4)]
    for _ in range(2):
        create_business()  # confirmed, silent
    create_business(confirmed=False)  # not yet confirmed: not counted as invited
    create_business(place="tartu")  # another municipality
    for business in answered:
        answer_survey(wave, business)
    cervia = municipality("cervia")
    [response] = dashboard.response_rates(cervia)
    assert (response.invited, response.answered, response.is_open) == (6, 4, True)
    _confirmed_before_the_close()
    assert response.rate == pytest.approx(4 / 6)

    close_wave(wave)
    create_business()  # confirmed today, after the close: not invited to that wave
    [response] = dashboard.response_rates(cervia)
    assert (response.invited, response.answered, response.is_open) == (6, 4, False)


def test_a_wave_not_yet_open_is_not_listed(open_wave, municipality):
    open_wave("Next spring", days=(30, 60))
    assert dashboard.response_rates(municipality("cervia")) == []


def test_uptake_counts_staff_of_confirmed_businesses_per_sector(
    courses, create_business, create_user, municipality
):
    first, second = _modules()[:2]
    hotels = [create_business(sector=Sector.ACCOMMODATION) for _ in range(5)]
    cafes = [create_business(sector=Sector.FOOD_AND_BEVERAGE) for _ in range(6)]
    _staff_enrolments(create_user, hotels[0], first, enrolled=2, completed=1)
    _staff_enrolments(create_user, hotels[1], first, enrolled=1, completed=1)
    _staff_enrolments(create_user, cafes[0], first, enrolled=3)
    _staff_enrolments(create_user, cafes[1], second, enrolled=1, completed=1)
    unconfirmed = create_business(sector=Sector.ACCOMMODATION, confirmed=False)
    _staff_enrolments(create_user, unconfirmed, first, enrolled=4)
    elsewhere = create_business(place="tartu")
    _staff_enrolments(create_user, elsewhere, first, enrolled=4)

    table = dashboard.uptake(municipality("cervia"), threshold=5, today=NEXT_MONTH)
    assert not table.withheld and not table.any_withheld
    assert table.sectors == [Sector.ACCOMMODATION, Sector.FOOD_AND_BEVERAGE]
    rows = {row.slug: row for row in table.rows}
    assert rows[first.slug].total == dashboard.Uptake(6, 2, 2)
    assert rows[first.slug].by_sector[Sector.ACCOMMODATION] == dashboard.Uptake(3, 2, 2)
    assert rows[first.slug].by_sector[Sector.FOOD_AND_BEVERAGE] == dashboard.Uptake(3, 0, 0)
    assert rows[second.slug].by_sector[Sector.ACCOMMODATION] == dashboard.Uptake(0, 0, 0)
    assert [row.slug for row in table.rows] == [first.slug, second.slug]  # most enrolled first


def test_a_small_sector_and_the_one_that_would_give_it_away_are_withheld(
    courses, create_business, create_user, municipality
):
    module = _modules()[0]
    hotels = [create_business(sector=Sector.ACCOMMODATION) for _ in range(7)]
    events = [create_business(sector=Sector.EVENTS) for _ in range(3)]
    _staff_enrolments(create_user, hotels[0], module, enrolled=2)
    _staff_enrolments(create_user, events[0], module, enrolled=1)
    table = dashboard.uptake(municipality("cervia"), threshold=5, today=NEXT_MONTH)
    [row] = table.rows
    # events alone would be the total minus accommodation: both are withheld
    assert row.by_sector == {Sector.ACCOMMODATION: None, Sector.EVENTS: None}
    assert row.total == dashboard.Uptake(3, 0, 0) and table.any_withheld


def test_too_few_confirmed_businesses_show_no_uptake_at_all(
    client, login_as, courses, create_business, create_user, municipality
):
    module = _modules()[0]
    businesses = [create_business() for _ in range(4)]
    _staff_enrolments(create_user, businesses[0], module, enrolled=2, completed=1)
    table = dashboard.uptake(municipality("cervia"), threshold=5, today=NEXT_MONTH)
    assert table.withheld and all(row.total is None for row in table.rows)
    login_as(Role.REVIEWER, locale="en")
    html = client.get(_dashboard_url(municipality("cervia"))).get_data(as_text=True)
    assert "Training figures appear once the municipality has at least 5" in html


def test_confirming_a_business_reveals_none_of_its_earlier_training(
    courses, create_business, create_user, municipality
):
    """A reviewer who confirms a business and looks again must not see its enrolments
    appear: only enrolments started after the confirmation count."""
    from uprest.accounts import business_services

    module = _modules()[0]
    for _ in range(6):
        create_business()
    newcomer = create_business(confirmed=False)
    _staff_enrolments(create_user, newcomer, module, enrolled=3, completed=2)
    cervia = municipality("cervia")
    before = dashboard.uptake(cervia, 5, today=NEXT_MONTH)
    business_services.confirm_business(newcomer)
    db.session.commit()
    after = dashboard.uptake(cervia, 5, today=NEXT_MONTH)
    assert before.rows == after.rows == []
    _staff_enrolments(create_user, newcomer, _modules()[1], enrolled=1)
    [row] = dashboard.uptake(cervia, 5, today=NEXT_MONTH).rows
    assert row.total == dashboard.Uptake(1, 0, 0)


def test_uptake_is_counted_to_the_end_of_last_month(
    courses, create_business, create_user, municipality
):
    module = _modules()[0]
    hotels = [create_business() for _ in range(5)]
    _staff_enrolments(create_user, hotels[0], module, enrolled=2, completed=1)
    _all_in_the_past()
    _staff_enrolments(create_user, hotels[1], module, enrolled=1, completed=1)  # this month
    today = utcnow().date()
    table = dashboard.uptake(municipality("cervia"), 5, today=today)
    assert table.as_of == today.replace(day=1) and table.counted_until < table.as_of
    [row] = table.rows
    assert row.total == dashboard.Uptake(2, 1, 1)
    [row] = dashboard.uptake(municipality("cervia"), 5, today=NEXT_MONTH).rows
    assert row.total == dashboard.Uptake(3, 2, 2)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(st.sampled_from(list(Sector)), st.integers(min_value=0, max_value=12)),
    st.integers(min_value=3, max_value=6),
)
def test_no_withheld_sector_can_be_recomputed_from_the_total(counts, threshold):
    """The uptake table is a one-way table: the total minus the shown sectors is the sum of
    the withheld ones, so either nothing is withheld or the withheld hold enough businesses."""
    hidden = dashboard.withheld_sectors(counts, threshold)
    if sum(counts.values()) < threshold:
        assert hidden is None
        return
    shown = [s for s, n in counts.items() if n and s not in hidden]
    assert all(counts[s] >= threshold for s in shown)
    assert not hidden or (len(hidden) >= 2 and sum(counts[s] for s in hidden) >= threshold)


def test_dashboard_page_in_swedish(
    client,
    login_as,
    courses,
    open_wave,
    close_wave,
    answer_survey,
    create_business,
    create_user,
    municipality,
):
    wave = open_wave("Vår 2026")
    businesses = [create_business() for _ in range(5)]
    for business in businesses:
        answer_survey(wave, business, required=4, current=[2])
    _confirmed_before_the_close()
    close_wave(wave)
    _staff_enrolments(create_user, businesses[0], _modules()[0], enrolled=2, completed=1)
    _all_in_the_past()
    login_as(Role.REVIEWER, locale="sv")
    html = client.get(_dashboard_url(municipality("cervia"))).get_data(as_text=True)
    assert "Svarsfrekvens" in html and "100" in html  # five of five answered
    assert "Vår 2026" in html
    assert "Deltagande i utbildning" in html and "Anmälningar per bransch" in html
    # competence names, with the code only as a tooltip
    assert any(c.names["sv"] in html for c in wave.framework.competences)


def test_council_report_names_competences_in_the_readers_language(
    client, login_as, open_wave, close_wave, answer_survey, create_business, municipality
):
    wave = open_wave()
    for _ in range(5):
        answer_survey(wave, create_business(), required=5, current=[1])
    close_wave(wave)
    login_as(Role.REVIEWER, locale="et")
    cervia = municipality("cervia")
    html = client.get(f"/reports/{cervia.id}/council-report").get_data(as_text=True)
    assert 'lang="et"' in html
    competence = wave.framework.competences[0]
    assert competence.names["et"] in html


def test_reviewer_sees_only_their_own_municipalitys_dashboard(client, login_as, municipality):
    login_as(Role.REVIEWER, place="cervia")
    tartu = municipality("tartu")
    assert client.get(_dashboard_url(tartu)).status_code == 403
    assert client.get(f"/reports/{tartu.id}/council-report").status_code == 403
    assert client.get(_dashboard_url(municipality("cervia"))).status_code == 200
    for role in (Role.LEARNER, Role.MANAGER, Role.TRAINER):
        login_as(role)
        assert client.get(_dashboard_url(municipality("cervia"))).status_code == 403, role


def _published_wave(open_wave, close_wave, answer_survey, create_business):
    wave = open_wave()
    for sector, n in ((Sector.ACCOMMODATION, 6), (Sector.EVENTS, 3)):
        for _ in range(n):
            answer_survey(wave, create_business(sector=sector), required=4, current=[2, 3])
    close_wave(wave)
    return wave


def _open_data(client, place, wave):
    body = client.get(f"/reports/{place.id}/waves/{wave.id}/summary.csv").get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(body)))


def test_csv_in_the_readers_language_holds_the_open_data_rows(
    client, login_as, open_wave, close_wave, answer_survey, create_business, municipality
):
    wave = _published_wave(open_wave, close_wave, answer_survey, create_business)
    cervia = municipality("cervia")
    login_as(Role.REVIEWER, locale="it")
    open_rows = _open_data(client, cervia, wave)
    response = client.get(f"/reports/{cervia.id}/waves/{wave.id}/table.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('-it.csv"')
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert "Competenza" in header and len(body) == len(open_rows)
    for local, machine in zip(body, open_rows, strict=True):
        assert local[4] == machine["competence"]
        assert local[-1] == ("sì" if machine["suppressed"] == "true" else "no")
        if machine["mean_gap"]:
            assert local[10] == machine["mean_gap"].replace(".", ",")
        else:
            assert local[10] == ""
    competence = wave.framework.competences[0]
    assert competence.names["it"] in text
    assert "Ricettività" in text  # the sector's Italian name


def test_xlsx_has_the_same_figures_as_numbers(
    client, login_as, open_wave, close_wave, answer_survey, create_business, municipality
):
    wave = _published_wave(open_wave, close_wave, answer_survey, create_business)
    cervia = municipality("cervia")
    login_as(Role.REVIEWER, locale="lv")
    open_rows = _open_data(client, cervia, wave)
    response = client.get(f"/reports/{cervia.id}/waves/{wave.id}/table.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = list(sheet.values)
    assert len(values) == len(open_rows) + 1
    for row, machine in zip(values[1:], open_rows, strict=True):
        assert row[4] == machine["competence"]
        if machine["businesses"]:
            assert row[5] == int(machine["businesses"])
            assert row[10] == pytest.approx(float(machine["mean_gap"]), abs=5e-4)
        else:
            assert row[5] is None and row[10] is None


def test_open_wave_downloads_hold_no_figures(
    client, login_as, open_wave, answer_survey, create_business, municipality
):
    wave = open_wave()
    for _ in range(6):
        answer_survey(wave, create_business())
    cervia = municipality("cervia")
    login_as(Role.REVIEWER, locale="sv")
    text = client.get(f"/reports/{cervia.id}/waves/{wave.id}/table.csv").get_data(as_text=True)
    assert len(text.lstrip("\ufeff").strip().splitlines()) == 1  # headings only
    sheet = load_workbook(
        io.BytesIO(client.get(f"/reports/{cervia.id}/waves/{wave.id}/table.xlsx").data)
    ).active
    assert sheet.max_row == 1


def test_erased_learners_leave_the_uptake(courses, create_business, create_user, municipality):
    from uprest.accounts import services as accounts

    module = _modules()[0]
    businesses = [create_business() for _ in range(5)]
    person = create_user(business=businesses[0])
    learning.enrol(person, module)
    db.session.commit()
    assert dashboard.uptake(municipality("cervia"), 5, today=NEXT_MONTH).rows[0].total.enrolled == 1
    accounts.delete_account(person)
    db.session.commit()
    assert dashboard.uptake(municipality("cervia"), 5, today=NEXT_MONTH).rows == []
    assert db.session.scalar(sa.select(sa.func.count(Enrolment.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Business.id))) == 5
