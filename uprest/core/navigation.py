"""Safe redirects back to where the user came from."""

from urllib.parse import urlsplit

from flask import redirect, request, url_for


def is_safe_target(target: str | None) -> bool:
    """Only relative paths on this site, so a link can never send a user elsewhere."""
    if not target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/") and "\\" not in target


def redirect_back(default_endpoint: str = "uprest.core.home"):
    target = request.form.get("next") or request.args.get("next")
    return redirect(target if is_safe_target(target) else url_for(default_endpoint))
