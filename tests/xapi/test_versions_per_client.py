"""One server, both versions: a request naming no version is answered in its client's version."""

from __future__ import annotations

import pytest

from uprest.extensions import db
from uprest.xapi import clients

ACTIVITY = "http://example.org/activities/versions"


def _unversioned(lrs, path="/activities/state"):
    return lrs.client.get("/xapi" + path, headers={"Authorization": lrs.headers()["Authorization"]})


@pytest.mark.parametrize("default", ["1.0.3", "2.0.0"])
def test_a_client_that_names_no_version_is_answered_in_the_version_it_declared(
    make_lrs, app, monkeypatch, default
):
    monkeypatch.setitem(app.config, "UPREST_XAPI_DEFAULT_VERSION", default)
    old, new, undeclared = (
        make_lrs(["read", "write"]),
        make_lrs(["read", "write"]),
        make_lrs(["read"]),
    )
    for lrs, version in ((old, "1.0.3"), (new, "2.0.0")):
        record = db.session.scalar(
            db.select(clients.LrsClient).where(clients.LrsClient.key == _key(lrs))
        )
        clients.set_version(record, version)
    db.session.commit()
    for lrs, expected in ((old, "1.0.3"), (new, "2.0.0"), (undeclared, default)):
        reply = _unversioned(lrs)
        assert reply.status_code == 400
        assert reply.headers["X-Experience-API-Version"] == expected
        about = _unversioned(lrs, "/about")
        assert about.status_code == 200 and about.headers["X-Experience-API-Version"] == expected
    # a request that names a version is answered in it, whatever its client declared
    named = old.request("GET", "/about", version="2.0.0")
    assert named.headers["X-Experience-API-Version"] == "2.0.0"
    # wrong credentials fall back to the deployment default, and tell nothing about the client
    wrong = old.client.get("/xapi/activities/state", headers={"Authorization": "Basic " + "eDp5"})
    assert wrong.headers["X-Experience-API-Version"] == default


def _key(lrs) -> str:
    import base64

    return base64.b64decode(lrs.auth.split()[1]).decode().split(":")[0]


def test_an_unknown_version_is_refused_and_nothing_changes(make_lrs):
    lrs = make_lrs(["read", "write"])
    record = db.session.scalar(
        db.select(clients.LrsClient).where(clients.LrsClient.key == _key(lrs))
    )
    with pytest.raises(clients.ServiceError):
        clients.set_version(record, "1.5.0")
    assert record.xapi_version is None


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("PATCH", "/statements", 405),
        ("DELETE", "/about", 405),
        ("GET", "/no-such-resource", 404),
    ],
)
def test_routing_errors_under_xapi_are_xapi_replies_naming_the_version(
    lrs, version, method, path, status
):
    reply = lrs.request(method, path, version=version)
    assert reply.status_code == status
    assert reply.headers["X-Experience-API-Version"] == version
    assert reply.is_json and reply.json["status"] == status
    if status == 405:
        assert "GET" in reply.headers["Allow"] or "POST" in reply.headers["Allow"]


def test_a_413_to_a_client_naming_no_version_names_the_client_version(make_lrs, app, monkeypatch):
    """Refused before the request is parsed, the reply still names the client's version."""
    monkeypatch.setitem(app.config, "UPREST_XAPI_MAX_CONTENT_LENGTH", 10)
    lrs = make_lrs(["read", "write"])
    record = db.session.scalar(
        db.select(clients.LrsClient).where(clients.LrsClient.key == _key(lrs))
    )
    clients.set_version(record, "1.0.3")
    db.session.commit()
    reply = lrs.client.post(
        "/xapi/statements",
        data="x" * 100,
        headers={
            "Authorization": lrs.headers()["Authorization"],
            "Content-Type": "application/json",
        },
    )
    assert reply.status_code in (400, 413)
    assert reply.headers["X-Experience-API-Version"] == "1.0.3"


def test_the_cli_declares_and_changes_a_client_version(app, runner):
    created = runner.invoke(
        args=["uprest", "lrs-client", "create", "Old course", "--xapi-version", "1.0.3"]
    )
    assert created.exit_code == 0, created.output
    key = created.output.strip().splitlines()[-1].split()[0]
    record = db.session.scalar(db.select(clients.LrsClient).where(clients.LrsClient.key == key))
    assert record.xapi_version == "1.0.3"
    assert "1.0.3" in runner.invoke(args=["uprest", "lrs-client", "list"]).output
    changed = runner.invoke(args=["uprest", "lrs-client", "set-version", key, "default"])
    assert changed.exit_code == 0, changed.output
    db.session.refresh(record)
    assert record.xapi_version is None
    refused = runner.invoke(args=["uprest", "lrs-client", "set-version", key, "0.9"])
    assert refused.exit_code != 0
    bad = runner.invoke(args=["uprest", "lrs-client", "create", "X", "--xapi-version", "1.5"])
    assert bad.exit_code != 0


def test_an_admin_sets_a_client_version_on_the_credentials_page(app, client, login_as):
    from uprest.accounts.models import Role

    login_as(Role.ADMIN)
    created = client.post(
        "/admin/lrs-clients",
        data={"name": "Cmi5 player", "scopes": ["read", "write"], "xapi_version": "2.0.0"},
    )
    assert created.status_code == 200
    record = db.session.scalar(
        db.select(clients.LrsClient).where(clients.LrsClient.name == "Cmi5 player")
    )
    assert record.xapi_version == "2.0.0"
    page = client.get("/admin/lrs-clients").get_data(as_text=True)
    assert f'id="version-{record.id}"' in page
    changed = client.post(f"/admin/lrs-clients/{record.id}/version", data={"xapi_version": "1.0.3"})
    assert changed.status_code == 302
    db.session.refresh(record)
    assert record.xapi_version == "1.0.3"
    refused = client.post(f"/admin/lrs-clients/{record.id}/version", data={"xapi_version": "9"})
    assert refused.status_code == 302
    db.session.refresh(record)
    assert record.xapi_version == "1.0.3"  # nothing changed
    assert "Choose xAPI 1.0.3" in client.get("/admin/lrs-clients").get_data(as_text=True)
    unknown = client.post("/admin/lrs-clients/999999/version", data={"xapi_version": "1.0.3"})
    assert unknown.status_code == 404
