"""A learner, invited by their manager, goes from the invitation through the skill survey and
its recommendations to a verified certificate."""

from __future__ import annotations

import uuid

import pytest
from babel.numbers import format_percent

from tests.browser.journey import Journey, answer_survey, log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.once]

MANAGER = "manager@demo.uprest.eu"  # of Fallens Gästhem, from `flask uprest seed-demo`
BUSINESS = "Fallens Gästhem"
MODULE = "green-basics"  # tests/data/courses: two lessons and a two-question quiz, in en and sv
TITLES = {"en": "Green basics", "sv": "Grön grund"}
WRONG = {"q-q1": "true", "q-q2": "a"}
RIGHT = {"q-q1": "false", "q-q2": "b"}
FOLLOW_UP = "Follow-up survey 2026"  # the open wave of `flask uprest seed-demo`


def invite(live, journey, locale: str, email: str) -> str:
    """The manager invites ``email`` from the staff page; the link is read from the mail log.

    The server sends mail through the console backend, which prints each message to the
    server's log: reading the link there goes through the same code as a real e-mail.
    """
    manager = journey(locale)
    log_in(manager, MANAGER)
    manager.click("nav a[href='/business/staff']")
    manager.page.fill("#email", email)
    manager.click("form[action='/business/staff/invite'] [type=submit]")
    assert manager.t("An invitation has been sent to %(email)s.", email=email) in manager.flash()
    log_out(manager)
    (link,) = live.links_to(email, "/invitation/")
    return link


@pytest.mark.parametrize("locale", ["en", "sv"])
def test_learner_from_invitation_to_verified_certificate(live, journey, locale):
    email = f"learner-{locale}-{uuid.uuid4().hex[:8]}@example.org"
    name = {"en": "Ada Lovelace", "sv": "Linnea Åkesson"}[locale]
    link = invite(live, journey, locale, email)

    j = journey(locale, phone=True)
    j.goto(link)
    assert j.heading() == j.t("Join %(business)s", business=BUSINESS)
    j.page.fill("#display_name", name)
    j.page.fill("#password", "a long learner password")
    j.page.fill("#confirm", "a long learner password")
    j.page.check("#accept_privacy")
    j.click("main form [type=submit]")
    assert j.t("You have joined %(business)s.", business=BUSINESS) in j.flash()

    # The follow-up wave of `seed-demo` is open and the business part answered by the manager:
    # a self-assessment at the lowest level leaves a gap in every competence.
    j.click("nav a[href='/surveys/']")
    assert j.heading() == j.t("Skill survey")
    wave = j.page.locator("main section.card", has_text=FOLLOW_UP)
    j.click(wave.locator("a[href$='/self/0']"))
    answer_survey(j, level=1)
    assert j.heading() == j.t("Your skill gaps")
    assert j.page.locator("main section.card ol li").count() >= 1
    suggested = j.page.locator("ol[aria-labelledby=suggested-heading] li")
    assert any(TITLES[locale] in item for item in suggested.all_inner_texts())
    j.end_state("learner-gaps", readme=locale == "sv")
    j.click(suggested.locator(f"a[href='/learn/modules/{MODULE}']"))
    assert j.heading() == TITLES[locale]
    j.click(f"form[action='/learn/modules/{MODULE}/enrol'] [type=submit]")
    assert j.heading() == {"en": "Saving energy", "sv": "Spara energi"}[locale]
    j.click("main form.lesson-done [type=submit]")  # marks the lesson as seen
    assert j.heading() == {"en": "Saving water", "sv": "Spara vatten"}[locale]
    j.click("main form.lesson-done [type=submit]")

    answer_quiz(j, WRONG)
    status = j.page.locator("[role=status]")
    assert "failed" in status.get_attribute("class")
    needed = j.t(
        "You need %(percent)s to pass. Read the feedback below and try again.",
        percent=format_percent(0.5, locale=locale),
    )
    assert needed in status.inner_text()
    j.click(f"main .actions a[href='/learn/modules/{MODULE}/quiz']")
    answer_quiz(j, RIGHT)
    status = j.page.locator("[role=status]")
    assert "passed" in status.get_attribute("class")
    assert j.t("Well done: you passed the quiz.") in status.inner_text()

    j.click(f"a[href='/learn/modules/{MODULE}']")
    assert "100" in j.page.locator(".progress-value").inner_text()
    j.click(f"a[href='/learn/modules/{MODULE}/certificate']")
    assert j.heading() == j.t("Certificate of completion")
    assert j.page.locator(".certificate-name").inner_text() == name
    assert j.page.locator(".certificate-module").inner_text() == TITLES[locale]
    verification = j.page.locator(".certificate-verify a").get_attribute("href")
    j.end_state("learner-certificate", readme=locale == "en")

    public = journey(locale)
    public.goto(verification)
    certificate = public.page.locator("article.certificate").inner_text()
    assert name in certificate and TITLES[locale] in certificate
    assert email not in public.page.content()
    assert public.t("This certificate is genuine: it was issued by UPREST Learning.") in (
        public.text()
    )


def answer_quiz(j: Journey, answers: dict[str, str]) -> None:
    assert j.heading() == j.t("Quiz")
    for name, value in answers.items():
        j.page.check(f"#{name}-{value}")
    j.click("main form.quiz [type=submit]")
    assert j.heading() == j.t("Quiz result")
