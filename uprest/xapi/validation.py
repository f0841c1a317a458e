"""xAPI 1.0.3 and 2.0 (IEEE 9274.1.1) statement validation in plain Python.

Every rejection is a ``StatementError`` naming the JSON path and the rule, e.g.
``statement.actor.mbox: must be a mailto IRI``. Validation does not change the statement; the
normalisations an LRS applies on storage live in ``normalise.py``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import wraps

import orjson

from uprest.xapi.normalise import parse_timestamp
from uprest.xapi.vocabulary import VOIDED

UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
IRI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*$")
MAILTO_RE = re.compile(r"^mailto:[^@\s]+@[^@\s]+$")
SHA1_RE = re.compile(r"^[0-9a-fA-F]{40}$")
SHA2_RE = re.compile(r"^[0-9a-fA-F]{56}$|^[0-9a-fA-F]{64}$|^[0-9a-fA-F]{96}$|^[0-9a-fA-F]{128}$")
MIME_RE = re.compile(r"^[\w.+-]+/[\w.+-]+(\s*;.*)?$")
# RFC 5646 language tag (langtag | privateuse | grandfathered), case-insensitive.
LANG_RE = re.compile(
    r"^(?:(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})(?:-[a-z]{4})?(?:-(?:[a-z]{2}|\d{3}))?"
    r"(?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*(?:-[\da-wy-z](?:-[a-z\d]{2,8})+)*(?:-x(?:-[a-z\d]{1,8})+)?"
    r"|x(?:-[a-z\d]{1,8})+|i-[a-z]{3,8}|en-gb-oed|sgn-[a-z]{2}-[a-z]{2})$",
    re.IGNORECASE,
)
# ISO 8601 durations as xAPI uses them (PnYnMnDTnHnMnS or PnW), with decimal seconds.
DURATION_RE = re.compile(
    r"^P(?:\d+(?:[.,]\d+)?W"
    r"|(?!$)(?:\d+(?:[.,]\d+)?Y)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?D)?"
    r"(?:T(?=\d)(?:\d+(?:[.,]\d+)?H)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?S)?)?)$"
)
# ISO 8601 combined date and time, extended format, with an optional zone (checked separately).
TIMESTAMP_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$"
)

INTERACTION_TYPES = {
    "true-false",
    "choice",
    "fill-in",
    "long-fill-in",
    "matching",
    "performance",
    "sequencing",
    "likert",
    "numeric",
    "other",
}
COMPONENTS_FOR = {
    "choice": {"choices"},
    "sequencing": {"choices"},
    "likert": {"scale"},
    "matching": {"source", "target"},
    "performance": {"steps"},
}
ALL_COMPONENTS = {"choices", "scale", "source", "target", "steps"}
IFIS = ("mbox", "mbox_sha1sum", "openid", "account")


class StatementError(ValueError):
    """A statement broke a rule; ``path`` says where, ``rule`` says what."""

    def __init__(self, path: str, rule: str):
        super().__init__(f"{path}: {rule}")
        self.path = path
        self.rule = rule


def _fail(path, rule):
    raise StatementError(path, rule)


_RECURRING_LIMIT = 20_000
_recurring_valid: set[tuple[str, bytes]] = set()


def _recurring(check):
    """Check each actor, verb or activity once per process: the same few thousand recur in
    every batch. Only content that passed is remembered, by its exact JSON text (key order
    included), so a rejection is always found, and named, by running the check."""

    @wraps(check)
    def checked(value, path):
        try:  # (orjson writes NaN as null; neither can pass where the other is refused here)
            key = (check.__name__, orjson.dumps(value))
        except (TypeError, orjson.JSONEncodeError):  # not JSON text (e.g. a 65-bit integer)
            return check(value, path)
        if key not in _recurring_valid:
            check(value, path)
            if len(_recurring_valid) >= _RECURRING_LIMIT:
                _recurring_valid.clear()
            _recurring_valid.add(key)

    return checked


def _object(value, path, allowed, required=()):
    if not isinstance(value, dict):
        _fail(path, "must be a JSON object")
    if not value.keys() <= allowed:  # set operations first: this runs ~10 times per statement
        key = next(key for key in value if key not in allowed)
        _fail(f"{path}.{key}", "is not a property allowed here")
    for key in required:
        if key not in value:
            _fail(f"{path}.{key}", "is required")
    if None in value.values():
        key = next(key for key, item in value.items() if item is None)
        _fail(f"{path}.{key}", "must not be null")


def _string(value, path):
    if not isinstance(value, str):
        _fail(path, "must be a string")


def _bool(value, path):
    if not isinstance(value, bool):
        _fail(path, "must be true or false")


def _number(value, path):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        _fail(path, "must be a number")


def _iri(value, path):
    if not isinstance(value, str) or not IRI_RE.match(value):
        _fail(path, "must be an absolute IRI")


def _uuid(value, path):
    if not isinstance(value, str) or not UUID_RE.match(value):
        _fail(path, "must be a UUID")


def language_map(value, path):
    if not isinstance(value, dict):
        _fail(path, "must be a language map (JSON object)")
    for tag, text in value.items():
        if not LANG_RE.match(tag):
            _fail(f"{path}.{tag}", "is not an RFC 5646 language tag")
        if not isinstance(text, str):
            _fail(f"{path}.{tag}", "must be a string")


def extensions(value, path):
    if not isinstance(value, dict):
        _fail(path, "must be a JSON object")
    for key in value:
        _iri(key, f"{path}.{key}")


def timestamp(value, path, version: str) -> None:
    """ISO 8601 date and time; xAPI 2.0 also asks for RFC 3339, so a zone is required there."""
    if not isinstance(value, str):
        _fail(path, "must be an ISO 8601 timestamp string")
    match = TIMESTAMP_RE.match(value)
    if not match:
        _fail(path, "must be an ISO 8601 date and time")
    zone = match.group(8)
    if zone is None and version.startswith("2"):
        _fail(path, "must carry a time zone (RFC 3339)")
    if zone in ("-00", "-00:00", "-0000"):
        _fail(path, "must not use the offset -00:00")
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    try:
        datetime(year, month, day, hour, minute, min(second, 59))
    except ValueError:
        _fail(path, "is not a valid date and time")
    if zone and zone not in ("Z", "z"):
        digits = zone[1:].replace(":", "")
        if int(digits[:2]) > 23 or (len(digits) > 2 and int(digits[2:]) > 59):
            _fail(path, "has an invalid time-zone offset")
    try:  # stored in UTC: 0001-01-01T00:00+01:00 or a leap second in 9999 have no UTC form
        parse_timestamp(value).astimezone(UTC)
    except (ValueError, OverflowError):
        _fail(path, "is outside the range of dates this LRS can store in UTC")


def _account(value, path):
    _object(value, path, {"homePage", "name"}, ("homePage", "name"))
    _iri(value["homePage"], f"{path}.homePage")
    _string(value["name"], f"{path}.name")


def _ifi_count(value, path) -> int:
    count = 0
    if "mbox" in value:
        if not isinstance(value["mbox"], str) or not MAILTO_RE.match(value["mbox"]):
            _fail(f"{path}.mbox", "must be a mailto IRI")
        count += 1
    if "mbox_sha1sum" in value:
        if not isinstance(value["mbox_sha1sum"], str) or not SHA1_RE.match(value["mbox_sha1sum"]):
            _fail(f"{path}.mbox_sha1sum", "must be a hex-encoded SHA-1")
        count += 1
    if "openid" in value:
        _iri(value["openid"], f"{path}.openid")
        count += 1
    if "account" in value:
        _account(value["account"], f"{path}.account")
        count += 1
    return count


def agent(value, path, *, object_type_required=False):
    _object(value, path, {"objectType", "name", *IFIS})
    if object_type_required and "objectType" not in value:
        _fail(f"{path}.objectType", "is required")
    if "objectType" in value and value["objectType"] != "Agent":
        _fail(f"{path}.objectType", "must be 'Agent'")
    if "name" in value:
        _string(value["name"], f"{path}.name")
    if _ifi_count(value, path) != 1:
        _fail(path, "an Agent needs exactly one inverse functional identifier")


def group(value, path):
    _object(value, path, {"objectType", "name", "member", *IFIS}, ("objectType",))
    if value["objectType"] != "Group":
        _fail(f"{path}.objectType", "must be 'Group'")
    if "name" in value:
        _string(value["name"], f"{path}.name")
    ifis = _ifi_count(value, path)
    if ifis > 1:
        _fail(path, "a Group has at most one inverse functional identifier")
    if "member" in value:
        if not isinstance(value["member"], list):
            _fail(f"{path}.member", "must be an array of Agents")
        for index, member in enumerate(value["member"]):
            if isinstance(member, dict) and member.get("objectType") == "Group":
                _fail(f"{path}.member[{index}]", "a Group must not contain a Group")
            agent(member, f"{path}.member[{index}]")
    elif ifis == 0:
        _fail(f"{path}.member", "an anonymous Group needs members")
    if ifis == 0 and not value.get("member"):
        _fail(f"{path}.member", "an anonymous Group needs at least one member")


@_recurring
def actor(value, path):
    if isinstance(value, dict) and value.get("objectType") == "Group":
        group(value, path)
    else:
        agent(value, path)


@_recurring
def verb(value, path):
    _object(value, path, {"id", "display"}, ("id",))
    _iri(value["id"], f"{path}.id")
    if "display" in value:
        language_map(value["display"], f"{path}.display")


def _components(value, path):
    if not isinstance(value, list):
        _fail(path, "must be an array of interaction components")
    seen = set()
    for index, component in enumerate(value):
        where = f"{path}[{index}]"
        _object(component, where, {"id", "description"}, ("id",))
        _string(component["id"], f"{where}.id")
        if not component["id"].strip() or " " in component["id"]:
            _fail(f"{where}.id", "must be a non-empty id without spaces")
        if component["id"] in seen:
            _fail(f"{where}.id", "must be unique within the list")
        seen.add(component["id"])
        if "description" in component:
            language_map(component["description"], f"{where}.description")


def definition(value, path):
    _object(
        value,
        path,
        {
            "name",
            "description",
            "type",
            "moreInfo",
            "interactionType",
            "correctResponsesPattern",
            "extensions",
            *ALL_COMPONENTS,
        },
    )
    for key in ("name", "description"):
        if key in value:
            language_map(value[key], f"{path}.{key}")
    for key in ("type", "moreInfo"):
        if key in value:
            _iri(value[key], f"{path}.{key}")
    if "extensions" in value:
        extensions(value["extensions"], f"{path}.extensions")
    kind = value.get("interactionType")
    present = ALL_COMPONENTS & value.keys()
    if kind is None:
        if present or "correctResponsesPattern" in value:
            _fail(f"{path}.interactionType", "is required with interaction properties")
        return
    if not isinstance(kind, str) or kind not in INTERACTION_TYPES:
        _fail(f"{path}.interactionType", "is not an xAPI interaction type")
    if "correctResponsesPattern" in value:
        pattern = value["correctResponsesPattern"]
        if not isinstance(pattern, list) or not all(isinstance(p, str) for p in pattern):
            _fail(f"{path}.correctResponsesPattern", "must be an array of strings")
    extra = present - COMPONENTS_FOR.get(kind, set())
    if extra:
        _fail(f"{path}.{sorted(extra)[0]}", f"is not allowed for interactionType {kind!r}")
    for key in present:
        _components(value[key], f"{path}.{key}")


@_recurring
def activity(value, path):
    _object(value, path, {"objectType", "id", "definition"}, ("id",))
    if "objectType" in value and value["objectType"] != "Activity":
        _fail(f"{path}.objectType", "must be 'Activity'")
    _iri(value["id"], f"{path}.id")
    if "definition" in value:
        definition(value["definition"], f"{path}.definition")


def statement_ref(value, path):
    _object(value, path, {"objectType", "id"}, ("objectType", "id"))
    if value["objectType"] != "StatementRef":
        _fail(f"{path}.objectType", "must be 'StatementRef'")
    _uuid(value["id"], f"{path}.id")


def _statement_object(value, path, version, *, nested: bool):
    if not isinstance(value, dict):
        _fail(path, "must be a JSON object")
    kind = value.get("objectType", "Activity")
    if kind == "Activity":
        activity(value, path)
    elif kind == "Agent":
        agent(value, path, object_type_required=True)
    elif kind == "Group":
        group(value, path)
    elif kind == "StatementRef":
        statement_ref(value, path)
    elif kind == "SubStatement":
        if nested:
            _fail(f"{path}.objectType", "a SubStatement must not contain a SubStatement")
        sub_statement(value, path, version)
    else:
        _fail(f"{path}.objectType", "must be Activity, Agent, Group, StatementRef or SubStatement")


def score(value, path):
    _object(value, path, {"scaled", "raw", "min", "max"})
    for key in value:
        _number(value[key], f"{path}.{key}")
    if "scaled" in value and not -1 <= value["scaled"] <= 1:
        _fail(f"{path}.scaled", "must be between -1 and 1")
    low, high, raw = value.get("min"), value.get("max"), value.get("raw")
    if low is not None and high is not None and low > high:
        _fail(f"{path}.min", "must not be greater than max")
    if raw is not None and ((low is not None and raw < low) or (high is not None and raw > high)):
        _fail(f"{path}.raw", "must lie between min and max")


def result(value, path):
    _object(value, path, {"score", "success", "completion", "response", "duration", "extensions"})
    if "score" in value:
        score(value["score"], f"{path}.score")
    for key in ("success", "completion"):
        if key in value:
            _bool(value[key], f"{path}.{key}")
    if "response" in value:
        _string(value["response"], f"{path}.response")
    if "duration" in value:
        if not isinstance(value["duration"], str) or not DURATION_RE.match(value["duration"]):
            _fail(f"{path}.duration", "must be an ISO 8601 duration")
    if "extensions" in value:
        extensions(value["extensions"], f"{path}.extensions")


def _context_activities(value, path):
    _object(value, path, {"parent", "grouping", "category", "other"})
    for key, item in value.items():
        items = item if isinstance(item, list) else [item]
        for index, entry in enumerate(items):
            activity(entry, f"{path}.{key}[{index}]" if isinstance(item, list) else f"{path}.{key}")


def _relevant(value, path, kind, member_key, check):
    if not isinstance(value, list):
        _fail(path, "must be an array")
    for index, entry in enumerate(value):
        where = f"{path}[{index}]"
        _object(
            entry, where, {"objectType", member_key, "relevantTypes"}, ("objectType", member_key)
        )
        if entry["objectType"] != kind:
            _fail(f"{where}.objectType", f"must be {kind!r}")
        check(entry[member_key], f"{where}.{member_key}")
        if "relevantTypes" in entry:
            types = entry["relevantTypes"]
            if not isinstance(types, list) or not types:
                _fail(f"{where}.relevantTypes", "must be a non-empty array of IRIs")
            for position, iri in enumerate(types):
                _iri(iri, f"{where}.relevantTypes[{position}]")


def _team(value, path):
    if not isinstance(value, dict) or value.get("objectType") != "Group":
        _fail(path, "must be a Group")
    group(value, path)


def _language_tag(value, path):
    if not isinstance(value, str) or not LANG_RE.match(value):
        _fail(path, "must be an RFC 5646 language tag")


def context(value, path, version, object_kind):
    allowed = {
        "registration",
        "instructor",
        "team",
        "contextActivities",
        "revision",
        "platform",
        "language",
        "statement",
        "extensions",
    }
    if version.startswith("2"):
        allowed |= {"contextAgents", "contextGroups"}
    _object(value, path, allowed)
    if "registration" in value:
        _uuid(value["registration"], f"{path}.registration")
    if "instructor" in value:
        actor(value["instructor"], f"{path}.instructor")
    if "team" in value:
        _team(value["team"], f"{path}.team")
    if "contextActivities" in value:
        _context_activities(value["contextActivities"], f"{path}.contextActivities")
    for key in ("revision", "platform"):
        if key in value:
            _string(value[key], f"{path}.{key}")
            if object_kind != "Activity":
                _fail(f"{path}.{key}", "is only allowed when the object is an Activity")
    if "language" in value:
        _language_tag(value["language"], f"{path}.language")
    if "statement" in value:
        statement_ref(value["statement"], f"{path}.statement")
    if "extensions" in value:
        extensions(value["extensions"], f"{path}.extensions")
    if "contextAgents" in value:
        _relevant(value["contextAgents"], f"{path}.contextAgents", "contextAgent", "agent", agent)
    if "contextGroups" in value:
        _relevant(value["contextGroups"], f"{path}.contextGroups", "contextGroup", "group", group)


def attachments(value, path):
    if not isinstance(value, list):
        _fail(path, "must be an array")
    for index, item in enumerate(value):
        where = f"{path}[{index}]"
        _object(
            item,
            where,
            {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"},
            ("usageType", "display", "contentType", "length", "sha2"),
        )
        _iri(item["usageType"], f"{where}.usageType")
        language_map(item["display"], f"{where}.display")
        if "description" in item:
            language_map(item["description"], f"{where}.description")
        if not isinstance(item["contentType"], str) or not MIME_RE.match(item["contentType"]):
            _fail(f"{where}.contentType", "must be an Internet media type")
        if (
            isinstance(item["length"], bool)
            or not isinstance(item["length"], int)
            or item["length"] < 0
        ):
            _fail(f"{where}.length", "must be a non-negative integer")
        if not isinstance(item["sha2"], str) or not SHA2_RE.match(item["sha2"]):
            _fail(f"{where}.sha2", "must be a hex-encoded SHA-2 hash")
        if "fileUrl" in item:
            _iri(item["fileUrl"], f"{where}.fileUrl")


def _body(value, path, version, *, nested: bool):
    """What statements and sub-statements share: actor, verb, object, result, context, timestamp."""
    actor(value["actor"], f"{path}.actor")
    verb(value["verb"], f"{path}.verb")
    _statement_object(value["object"], f"{path}.object", version, nested=nested)
    object_kind = value["object"].get("objectType", "Activity")
    if "result" in value:
        result(value["result"], f"{path}.result")
    if "context" in value:
        context(value["context"], f"{path}.context", version, object_kind)
    if "timestamp" in value:
        timestamp(value["timestamp"], f"{path}.timestamp", version)
    if "attachments" in value:
        attachments(value["attachments"], f"{path}.attachments")


def sub_statement(value, path, version):
    _object(
        value,
        path,
        {"objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"},
        ("objectType", "actor", "verb", "object"),
    )
    _body(value, path, version, nested=True)


def validate_statement(value, version: str = "1.0.3", path: str = "statement") -> None:
    """Raise ``StatementError`` unless ``value`` is a valid xAPI statement for ``version``."""
    _object(
        value,
        path,
        {
            "id",
            "actor",
            "verb",
            "object",
            "result",
            "context",
            "timestamp",
            "stored",
            "authority",
            "version",
            "attachments",
        },
        ("actor", "verb", "object"),
    )
    if "id" in value:
        _uuid(value["id"], f"{path}.id")
    _body(value, path, version, nested=False)
    if "stored" in value:
        timestamp(value["stored"], f"{path}.stored", version)
    if "authority" in value:
        actor(value["authority"], f"{path}.authority")
        auth = value["authority"]
        if auth.get("objectType") == "Group" and (
            len(auth.get("member", [])) != 2 or any(ifi in auth for ifi in IFIS)
        ):
            _fail(f"{path}.authority", "a Group authority is anonymous with exactly two members")
    if "version" in value:
        if not isinstance(value["version"], str) or not re.match(
            r"^(1\.0(\.\d+)?|2\.0(\.\d+)?)$", value["version"]
        ):
            _fail(f"{path}.version", "must be 1.0.x or 2.0.x")
        if value["version"][:1] != version[:1] and version.startswith("1"):
            _fail(f"{path}.version", "does not match the X-Experience-API-Version header")
    if value["verb"]["id"] == VOIDED and value["object"].get("objectType") != "StatementRef":
        _fail(f"{path}.object", "a voiding statement's object must be a StatementRef")
