"""What the LRS does to a valid statement when it stores it, and the forms it returns."""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime, timedelta

from uprest.xapi.agents import ifi_only

CONTEXT_ACTIVITY_KEYS = ("parent", "grouping", "category", "other")


_ISO = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:[.,](\d+))?(Z|z|[+-]\d{2}(?::?\d{2})?)?$"
)


def _parts(value: str):
    match = _ISO.match(value)
    if not match:
        raise ValueError(f"not an ISO 8601 timestamp: {value!r}")
    return match.groups()


def parse_timestamp(value: str) -> datetime:
    """An aware datetime from an ISO 8601 timestamp (validated before); no zone means UTC."""
    day, time, fraction, zone = _parts(value)
    micro = (fraction or "")[:6].ljust(6, "0")
    if zone in (None, "Z", "z"):
        offset = "+00:00"
    else:
        digits = zone[1:].replace(":", "")
        offset = f"{zone[0]}{digits[:2]}:{digits[2:4] or '00'}"
    # a leap second (23:59:60, ISO 8601 allows it) is the first instant of the next minute
    leap = time.endswith(":60")
    moment = datetime.fromisoformat(f"{day}T{time[:-2] + '59' if leap else time}.{micro}{offset}")
    return moment + timedelta(seconds=1) if leap else moment


def to_naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def format_timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with millisecond precision and a Z, as the LRS reports ``stored``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond:06d}"[:3] + "Z"


def utc_timestamp_text(value: str) -> str:
    """The same instant in UTC, keeping the sender's sub-second precision (xAPI 2.0)."""
    fraction = _parts(value)[2]
    utc = parse_timestamp(value).astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S") + (f".{fraction}" if fraction else "") + "Z"


def context_activities_as_arrays(statement: dict) -> dict:
    """The statement with every contextActivities value an array; copies only what it changes."""
    statement = _arrays_in(statement)
    obj = statement.get("object")
    if isinstance(obj, dict):
        fixed = _arrays_in(obj)
        if fixed is not obj:
            statement = {**statement, "object": fixed}
    return statement


def _arrays_in(holder: dict) -> dict:
    context = holder.get("context")
    activities = context.get("contextActivities") if isinstance(context, dict) else None
    if not isinstance(activities, dict) or all(
        isinstance(value, list) for key, value in activities.items() if key in CONTEXT_ACTIVITY_KEYS
    ):
        return holder
    arrays = {
        key: [value] if key in CONTEXT_ACTIVITY_KEYS and not isinstance(value, list) else value
        for key, value in activities.items()
    }
    return {**holder, "context": {**context, "contextActivities": arrays}}


_SECONDS = re.compile(r"(\d+)(?:[.,](\d+))?S$")


def duration_to_hundredths(duration: str) -> str:
    """Durations compare to 0.01 s (xAPI 4.2.7): cut, never round, the finer digits."""
    match = _SECONDS.search(duration)
    if not match:
        return duration
    fraction = (match.group(2) or "")[:2].rstrip("0")
    seconds = match.group(1) + ("." + fraction if fraction else "")
    return duration[: match.start()] + seconds + "S"


def comparable(statement: dict, *, with_timestamp: bool = True) -> dict:
    """The parts that decide whether two statements with one id are the same statement.

    ``with_timestamp=False`` when the resent statement has none: the LRS filled it in.
    """
    value = copy.deepcopy(statement)
    for key in ("id", "authority", "stored", "version", "timestamp"):
        value.pop(key, None)
    value = context_activities_as_arrays(value)
    if value.get("object", {}).get("objectType") == "StatementRef":
        value["object"]["id"] = value["object"]["id"].lower()
    registration = value.get("context", {}).get("registration")
    if registration:
        value["context"]["registration"] = registration.lower()
    for holder in (value, value.get("object", {})):
        duration = holder.get("result", {}).get("duration") if isinstance(holder, dict) else None
        if duration:
            holder["result"]["duration"] = duration_to_hundredths(duration)
    if with_timestamp and "timestamp" in statement:
        value["_instant"] = parse_timestamp(statement["timestamp"]).timestamp()
    return value


def _ids_object(obj: dict) -> dict:
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        return {"id": obj["id"]}
    if kind in ("Agent", "Group"):
        return ifi_only(obj)
    if kind == "SubStatement":
        sub = dict(obj)
        sub["actor"] = ifi_only(obj["actor"])
        sub["verb"] = {"id": obj["verb"]["id"]}
        sub["object"] = _ids_object(obj["object"])
        return sub
    return obj


def ids_format(statement: dict) -> dict:
    value = dict(statement)
    value["actor"] = ifi_only(statement["actor"])
    value["verb"] = {"id": statement["verb"]["id"]}
    value["object"] = _ids_object(statement["object"])
    if "authority" in statement:
        value["authority"] = ifi_only(statement["authority"])
    return value


def _best(language_map: dict, languages: list[str]) -> dict:
    if not language_map:
        return language_map
    lowered = {tag.lower(): tag for tag in language_map}
    for wanted in languages:
        wanted = wanted.lower()
        if wanted in lowered:
            tag = lowered[wanted]
            return {tag: language_map[tag]}
        for low, tag in lowered.items():
            if low.split("-")[0] == wanted.split("-")[0]:
                return {tag: language_map[tag]}
    tag = next(iter(language_map))
    return {tag: language_map[tag]}


def canonical_format(statement: dict, languages: list[str]) -> dict:
    """Every language map reduced to the one language that suits the reader best."""

    def walk(node):
        if isinstance(node, dict):
            out = {}
            for key, item in node.items():
                if (
                    key in ("display", "name", "description")
                    and isinstance(item, dict)
                    and all(isinstance(v, str) for v in item.values())
                ):
                    out[key] = _best(item, languages)
                elif key == "extensions":
                    out[key] = item
                else:
                    out[key] = walk(item)
            return out
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    return walk(statement)
