"""Locale choice, formatting, plural forms, and complete, current, consistent catalogues."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from uprest.accounts.models import Role
from uprest.config import TRANSLATIONS_DIR
from uprest.i18n import LOCALES, force_locale, ngettext

ROOT = Path(__file__).resolve().parent.parent
TRANSLATED = [code for code in LOCALES if code != "en"]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]")


def catalogue(locale):
    with (TRANSLATIONS_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=locale)


def extracted_ids() -> set:
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = {**DEFAULT_KEYWORDS, "_l": None}
    return {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(str(ROOT), method_map, options_map, keywords=keywords)
    }


@pytest.mark.once
@pytest.mark.parametrize("locale", TRANSLATED)
def test_catalogue_is_complete_and_consistent(locale):
    cat = catalogue(locale)
    problems = []
    for message in cat:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if message.fuzzy:
            problems.append(("fuzzy", ids[0]))
        if not all(strings):
            problems.append(("untranslated", ids[0]))
            continue
        expected = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            found = set(PLACEHOLDER.findall(string))
            # a plural form may leave %(num)s out ("one business" in words), nothing else
            if found - expected or expected - found - {"num"}:
                problems.append(("placeholders", ids[0], string))
    problems += [("check", m.id, str(e)) for m, errors in cat.check() for e in errors]
    assert not problems, problems


@pytest.mark.once
@pytest.mark.parametrize("locale", TRANSLATED)
def test_catalogue_is_current_with_the_code(locale):
    in_code = extracted_ids()
    in_catalogue = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue(locale) if m.id}
    assert not in_code - in_catalogue, (
        f"run pybabel update: missing {sorted(in_code - in_catalogue)}"
    )
    assert not in_catalogue - in_code, f"obsolete entries: {sorted(in_catalogue - in_code)}"


@pytest.mark.once
def test_latvian_has_three_plural_forms(app):
    with app.test_request_context(), force_locale("lv"):
        forms = {ngettext("%(num)s user found.", "%(num)s users found.", n) for n in (1, 2, 0)}
    assert len(forms) == 3


@pytest.mark.once
def test_numbers_and_dates_follow_the_locale(app):
    from datetime import datetime

    from flask_babel import format_date, format_decimal, format_percent

    day = datetime(2026, 3, 5, 12, 0)
    with app.test_request_context():
        with force_locale("sv"):
            assert format_decimal(1234.5) == "1\xa0234,5"
            assert format_percent(0.25) == "25\xa0%"
            assert "mars" in format_date(day, "long")
        with force_locale("it"):
            assert format_decimal(1234.5) == "1.234,5"
            assert "marzo" in format_date(day, "long")
        with force_locale("lv"):
            assert "marts" in format_date(day, "long")
        with force_locale("et"):
            assert "märts" in format_date(day, "long")


def lang_of(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


def test_accept_language_picks_the_locale(client):
    assert lang_of(client.get("/", headers={"Accept-Language": "et,en;q=0.5"})) == "et"
    assert lang_of(client.get("/", headers={"Accept-Language": "de,it;q=0.8"})) == "it"
    assert lang_of(client.get("/", headers={"Accept-Language": "fr"})) == "en"


def test_switch_sets_a_cookie_that_beats_accept_language(client):
    response = client.post("/locale", data={"locale": "lv", "next": "/login"})
    assert response.status_code == 302 and response.location == "/login"
    assert lang_of(client.get("/", headers={"Accept-Language": "sv"})) == "lv"


def test_switch_refuses_foreign_redirects_and_unknown_locales(client):
    response = client.post("/locale", data={"locale": "xx", "next": "https://evil.example/"})
    assert response.location == "/"
    assert lang_of(client.get("/")) == "en"


def test_switch_saves_the_choice_in_the_profile(client, login_as):
    user = login_as(Role.LEARNER)
    client.post("/locale", data={"locale": "it"})
    assert user.locale == "it"


def test_municipality_default_when_the_browser_says_nothing(client, login_as):
    login_as(Role.REVIEWER, place="tartu")
    assert lang_of(client.get("/profile")) == "et"


def test_switcher_names_each_language_in_itself(client):
    text = client.get("/").get_data(as_text=True)
    for code, name in [
        ("sv", "Svenska"),
        ("it", "Italiano"),
        ("lv", "Latviešu"),
        ("et", "Eesti"),
        ("en", "English"),
    ]:
        assert re.search(f'lang="{code}"[^>]*>{name}</button>', text), name


VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _Text(HTMLParser):
    """Visible text, leaving out content marked as another language (untranslated course text)."""

    def __init__(self):
        super().__init__()
        self.chunks = []
        self.page_lang = None
        self.stack = []  # (tag, is_other_language)

    def _other(self) -> bool:
        return any(other for _tag, other in self.stack)

    def handle_data(self, data):
        if not self._other():
            self.chunks.append(data)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_starttag(self, tag, attrs):
        lang = dict(attrs).get("lang")
        if tag == "html":
            self.page_lang = lang
            return
        if tag not in VOID:
            self.stack.append((tag, bool(lang) and lang != self.page_lang))
        if self._other() or (lang and lang != self.page_lang):
            return
        for name, value in attrs:
            if name in ("aria-label", "title", "placeholder", "alt", "data-label") and value:
                self.chunks.append(value)
            if tag == "input" and name == "value" and dict(attrs).get("type") == "submit":
                self.chunks.append(value)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.chunks).split())


def english_leftovers(text: str, locale: str) -> list:
    leftovers = []
    for message in catalogue(locale):
        if not message.id or isinstance(message.id, tuple):
            continue
        source = message.id
        if message.string == source or len(source) < 4 or "%(" in source:
            continue
        if re.search(r"(?<![\w-])" + re.escape(source) + r"(?![\w-])", text):
            leftovers.append(source)
    return leftovers


@pytest.mark.parametrize("locale", TRANSLATED)
def test_no_english_leftovers_on_any_page(
    app, locale, create_user, create_business, municipality, courses
):
    from tests.conftest import PASSWORD
    from uprest.extensions import limiter

    manager = create_user(Role.MANAGER, locale=locale)
    create_user(business=manager.business)
    pages = {
        None: [
            "/",
            "/login",
            "/register",
            "/password/forgot",
            "/no-such-page",
            "/invitation/unknown",
            "/learn/catalogue",
            "/learn/modules/online-presence",
            "/learn/paths/digital-basics",
        ],
        Role.LEARNER: [
            "/",
            "/profile",
            "/business/register",
            "/learn/",
            "/learn/catalogue?competence=DIG-01&duration=short",
            "/learn/catalogue?duration=long",
            "/learn/modules/online-presence",
            "/learn/modules/online-presence/lessons/why-be-found",
            "/learn/modules/online-presence/lessons/your-website",
            "/learn/modules/online-presence/quiz",
            "/learn/modules/online-presence/quiz/1",
            "/learn/modules/online-presence/quiz/2",
            "/learn/modules/online-presence/certificate",
            "/learn/paths/digital-basics",
            "/learn/modules/green-basics",
        ],
        Role.MANAGER: ["/business/", "/business/staff", "/profile"],
        Role.TRAINER: [
            "/",
            "/authoring/",
            "/authoring/modules/new",
            "/authoring/modules/online-presence",
            "/authoring/modules/online-presence/lessons/why-be-found",
            "/authoring/modules/online-presence/quiz",
            "/authoring/modules/online-presence/results",
            *(f"/authoring/modules/online-presence/quiz/q{n}" for n in range(1, 7)),
            "/authoring/modules/online-presence/translate/sv",
            "/authoring/paths/new",
            "/authoring/paths/digital-basics",
            "/records",
        ],
        Role.REVIEWER: ["/municipality", "/admin/users"],
        Role.ADMIN: [
            "/admin/users",
            "/admin/businesses",
            "/admin/municipalities",
            f"/admin/municipalities/{municipality('cervia').id}",
            f"/admin/users/{manager.id}",
            f"/admin/businesses/{manager.business_id}",
            "/admin/lrs-clients",
            "/admin/xapi-outbox",
            "/admin/xapi-export",
        ],
    }
    forms = {
        None: [
            ("/register", {"email": "not an address", "password": "x", "confirm": "y"}),
            ("/login", {"email": "a@example.org", "password": "wrong password"}),
        ],
        Role.LEARNER: [("/business/register", {"sector": "mining", "municipality": "x"})],
        Role.MANAGER: [("/business/staff/invite", {"email": ""})],
        Role.TRAINER: [
            ("/authoring/modules/new", {"slug": "Bad Slug!", "estimated_minutes": "x"}),
            ("/authoring/modules/online-presence", {"competences": "nonsense"}),
            ("/authoring/paths/digital-basics", {"slug": "digital-basics"}),
            (
                "/authoring/modules/online-presence/lessons/why-be-found",
                {"title": "T", "minutes": 5, "body": "# Hi", "preview": "1"},
            ),
        ],
        Role.LEARNER: [("/learn/modules/online-presence/quiz", {})],
        Role.ADMIN: [
            ("/admin/xapi-export", {"registration": "x", "fmt": "ndjson", "municipality": "0"}),
            ("/admin/xapi-outbox", {"is_enabled": "y", "url": "ftp://lrs.example.org"}),
            ("/admin/lrs-clients", {"name": "", "xapi_version": "1.5"}),
        ],
    }
    setup = {  # the learner starts a path and a module, fails the quiz once, then passes it
        Role.LEARNER: [
            ("/learn/paths/digital-basics/follow", {}),
            ("/learn/modules/online-presence/enrol", {}),
            ("/learn/modules/online-presence/quiz", {"q-q1": "b"}),
            (
                "/learn/modules/online-presence/quiz",
                {
                    "q-q1": "a",
                    "q-q2": ["a", "b"],
                    "q-q3": "true",
                    "q-q4": "15",
                    "q-q5": "GDPR",
                    "q-q6-p1": "p1",
                    "q-q6-p2": "p2",
                },
            ),
        ]
    }
    for role, urls in pages.items():
        client = app.test_client()
        client.set_cookie("uprest_locale", locale)
        if role is not None:
            user = manager if role is Role.MANAGER else create_user(role, locale=locale)
            limiter.reset()
            client.post("/login", data={"email": user.email, "password": PASSWORD})
        for url, data in setup.get(role, []):
            assert client.post(url, data=data).status_code == 302, url
        checked = [(url, client.get(url)) for url in urls]
        checked += [(url, client.post(url, data=data)) for url, data in forms.get(role, [])]
        for url, response in checked:
            html = response.get_data(as_text=True)
            assert response.status_code in (200, 400, 403, 404, 410), (url, response.status_code)
            assert lang_of(response) == locale, url
            leftovers = english_leftovers(visible_text(html), locale)
            assert not leftovers, (role, url, leftovers)


def test_times_are_shown_in_the_municipalitys_time_zone(app, create_user):
    from datetime import datetime

    from flask_babel import format_time, refresh
    from flask_login import login_user

    noon_utc = datetime(2026, 1, 15, 12, 0)
    shown = {}
    for place in ("tartu", "cervia"):
        user = create_user(Role.REVIEWER, place=place)
        with app.test_request_context(), force_locale("en"):
            login_user(user)
            refresh()  # the test's app context outlives each request context
            shown[place] = format_time(noon_utc, "HH:mm")
    assert shown == {"tartu": "14:00", "cervia": "13:00"}


@pytest.mark.parametrize("locale", TRANSLATED)
def test_no_english_leftovers_on_survey_and_report_pages(
    app, locale, create_user, create_business, municipality, open_wave, answer_survey
):
    from tests.conftest import PASSWORD
    from uprest.extensions import limiter

    manager = create_user(Role.MANAGER, locale=locale)
    create_user(business=manager.business)
    wave, empty_wave = open_wave(), open_wave("Second wave")
    answer_survey(wave, manager.business, required={"DIG-08": 5}, current=[{"DIG-08": 1}])
    for sector in ("accommodation", "accommodation", "accommodation", "events", "events"):
        answer_survey(wave, create_business(sector=sector), required=4, current=[2])
    from uprest.core.time import utcnow
    from uprest.extensions import db
    from uprest.surveys import services as survey_services
    from uprest.surveys.models import Part

    survey_services.start_response(empty_wave, manager, Part.BUSINESS, utcnow().date())
    db.session.commit()  # begun, not finished: the review page lists what is missing
    cervia = municipality("cervia").id
    summary = f"/reports/{cervia}/waves/{wave.id}"
    pages = {
        None: [
            "/",
            "/login",
            "/register",
            "/password/forgot",
            "/no-such-page",
            "/invitation/unknown",
        ],
        Role.LEARNER: ["/", "/profile", "/business/register", "/surveys/"],
        Role.MANAGER: [
            "/business/",
            "/business/staff",
            "/profile",
            "/surveys/",
            f"/surveys/{wave.id}/results",
            f"/surveys/{empty_wave.id}/results",
            f"/surveys/{empty_wave.id}/business/0",
            f"/surveys/{empty_wave.id}/business/1",
            f"/surveys/{empty_wave.id}/self/1",
            f"/surveys/{empty_wave.id}/business/review",
        ],
        Role.TRAINER: ["/", "/surveys/waves", "/surveys/waves/new", f"/surveys/waves/{wave.id}"],
        Role.REVIEWER: [
            "/municipality",
            "/admin/users",
            f"/reports/{cervia}",
            summary,
            f"{summary}/print",
            f"/reports/{cervia}/waves/{empty_wave.id}",
        ],
        Role.ADMIN: [
            "/admin/users",
            "/admin/businesses",
            "/admin/municipalities",
            f"/admin/municipalities/{municipality('cervia').id}",
            f"/admin/users/{manager.id}",
            f"/admin/businesses/{manager.business_id}",
            "/reports/",
        ],
    }
    forms = {
        None: [
            ("/register", {"email": "not an address", "password": "x", "confirm": "y"}),
            ("/login", {"email": "a@example.org", "password": "wrong password"}),
        ],
        Role.LEARNER: [("/business/register", {"sector": "mining", "municipality": "x"})],
        Role.MANAGER: [
            ("/business/staff/invite", {"email": ""}),
            (f"/surveys/{empty_wave.id}/business/1", {}),
            (f"/surveys/{empty_wave.id}/business/review", {}),
        ],
        Role.TRAINER: [
            ("/surveys/waves/new", {"title": "", "opens_on": "x", "closes_on": "2027-01-01"}),
            (
                "/surveys/waves/new",
                {"title": "T", "scope": 0, "opens_on": "2027-02-01", "closes_on": "2027-01-01"},
            ),
        ],
    }
    for role, urls in pages.items():
        client = app.test_client()
        client.set_cookie("uprest_locale", locale)
        if role is not None:
            user = manager if role is Role.MANAGER else create_user(role, locale=locale)
            limiter.reset()
            client.post("/login", data={"email": user.email, "password": PASSWORD})
        checked = [(url, client.get(url)) for url in urls]
        checked += [(url, client.post(url, data=data)) for url, data in forms.get(role, [])]
        for url, response in checked:
            html = response.get_data(as_text=True)
            assert response.status_code != 302, (url, response.location)
            assert lang_of(response) == locale, url
            leftovers = english_leftovers(visible_text(html), locale)
            assert not leftovers, (role, url, leftovers)
