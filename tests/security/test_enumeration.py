"""Password reset: the same answer and the same work whether or not an address has an account."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from flask import template_rendered

KNOWN = "known@example.org"
UNKNOWN = "nobody-here@example.org"


@contextmanager
def _rendered(app):
    names: list[str] = []

    def record(sender, template, context, **extra):
        names.append(template.name)

    template_rendered.connect(record, app)
    try:
        yield names
    finally:
        template_rendered.disconnect(record, app)


def _ask_for_reset(app, email, count_queries):
    client = app.test_client()
    with _rendered(app) as templates, count_queries() as statements:
        response = client.post("/password/forgot", data={"email": email})
    answer = (response.status_code, response.location, sorted(response.headers.keys()))
    page = client.get(response.location).get_data(as_text=True)
    follow = re.sub(r'(name="csrf_token"[^>]*value=")[^"]+', r"\1", page)  # a fresh token each
    return answer, follow, templates, len(statements), response


@pytest.mark.parametrize("disabled", [False, True])
def test_reset_answers_and_works_alike_for_known_and_unknown_addresses(
    app, create_user, count_queries, outbox, db, disabled
):
    user = create_user(email=KNOWN)
    user.is_enabled = not disabled
    db.session.commit()
    known = _ask_for_reset(app, KNOWN, count_queries)
    unknown = _ask_for_reset(app, UNKNOWN, count_queries)
    assert known[0] == unknown[0]  # status, location, header names
    assert known[1] == unknown[1]  # the page the visitor lands on, with its message
    # Both render the reset mail and run the same queries.
    assert known[2] == unknown[2]
    assert "uprest/email/reset_body.txt" in known[2]
    assert known[3] == unknown[3]
    for *_, response in (known, unknown):
        response.close()
    assert len(outbox) == (0 if disabled else 1)


def test_the_reset_mail_leaves_after_the_response(client, create_user, outbox):
    user = create_user(email=KNOWN)
    response = client.post("/password/forgot", data={"email": user.email})
    assert response.status_code == 302
    assert outbox == []  # nothing sent while the visitor waits for the answer
    response.close()
    assert [message.to for message in outbox] == [[KNOWN]]
