"""On a phone, in Estonian (long compound words): no page scrolls sideways, the header folds
into a menu button, wide tables scroll by keyboard (axe audits every page on the way)."""

from __future__ import annotations

import pytest

from tests.browser.journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.once]

NO_SIDEWAYS_SCROLL = """() => document.documentElement.scrollWidth
    <= document.documentElement.clientWidth + 1"""


def assert_fits(j) -> None:
    assert j.page.evaluate(NO_SIDEWAYS_SCROLL), (
        j.page.url,
        j.page.evaluate("() => document.documentElement.scrollWidth"),
    )


def test_pages_fit_a_phone_in_estonian(live, journey):
    reviewer = journey("et", phone=True)
    log_in(reviewer, "reviewer-tartu@demo.uprest.eu")
    assert_fits(reviewer)
    menu = reviewer.page.locator("summary.menu-toggle")
    assert menu.is_visible() and not reviewer.page.locator("nav a[href='/reports/']").is_visible()
    reviewer.goto("/municipality")
    assert_fits(reviewer)
    reviewer.click("nav a[href='/reports/']")  # opens the folded menu first
    assert_fits(reviewer)
    reviewer.click(reviewer.page.locator("main a[href*='/waves/']").last)
    assert_fits(reviewer)

    admin = journey("et", phone=True)
    log_in(admin, "admin@demo.uprest.eu")
    admin.goto("/admin/municipalities")
    assert_fits(admin)
    admin.click(admin.page.locator("main a[href^='/admin/municipalities/']").first)
    assert_fits(admin)

    trainer = journey("et", phone=True)
    log_in(trainer, "trainer@demo.uprest.eu")
    for path in (
        "/authoring/modules/online-presence/results",
        "/authoring/modules/online-presence/translate/et",
        "/authoring/modules/online-presence",
    ):
        trainer.goto(path)
        assert_fits(trainer)


def test_the_menu_is_whole_on_a_laptop(live, journey):
    j = journey("et")
    log_in(j, "trainer@demo.uprest.eu")
    assert not j.page.locator("summary.menu-toggle").is_visible()
    assert j.page.locator("nav a[href='/authoring/']").is_visible()
