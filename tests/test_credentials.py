"""Certificates as Open Badges 3.0 credentials: issue, sign, schema, status, baking, PDF, xAPI."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import jwt
import pytest
import sqlalchemy as sa

from tests.test_learning import ALL_RIGHT
from uprest.accounts import services as account_services
from uprest.accounts.models import Role
from uprest.credentials import baking, keys, services, status
from uprest.extensions import db
from uprest.xapi.models import Statement

SCHEMA = Path(__file__).parent / "data" / "openbadges" / "ob_v3p0_achievementcredential.json"
MODULE = "online-presence"


@pytest.fixture
def signing_key(app, tmp_path, monkeypatch):
    path = tmp_path / "key.pem"
    monkeypatch.setitem(app.config, "UPREST_CREDENTIAL_KEY_FILE", str(path))
    with app.app_context():
        keys.generate(path)
    return path


@pytest.fixture
def earn(client, courses, login_as):
    """A learner who completed the module: returns (user, credential)."""

    def do(**kwargs):
        user = login_as(Role.LEARNER, display_name="Lina Larsson", **kwargs)
        client.post(f"/learn/modules/{MODULE}/enrol")
        for lesson in ("why-be-found", "your-website"):
            client.post(f"/learn/modules/{MODULE}/lessons/{lesson}")
        client.post(f"/learn/modules/{MODULE}/quiz", data=ALL_RIGHT)
        [credential] = services.for_user(user)
        return user, credential

    return do


def _download(client, credential, kind):
    response = client.get(f"/credentials/{credential.uuid}/download.{kind}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert "attachment" in response.headers["Content-Disposition"]
    return response


def test_completion_issues_a_signed_credential_that_fits_the_schema(client, signing_key, earn):
    user, credential = earn()
    token = _download(client, credential, "jwt").get_data(as_text=True)
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "EdDSA", "kid": keys.kid(), "typ": "JWT"}
    assert keys.kid().startswith("did:web:localhost:credentials#")
    jwks = client.get("/credentials/jwks.json").get_json()
    assert "d" not in jwks["keys"][0]
    public = jwt.PyJWK(jwks["keys"][0]).key
    payload = jwt.decode(token, public, algorithms=["EdDSA"])
    assert payload["jti"] == payload["id"] == f"http://localhost/credentials/{credential.uuid}"
    assert payload["sub"] == payload["credentialSubject"]["id"]
    assert payload["iss"] == payload["issuer"]["id"] == keys.issuer_did()
    achievement = payload["credentialSubject"]["achievement"]
    assert achievement["name"] == "Be found online"
    assert {a["targetCode"] for a in achievement["alignment"]} == {"DIG-01", "DIG-02"}
    assert "hours" in achievement["criteria"]["narrative"]
    assert {r["inLanguage"] for r in achievement["related"]} == {"sv"}
    assert payload["credentialSubject"]["identifier"][0]["identityHash"] == "Lina Larsson"
    schema = json.loads(SCHEMA.read_text())
    jsonschema.validate(payload, schema)
    # the JSON download is the same credential, and fits too
    document = _download(client, credential, "json").get_json()
    jsonschema.validate(document, schema)
    assert document["id"] == payload["id"]
    # the same credential signed again is byte for byte the same (deterministic Ed25519)
    assert _download(client, credential, "jwt").get_data(as_text=True) == token


def test_alignment_names_the_esco_skill_where_the_framework_has_one(app):
    from uprest.credentials.achievements import _alignment

    item = {"code": "DIG-03", "name": "Social media", "framework": "uprest"}
    esco = "http://data.europa.eu/esco/skill/64e09849-a7db-4d6b-a932-66264420eb97"
    with app.test_request_context():
        assert _alignment(item | {"esco": esco})["targetUrl"] == esco
        own = _alignment(item | {"esco": None})
    assert own["targetUrl"].endswith("/learn/catalogue?competence=DIG-03")
    assert own["targetType"] == "ext:UPRESTCompetence"


def test_a_credential_missing_a_required_field_fails_the_schema(client, signing_key, earn):
    _user, credential = earn()
    document = _download(client, credential, "json").get_json()
    del document["credentialSubject"]["achievement"]["criteria"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, json.loads(SCHEMA.read_text()))


def test_did_document_and_achievement_in_other_languages(client, signing_key, courses):
    did = client.get("/credentials/did.json").get_json()
    assert did["id"] == "did:web:localhost:credentials"
    method = did["verificationMethod"][0]
    assert method["id"] == keys.kid() and set(method["publicKeyJwk"]) == {"kty", "crv", "x"}
    swedish = client.get(f"/credentials/achievements/{MODULE}/1?lang=sv").get_json()
    assert swedish["inLanguage"] == "sv" and swedish["name"] != "Be found online"
    assert "timmar" in swedish["criteria"]["narrative"]
    assert client.get("/credentials/achievements/nothing/1").status_code == 404


def test_no_key_yet_is_a_clear_message_not_a_500(client, app, earn, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "UPREST_CREDENTIAL_KEY_FILE", str(tmp_path / "none.pem"))
    _user, credential = earn()
    response = client.get(f"/credentials/{credential.uuid}/download.jwt", follow_redirects=True)
    assert "the administrator has not set up a signing key" in response.get_data(as_text=True)
    assert client.get("/credentials/jwks.json").status_code == 404


def test_only_the_holder_downloads(client, signing_key, earn, login_as):
    _user, credential = earn()
    client.post("/logout")
    login_as(Role.LEARNER)
    assert client.get(f"/credentials/{credential.uuid}/download.jwt").status_code == 404
    assert client.get(f"/credentials/{credential.uuid}/download.exe").status_code == 404


def _verify(client, data: bytes, name="credential.jwt"):
    return client.post(
        "/credentials/verify",
        data={"upload": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    ).get_data(as_text=True)


def test_verification_page_checks_signature_and_status(client, signing_key, earn, login_as):
    _user, credential = earn()
    token = _download(client, credential, "jwt").get_data()
    png = _download(client, credential, "png").get_data()
    svg = _download(client, credential, "svg").get_data()
    client.post("/logout")
    for data, name in ((token, "c.jwt"), (png, "c.png"), (svg, "c.svg")):
        page = _verify(client, data, name)
        assert "This credential is genuine and valid." in page and "Lina Larsson" in page
    # in the visitor's language
    client.post("/locale", data={"locale": "it"})
    italian = _verify(client, token)
    assert "This credential is genuine" not in italian and "Lina Larsson" in italian
    client.post("/locale", data={"locale": "en"})
    # a changed payload breaks the signature
    head, body, signature = token.decode().split(".")
    forged = jwt.utils.base64url_decode(body)
    forged = forged.replace(b"Lina Larsson", b"Mallory Mole")
    tampered = ".".join([head, jwt.utils.base64url_encode(forged).decode(), signature])
    assert "the credential was altered" in _verify(client, tampered.encode())
    assert "This is not a signed credential." in _verify(client, b"hello")
    assert "carries no signature" in _verify(client, b'{"id": "x"}', "c.json")
    assert "This image could not be read." in _verify(client, baking.PNG_SIGNATURE + b"junk")
    empty = client.post("/credentials/verify", data={}).get_data(as_text=True)
    assert "Choose a credential file or paste its text." in empty
    # a key of someone else
    other = jwt.encode({"id": "x"}, _other_key(), algorithm="EdDSA", headers={"kid": "did:x#k"})
    assert "not signed by this issuer" in _verify(client, other.encode())
    # the admin revokes; every check says revoked
    login_as(Role.ADMIN)
    shown = client.get(f"/credentials/{credential.uuid}").get_data(as_text=True)
    assert "Revoke the credential" in shown
    client.post(f"/credentials/{credential.uuid}/revoke")
    db.session.refresh(credential)
    assert credential.revoked_at is not None
    client.post("/logout")
    assert "This credential has been revoked." in _verify(client, png, "c.png")
    assert "This credential has been revoked." in client.get(
        f"/credentials/{credential.uuid}"
    ).get_data(as_text=True)


def _other_key():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.generate()


def test_status_list_credential_carries_the_revocation_bit(client, signing_key, earn):
    _user, credential = earn()
    number, index = status.place(credential.id)
    token = client.get(f"/credentials/status/{number}").get_data(as_text=True)
    listed = jwt.decode(token, keys.public_key(), algorithms=["EdDSA"])
    assert listed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert not status.is_set(listed["credentialSubject"]["encodedList"], index)
    services.revoke(credential)
    token = client.get(f"/credentials/status/{number}").get_data(as_text=True)
    listed = jwt.decode(token, keys.public_key(), algorithms=["EdDSA"])
    assert status.is_set(listed["credentialSubject"]["encodedList"], index)


def test_status_bits_round_trip():
    encoded = status.encode([0, 9, status.LIST_SIZE - 1])
    assert [status.is_set(encoded, i) for i in (0, 1, 9, status.LIST_SIZE - 1)] == [
        True, False, True, True,
    ]  # fmt: skip
    with pytest.raises(ValueError):
        status.is_set("xnot", 0)


def test_erasure_revokes_and_keeps_no_name(client, signing_key, earn):
    user, credential = earn()
    token = _download(client, credential, "jwt").get_data()
    account_services.delete_account(user)
    db.session.commit()
    db.session.refresh(credential)
    assert credential.revoked_at is not None and credential.enrolment_id is None
    page = _verify(client, token)
    assert "This credential has been revoked." in page and "Lina Larsson" not in page


def test_baked_png_and_svg_carry_the_token(client, signing_key, earn):
    from PIL import Image

    _user, credential = earn()
    token = _download(client, credential, "jwt").get_data(as_text=True)
    png = _download(client, credential, "png").get_data()
    with Image.open(io.BytesIO(png)) as image:
        assert image.text[baking.KEYWORD] == token
    svg = _download(client, credential, "svg").get_data()
    assert baking.read_svg(svg) == token and b'xmlns:openbadges="' in svg


def test_pdf_is_tagged_a4_in_the_learners_language(client, signing_key, earn):
    import pypdfium2

    _user, credential = earn()
    client.post("/locale", data={"locale": "sv"})
    pdf = _download(client, credential, "pdf").get_data()
    import pypdfium2.raw as pdfium_c

    assert pdf.startswith(b"%PDF")
    document = pypdfium2.PdfDocument(pdf)
    assert pdfium_c.FPDFCatalog_IsTagged(document.raw)  # tagged text for screen readers
    width, height = document[0].get_size()
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = document[0].get_textpage().get_text_range()
    assert "Lina Larsson" in text and "Kursintyg" in text  # Swedish
    assert f"/credentials/{credential.uuid[:8]}" in text


def test_issuing_emits_earned_and_mastered_statements(client, signing_key, earn):
    from uprest.surveys.framework import sync_framework

    sync_framework()
    user, credential = earn()
    rows = db.session.scalars(
        sa.select(Statement).where(Statement.verb_id.in_(
            ["http://id.tincanapi.com/verb/earned", "http://adlnet.gov/expapi/verbs/mastered"]
        ))
    ).all()  # fmt: skip
    documents = [json.loads(row.document) for row in rows]
    earned = [s for s in documents if s["verb"]["id"].endswith("/earned")]
    mastered = [s for s in documents if s["verb"]["id"].endswith("/mastered")]
    assert [s["object"]["id"] for s in earned] == [services.credential_url(credential)]
    assert earned[0]["actor"]["account"]["name"] == f"user-{user.id}"
    reached = sorted(s["object"]["id"].rsplit("/", 1)[-1] for s in mastered)
    assert reached == ["DIG-01", "DIG-02"]
    names = {s["object"]["definition"]["name"]["en-GB"] for s in mastered}
    assert "Online presence and website" in names
    assert all(s["result"]["success"] and s["result"]["score"]["raw"] >= 1 for s in mastered)


def test_cli_keygen_and_verify(runner, app, signing_key, earn, client, tmp_path, monkeypatch):
    result = runner.invoke(args=["uprest", "credentials-keygen"])
    assert result.exit_code == 1 and "already exists" in result.output
    assert "PRIVATE" not in result.output
    fresh = tmp_path / "fresh.pem"
    monkeypatch.setitem(app.config, "UPREST_CREDENTIAL_KEY_FILE", str(fresh))
    result = runner.invoke(args=["uprest", "credentials-keygen"])
    assert result.exit_code == 0 and "PRIVATE" not in result.output
    assert oct(fresh.stat().st_mode & 0o777) == "0o600"
    monkeypatch.setitem(app.config, "UPREST_CREDENTIAL_KEY_FILE", str(signing_key))
    _user, credential = earn()
    saved = tmp_path / "badge.png"
    saved.write_bytes(_download(client, credential, "png").get_data())
    result = runner.invoke(args=["uprest", "verify-credential", str(saved)])
    assert result.exit_code == 0 and result.output.startswith("valid:")
    runner.invoke(args=["uprest", "revoke-credential", credential.uuid])
    result = runner.invoke(args=["uprest", "verify-credential", str(saved)])
    assert result.exit_code == 1 and result.output.startswith("revoked:")


def test_a_completed_path_earns_its_own_credential(client, signing_key, courses, login_as):
    import pypdfium2

    user = login_as(Role.LEARNER, display_name="Pia Path")
    client.post("/learn/paths/digital-basics/follow")
    client.post(f"/learn/modules/{MODULE}/enrol")
    for lesson in ("why-be-found", "your-website"):
        client.post(f"/learn/modules/{MODULE}/lessons/{lesson}")
    client.post(f"/learn/modules/{MODULE}/quiz", data=ALL_RIGHT)
    module_credential, path_credential = services.for_user(user)
    assert path_credential.path_enrolment is not None
    page = client.get("/learn/paths/digital-basics").get_data(as_text=True)
    assert f"/credentials/{path_credential.uuid}/download.pdf" in page
    document = _download(client, path_credential, "json").get_json()
    jsonschema.validate(document, json.loads(SCHEMA.read_text()))
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "LearningProgram"
    assert (
        achievement["name"] == "Digital basics"
        and "Be found online" in (achievement["criteria"]["narrative"])
    )
    assert client.get(achievement["id"].replace("http://localhost", "")).get_json() == achievement
    pdf = pypdfium2.PdfDocument(_download(client, path_credential, "pdf").get_data())
    text = pdf[0].get_textpage().get_text_range()
    assert "has completed the learning path" in text and "Be found online" in text
    token = _download(client, path_credential, "jwt").get_data()
    assert "Digital basics" in _verify(client, token)
    account_services.delete_account(user)
    db.session.commit()
    db.session.refresh(path_credential)
    assert path_credential.revoked_at is not None and path_credential.path_enrolment_id is None
