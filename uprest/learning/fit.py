"""Whether a stored statement fits the learning-event projection. The LRS accepts any valid
xAPI; a ``LearningEvent`` holds only what the enrolment's module has and its columns can keep
(a known lesson or question, a whole-number attempt and score, a JSON response of finite
numbers). A statement that doesn't fit is skipped, with the reason logged (never its values,
which may be personal)."""

from __future__ import annotations

import json
import math

from uprest.courses.services import questions
from uprest.xapi.services import vocabulary

# The verbs of ``xapi.emitter``: LearningEvent.verb holds 24 characters.
VERBS = {"registered", "launched", "experienced", "answered", "passed", "failed", "completed"}
VERBS |= {"progressed"}
MAX_ATTEMPT = 1_000_000
MAX_SCORE = 2**31 - 1  # an integer column on every database
MAX_RESPONSE = 10_000  # characters of result.response (the app's own are at most ~500)
MAX_LOCALE = 8


def _whole(value, low: int, high: int) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        return False
    return low <= value <= high


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError("not a finite number")
    return number


def _refuse(name: str):
    raise ValueError(f"{name} is not a number")


def response(text) -> object:
    """``result.response`` as the app writes it (JSON text), or ValueError."""
    if not isinstance(text, str) or len(text) > MAX_RESPONSE:
        raise ValueError("not a short text")
    if "\x00" in text or "\\u0000" in text:  # a NUL, as is or escaped: no database keeps it
        raise ValueError("a NUL character")
    return json.loads(text, parse_float=_finite, parse_constant=_refuse)


def attempt(data: dict) -> int | None:
    """The attempt number, or ValueError when there is one that isn't a whole number."""
    value = data.get("context", {}).get("extensions", {}).get(vocabulary.ATTEMPT)
    if value is None:
        return None
    if not _whole(value, 1, MAX_ATTEMPT):
        raise ValueError("the attempt id is not a whole number from 1")
    return int(value)


def locale(data: dict) -> str | None:
    language = data.get("context", {}).get("language")
    if not isinstance(language, str):
        return None
    return language.split("-")[0][:MAX_LOCALE] or None


def misfit(verb: str, data: dict, match, version) -> str | None:
    """Why the statement doesn't fit the module ``version`` (None when it does)."""
    if verb not in VERBS:
        return "a verb the learning record does not use"
    try:
        attempt(data)
    except ValueError as error:
        return str(error)
    if version is None:  # a path: nothing more to check
        return None
    if match["lesson"] is not None and match["lesson"] not in version.outline["lessons"]:
        return "a lesson the module does not have"
    if match["quiz"] is not None and not version.outline["quiz"]:
        return "a quiz the module does not have"
    if match["question"] is not None:
        ids = {question["id"] for question in questions(version.content["module"])}
        if match["question"] not in ids:
            return "a question the module does not have"
    result = data.get("result", {})
    if verb == "answered" and "response" in result:
        try:
            response(result["response"])
        except ValueError:
            return "a response that is not JSON text of finite numbers"
    raw = result.get("score", {}).get("raw")
    if verb in ("passed", "failed") and raw is not None and not _whole(raw, -MAX_SCORE, MAX_SCORE):
        return "a raw score that is not a whole number the record can keep"
    return None
