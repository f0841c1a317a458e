"""Onboarding in a browser: a manager invites staff in bulk and prints code invitations (in
Swedish), a staff member joins with a code (in Italian); an administrator imports businesses
from a CSV file (in Estonian) and a contact accepts (in Latvian)."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.browser.journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.once]

MANAGER = "manager@demo.uprest.eu"  # Maja Manager of Fallens Gästhem (seed-demo)
BUSINESS = "Fallens Gästhem"


def test_manager_invites_in_bulk_and_staff_joins_with_a_printed_code(live, journey):
    tag = uuid.uuid4().hex[:8]
    new = [f"kock-{tag}@example.org", f"stad-{tag}@example.org"]
    m = journey("sv")
    log_in(m, MANAGER)
    m.goto("/business/staff")
    m.page.fill("#bulk-addresses", f"{new[0]}, {new[1]}\nfel-{tag}\n{new[0]}")
    m.click("form[action='/business/staff/invite-many'] [type=submit]")
    assert m.heading() == m.t("Invitations")
    assert m.tn("%(num)s invitation has been sent.", "%(num)s invitations have been sent.", 2) in (
        m.text()
    )
    rows = m.page.locator("main table tbody tr")
    outcomes = {
        rows.nth(i).locator("th").inner_text(): rows.nth(i).locator("td").inner_text()
        for i in range(rows.count())
    }
    assert outcomes == {
        new[0]: m.t("Already invited"),  # listed twice: the second is refused
        new[1]: m.t("Invitation sent"),
        f"fel-{tag}": m.t("Not a valid e-mail address"),
    }
    assert live.links_to(new[1], "/invitation/")

    m.click("main a[href='/business/staff']")
    m.page.fill("#codes-names", f"Giulia {tag}\nSven {tag}")
    m.click("form[action='/business/staff/codes'] [type=submit]")
    assert m.heading() == m.t("Invitations to print")
    sheets = m.page.locator("article.code-invitation")
    assert sheets.count() == 2
    assert m.t("Invitation for %(name)s", name=f"Giulia {tag}") in sheets.first.inner_text()
    code = sheets.first.locator(".code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    # On paper: no site header, no instructions for the manager, one sheet per page.
    m.page.emulate_media(media="print")
    assert not m.page.locator("header.site-header").is_visible()
    assert not m.page.locator("main .no-print").is_visible()
    assert sheets.first.is_visible()
    assert m.page.evaluate(
        "() => getComputedStyle(document.querySelector('.code-invitation')).breakAfter"
    ) in ("page", "always")
    m.page.emulate_media(media="screen")
    m.end_state("code-invitations")

    s = journey("it")
    s.goto("/login")
    s.click("main a[href='/join']")
    assert s.heading() == s.t("Join with a code")
    # Typed as people do: lower case, spaces for dashes.
    s.page.fill("#code", code.lower().replace("-", " "))
    s.page.fill("#display_name", f"Giulia {tag}")
    s.page.fill("#email", f"giulia-{tag}@example.org")
    s.page.fill("#password", "a long staff password")
    s.page.fill("#confirm", "a long staff password")
    s.page.check("#accept_privacy")
    s.click("main form [type=submit]")
    assert s.t("You have joined %(business)s.", business=BUSINESS) in s.flash()

    # The code worked once.
    again = journey("it")
    again.goto("/join")
    again.page.fill("#code", code)
    again.page.fill("#display_name", "Someone Else")
    again.page.fill("#email", f"other-{tag}@example.org")
    again.page.fill("#password", "a long staff password")
    again.page.fill("#confirm", "a long staff password")
    again.page.check("#accept_privacy")
    with again.page.expect_navigation():
        again.page.click("main form [type=submit]")
    again.assert_language()
    again.audit()
    assert again.t("This code is not valid, has expired or has already been used.") in (
        again.text()
    )


def test_admin_imports_businesses_and_a_contact_accepts(live, journey, tmp_path):
    tag = uuid.uuid4().hex[:8]
    contact = f"kontakt-{tag}@example.org"
    bad = tmp_path / "bad.csv"
    bad.write_text(f"name;sector;size;email\nMatkad {tag};laevad;micro;\n", encoding="utf-8")
    good = tmp_path / "good.csv"
    good.write_text(
        "name;sector;size;email\n"
        f"Matkad {tag};Transport;Mikro;{contact}\n"
        f"Kohvik {tag};food_beverage;small;\n",
        encoding="utf-8",
    )
    a = journey("et")
    log_in(a, "admin@demo.uprest.eu")
    a.goto("/admin/businesses")
    a.click("main a[href='/business/import']")
    assert a.heading() == a.t("Import businesses")
    a.page.select_option("#municipality", label="Tartu")
    a.page.set_input_files("#file", str(bad))
    with a.page.expect_navigation():
        a.page.click("main form [type=submit]")
    a.assert_language()
    a.audit()
    assert a.t("Nothing was imported: correct the lines below and upload the file again.") in (
        a.text()
    )
    assert a.t("Unknown sector: “%(value)s”.", value="laevad") in a.text()

    a.page.select_option("#municipality", label="Tartu")
    a.page.set_input_files("#file", str(good))
    a.click("main form [type=submit]")
    assert a.heading() == a.t("Businesses imported")
    assert a.t("%(email)s: invitation sent", email=contact) in a.text()
    assert a.t("No contact given") in a.text()

    (link,) = live.links_to(contact, "/invitation/")
    c = journey("lv")
    c.goto(link)
    assert c.heading() == c.t("Join %(business)s", business=f"Matkad {tag}")
    assert (
        c.t(
            "You have been invited to manage %(business)s in %(municipality)s on UPREST Learning.",
            business=f"Matkad {tag}",
            municipality="Tartu",
        )
        in c.text()
    )
    c.page.fill("#display_name", f"Kontakt {tag}")
    c.page.fill("#password", "a long contact password")
    c.page.fill("#confirm", "a long contact password")
    c.page.check("#accept_privacy")
    c.click("main form [type=submit]")
    assert c.t("You have joined %(business)s.", business=f"Matkad {tag}") in c.flash()
    c.goto("/business/staff")  # a manager's page: the contact manages the business
    assert c.heading() == c.t("Staff of %(business)s", business=f"Matkad {tag}")
