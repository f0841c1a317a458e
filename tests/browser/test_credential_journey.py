"""A learner earns a module and downloads the signed credential and the PDF; a visitor checks
both (valid); the admin revokes the credential; the visitor's checks now say revoked."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.journey import README_SCREENSHOTS, Journey, log_in
from tests.browser.test_learner_journey import RIGHT, answer_quiz
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.once]

MODULE = "green-basics"
ADMIN = "admin@demo.uprest.eu"


def download(j: Journey, selector: str, folder: Path) -> Path:
    with j.page.expect_download() as info:
        j.page.click(selector)
    target = folder / info.value.suggested_filename
    info.value.save_as(target)
    return target


def pdf_first_page(path: Path) -> tuple[str, object]:
    """The text of the PDF's first page (what a reader sees) and the page drawn as an image."""
    import pypdfium2

    document = pypdfium2.PdfDocument(path.read_bytes())
    page = document[0]
    text = page.get_textpage().get_text_range().replace("\ufffe", "-")
    return text, page.render(scale=1.5, grayscale=True).to_pil()


def check_file(visitor: Journey, path: Path) -> str:
    visitor.goto("/credentials/verify")
    visitor.page.set_input_files("#upload", str(path))
    visitor.click("main form [type=submit]")
    return visitor.page.locator("section.verification").inner_text()


def test_credential_earned_checked_and_revoked(live, journey, tmp_path):
    email = f"credential-{uuid.uuid4().hex[:8]}@example.org"
    live.create_user(email, "Greta Gröndahl", locale="sv")

    learner = journey("sv")
    log_in(learner, email, PASSWORD)
    learner.goto(f"/learn/modules/{MODULE}")
    learner.click(f"form[action='/learn/modules/{MODULE}/enrol'] [type=submit]")
    learner.click("main form.lesson-done [type=submit]")
    learner.click("main form.lesson-done [type=submit]")
    answer_quiz(learner, RIGHT)
    learner.goto(f"/learn/modules/{MODULE}/certificate")
    assert learner.page.locator("#credential-heading").inner_text() == learner.t(
        "Your digital credential"
    )
    token = download(learner, "a[href$='/download.jwt']", tmp_path)
    badge = download(learner, "a[href$='/download.png']", tmp_path)
    pdf = download(learner, "a[href$='/download.pdf']", tmp_path)
    assert token.read_text().count(".") == 2 and pdf.read_bytes().startswith(b"%PDF")

    text, image = pdf_first_page(pdf)
    assert "Greta Gröndahl" in text and learner.t("Certificate of completion") in text
    assert "Grön grund" in text  # the module, in the learner's language
    if os.environ.get("UPREST_SCREENSHOTS") == "1":
        image.save(README_SCREENSHOTS / "certificate-pdf.png")
    address = re.search(r"http://127\.0\.0\.1:\d+/credentials/[0-9a-f-]{36}", text).group(0)

    visitor = journey("en")
    for path in (token, badge):
        result = check_file(visitor, path)
        assert visitor.t("This credential is genuine and valid.") in result
        assert "Greta Gröndahl" in result and "Green basics" in result
    visitor.goto(address)  # the printed certificate's address (and QR code)
    assert visitor.t("This credential is genuine and valid.") in visitor.text()

    admin = journey("en")
    log_in(admin, ADMIN)
    admin.goto(address)
    admin.click(f"form[action='{urlsplit(address).path}/revoke'] [type=submit]")
    assert admin.t("The credential is revoked: every check now reports it as revoked.") in (
        admin.flash()
    )

    for path in (token, badge):
        assert visitor.t("This credential has been revoked.") in check_file(visitor, path)
    visitor.goto(address)
    assert visitor.t("This credential has been revoked.") in visitor.text()
