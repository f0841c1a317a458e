"""An admin creates LRS credentials, reads the statement viewer and replays a dead letter."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
import requests

from tests.browser.journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.once]

ADMIN = "admin@demo.uprest.eu"  # from `flask uprest seed-demo`


@pytest.mark.parametrize("locale", ["sv", "it"])
def test_admin_credentials_viewer_and_dead_letter_replay(live, far_lrs, journey, locale):
    a = journey(locale)
    log_in(a, ADMIN)
    a.click("nav a[href='/admin/lrs-clients']")
    assert a.heading() == a.t("LRS credentials")
    client_name = f"Kommunens LMS {locale} {uuid.uuid4().hex[:6]}"
    a.page.fill("#name", client_name)
    a.page.check("input[name=scopes][value=read]")
    a.page.check("input[name=scopes][value=write]")
    a.click("main form.narrow [type=submit]")
    created = a.page.locator("main section[role=status]")
    assert a.t("Copy the secret now: it is shown only once.") in created.inner_text()
    key, secret = created.locator("dd code").all_inner_texts()

    # External content sends a statement with the new credentials; the far LRS refuses it (409),
    # which no retry can fix, so forwarding puts it among the dead letters at once.
    activity = f"https://lms.example.org/activities/{uuid.uuid4()}"
    statement_id = str(uuid.uuid4())
    statement = {
        "id": statement_id,
        "actor": {"name": "Eva Extern", "mbox": f"mailto:eva-{locale}@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en": "completed"}},
        "object": {"id": activity, "definition": {"name": {"en": "Fire safety drill"}}},
    }
    sent = requests.post(
        f"{live.url}/xapi/statements",
        json=statement,
        auth=(key, secret),
        headers={"X-Experience-API-Version": "1.0.3"},
        timeout=10,
    )
    assert sent.status_code == 200, sent.text
    far_lrs.conflicts.add(statement_id)
    live.flask("uprest", "xapi-forward", "--once")

    a.click("nav a[href='/records']")
    a.page.fill("#activity", activity)
    a.click("main form.filters [type=submit]")
    (row,) = a.page.locator("main table tbody tr").all()
    assert "Eva Extern" in row.inner_text() and "Fire safety drill" in row.inner_text()

    a.click("nav a[href='/admin/xapi-outbox']")
    dead = a.page.locator("main table tbody tr", has_text=statement_id)
    assert "HTTP 409" in dead.inner_text()
    a.click(dead.locator("form [type=submit]"))
    assert a.t("The statement will be sent again.") in a.flash()
    assert a.page.locator("main table tbody tr", has_text=statement_id).count() == 0

    far_lrs.conflicts.discard(statement_id)  # the far side has been put right
    live.flask("uprest", "xapi-forward", "--once")
    assert statement_id in far_lrs.received
    a.goto("/admin/xapi-outbox")
    assert a.page.locator("main table tbody tr", has_text=statement_id).count() == 0
    a.end_state("admin-forwarding", readme=locale == "sv")

    # the research export: its page passes the audit, and its form downloads NDJSON
    a.goto("/admin/lrs-clients")
    a.click("main a[href='/admin/xapi-export']")
    assert a.heading() == a.t("Export statements for research")
    a.page.fill("#activity", activity)
    with a.page.expect_download() as info:
        a.page.locator("main form.narrow [type=submit]").click()
    lines = Path(info.value.path()).read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [statement_id]
    assert f"eva-{locale}@example.org" not in lines[0]  # pseudonymised by default
