"""The personal-data export holds exactly what erasure removes: nothing erased goes unreported."""

from __future__ import annotations

import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.test_erasure import rich_learner  # noqa: F401 (fixture)
from uprest.accounts import services
from uprest.accounts.models import Invitation, PrivacyConsent
from uprest.extensions import db
from uprest.learning.models import Enrolment
from uprest.learning.projection import ActivityProgress
from uprest.xapi.models import Document, Statement


def _iso(moment) -> str:
    return moment.isoformat() + "Z"


def _held() -> dict[str, set]:
    """The rows erasure may remove, each named as the export names it."""
    return {
        "xapi_statements": set(db.session.scalars(sa.select(Statement.statement_id))),
        "xapi_documents": {
            (d.kind, d.activity_id or None, d.document_id)
            for d in db.session.scalars(sa.select(Document))
        },
        "certificates": set(
            db.session.scalars(
                sa.select(Enrolment.certificate_code).where(Enrolment.certificate_code.is_not(None))
            )
        ),
        "activity_progress": set(
            db.session.execute(
                sa.select(ActivityProgress.registration, ActivityProgress.activity_id)
            )
        ),
        "invitations_received": {
            (i.business.name, _iso(i.created_at)) for i in db.session.scalars(sa.select(Invitation))
        },
        "privacy_consents": {
            (c.notice_version, _iso(c.consented_at))
            for c in db.session.scalars(sa.select(PrivacyConsent))
        },
    }


def _exported(data: dict) -> dict[str, set]:
    return {
        "xapi_statements": {s["id"] for s in data["xapi_statements"]},
        "xapi_documents": {
            (d["kind"], d["activity_id"], d["document_id"]) for d in data["xapi_documents"]
        },
        "certificates": {c["code"] for c in data["certificates"]},
        "activity_progress": {
            (p["registration"], p["activity_id"]) for p in data["activity_progress"]
        },
        "invitations_received": {
            (i["business"], i["created_at"]) for i in data["invitations_received"]
        },
        "privacy_consents": {
            (c["notice_version"], c["consented_at"]) for c in data["privacy_consents"]
        },
    }


def test_the_export_lists_exactly_what_erasure_deletes(client, rich_learner):  # noqa: F811
    services.record_consent(rich_learner["user"])
    db.session.commit()
    exported = _exported(client.get("/profile/export").get_json())
    before = _held()
    assert client.post("/profile/delete", data={"delete-password": PASSWORD}).status_code == 302
    db.session.expire_all()
    after = _held()
    erased = {section: before[section] - after[section] for section in before}
    assert all(erased.values())  # the rich learner has something in every section
    assert exported == erased
