"""Admins, and reviewers for their own municipality, import businesses from CSV and invite
their contacts as managers: every row checked, all or nothing."""

import io
import re

import sqlalchemy as sa

from uprest.accounts.models import Business, Invitation, Role, Sector, SizeBand, User
from uprest.extensions import db

GOOD = (
    "name;sector;size;email\n"
    "Hotel Aurora;accommodation;micro;aurora@example.org\n"
    "Café Söder;Mat och dryck;Litet;\n"
)


def _import(client, text: str, municipality_id: int):
    response = client.post(
        "/business/import",
        data={"municipality": municipality_id, "file": (io.BytesIO(text.encode()), "b.csv")},
        content_type="multipart/form-data",
    )
    response.get_data()
    response.close()  # the invitations leave once the response is closed, as on a server
    return response


def _businesses(place) -> list[Business]:
    return list(
        db.session.scalars(
            sa.select(Business).where(Business.municipality_id == place.id).order_by(Business.id)
        )
    )


def test_reviewer_imports_and_invites_the_contacts(client, login_as, municipality, outbox):
    login_as(Role.REVIEWER, place="trollhattan", locale="en")
    place = municipality("trollhattan")
    response = _import(client, GOOD, place.id)
    assert response.status_code == 200, response.get_data(as_text=True)
    page = response.get_data(as_text=True)
    assert "aurora@example.org: invitation sent" in page and "No contact given" in page
    aurora, cafe = _businesses(place)
    assert (aurora.name, aurora.sector, aurora.size_band) == (
        "Hotel Aurora",
        Sector.ACCOMMODATION,
        SizeBand.MICRO,
    )
    # Sector and size as labels in Swedish read as well as codes.
    assert (cafe.sector, cafe.size_band) == (Sector.FOOD_AND_BEVERAGE, SizeBand.SMALL)
    assert aurora.is_confirmed and cafe.is_confirmed
    [message] = outbox
    assert message.to == ["aurora@example.org"]
    # Trollhättan's language, as the contact's own is not known yet.
    assert "Hotel Aurora" in message.subject and "UPREST Learning" in message.subject
    assert "Du är inbjuden" in message.subject


def test_the_contact_joins_as_manager(client, login_as, municipality, outbox):
    login_as(Role.ADMIN, locale="en")
    _import(client, GOOD, municipality("cervia").id)
    link = re.search(r"http://localhost(/invitation/\S+)", outbox[0].body).group(1)
    client.post("/logout")
    page = client.get(link).get_data(as_text=True)
    assert "You have been invited to manage Hotel Aurora" in page or "gestire" in page
    response = client.post(
        link,
        data={
            "display_name": "Aurora Owner",
            "password": "a long password",
            "confirm": "a long password",
            "accept_privacy": "y",
        },
    )
    assert response.status_code == 302
    owner = db.session.scalar(sa.select(User).where(User.email == "aurora@example.org"))
    assert owner.role is Role.MANAGER and owner.business.name == "Hotel Aurora"


def test_one_bad_line_imports_nothing_and_says_what_to_fix(
    client, login_as, municipality, create_business
):
    login_as(Role.ADMIN, locale="en")
    place = municipality("ravenna")
    create_business("Old Mill", place="ravenna")
    before = len(_businesses(place))
    text = (
        "name,sector,size,email\n"
        "Good One,transport,medium,good@example.org\n"
        ",transport,medium,\n"
        "Old Mill,attractions_culture,micro,\n"
        "Good One,spaceflight,huge,not-an-address\n"
    )
    response = _import(client, text, place.id)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Nothing was imported" in page
    pattern = (
        r'<tr class="import-error">\s*<th[^>]*>(\d+)</th>\s*<td[^>]*>.*?</td>\s*<td[^>]*>(.*?)</td>'
    )
    lines = dict(re.findall(pattern, page, re.S))
    assert set(lines) == {"3", "4", "5"}
    assert "The business name is missing." in lines["3"]
    assert "already registered in Ravenna" in lines["4"]
    assert "The same business is on line 2." in lines["5"]
    assert "Unknown sector: “spaceflight”." in lines["5"]
    assert "Unknown size: “huge”." in lines["5"]
    assert "e-mail address is not valid" in lines["5"]
    assert len(_businesses(place)) == before
    assert db.session.scalar(sa.select(sa.func.count(Invitation.id))) == 0


def test_errors_are_translated(client, login_as, municipality):
    login_as(Role.ADMIN, locale="it")
    response = _import(client, "name,sector,size\nX,boats,micro\n", municipality("cervia").id)
    page = response.get_data(as_text=True)
    assert "Settore sconosciuto" in page and "Unknown sector" not in page


def test_a_file_without_the_columns_or_rows_is_refused(client, login_as, municipality):
    login_as(Role.ADMIN, locale="en")
    place = municipality("cervia")
    response = _import(client, "business;kind\nA;B\n", place.id)
    assert response.status_code == 400
    assert "The first line must name the columns" in response.get_data(as_text=True)
    response = _import(client, "name,sector,size,email\n", place.id)
    assert "The file has no businesses." in response.get_data(as_text=True)


def test_a_reviewer_imports_only_into_their_own_municipality(client, login_as, municipality):
    login_as(Role.REVIEWER, place="tartu", locale="en")
    page = client.get("/business/import").get_data(as_text=True)
    assert "Tartu" in page and "Cervia" not in page
    response = _import(client, GOOD, municipality("cervia").id)
    assert response.status_code == 400
    assert _businesses(municipality("cervia")) == []


def test_no_file_is_a_clear_refusal(client, login_as, municipality):
    login_as(Role.ADMIN, locale="en")
    response = client.post("/business/import", data={"municipality": municipality("cervia").id})
    assert response.status_code == 400
    assert "Choose a CSV file." in response.get_data(as_text=True)
