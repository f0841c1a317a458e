"""Forwarding set by an admin on the Forwarding page, sent to a real second LRS over HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.xapi.test_forwarding import _emit, far  # noqa: F401 (fixture)
from uprest.accounts.models import Role
from uprest.core.time import utcnow
from uprest.extensions import db
from uprest.xapi import forwarder, forwarding
from uprest.xapi.models import ForwardingSettings, OutboxItem


@pytest.fixture(autouse=True)
def no_environment(app, monkeypatch):
    for key in ("UPREST_XAPI_FORWARD_URL", "UPREST_XAPI_FORWARD_KEY", "UPREST_XAPI_FORWARD_SECRET"):
        monkeypatch.setitem(app.config, key, "")


def _save(client, **data):
    form = {"is_enabled": "y", **data}
    if not form["is_enabled"]:
        form.pop("is_enabled")
    return client.post("/admin/xapi-outbox", data=form)


def _outbox_size() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(OutboxItem))


def test_forwarding_switched_on_in_the_ui_delivers_and_switched_off_stops(
    app,
    client,
    far,  # noqa: F811
    login_as,
    create_user,
):
    admin = login_as(Role.ADMIN)
    learner = create_user()
    assert "switched off" in client.get("/admin/xapi-outbox").get_data(as_text=True)
    _emit(app, learner, 2)
    assert _outbox_size() == 0  # off: nothing queued

    saved = _save(client, url=far.url, key=far.key, secret=far.secret)
    assert saved.status_code == 302
    page = client.get("/admin/xapi-outbox").get_data(as_text=True)
    assert far.url in page and "Forwarding is on" in page
    assert far.secret not in page and far.key not in page  # never shown back in full
    assert forwarding.masked(far.key) in page
    row = db.session.get(ForwardingSettings, forwarding.SETTINGS_ID)
    assert far.secret not in row.secret_encrypted  # kept encrypted

    sent = _emit(app, learner, 3)
    assert forwarder.forward_due().delivered == 3
    assert sorted(far.statement_ids()) == sorted(sent)
    page = client.get("/admin/xapi-outbox").get_data(as_text=True)
    assert "none yet" not in page  # a last delivery is shown

    # switched off again (the secret field left empty keeps the saved secret)
    assert _save(client, is_enabled="", url=far.url, key=far.key).status_code == 302
    later = _emit(app, learner, 2)
    assert _outbox_size() == 3  # not queued
    assert forwarder.forward_due().handled == 0
    assert not set(later) & set(far.statement_ids())
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["uprest", "xapi-forward", "--once"])
    assert refused.exit_code != 0 and "Forwarding is off" in refused.output

    # on again, without retyping the secret: it was kept
    assert _save(client, url=far.url, key=far.key).status_code == 302
    again = _emit(app, learner, 1)
    result = runner.invoke(args=["uprest", "xapi-forward", "--once"])
    assert result.exit_code == 0 and "delivered 1" in result.output, result.output
    assert again[0] in far.statement_ids()
    assert admin is not None


def test_failures_show_as_retrying_with_the_last_error(app, client, far, login_as, create_user):  # noqa: F811
    login_as(Role.ADMIN)
    _save(client, url=far.url, key=far.key, secret="wrong secret")
    _emit(app, create_user(), 2)
    outcome = forwarder.forward_due()
    assert outcome.retried == 2
    state = forwarder.state()
    assert (state.pending, state.retrying, state.delivered) == (2, 2, 0)
    assert "401" in state.last_error and state.last_success_at is None
    page = client.get("/admin/xapi-outbox").get_data(as_text=True)
    assert "HTTP 401" in page

    _save(client, url=far.url, key=far.key, secret=far.secret)
    assert forwarder.forward_due(now=utcnow() + timedelta(hours=1)).delivered == 2
    state = forwarder.state()
    assert (state.pending, state.retrying, state.delivered) == (0, 0, 2)
    assert state.last_success_at is not None


def test_ui_settings_take_precedence_over_the_environment_until_forgotten(
    app, client, login_as, monkeypatch, create_user
):
    monkeypatch.setitem(app.config, "UPREST_XAPI_FORWARD_URL", "http://127.0.0.1:9/xapi")
    login_as(Role.ADMIN)
    page = client.get("/admin/xapi-outbox").get_data(as_text=True)
    assert "set by the environment variables" in page
    assert 'value="http://127.0.0.1:9/xapi"' in page  # the form starts from what is in force
    assert forwarding.target().source == "environment"
    _save(client, is_enabled="", url="https://lrs.example.org/xapi", key="k")
    assert forwarding.target() is None and not forwarding.is_on()
    _emit(app, create_user(), 1)
    assert _outbox_size() == 0
    assert "take precedence" in client.get("/admin/xapi-outbox").get_data(as_text=True)
    assert client.post("/admin/xapi-outbox/use-environment").status_code == 302
    assert db.session.get(ForwardingSettings, forwarding.SETTINGS_ID) is None
    assert forwarding.target().url == "http://127.0.0.1:9/xapi"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"url": ""}, "needs the external LRS"),
        ({"url": "ftp://lrs.example.org/xapi"}, "starting with https://"),
        ({"url": "https://user:pw@lrs.example.org/xapi"}, "not in the address"),
        ({"url": "https://lrs.example.org/xapi?x=1"}, "without ? or #"),
        ({"url": "https://lrs.example.org/xapi", "key": ""}, "needs the key"),
        ({"url": "https://lrs.example.org/xapi", "secret": ""}, "needs the secret"),
    ],
)
def test_bad_forwarding_settings_are_refused_and_nothing_is_saved(client, login_as, data, message):
    login_as(Role.ADMIN)
    reply = _save(client, **{"key": "k", "secret": "s", **data})
    assert reply.status_code == 200
    assert message in reply.get_data(as_text=True)
    assert db.session.get(ForwardingSettings, forwarding.SETTINGS_ID) is None


def test_a_secret_saved_under_another_secret_key_must_be_entered_again(
    app, client, login_as, monkeypatch
):
    login_as(Role.ADMIN)
    _save(client, url="https://lrs.example.org/xapi", key="k", secret="s3cret")
    assert forwarding.target().secret == "s3cret"
    monkeypatch.setitem(app.config, "SECRET_KEY", app.config["SECRET_KEY"] + "-rotated")
    assert forwarding.target() is None
    assert forwarding.secret_unreadable()
