"""Safe redirects back to where the user came from."""

import re
from urllib.parse import urlsplit

from flask import redirect, request, url_for

# Whitespace and control characters: browsers drop tabs and newlines inside URLs ("/\t/evil" is
# "//evil" to them), and a backslash is a slash to most. None belongs in a path we link to.
_UNSAFE = re.compile(r"[\x00-\x20\x7f-\x9f\\\u2028\u2029\ufeff]")


def is_safe_target(target: str | None) -> bool:
    """Only a path on this site ("/…", never "//…"), so a link can never send a user elsewhere."""
    if not target or not target.startswith("/") or target[1:2] == "/":
        return False
    if _UNSAFE.search(target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def redirect_back(default_endpoint: str = "uprest.home.index"):
    target = request.form.get("next") or request.args.get("next")
    return redirect(target if is_safe_target(target) else url_for(default_endpoint))
