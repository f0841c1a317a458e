"""Confirmation before destructive actions: a page that asks, then posts again (no JavaScript).

The list's button posts once (with its CSRF token); the view answers with this page, whose own
button posts the same action again with ``confirmed=yes``. Only then does anything change.
"""

from __future__ import annotations

from flask import request

from uprest.core.templating import render


def is_confirmed() -> bool:
    return request.form.get("confirmed") == "yes"


def ask(*, question: str, button: str, cancel_url: str, detail: str | None = None):
    """The confirmation page for the action of the current request."""
    return render(
        "uprest/core/confirm.html",
        question=question,
        detail=detail,
        button=button,
        action=request.path,
        cancel_url=cancel_url,
    )
