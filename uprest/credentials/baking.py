"""Baked badges (Open Badges 3.0 §5.3): the signed credential inside a PNG or an SVG image."""

from __future__ import annotations

import io
import textwrap
from xml.etree import ElementTree

from markupsafe import escape
from PIL import Image, ImageDraw, ImageFont, PngImagePlugin, UnidentifiedImageError

from uprest.core.errors import ServiceError
from uprest.i18n import _l

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
KEYWORD = "openbadgecredential"
SVG_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
SIZE = 400


def _lines(title: str) -> list[str]:
    return textwrap.wrap(title, width=18)[:4]


def png(token: str, title: str) -> bytes:
    """A round black-and-white badge with the module title; the JWS in an iTXt chunk."""
    image = Image.new("RGB", (SIZE, SIZE), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, SIZE - 10, SIZE - 10), outline="black", width=12)
    draw.ellipse((34, 34, SIZE - 34, SIZE - 34), outline="black", width=3)
    small, large = ImageFont.load_default(size=22), ImageFont.load_default(size=30)
    draw.text((SIZE / 2, 90), "UPREST", font=small, fill="black", anchor="mm")
    lines = _lines(title)
    top = SIZE / 2 - (len(lines) - 1) * 19
    for number, line in enumerate(lines):
        draw.text((SIZE / 2, top + number * 38), line, font=large, fill="black", anchor="mm")
    info = PngImagePlugin.PngInfo()
    info.add_itxt(KEYWORD, token)
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def read_png(data: bytes) -> str:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            text = getattr(image, "text", {}) or {}
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise ServiceError(_l("This image could not be read.")) from error
    if KEYWORD not in text:
        raise ServiceError(_l("This image carries no Open Badges credential."))
    return str(text[KEYWORD])


def svg(token: str, title: str) -> bytes:
    lines = "".join(
        f'<tspan x="200" dy="{0 if n == 0 else 36}">{escape(line)}</tspan>'
        for n, line in enumerate(_lines(title))
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="{SVG_NAMESPACE}" '
        f'viewBox="0 0 400 400" width="400" height="400" role="img">'
        f'<openbadges:credential verify="{escape(token)}"></openbadges:credential>'
        f"<title>{escape(title)}</title>"
        '<circle cx="200" cy="200" r="184" fill="white" stroke="black" stroke-width="12"/>'
        '<circle cx="200" cy="200" r="164" fill="none" stroke="black" stroke-width="3"/>'
        '<text x="200" y="92" text-anchor="middle" font-family="sans-serif" font-size="22">'
        "UPREST</text>"
        f'<text x="200" y="{200 - (len(_lines(title)) - 1) * 18}" text-anchor="middle" '
        f'font-family="sans-serif" font-size="28">{lines}</text></svg>'
    ).encode()


def read_svg(data: bytes) -> str:
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise ServiceError(_l("This image could not be read."))
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise ServiceError(_l("This image could not be read.")) from error
    found = root.find(f"{{{SVG_NAMESPACE}}}credential")
    if found is None or not found.get("verify"):
        raise ServiceError(_l("This image carries no Open Badges credential."))
    return found.get("verify")
