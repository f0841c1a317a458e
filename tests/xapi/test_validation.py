"""The statement validator, case by case and by property (hypothesis)."""

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.xapi.conftest import make_statement
from uprest.xapi.validation import StatementError, validate_statement

pytestmark = pytest.mark.once

VALID = [
    make_statement(),
    make_statement(
        id="6690e6c9-3ef0-4ed3-8b37-7f3964730bee", timestamp="2026-01-05T10:00:00.123+02:00"
    ),
    make_statement(actor={"account": {"homePage": "http://example.org", "name": "42"}}),
    make_statement(actor={"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"}),
    make_statement(actor={"objectType": "Group", "member": [{"mbox": "mailto:a@example.org"}]}),
    make_statement(actor={"objectType": "Group", "openid": "http://openid.example.org/g"}),
    make_statement(object={"objectType": "Agent", "mbox": "mailto:b@example.org"}),
    make_statement(
        object={"objectType": "StatementRef", "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"}
    ),
    make_statement(
        verb={"id": "http://adlnet.gov/expapi/verbs/voided"},
        object={"objectType": "StatementRef", "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"},
    ),
    make_statement(
        object={
            "objectType": "SubStatement",
            "actor": {"mbox": "mailto:c@example.org"},
            "verb": {"id": "http://example.org/v"},
            "object": {"id": "http://example.org/a"},
        }
    ),
    make_statement(
        result={
            "score": {"scaled": 0.5, "raw": 5, "min": 0, "max": 10},
            "success": True,
            "completion": False,
            "response": "x",
            "duration": "PT1H2M3.45S",
            "extensions": {"http://e.org/x": None},
        }
    ),
    make_statement(
        context={
            "registration": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
            "contextActivities": {"parent": {"id": "http://example.org/p"}},
            "language": "sv-SE",
            "platform": "UPREST",
            "revision": "2",
        }
    ),
    make_statement(
        object={
            "id": "http://example.org/q",
            "definition": {
                "interactionType": "choice",
                "correctResponsesPattern": ["a"],
                "choices": [{"id": "a", "description": {"en": "A"}}, {"id": "b"}],
            },
        }
    ),
    make_statement(
        attachments=[
            {
                "usageType": "http://example.org/u",
                "display": {"en": "A"},
                "contentType": "text/plain",
                "length": 3,
                "sha2": "a" * 64,
                "fileUrl": "http://example.org/f",
            }
        ]
    ),
    make_statement(version="1.0.3"),
    make_statement(result={"duration": "P4W"}),
]

INVALID = [
    ("statement.actor", make_statement(actor={"name": "no identifier"})),
    ("statement.actor", make_statement(actor={"mbox": "mailto:a@b.c", "openid": "http://x.org"})),
    ("statement.actor.mbox", make_statement(actor={"mbox": "a@example.org"})),
    (
        "statement.actor.objectType",
        make_statement(actor={"objectType": "agent", "mbox": "mailto:a@b.c"}),
    ),
    (
        "statement.actor.member[0]",
        make_statement(
            actor={
                "objectType": "Group",
                "member": [{"objectType": "Group", "mbox": "mailto:g@b.c"}],
            }
        ),
    ),
    ("statement.actor.member", make_statement(actor={"objectType": "Group"})),
    ("statement.verb.id", make_statement(verb={"id": "not an iri"})),
    (
        "statement.verb.display.not a tag",
        make_statement(verb={"id": "http://x.org/v", "display": {"not a tag": "x"}}),
    ),
    ("statement.id", make_statement(id="not-a-uuid")),
    (
        "statement.object.object.objectType",
        make_statement(
            object={
                "objectType": "SubStatement",
                "actor": {"mbox": "mailto:c@example.org"},
                "verb": {"id": "http://example.org/v"},
                "object": {
                    "objectType": "SubStatement",
                    "actor": {"mbox": "mailto:c@example.org"},
                    "verb": {"id": "http://example.org/v"},
                    "object": {"id": "http://e.org/a"},
                },
            }
        ),
    ),
    (
        "statement.object.id",
        make_statement(
            object={
                "objectType": "SubStatement",
                "id": "x",
                "actor": {"mbox": "mailto:c@example.org"},
                "verb": {"id": "http://example.org/v"},
                "object": {"id": "http://e.org/a"},
            }
        ),
    ),
    ("statement.result.score.scaled", make_statement(result={"score": {"scaled": 1.5}})),
    ("statement.result.score.raw", make_statement(result={"score": {"raw": 11, "max": 10}})),
    ("statement.result.score.min", make_statement(result={"score": {"min": 5, "max": 1}})),
    ("statement.result.duration", make_statement(result={"duration": "P4W1D"})),
    ("statement.result.duration", make_statement(result={"duration": "1 hour"})),
    ("statement.result.success", make_statement(result={"success": "true"})),
    (
        "statement.context.revision",
        make_statement(
            object={"objectType": "Agent", "mbox": "mailto:b@example.org"},
            context={"revision": "1"},
        ),
    ),
    ("statement.context.registration", make_statement(context={"registration": "x"})),
    ("statement.timestamp", make_statement(timestamp="2026-01-05")),
    ("statement.timestamp", make_statement(timestamp="2026-01-05T10:00:00-00:00")),
    ("statement.timestamp", make_statement(timestamp="2026-13-05T10:00:00Z")),
    ("statement.object", make_statement(verb={"id": "http://adlnet.gov/expapi/verbs/voided"})),
    (
        "statement.object.definition.interactionType",
        make_statement(object={"id": "http://e.org/q", "definition": {"interactionType": "essay"}}),
    ),
    (
        "statement.object.definition.scale",
        make_statement(
            object={
                "id": "http://e.org/q",
                "definition": {"interactionType": "choice", "scale": []},
            }
        ),
    ),
    (
        "statement.object.definition.choices[1].id",
        make_statement(
            object={
                "id": "http://e.org/q",
                "definition": {"interactionType": "choice", "choices": [{"id": "a"}, {"id": "a"}]},
            }
        ),
    ),
    ("statement.version", make_statement(version="1.1.0")),
    (
        "statement.authority",
        make_statement(authority={"objectType": "Group", "member": [{"mbox": "mailto:a@b.c"}]}),
    ),
    (
        "statement.attachments[0].sha2",
        make_statement(
            attachments=[
                {
                    "usageType": "http://e.org/u",
                    "display": {"en": "A"},
                    "contentType": "text/plain",
                    "length": 3,
                    "sha2": "xyz",
                }
            ]
        ),
    ),
    ("statement.colour", make_statement(colour="blue")),
    ("statement.result", make_statement(result=None)),
    ("statement.context.contextAgents", make_statement(context={"contextAgents": []})),
]


@pytest.mark.parametrize("statement", VALID)
def test_valid_statements_pass(statement):
    validate_statement(statement, "1.0.3")


@pytest.mark.parametrize(("path", "statement"), INVALID, ids=[p for p, _ in INVALID])
def test_invalid_statements_name_the_path(path, statement):
    with pytest.raises(StatementError) as caught:
        validate_statement(statement, "1.0.3")
    assert caught.value.path.startswith(path), str(caught.value)
    assert caught.value.rule


def test_version_2_rules():
    with pytest.raises(StatementError, match="time zone"):
        validate_statement(make_statement(timestamp="2026-01-05T10:00:00"), "2.0.0")
    validate_statement(make_statement(timestamp="2026-01-05T10:00:00"), "1.0.3")
    validate_statement(
        make_statement(
            context={
                "contextAgents": [
                    {
                        "objectType": "contextAgent",
                        "agent": {"mbox": "mailto:x@e.org"},
                        "relevantTypes": ["http://e.org/t"],
                    }
                ]
            }
        ),
        "2.0.0",
    )
    with pytest.raises(StatementError, match="relevantTypes"):
        validate_statement(
            make_statement(
                context={
                    "contextGroups": [
                        {
                            "objectType": "contextGroup",
                            "group": {"objectType": "Group", "mbox": "mailto:g@e.org"},
                            "relevantTypes": [],
                        }
                    ]
                }
            ),
            "2.0.0",
        )


# --- properties -----------------------------------------------------------------------------

iris = st.from_regex(r"\Ahttps?://[a-z]{1,12}\.(org|eu|se)/[a-z0-9/_-]{0,20}\Z")
names = st.text(min_size=0, max_size=20)
agents = st.one_of(
    st.builds(
        lambda n, u: {"name": n, "mbox": f"mailto:{u}@example.org"},
        names,
        st.from_regex(r"\A[a-z]{1,10}\Z"),
    ),
    st.builds(lambda h, n: {"account": {"homePage": h, "name": n}}, iris, names),
    st.builds(lambda s: {"mbox_sha1sum": s}, st.from_regex(r"\A[0-9a-f]{40}\Z")),
)
lang_maps = st.dictionaries(
    st.sampled_from(["en", "en-US", "sv", "it-IT", "lv", "et"]), names, max_size=3
)
statements = st.builds(
    lambda actor, verb, display, activity, name, scaled: {
        "actor": actor,
        "verb": {"id": verb, "display": display},
        "object": {"id": activity, "definition": {"name": name}},
        "result": {"score": {"scaled": scaled}},
    },
    agents,
    iris,
    lang_maps,
    iris,
    lang_maps,
    st.floats(min_value=-1, max_value=1, allow_nan=False),
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(statements)
def test_generated_valid_statements_pass(statement):
    validate_statement(statement, "1.0.3")
    validate_statement(statement, "2.0.0")


def _paths(node, prefix=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(statements, st.data())
def test_a_null_anywhere_outside_extensions_is_refused(statement, data):
    target = data.draw(st.sampled_from(list(_paths(statement))))
    broken = copy.deepcopy(statement)
    node = broken
    for key in target[:-1]:
        node = node[key]
    node[target[-1]] = None
    with pytest.raises(StatementError):
        validate_statement(broken, "1.0.3")


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(statements, st.data(), st.from_regex(r"\A[a-zA-Z]{3,10}\Z"))
def test_an_unknown_property_is_refused(statement, data, extra):
    objects = [()] + [
        p
        for p in _paths(statement)
        if isinstance(_get(statement, p), dict) and p[-1] not in ("display", "name", "extensions")
    ]
    target = data.draw(st.sampled_from(objects))
    broken = copy.deepcopy(statement)
    node = _get(broken, target)
    if extra in node:
        return
    node[extra] = "x"
    with pytest.raises(StatementError) as caught:
        validate_statement(broken, "1.0.3")
    assert extra in caught.value.path or "." in caught.value.path


def _get(node, path):
    for key in path:
        node = node[key]
    return node


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["actor", "verb", "object", "id", "mbox", "x"]), children, max_size=4
        )
    ),
    max_leaves=12,
)


@settings(max_examples=300)
@given(json_values)
def test_any_json_is_accepted_or_refused_cleanly(value):
    try:
        validate_statement(value, "1.0.3")
    except StatementError:
        pass
    json.dumps(value)


def test_recurring_parts_are_checked_once_but_a_fault_is_always_found():
    """Actors, verbs and activities that passed are remembered by their exact JSON text; any
    other text, one character apart, is checked in full and its fault named."""
    activity = {
        "id": "http://example.org/recurring",
        "definition": {"name": {"en-US": "Recurring", "sv-SE": "Återkommande"}},
    }
    statement = make_statement(object=activity)
    for _ in range(3):
        validate_statement(copy.deepcopy(statement), "1.0.3", "statement")
    faulty = copy.deepcopy(statement)
    faulty["object"]["definition"]["name"]["not a tag"] = "x"
    with pytest.raises(StatementError) as error:
        validate_statement(faulty, "1.0.3", "statement")
    assert error.value.path == "statement.object.definition.name.not a tag"
    as_parent = make_statement(context={"contextActivities": {"parent": [faulty["object"]]}})
    with pytest.raises(StatementError) as error:
        validate_statement(as_parent, "1.0.3", "statement")
    assert (
        error.value.path
        == "statement.context.contextActivities.parent[0].definition.name.not a tag"
    )
    agent = {"mbox": "mailto:recurring@example.org"}
    validate_statement(make_statement(actor=agent), "1.0.3", "statement")
    with pytest.raises(StatementError) as error:  # as an object an Agent needs its objectType
        validate_statement(make_statement(object=agent), "1.0.3", "statement")
    assert error.value.path.startswith("statement.object")
