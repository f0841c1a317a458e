"""Security headers for every UPREST response, also when mounted inside a host app."""

from flask import abort, current_app, g, request

# The video players lessons may embed (courses/markdown.py allows only their embed addresses).
FRAME_SOURCES = ("https://www.youtube-nocookie.com", "https://player.vimeo.com")

# A year, as browsers' preload lists ask; not for subdomains, which a host may serve over http.
STRICT_TRANSPORT_SECURITY = "max-age=31536000"
# Public pages that still name a person.
PERSONAL_PUBLIC_ENDPOINTS = {
    "uprest.learning.verify_certificate",
    "uprest.credentials.show",
    "uprest.credentials.verify",
}

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # Lessons may show images from the web and videos from the privacy-enhanced players.
        "img-src 'self' data: https:",
        "frame-src " + " ".join(FRAME_SOURCES),
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if not current_app.debug:
        headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
    if _is_personal(response):
        headers["Cache-Control"] = "no-store"
    return response


def _is_personal(response) -> bool:
    """Every page a signed-in user sees, every download, and public pages naming a person.

    No shared or browser cache may keep them: the next user of a library computer must not find
    someone's progress, gaps or exports in the back button or the disk cache.
    """
    endpoint = request.endpoint or ""
    if endpoint.endswith(".static"):
        return False
    if "attachment" in response.headers.get("Content-Disposition", ""):
        return True
    if endpoint in PERSONAL_PUBLIC_ENDPOINTS:
        return True
    # The user as loaded for this request, if it was: no query of its own (and none to fail).
    user = g.get("_login_user")
    return user is not None and user.is_authenticated


# Blueprints that check their own requests' size and text and answer in their own format (the
# LRS), by name; each registers itself with ``checks_own_requests``.
_SELF_CHECKING: set[str] = set()


def checks_own_requests(blueprint) -> None:
    _SELF_CHECKING.add(blueprint.name)


def is_self_checking() -> bool:
    """Whether this request is for such a blueprint (or one nested in it)."""
    return any(name.rsplit(".", 1)[-1] in _SELF_CHECKING for name in request.blueprints)


def limit_page_body() -> None:
    """Pages take at most ``UPREST_MAX_CONTENT_LENGTH`` bytes; the LRS (``/xapi/``) sets its own."""
    if is_self_checking():
        return
    limit = current_app.config["UPREST_MAX_CONTENT_LENGTH"]
    request.max_content_length = limit  # also bounds a chunked body while it is read
    if request.content_length is not None and request.content_length > limit:
        abort(413)
