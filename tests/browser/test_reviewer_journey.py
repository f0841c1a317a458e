"""A municipality reviewer reads the skill-gap summary, with its withheld cells, and downloads it
as open data: the CSV and its CSV on the Web metadata."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.browser.journey import log_in
from tests.browser.test_manager_journey import BUSINESSES, COMMENTS
from uprest.accounts.demo import DEMO_BUSINESSES

pytestmark = [pytest.mark.browser, pytest.mark.once]

BASELINE = "Baseline survey 2026"  # closed: answered by Tartu's 16 businesses in `seed-demo`,
# by 11 of Daugavpils's: few enough that small sectors and size bands are withheld in both
FOLLOW_UP = "Follow-up survey 2026"  # still open: no figures are published yet
REVIEWERS = {
    "et": ("reviewer-tartu@demo.uprest.eu", "tartu", "Tartu"),
    "lv": ("reviewer-daugavpils@demo.uprest.eu", "daugavpils", "Daugavpils"),
}
HEADER = [
    "scope",
    "breakdown",
    "group",
    "competence",
    "competence_name",
    "businesses",
    "respondents",
    "mean_required",
    "mean_current",
    "mean_importance",
    "mean_gap",
    "median_gap",
    "prevalence",
    "borich",
    "suppressed",
]
FIGURES = slice(5, 14)


@pytest.mark.parametrize("locale", ["et", "lv"])
def test_reviewer_reads_the_summary_and_downloads_open_data(live, journey, locale):
    email, slug, place = REVIEWERS[locale]
    r = journey(locale)
    log_in(r, email)
    r.click("nav a[href='/reports/']")
    assert r.heading() == r.t("Skill gaps in %(municipality)s", municipality=place)
    r.click(r.page.locator("main a", has_text=FOLLOW_UP))
    assert r.page.locator("main h2", has_text=r.t("Not published yet")).count() == 1
    r.page.go_back()
    r.click(r.page.locator("main a", has_text=BASELINE))
    assert r.heading() == r.t("Skill gaps in %(municipality)s", municipality=place)
    withheld = r.page.locator("main .withheld")
    assert withheld.count() > 0
    assert set(withheld.all_inner_texts()) == {r.t("withheld")}
    shown = r.page.locator("table[aria-labelledby=detail-heading] tbody td.num").all_inner_texts()
    assert any(any(ch.isdigit() for ch in cell) for cell in shown)  # the whole municipality

    downloads = r.page.locator(f"nav[aria-label='{r.t('Downloads')}']")
    with r.page.expect_download() as info:
        downloads.locator("a[href$='/summary.csv']").click()
    table = info.value
    assert table.suggested_filename.startswith(f"uprest-skill-gaps-{slug}-wave-")
    text = table.path().read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == HEADER
    body = rows[1:]
    assert {row[0] for row in body} == {"municipality", "consortium"}
    suppressed = [row for row in body if row[-1] == "true"]
    assert suppressed, "the breakdowns withhold some groups"
    assert all(row[FIGURES] == [""] * 9 for row in suppressed)  # withheld: empty, flagged
    assert all(row[5] and int(row[5]) >= 5 for row in body if row[-1] == "false")
    businesses = [name for name, _sector, _size in DEMO_BUSINESSES[slug]]
    assert not [name for name in businesses if name in text]
    assert "demo business" not in text
    # The manager journey registers a business here (in Daugavpils) and writes a comment.
    assert not [word for word in [*BUSINESSES.values(), *COMMENTS.values()] if word in text]

    with r.page.expect_download() as info:
        downloads.locator("a[href$='/summary.csv-metadata.json']").click()
    metadata = json.loads(info.value.path().read_text(encoding="utf-8"))
    assert metadata["url"] == table.url
    columns = metadata["tableSchema"]["columns"]
    assert [column["name"] for column in columns] == HEADER
    assert metadata["dc:spatial"]["schema:name"] == place
    assert "fewer than 5 businesses" in metadata["rdfs:comment"]

    # Still on the summary: a download does not leave the page.
    assert r.heading() == r.t("Skill gaps in %(municipality)s", municipality=place)
    breakdown = r.page.locator("main section.card", has=r.page.locator(".withheld")).first
    breakdown.locator("h2").evaluate("h => { h.scrollIntoView(); window.scrollBy(0, -72); }")
    r.end_state("reviewer-summary", readme=locale == "et")


@pytest.mark.parametrize("locale", ["et", "lv"])
def test_reviewer_reads_the_dashboard_and_takes_the_tables_to_a_spreadsheet(
    live, journey, locale
):
    from openpyxl import load_workbook

    email, _slug, place = REVIEWERS[locale]
    r = journey(locale, phone=locale == "lv")
    log_in(r, email)
    r.goto("/reports/")
    r.click(r.page.locator("main a[href$='/dashboard']"))
    assert r.heading() == r.t("Dashboard of %(municipality)s", municipality=place)
    response = r.page.locator("table[aria-labelledby=response-heading]")
    baseline = response.locator("tbody tr", has_text=BASELINE)
    assert baseline.count() == 1
    assert "%" in baseline.locator("td").nth(3).inner_text()  # a response rate
    assert response.locator("tbody tr", has_text=FOLLOW_UP).count() == 1  # open: counted live
    gaps = r.page.locator("table[aria-labelledby=gaps-heading] tbody tr")
    assert 1 <= gaps.count() <= 5
    assert r.page.locator("main h2", has_text=r.t("Training uptake")).count() == 1
    # no horizontal scroll on a phone: wide tables scroll inside their own region
    width = r.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert width <= 0
    r.end_state("reviewer-dashboard", readme=locale == "et")

    r.click(r.page.locator("main a[href$='/council-report']"))
    assert r.page.locator("main h2", has_text=r.t("Survey response")).count() == 1

    r.goto("/reports/")
    r.click(r.page.locator("main a", has_text=BASELINE))
    downloads = r.page.locator(f"nav[aria-label='{r.t('Downloads')}']")
    with r.page.expect_download() as info:
        downloads.locator("a[href$='/table.xlsx']").click()
    sheet = load_workbook(io.BytesIO(info.value.path().read_bytes())).active
    header = [cell.value for cell in sheet[1]]
    assert header[3] == r.t("Competence") and sheet.max_row > 1
    with r.page.expect_download() as info:
        downloads.locator("a[href$='/table.csv']").click()
    text = info.value.path().read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].split(";")[3] == r.t("Competence")
