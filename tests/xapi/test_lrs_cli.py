"""``flask uprest lrs-client …``."""

import base64

from uprest.extensions import db
from uprest.xapi.models import LrsClient


def test_create_prints_key_and_secret_last_and_they_work(runner, client):
    result = runner.invoke(args=["uprest", "lrs-client", "create", "Tartu municipality LRS"])
    assert result.exit_code == 0, result.output
    key, secret = result.output.strip().splitlines()[-1].split(" ")
    auth = "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()
    response = client.get(
        "/xapi/statements", headers={"Authorization": auth, "X-Experience-API-Version": "1.0.3"}
    )
    assert response.status_code == 200
    stored = db.session.scalar(db.select(LrsClient).where(LrsClient.key == key))
    assert secret not in stored.secret_hash and stored.secret_hash.startswith("$argon2")
    listed = runner.invoke(args=["uprest", "lrs-client", "list"])
    assert key in listed.output and "active" in listed.output
    revoked = runner.invoke(args=["uprest", "lrs-client", "revoke", key])
    assert revoked.exit_code == 0
    response = client.get(
        "/xapi/statements", headers={"Authorization": auth, "X-Experience-API-Version": "1.0.3"}
    )
    assert response.status_code == 401


def test_create_refuses_bad_input(runner):
    assert runner.invoke(args=["uprest", "lrs-client", "create", " "]).exit_code != 0
    bad_scope = runner.invoke(args=["uprest", "lrs-client", "create", "X", "--scope", "admin"])
    assert bad_scope.exit_code != 0
    assert runner.invoke(args=["uprest", "lrs-client", "revoke", "nope"]).exit_code != 0
    assert db.session.scalar(db.select(db.func.count(LrsClient.id))) == 0
