"""The printable certificate: an A4, tagged (PDF/UA-1) PDF in the learner's language."""

from __future__ import annotations

import segno

from uprest.core.templating import render
from uprest.credentials import achievements
from uprest.credentials.services import credential_url
from uprest.i18n import force_locale


def qr_data_uri(url: str) -> str:
    """Black on white with a quiet zone, so it scans from a black-and-white print."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=4, dark="#000", light="#fff")


def certificate(credential, locale: str) -> bytes:
    from weasyprint import HTML  # heavy: loaded only when a PDF is asked for

    url = credential_url(credential)
    with force_locale(locale):
        html = render(
            "uprest/credentials/certificate_pdf.html",
            locale=locale,
            **achievements.facts(credential, locale),
            issuer=achievements.issuer_profile()["name"],
            issued_at=credential.issued_at,
            url=url,
            qr=qr_data_uri(url),
        )
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
