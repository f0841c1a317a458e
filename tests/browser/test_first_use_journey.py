"""First use: every role's home page says what to do next, and each step's link works.

A newcomer registers, registers a business (no municipality chosen for them), and follows the
home page's steps; the demo accounts of the other roles find their own next step on the home
page. The home pages' screenshots go to docs/screenshots (UPREST_SCREENSHOTS=1).
"""

from __future__ import annotations

import uuid

import pytest

from tests.browser.journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.once]

PLACES = {"sv": "Vänersborg", "et": "Tartu"}
NAMES = {"sv": "Signe Lund", "et": "Mari Tamm"}
BUSINESSES = {"sv": "Strandkaféet", "et": "Rannakohvik"}
REVIEWERS = {  # from `flask uprest seed-demo`
    "it": ("reviewer-ravenna@demo.uprest.eu", "Ravenna"),
    "lv": ("reviewer-daugavpils@demo.uprest.eu", "Daugavpils"),
}


def steps(j):
    """The home page's next steps: (sentence, link) per step."""
    section = j.page.locator("main section.next-steps")
    assert section.locator("h2").inner_text().strip() == j.t("What to do next")
    return section.locator("ol.steps > li")


@pytest.mark.parametrize("locale", ["sv", "et"])
def test_newcomer_follows_the_next_steps_to_the_survey_and_invitations(live, journey, locale):
    tag = uuid.uuid4().hex[:8]
    email = f"first-{locale}-{tag}@example.org"
    j = journey(locale)
    j.goto("/register")
    j.page.fill("#display_name", NAMES[locale])
    j.page.fill("#email", email)
    j.page.fill("#password", "a long first-use password")
    j.page.fill("#confirm", "a long first-use password")
    j.page.check("#accept_privacy")
    j.click("main form [type=submit]")
    j.page.fill("#email", email)
    j.page.fill("#password", "a long first-use password")
    j.click("main form [type=submit]")
    assert j.heading() == j.t("Hello, %(name)s", name=NAMES[locale])
    assert j.t("You have not started a module yet.") in steps(j).first.inner_text()

    j.click("main a[href='/business/register']")
    # nobody's municipality is chosen for them
    assert j.page.input_value("#municipality") == ""
    assert j.page.locator("#municipality option:checked").inner_text() == j.t(
        "Choose your municipality"
    )
    j.page.fill("#name", f"{BUSINESSES[locale]} {tag}")
    j.page.select_option("#sector", "food_beverage")
    j.page.select_option("#size_band", "micro")
    j.click("main form [type=submit]")  # forgot the municipality: refused, nothing saved
    assert j.t("This field is required.") in j.page.locator("#municipality-error").inner_text()
    j.page.select_option("#municipality", label=PLACES[locale])
    j.click("main form [type=submit]")
    assert j.t("Your business is registered. You can now invite your staff.") in j.flash()

    j.click("nav a[href='/']")
    found = steps(j)
    texts = found.all_inner_texts()
    assert any(j.t("Answer the business part") in t for t in texts), texts
    assert any(j.t("Answer your self-assessment") in t for t in texts), texts
    invite = found.filter(has_text=j.t("Invite staff"))
    assert invite.count() == 1
    j.end_state("home-manager", readme=locale == "sv")
    j.click(invite.locator("a"))
    assert j.heading() == j.t("Staff of %(business)s", business=f"{BUSINESSES[locale]} {tag}")

    j.click("nav a[href='/']")
    j.click(steps(j).locator("a[href*='/self/']"))
    assert j.page.locator("main form").count() == 1  # the first page of the self-assessment
    assert "/surveys/" in j.page.url and "/self/0" in j.page.url


@pytest.mark.parametrize("locale", ["it", "lv"])
def test_each_role_finds_its_next_step_on_the_home_page(live, journey, locale):
    trainer = journey(locale)
    log_in(trainer, "trainer@demo.uprest.eu")
    translate = steps(trainer).locator("a[href*='/translate/']").first
    assert translate.count() == 1  # tests/data/courses: not every module is in every language
    trainer.end_state("home-trainer", readme=locale == "lv")
    trainer.click(translate)
    assert "/translate/" in trainer.page.url

    email, place = REVIEWERS[locale]
    reviewer = journey(locale)
    log_in(reviewer, email)
    summary = steps(reviewer).filter(has_text=reviewer.t("Read the summary")).locator("a")
    assert summary.count() == 1
    reviewer.end_state("home-reviewer", readme=locale == "lv")
    reviewer.click(summary)
    assert reviewer.heading() == reviewer.t("Skill gaps in %(municipality)s", municipality=place)

    learner = journey(locale)
    log_in(learner, "learner@demo.uprest.eu")
    assert learner.page.locator("main section.next-steps").count() == 1
    learner.end_state("home-learner", readme=locale == "lv")

    admin = journey(locale)
    log_in(admin, "admin@demo.uprest.eu")
    assert admin.page.locator("main section.next-steps").count() == 1
    admin.end_state("home-admin", readme=locale == "lv")
