"""A business manager signs up, registers the business, invites staff and sees the staff list."""

from __future__ import annotations

import uuid

import pytest

from tests.browser.journey import log_out

pytestmark = [pytest.mark.browser, pytest.mark.once]

PLACES = {"lv": "Daugavpils", "it": "Cervia"}
BUSINESSES = {"lv": "Krasta Kafejnīca", "it": "Trattoria del Porto"}
NAMES = {"lv": ("Ilze Bērziņa", "Jānis Ozols"), "it": ("Giulia Rossi", "Marco Bianchi")}


@pytest.mark.parametrize("locale", ["lv", "it"])
def test_manager_registers_a_business_and_invites_staff(live, journey, locale):
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
    staff.click("main form [type=submit]")
    log_out(staff)

    m.click("nav a[href='/business/staff']")
    people = m.page.locator("table[aria-labelledby=staff-heading] tbody tr")
    assert people.count() == 2
    rows = people.all_inner_texts()
    assert any(manager_name in row and m.t("You") in row for row in rows)
    assert any(staff_name in row and staff_emails[0] in row for row in rows)
    remaining = m.page.locator("table[aria-labelledby=invitations-heading] tbody").inner_text()
    assert staff_emails[1] in remaining and staff_emails[0] not in remaining
    m.end_state("manager-staff", readme=locale == "it")
