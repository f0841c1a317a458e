"""The learner journey with the keyboard only: Tab to move, Enter on links, Space on buttons."""

from __future__ import annotations

import uuid

import pytest

from tests.browser.test_learner_journey import BUSINESS, MODULE, invite

pytestmark = [pytest.mark.browser, pytest.mark.once]

# Italian has no translation in the fixture course: the learner sees English, marked as such.
TITLES = {"sv": "Grön grund", "it": "Green basics"}


@pytest.mark.parametrize("locale", ["sv", "it"])
def test_learner_journey_without_a_mouse(live, journey, locale):
    email = f"keyboard-{locale}-{uuid.uuid4().hex[:8]}@example.org"
    name = {"sv": "Kim Tangentbord", "it": "Chiara Tastiera"}[locale]
    link = invite(live, journey, locale, email)

    j = journey(locale, phone=True)
    j.goto(link)
    j.page.keyboard.press("Tab")
    skip = j.page.evaluate("() => document.activeElement.className")
    assert skip == "skip-link" and j.page.locator(".skip-link").bounding_box()["x"] >= 0
    j.page.keyboard.press("Enter")
    assert j.page.evaluate("() => document.activeElement.id") == "main"
    j.type_into("#display_name", name)
    j.type_into("#password", "a long keyboard password")
    j.type_into("#confirm", "a long keyboard password")
    j.tab_to("#accept_privacy")
    j.page.keyboard.press("Space")  # ticks the box; no page load
    j.tab_to("main form [type=submit]")
    j.press("Space")
    assert j.t("You have joined %(business)s.", business=BUSINESS) in j.flash()

    j.tab_to("nav a[href='/learn/catalogue']")
    j.press("Enter")
    j.tab_to(f"main a[href='/learn/modules/{MODULE}']")
    j.press("Enter")
    assert j.heading() == TITLES[locale]
    # Untranslated content is marked, and carries its own language for screen readers.
    assert j.page.locator(".untranslated").count() == (locale == "it")
    j.tab_to(f"form[action='/learn/modules/{MODULE}/enrol'] [type=submit]")
    j.press("Space")
    j.tab_to("main form.lesson-done [type=submit]")  # marks the lesson as seen
    j.press("Enter")
    j.tab_to("main form.lesson-done [type=submit]")  # the last one leads to the quiz
    j.press("Enter")

    for answers, outcome in (
        ({"q-q1": "true", "q-q2": "a"}, "failed"),
        ({"q-q1": "false", "q-q2": "b"}, "passed"),
    ):
        for field, value in answers.items():
            j.choose(field, value)
        j.tab_to("main form.quiz [type=submit]")
        j.press("Space")
        assert j.heading() == j.t("Quiz result")
        assert outcome in j.page.locator("[role=status]").get_attribute("class")
        if outcome == "failed":
            j.tab_to(f"main .actions a[href='/learn/modules/{MODULE}/quiz']")
            j.press("Enter")

    j.tab_to(f"main .actions a[href='/learn/modules/{MODULE}/certificate']")
    j.press("Enter")
    assert j.page.locator(".certificate-name").inner_text() == name
    j.tab_to(".certificate-verify a")
    j.press("Enter")
    assert j.t("This certificate is genuine: it was issued by UPREST Learning.") in j.text()
    j.end_state("learner-keyboard", readme=locale == "sv")
