"""Erasure reaches the far LRS: each forwarded statement of the person is voided there."""

from __future__ import annotations

import requests
import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.xapi.test_forwarding import _emit, far, forwarding  # noqa: F401, F811 (fixtures)
from uprest.extensions import db
from uprest.xapi import forwarder
from uprest.xapi.models import OutboxItem, Statement
from uprest.xapi.vocabulary import VOIDED


def _far_get(lrs, **params):
    return requests.get(
        lrs.url + "/statements",
        params=params,
        auth=(lrs.key, lrs.secret),
        headers={"X-Experience-API-Version": "1.0.3"},
        timeout=10,
    )


def test_erasure_voids_forwarded_statements_through_the_outbox(
    app,
    forwarding,  # noqa: F811
    create_user,
    client,
    login,
):
    far_lrs = forwarding
    user, other = create_user(), create_user()
    account = f"user-{user.id}"
    sent = _emit(app, user, 3)
    kept = _emit(app, other, 1)
    assert forwarder.forward_due().delivered == 4
    unsent = _emit(app, user, 1)  # still in the outbox: deleted, never sent
    login(user)
    assert client.post("/profile/delete", data={"delete-password": PASSWORD}).status_code == 302
    db.session.expire_all()
    pending = db.session.scalars(
        sa.select(Statement).join(OutboxItem).where(OutboxItem.delivered_at.is_(None))
    ).all()
    assert sorted(row.target_statement_id for row in pending) == sorted(sent)
    assert {row.verb_id for row in pending} == {VOIDED}
    assert all(account not in row.document for row in pending)
    assert forwarder.forward_due().delivered == 3
    arrived = far_lrs.statement_ids()
    assert set(sent).isdisjoint(arrived) and unsent[0] not in arrived
    assert kept[0] in arrived and {row.statement_id for row in pending} <= set(arrived)
    for statement_id in sent:  # the far LRS holds them as voided, as xAPI asks
        assert _far_get(far_lrs, voidedStatementId=statement_id).status_code == 200
        assert _far_get(far_lrs, statementId=statement_id).status_code == 404
