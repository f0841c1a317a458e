"""The app's activity IRIs (``xapi.iris``) and its xAPI vocabulary (``xapi.vocabulary``), each
in one place (issue 14 §2): every kind built and parsed back under every base the app has
written IRIs with; anything else parsed as None; IRIs exactly as stored statements have them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from uprest.xapi import iris, vocabulary
from uprest.xapi.iris import Activity, Kind

PACKAGE = Path(__file__).resolve().parent.parent / "uprest"
SITE = "http://localhost/xapi/activities/"
CONFIGURED = "https://lrs.example.org/uprest/"


@pytest.fixture(params=["configured", "site", "urn"])
def base(request, app, monkeypatch):
    """Each base new IRIs may be built under: UPREST_XAPI_ACTIVITY_BASE, the site's address
    (in a request), and the URN when the app knows no address (the CLI)."""
    if request.param == "configured":
        monkeypatch.setitem(app.config, "UPREST_XAPI_ACTIVITY_BASE", CONFIGURED.rstrip("/"))
        with app.app_context():
            yield CONFIGURED
    elif request.param == "site":
        with app.test_request_context():
            yield SITE
    else:
        monkeypatch.setitem(app.config, "SERVER_NAME", None)
        with app.app_context():
            yield iris.URN_BASE


# Slugs, question ids, competence codes, database ids, and letters of any script.
identifiers = st.one_of(
    st.from_regex(r"[a-z0-9]+(?:-[a-z0-9]+)*", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9_.~-]{1,32}", fullmatch=True),
    st.integers(min_value=0, max_value=10**9).map(str),
    st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=20),
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(list(Kind)), data=st.data())
def test_every_kind_built_parses_back_to_its_kind_and_identifiers(base, kind, data):
    ids = tuple(data.draw(identifiers) for _ in range(iris.TEMPLATES[kind].count("{}")))
    built = iris.build(kind, *ids)
    assert built.startswith(base)
    assert iris.parse(built) == Activity(kind, ids)


def test_the_kinds_are_spelled_as_stored_statements_have_them(base):
    """Never change these: stored statements carry them and the projection reads them back."""
    expected = {
        (Kind.MODULE, ("m",)): "modules/m",
        (Kind.LESSON, ("m", "l")): "modules/m/lessons/l",
        (Kind.QUIZ, ("m",)): "modules/m/quiz",
        (Kind.QUESTION, ("m", "q1")): "modules/m/quiz/q1",
        (Kind.PATH, ("p",)): "paths/p",
        (Kind.SELF_ASSESSMENT, (3,)): "surveys/waves/3/self-assessment",
        (Kind.BUSINESS_SURVEY, (3, 7)): "surveys/waves/3/business/7",
        (Kind.COMPETENCE, ("DIG-01",)): "competences/DIG-01",
        (Kind.CMI5_AU, (12, 0)): "cmi5/packages/12/aus/0",
    }
    assert {kind for kind, _ids in expected} == set(Kind)
    for (kind, ids), path in expected.items():
        assert iris.build(kind, *ids) == base + path
        assert iris.parse(base + path) == Activity(kind, tuple(map(str, ids)))


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ("http://localhost/xapi/activities/modules/m", (Kind.MODULE, ("m",))),
        ("https://uprest.example.eu/xapi/activities/paths/p", (Kind.PATH, ("p",))),
        ("https://host.example/learning/xapi/activities/modules/m/quiz", (Kind.QUIZ, ("m",))),
        ("urn:uprest:activities:modules/m/lessons/l", (Kind.LESSON, ("m", "l"))),
        ("http://localhost/xapi/activities/cmi5/packages/4/aus/1", (Kind.CMI5_AU, ("4", "1"))),
    ],
)
def test_statements_stored_under_earlier_bases_still_parse(app, monkeypatch, stored, expected):
    """A site address under any host or mount point, and the URN, whatever the base is now."""
    monkeypatch.setitem(app.config, "UPREST_XAPI_ACTIVITY_BASE", CONFIGURED)
    assert iris.parse(stored) == Activity(*expected)


@pytest.mark.parametrize(
    "iri",
    [
        # foreign
        "http://adlnet.gov/expapi/activities/module",
        "https://example.org/activities/modules/m",
        "mailto:ada@example.org",
        "modules/m",
        "",
        # another base
        "https://lrs.example.org/other/modules/m",
        "https://lrs.example.org/modules/m",
        "urn:other:activities:modules/m",
        "urn:uprest:activity:modules/m",
        "ftp://localhost/xapi/activities/modules/m",
        "http://localhost/xapi/activity/modules/m",
        # trailing junk
        SITE + "modules/m/",
        SITE + "modules/m/extra",
        SITE + "modules/m/lessons/l/more",
        SITE + "modules/m/quiz/q1/x",
        SITE + "modules/m?lang=sv",
        SITE + "modules/m#top",
        SITE + "paths/p/",
        SITE + "surveys/waves/3/self-assessment/again",
        # percent-encoded slashes
        SITE + "modules/a%2Fb",
        SITE + "modules/a%2fb/lessons/l",
        iris.URN_BASE + "paths/a%2Fb",
        # empty identifiers
        SITE + "modules/",
        SITE + "modules//lessons/l",
        SITE + "modules/m/lessons/",
        SITE + "cmi5/packages//aus/1",
        iris.URN_BASE + "paths/",
        # NUL and other control characters, spaces
        SITE + "modules/a\x00b",
        SITE + "modules/m/quiz/q\x00",
        SITE + "modules/a b",
        SITE + "paths/p\n",
    ],
)
def test_parse_refuses_what_the_app_did_not_build(app, monkeypatch, iri):
    monkeypatch.setitem(app.config, "UPREST_XAPI_ACTIVITY_BASE", CONFIGURED)
    assert iris.parse(iri) is None


@pytest.mark.parametrize("iri", [None, 5, b"urn:uprest:activities:modules/m", ["x"]])
def test_parse_refuses_what_is_not_text(app, iri):
    assert iris.parse(iri) is None


@pytest.mark.parametrize(
    ("kind", "ids"),
    [
        (Kind.MODULE, ("",)),
        (Kind.MODULE, ("a/b",)),
        (Kind.MODULE, ("a%2Fb",)),
        (Kind.MODULE, ("a\x00b",)),
        (Kind.LESSON, ("m", "a b")),
        (Kind.LESSON, ("m",)),
        (Kind.PATH, ("p", "extra")),
    ],
)
def test_build_refuses_identifiers_it_could_not_parse_back(app, kind, ids):
    with app.test_request_context(), pytest.raises(ValueError):
        iris.build(kind, *ids)


def test_resolve_puts_a_path_under_the_base_and_keeps_an_iri(base):
    assert iris.resolve("modules/m") == base + "modules/m"
    assert iris.resolve("/paths/p") == base + "paths/p"
    assert iris.resolve("https://esco.example/skill/1") == "https://esco.example/skill/1"
    assert iris.resolve("urn:uuid:1") == "urn:uuid:1"


def test_verb_names():
    assert vocabulary.adl_name(vocabulary.PASSED) == "passed"
    assert vocabulary.adl_name(vocabulary.WAIVED) is None
    assert vocabulary.adl_name(vocabulary.EARNED) is None
    assert vocabulary.verb_name(vocabulary.WAIVED) == "waived"
    assert vocabulary.APP_VERBS["earned"] == "http://id.tincanapi.com/verb/earned"
    assert vocabulary.APP_VERBS["passed"] == "http://adlnet.gov/expapi/verbs/passed"


VOCABULARIES = ("http://adlnet.gov/expapi/verbs/", "https://w3id.org/xapi/")
# Modules that may spell an IRI from these vocabularies, and why.
EXCEPTIONS = {
    "xapi/vocabulary.py": "where they are defined",
    # The XML namespace of a cmi5 package's cmi5.xml, which the importer reads: a file format,
    # not an IRI a statement carries.
    "courses/cmi5_package.py": "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd",
}


def test_only_the_vocabulary_spells_adl_and_cmi5_iris():
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        for node in ast.walk(ast.parse(path.read_text(), name)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if any(prefix in node.value for prefix in VOCABULARIES):
                    found.setdefault(name, set()).add(node.value)
    assert set(found) == set(EXCEPTIONS), "spell them as uprest.xapi.vocabulary constants"
    assert found["courses/cmi5_package.py"] == {EXCEPTIONS["courses/cmi5_package.py"]}
