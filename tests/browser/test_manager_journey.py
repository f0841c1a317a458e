"""A business manager registers the business, invites staff, answers the business survey,
enrols staff in the recommended modules and follows their progress."""

from __future__ import annotations

import uuid

import pytest

from tests.browser.journey import answer_survey

pytestmark = [pytest.mark.browser, pytest.mark.once]

PLACES = {"lv": "Daugavpils", "it": "Cervia"}
BUSINESSES = {"lv": "Krasta Kafejnīca", "it": "Trattoria del Porto"}
NAMES = {"lv": ("Ilze Bērziņa", "Jānis Ozols"), "it": ("Giulia Rossi", "Marco Bianchi")}
# Free text for the business's managers only; the reviewer journey checks it is never exported.
COMMENTS = {
    "lv": "Mūsu pavārs vasarā aiziet, tāpēc rezervācijas pieņem viesmīle.",
    "it": "Il nostro cuoco parte d'estate, quindi le prenotazioni le prende la cameriera.",
}
FOLLOW_UP = "Follow-up survey 2026"  # the open wave of `flask uprest seed-demo`
MODULE = "green-basics"  # tests/data/courses: two lessons and a quiz, not translated into lv, it


@pytest.mark.parametrize("locale", ["lv", "it"])
def test_manager_registers_invites_surveys_enrols_and_follows_progress(live, journey, locale):
    tag = uuid.uuid4().hex[:8]
    manager_name, staff_name = NAMES[locale]
    manager_email = f"manager-{locale}-{tag}@example.org"
    staff_emails = [f"staff-{n}-{locale}-{tag}@example.org" for n in (1, 2)]
    business = f"{BUSINESSES[locale]} {tag}"

    m = journey(locale)
    m.goto("/")
    m.click("nav a[href='/register']")
    assert m.heading() == m.t("Create an account")
    m.page.fill("#display_name", manager_name)
    m.page.fill("#email", manager_email)
    m.page.fill("#password", "a long manager password")
    m.page.fill("#confirm", "a long manager password")
    m.page.check("#accept_privacy")
    m.click("main form [type=submit]")
    # the same answer whether or not the address had an account: sign in next
    sent = m.t("Thank you. We have sent a message to your e-mail address; then sign in.")
    assert sent in m.flash()
    m.page.fill("#email", manager_email)
    m.page.fill("#password", "a long manager password")
    m.click("main form [type=submit]")
    assert m.heading() == m.t("Hello, %(name)s", name=manager_name)

    m.click("main a[href='/business/register']")
    assert m.heading() == m.t("Register a business")
    m.page.fill("#name", business)
    m.page.select_option("#sector", "food_beverage")
    m.page.select_option("#size_band", "micro")
    m.page.select_option("#municipality", label=PLACES[locale])
    m.click("main form [type=submit]")
    assert m.t("Your business is registered. You can now invite your staff.") in m.flash()

    m.click("nav a[href='/business/staff']")
    assert m.heading() == m.t("Staff of %(business)s", business=business)
    for email in staff_emails:
        m.page.fill("#email", email)
        m.click("form[action='/business/staff/invite'] [type=submit]")
        assert m.t("An invitation has been sent to %(email)s.", email=email) in m.flash()
    invitations = m.page.locator("table[aria-labelledby=invitations-heading] tbody")
    assert all(email in invitations.inner_text() for email in staff_emails)

    (link,) = live.links_to(staff_emails[0], "/invitation/")
    staff = journey(locale)
    staff.goto(link)
    assert staff.heading() == staff.t("Join %(business)s", business=business)
    staff.page.fill("#display_name", staff_name)
    staff.page.fill("#password", "a long staff password")
    staff.page.fill("#confirm", "a long staff password")
    staff.page.check("#accept_privacy")
    staff.click("main form [type=submit]")
    # The staff member rates themselves: the gap profile needs a self-assessment.
    staff.click("nav a[href='/surveys/']")
    staff.click(
        staff.page.locator("main section.card", has_text=FOLLOW_UP).locator("a[href$='/self/0']")
    )
    answer_survey(staff, level=1)

    m.click("nav a[href='/business/staff']")
    people = m.page.locator("table[aria-labelledby=staff-heading] tbody tr")
    assert people.count() == 2
    rows = people.all_inner_texts()
    assert any(manager_name in row and m.t("You") in row for row in rows)
    assert any(staff_name in row and staff_emails[0] in row for row in rows)
    remaining = m.page.locator("table[aria-labelledby=invitations-heading] tbody").inner_text()
    assert staff_emails[1] in remaining and staff_emails[0] not in remaining
    m.end_state("manager-staff", readme=locale == "it")

    m.click("nav a[href='/surveys/']")
    wave = m.page.locator("main section.card", has_text=FOLLOW_UP)
    m.click(wave.locator("a[href$='/business/0']"))
    assert m.heading() == m.t("Your business")
    m.page.fill("#comments", COMMENTS[locale])
    answer_survey(m, level=4, importance=5)
    assert m.heading() == m.t("Gap profile of %(business)s", business=business)
    based_on = m.tn(
        "Based on the business part and %(num)s self-assessment.",
        "Based on the business part and %(num)s self-assessments.",
        1,
    )
    assert based_on in m.text()
    enrol = m.page.locator("main form[action$='/enrol']")
    suggested = enrol.locator("input[name=module]").count()  # every suggestion comes ticked
    assert suggested >= 1 and enrol.locator(f"input[value={MODULE}]").is_checked()
    # The module has no Latvian or Italian text: its English title says so to screen readers.
    assert enrol.locator(f"a[href='/learn/modules/{MODULE}']").get_attribute("lang") == "en"
    enrol.locator("label", has_text=staff_name).locator("input[name=member]").check()
    m.click(enrol.locator("[type=submit]"))
    made = m.tn("%(num)s enrolment made.", "%(num)s enrolments made.", suggested)
    assert made in m.flash()
    m.end_state("manager-gaps", readme=locale == "lv")

    staff.click("nav a[href='/learn/']")
    assert staff.heading() == staff.t("My learning")
    staff.click(f"#modules-heading ~ ul a[href='/learn/modules/{MODULE}/continue']")
    assert staff.heading() == "Saving energy"  # English: the module has no lv or it text
    staff.click("main form.lesson-done [type=submit]")  # marks the lesson as seen
    assert staff.heading() == "Saving water"
    staff.click("main form.lesson-done [type=submit]")  # on to the quiz

    m.click("nav a[href='/business/staff']")
    learning = m.page.locator("table[aria-labelledby=progress-heading] tbody tr")
    assert learning.count() == suggested
    started = learning.filter(has_text="Green basics")
    assert staff_name in started.inner_text()
    assert started.locator("progress").get_attribute("value") == "66"  # two lessons of three steps
    m.page.locator("#progress-heading").scroll_into_view_if_needed()
    m.end_state("manager-progress", readme=locale == "it")
