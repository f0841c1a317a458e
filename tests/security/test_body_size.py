"""Pages refuse bodies over UPREST_MAX_CONTENT_LENGTH (a translated 413); /xapi/ is left alone."""

from __future__ import annotations

from uprest.accounts.models import Role

BIG = 2 * 1024 * 1024 + 1


def test_an_oversized_form_gets_a_translated_413_and_changes_nothing(client, login_as):
    user = login_as(Role.LEARNER, locale="sv")
    name = user.display_name
    response = client.post(
        "/profile",
        data={"profile-display_name": "x" * BIG, "profile-locale": "sv", "profile-submit": "1"},
    )
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert '<html lang="sv">' in page and "För mycket på en gång" in page
    assert user.display_name == name


def test_an_oversized_upload_is_refused_before_it_is_read(client, login_as):
    login_as(Role.TRAINER)
    # Built by hand: the test client would spool a body this large to a file it never closes.
    body = (
        b'--b\r\nContent-Disposition: form-data; name="attachment"; filename="big.zip"\r\n\r\n'
        + b"\0" * BIG
        + b"\r\n--b--\r\n"
    )
    response = client.post(
        "/authoring/modules/new", data=body, content_type="multipart/form-data; boundary=b"
    )
    assert response.status_code == 413


def test_bodies_under_the_limit_pass(client, create_user):
    user = create_user()
    response = client.post(
        "/login", data={"email": user.email, "password": "wrong", "pad": "x" * 400_000}
    )
    assert response.status_code == 200


def test_the_limit_is_configurable(app, client, create_user):
    user = create_user()
    app.config["UPREST_MAX_CONTENT_LENGTH"] = 1000
    try:
        response = client.post("/login", data={"email": user.email, "password": "y" * 2000})
    finally:
        app.config["UPREST_MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    assert response.status_code == 413


def test_the_lrs_is_not_bound_by_the_page_limit(client):
    response = client.post(
        "/xapi/statements",
        data=b"[" + b" " * BIG + b"]",
        headers={"X-Experience-API-Version": "1.0.3", "Content-Type": "application/json"},
    )
    assert response.status_code != 413
