"""Uploading a cmi5 package: checked against the cmi5 XSD with line numbers, hostile zips
refused, nothing changed on a refusal, and only trainers and administrators may upload."""

import io
import zipfile

import pytest
import sqlalchemy as sa

from tests.cmi5.conftest import FIXTURE, package_zip, structure
from uprest.accounts.models import Role
from uprest.courses import cmi5_package
from uprest.courses import services as course_services
from uprest.courses.cmi5_package import PackageError
from uprest.courses.models import Cmi5Package, Module
from uprest.extensions import db


def problems(data: bytes) -> list[str]:
    with pytest.raises(PackageError) as caught:
        cmi5_package.read_package(data)
    return [str(p) for p in caught.value.problems]


def test_the_fixture_package_reads():
    course = cmi5_package.read_package(package_zip())
    assert course.id.endswith("/sorting-waste")
    [au] = course.aus
    assert au.move_on == "Passed" and au.mastery_score == 0.8 and au.url == "index.html"
    assert au.title == {"en-US": "Waste sorting check"}


def test_schema_errors_name_their_line():
    xml = (FIXTURE / "cmi5.xml").read_text().replace('moveOn="Passed"', 'moveOn="Sometimes"')
    [message] = problems(package_zip(xml=xml.encode()))
    assert message.startswith("cmi5.xml, line 7:") and "moveOn" in message
    no_url = (FIXTURE / "cmi5.xml").read_text().replace("<url>index.html</url>", "")
    found = problems(package_zip(xml=no_url.encode()))
    assert found and all(p.startswith("cmi5.xml, line 7:") for p in found), found
    broken = problems(package_zip(xml=b"<courseStructure>\n<course>\n</courseStructure>"))
    assert broken[0].startswith("cmi5.xml, line 3: not well-formed XML")


def test_a_document_type_is_refused_so_no_entity_is_resolved():
    xml = b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n' + (
        FIXTURE / "cmi5.xml"
    ).read_bytes().split(b"?>", 1)[1].replace(b"A short check", b"&e; A short check")
    assert problems(package_zip(xml=xml)) == ["cmi5.xml may not declare a document type (DTD)."]


def test_not_a_zip_and_damaged_zips():
    assert problems(b"PK\x03\x04 not really") == [
        "The file is neither a zip archive nor a cmi5.xml file."
    ]
    assert problems(b"%PDF-1.4") == ["The file is neither a zip archive nor a cmi5.xml file."]
    truncated = package_zip()[:-30]
    assert problems(truncated)


def test_path_traversal_and_absolute_names_are_refused():
    for name in ("../evil.html", "a/../../evil.html", "/etc/evil", "C:\\evil", "a\\..\\b"):
        found = problems(package_zip({name: b"x"}))
        assert any("points outside the package" in p for p in found), (name, found)


def test_zip_bombs_and_oversized_packages_are_refused(monkeypatch):
    bomb = problems(package_zip({"zeros.bin": b"\0" * (2 * 1024 * 1024)}))
    assert any("compressed suspiciously well" in p for p in bomb)
    monkeypatch.setattr(cmi5_package, "MAX_UNPACKED", 1000)
    assert any("larger than" in p for p in problems(package_zip()))
    monkeypatch.setattr(cmi5_package, "MAX_ENTRIES", 2)
    assert any("more than 2 files" in p for p in problems(package_zip()))


def test_a_declared_size_that_lies_is_still_bounded(monkeypatch):
    monkeypatch.setattr(cmi5_package, "MAX_XML", 100)
    assert any("too large" in p for p in problems(package_zip()))


def test_missing_cmi5_xml_or_au_file():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.html", "x")
    assert problems(buffer.getvalue()) == ["The package has no cmi5.xml at its top level."]
    assert problems(package_zip(xml=structure(url="missing.html"))) == [
        "“missing.html” is not in the package."
    ]


def test_a_bare_cmi5_xml_for_external_aus():
    course = cmi5_package.read_package(structure(url="https://content.example.org/au/"))
    assert course.aus[0].is_external
    assert problems(structure()) == ["“index.html” is not in the package: upload the zip."]


def module_page(client, slug):
    return client.get(f"/authoring/modules/{slug}").get_data(as_text=True)


@pytest.fixture
def draft_module(app, db):
    module = course_services.create_module(
        slug="bins", default_language="en", title="Bins", minutes=10
    )
    db.session.commit()
    return module


def upload(client, slug, data: bytes, name="package.zip"):
    return client.post(
        f"/authoring/modules/{slug}/cmi5",
        data={"package": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_a_trainer_uploads_and_gets_a_lesson_step(client, login_as, draft_module):
    login_as(Role.TRAINER)
    page = upload(client, "bins", package_zip()).get_data(as_text=True)
    assert "The cmi5 package has been added as 1 lesson step." in page
    db.session.refresh(draft_module)
    [lesson] = draft_module.draft["module"]["lessons"]
    assert lesson["cmi5"]["au"].endswith("/aus/check") and lesson["cmi5"]["moveOn"] == "Passed"
    assert draft_module.draft["text"]["en"]["lessons"][lesson["slug"]] == "Waste sorting check"
    assert "Waste sorting check" in module_page(client, "bins")


def test_a_refused_upload_changes_nothing_and_is_translated(client, login_as, draft_module):
    user = login_as(Role.TRAINER, locale="sv")
    assert user.locale == "sv"
    xml = (FIXTURE / "cmi5.xml").read_text().replace('moveOn="Passed"', 'moveOn="Sometimes"')
    response = upload(client, "bins", package_zip(xml=xml.encode()))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "cmi5.xml, rad 7" in page, page[:3000]
    assert db.session.scalar(sa.select(sa.func.count(Cmi5Package.id))) == 0
    db.session.refresh(draft_module)
    assert draft_module.draft["module"]["lessons"] == []
    response = upload(client, "bins", b"%PDF-1.4")
    assert "zip" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Cmi5Package.id))) == 0


def test_only_trainers_and_admins_upload(client, login_as, draft_module):
    for role in (Role.LEARNER, Role.MANAGER, Role.REVIEWER):
        login_as(role)
        response = client.post(
            "/authoring/modules/bins/cmi5",
            data={"package": (io.BytesIO(package_zip()), "p.zip")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 403, role
    client.post("/logout")
    anonymous = client.post("/authoring/modules/bins/cmi5")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    login_as(Role.ADMIN)
    upload(client, "bins", package_zip())
    assert db.session.scalar(sa.select(sa.func.count(Cmi5Package.id))) == 1
    assert db.session.get(Module, draft_module.id).draft["module"]["lessons"]
