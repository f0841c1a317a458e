"""Managers invite many staff at once (pasted, CSV, printed codes); staff join with a code."""

import io
import re
from datetime import timedelta

import sqlalchemy as sa

from uprest.accounts.models import Invitation, Role, User
from uprest.core.time import utcnow
from uprest.extensions import db


def _invitations(business) -> list[Invitation]:
    return list(
        db.session.scalars(
            sa.select(Invitation).where(Invitation.business_id == business.id).order_by("id")
        )
    )


def _bulk(client, text="", file=None):
    data = {"bulk-addresses": text}
    if file is not None:
        data["bulk-file"] = (io.BytesIO(file), "staff.csv")
    response = client.post(
        "/business/staff/invite-many", data=data, content_type="multipart/form-data"
    )
    response.get_data()
    response.close()  # as a server does: the mails leave once the response is closed
    return response


def _outcomes(page: str) -> dict[str, str]:
    rows = re.findall(r'<tr class="outcome-(\w+)">\s*<th[^>]*>([^<]+)</th>', page)
    return {address: outcome for outcome, address in rows}


def test_pasted_addresses_are_invited_and_each_reported(client, login_as, create_user, outbox):
    manager = login_as(Role.MANAGER, locale="en")
    colleague = create_user(Role.LEARNER, email="colleague@example.org", business=manager.business)
    assert colleague.business_id == manager.business_id
    response = _bulk(
        client,
        "anna@example.org\nBRUNO@example.org, colleague@example.org;not-an-address\n"
        "anna@example.org",
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert _outcomes(page) == {
        "anna@example.org": "already_invited",  # the repeat in the same list; first one invited
        "bruno@example.org": "invited",
        "colleague@example.org": "already_member",
        "not-an-address": "invalid",
    }
    assert "Invitation sent" in page and "Already on your staff" in page
    assert sorted(i.email for i in _invitations(manager.business)) == [
        "anna@example.org",
        "bruno@example.org",
    ]
    assert sorted(m.to[0] for m in outbox) == ["anna@example.org", "bruno@example.org"]
    # A second round refuses the duplicates: nothing new, no mail.
    again = _bulk(client, "anna@example.org\nbruno@example.org")
    assert set(_outcomes(again.get_data(as_text=True)).values()) == {"already_invited"}
    assert len(_invitations(manager.business)) == 2
    assert len(outbox) == 2


def test_results_are_translated(client, login_as):
    login_as(Role.MANAGER, locale="sv")
    page = _bulk(client, "ny@example.org\nfel").get_data(as_text=True)
    assert "Inbjudan skickad" in page
    assert "Inte en giltig e-postadress" in page
    assert "Invitation sent" not in page


def test_csv_upload_reads_the_email_column(client, login_as, outbox):
    manager = login_as(Role.MANAGER, locale="en")
    csv_file = "\ufeffName;E-mail;Phone\nAnna;anna@example.org;123\nBo;bo@example.org;456\n"
    response = _bulk(client, file=csv_file.encode())
    assert response.status_code == 200
    assert _outcomes(response.get_data(as_text=True)) == {
        "anna@example.org": "invited",
        "bo@example.org": "invited",
    }
    assert len(_invitations(manager.business)) == 2


def test_unreadable_csv_or_nothing_to_invite_is_refused(client, login_as):
    manager = login_as(Role.MANAGER, locale="en")
    response = _bulk(client, file="Name;E-mail\nÅsa;asa@example.org\n".encode("latin-1"))
    assert response.status_code == 400
    assert "save it as CSV in UTF-8" in response.get_data(as_text=True)
    response = _bulk(client, "  \n , ")
    assert response.status_code == 400
    assert "Enter at least one e-mail address." in response.get_data(as_text=True)
    assert _invitations(manager.business) == []


def test_too_many_addresses_invite_nobody(client, login_as):
    manager = login_as(Role.MANAGER, locale="en")
    text = "\n".join(f"p{i}@example.org" for i in range(201))
    response = _bulk(client, text)
    assert response.status_code == 400
    assert "Invite at most 200 people at a time." in response.get_data(as_text=True)
    assert _invitations(manager.business) == []


def test_a_second_single_invitation_to_the_same_address_is_refused(client, login_as, outbox):
    manager = login_as(Role.MANAGER, locale="en")
    assert client.post("/business/staff/invite", data={"email": "x@example.org"}).status_code == 302
    response = client.post("/business/staff/invite", data={"email": "X@example.org"})
    assert response.status_code == 400
    assert "This address already has an open invitation." in response.get_data(as_text=True)
    assert len(_invitations(manager.business)) == 1
    assert len(outbox) == 1


def test_an_expired_invitation_does_not_block_a_new_one(client, login_as):
    manager = login_as(Role.MANAGER, locale="en")
    client.post("/business/staff/invite", data={"email": "x@example.org"})
    _invitations(manager.business)[0].expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert client.post("/business/staff/invite", data={"email": "x@example.org"}).status_code == 302
    assert len(_invitations(manager.business)) == 2


def _print_codes(client, names="Maria Rossi\nJonas Berg"):
    response = client.post("/business/staff/codes", data={"codes-names": names})
    assert response.status_code == 200, response.get_data(as_text=True)
    page = response.get_data(as_text=True)
    return page, re.findall(r'<p class="code">([A-Z0-9-]+)</p>', page)


def test_printed_invitations_show_one_code_each_and_store_only_hashes(client, login_as):
    manager = login_as(Role.MANAGER, locale="en")
    page, codes = _print_codes(client)
    assert len(codes) == 2 and len(set(codes)) == 2
    assert all(re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", c) for c in codes)
    assert "Invitation for Maria Rossi" in page and "http://localhost/join" in page
    stored = _invitations(manager.business)
    assert [(i.name, i.email) for i in stored] == [("Maria Rossi", None), ("Jonas Berg", None)]
    assert not any(code.replace("-", "") in i.token_hash for code in codes for i in stored)
    # Listed among the open invitations, by name.
    staff = client.get("/business/staff").get_data(as_text=True)
    assert "Maria Rossi (printed code)" in staff


def test_printing_needs_names(client, login_as):
    manager = login_as(Role.MANAGER, locale="en")
    response = client.post("/business/staff/codes", data={"codes-names": "\n  \n"})
    assert response.status_code == 400
    assert _invitations(manager.business) == []


def _join(client, code, email="maria@example.org", **extra):
    data = {
        "code": code,
        "display_name": "Maria Rossi",
        "email": email,
        "password": "a long password",
        "confirm": "a long password",
        "accept_privacy": "y",
        **extra,
    }
    return client.post("/join", data=data)


def test_a_code_creates_the_account_once(app, client, login_as, login):
    manager = login_as(Role.MANAGER, locale="en")
    _page, (code, _other) = _print_codes(client)
    client.post("/logout")
    # Typed in lower case, with spaces instead of dashes.
    response = _join(client, code.lower().replace("-", " "))
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "maria@example.org"))
    assert user.business_id == manager.business_id and user.role is Role.LEARNER
    redeemed = _invitations(manager.business)[0]
    assert redeemed.accepted_at is not None
    # From now on the invitation is the account's (export and erasure find it by address).
    assert (redeemed.email, redeemed.name) == ("maria@example.org", None)
    client.post("/logout")
    again = _join(client, code, email="someone@example.org")
    assert again.status_code == 400
    assert "This code is not valid, has expired or has already been used." in again.get_data(
        as_text=True
    )
    assert db.session.scalar(sa.select(User).where(User.email == "someone@example.org")) is None


def test_an_expired_or_unknown_code_changes_nothing(client, login_as):
    manager = login_as(Role.MANAGER, locale="en")
    _page, (code, _other) = _print_codes(client)
    for invitation in _invitations(manager.business):
        invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    client.post("/logout")
    assert _join(client, code).status_code == 400
    assert _join(client, "AAAA-BBBB-CCCC").status_code == 400
    assert db.session.scalar(sa.select(User).where(User.email == "maria@example.org")) is None


def test_a_code_is_not_an_invitation_link(client, login_as):
    login_as(Role.MANAGER, locale="en")
    _page, (code, _other) = _print_codes(client)
    client.post("/logout")
    assert client.get(f"/invitation/{code.replace('-', '')}").status_code == 410


def test_a_signed_in_learner_joins_with_a_code(client, login_as, login, create_user):
    manager = login_as(Role.MANAGER, locale="en")
    _page, (code, _other) = _print_codes(client)
    learner = create_user(Role.LEARNER)
    login(learner)
    page = client.get("/join").get_data(as_text=True)
    assert "You are signed in as" in page and 'name="password"' not in page
    assert client.post("/join", data={"code": code}).status_code == 302
    db.session.refresh(learner)
    assert learner.business_id == manager.business_id


def test_join_page_speaks_italian(client):
    page = client.get("/join", headers={"Accept-Language": "it"}).get_data(as_text=True)
    assert "Entra con un codice" in page


def test_guessing_codes_is_rate_limited(app, client):
    app.config["UPREST_LOGIN_LIMIT"] = "3 per minute"
    try:
        statuses = [_join(client, f"AAAA-BBBB-CCC{i}").status_code for i in range(4)]
    finally:
        app.config["UPREST_LOGIN_LIMIT"] = "10 per minute"
    assert statuses == [400, 400, 400, 429]
