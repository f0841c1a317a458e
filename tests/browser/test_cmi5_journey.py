"""A real cmi5 AU in a module: a trainer uploads the package, a learner launches the AU, which
(through @xapi/cmi5, the xAPI client published for cmi5) fetches its token, reads
LMS.LaunchData, passes and terminates; the module's progress shows it and gives a certificate."""

from __future__ import annotations

import uuid
import zipfile
from pathlib import Path

import pytest

from tests.browser.journey import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.once]

HERE = Path(__file__).resolve().parent
FIXTURE = HERE.parent / "fixtures" / "cmi5"
BUNDLE = HERE / "node_modules" / "@xapi" / "cmi5" / "dist" / "Cmi5.umd.js"
TRAINER = "trainer@demo.uprest.eu"  # from `flask uprest seed-demo`
LEARNER = "learner@demo.uprest.eu"


@pytest.fixture
def package(tmp_path, axe_source) -> Path:
    """The fixture AU with the @xapi/cmi5 browser bundle (installed by ``npm ci``)."""
    assert BUNDLE.exists(), "npm ci should have installed @xapi/cmi5"
    path = tmp_path / "sorting-waste.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ("cmi5.xml", "index.html", "au.js"):
            archive.write(FIXTURE / name, name)
        archive.write(BUNDLE, "Cmi5.umd.js")
    return path


def test_learner_passes_a_cmi5_au_and_gets_the_certificate(live, journey, package):
    slug = f"sorting-waste-{uuid.uuid4().hex[:6]}"
    t = journey("en")
    log_in(t, TRAINER)
    t.goto("/authoring/modules/new")
    t.page.fill("#slug", slug)
    t.page.fill("#title", "Sorting waste")
    t.page.select_option("#default_language", "en")
    t.page.fill("#estimated_minutes", "15")
    t.click("main form [type=submit]")
    details = t.page.locator("section[aria-labelledby=details-heading] form")
    details.locator("#summary").fill("What goes in which bin.")
    t.click(details.locator("[type=submit]"))
    upload = t.page.locator(f"form[action='/authoring/modules/{slug}/cmi5']")
    upload.locator("input[type=file]").set_input_files(str(package))
    t.click(upload.locator("[type=submit]"))
    assert (
        t.tn(
            "The cmi5 package has been added as %(num)s lesson step.",
            "The cmi5 package has been added as %(num)s lesson steps.",
            1,
        )
        in t.flash()
    )
    publish = t.page.locator(f"form[action='/authoring/modules/{slug}/publish']")
    publish.locator("#confirm_incomplete").check()  # only English: publishing asks first
    t.click(publish.locator("[type=submit]"))
    log_out(t)

    learner = journey("sv")
    log_in(learner, LEARNER)
    learner.goto(f"/learn/modules/{slug}")
    learner.click(f"main form[action='/learn/modules/{slug}/enrol'] [type=submit]")
    learner.goto(f"/learn/modules/{slug}")
    learner.click(f"main a[href^='/learn/modules/{slug}/lessons/cmi5-']")
    lesson_url = learner.page.url
    assert learner.t("Start the activity") in learner.text()

    # The AU is English content in a sandbox of its own: checked here, not by the journey's
    # language rule.
    learner.page.click("main form[action$='/launch'] [type=submit]")
    learner.page.wait_for_url("**/cmi5/packages/**")
    assert "/cmi5/packages/" in learner.page.url and "fetch=" in learner.page.url
    status = learner.page.locator("#status")
    status.filter(has_text="Ready").wait_for()
    assert "moveOn Passed, mastery 0.8" in status.inner_text()
    with learner.page.expect_navigation(url=lesson_url, timeout=20_000):
        learner.page.click("#right")
    learner.arrived()
    assert learner.t("You have completed this activity.") in learner.text()
    assert "100" in learner.page.locator(".progress-value").first.inner_text()

    learner.click("main form.lesson-done [type=submit]")
    learner.click(f"main a[href='/learn/modules/{slug}/certificate']")
    assert "Sorting waste" in learner.text()
    learner.end_state("learner-cmi5")
