"""Quiz answers: read a submitted form, mark each answer, choose the feedback (pure)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from uprest.core.numbers import parse_number
from uprest.courses.services import CHOICE_TYPES, Localised


class InvalidAnswer(ValueError):
    """An answer that can't be marked or stored: ``reason`` is "number" or "characters"."""

    def __init__(self, question_id: str, reason: str):
        super().__init__(f"{question_id}: {reason}")
        self.question_id = question_id
        self.reason = reason


def field_name(question_id: str, pair: str | None = None) -> str:
    return f"q-{question_id}" + (f"-{pair}" if pair else "")


def read_response(question: dict, form: Mapping, locale: str):
    """The learner's answer in a form fit to store as JSON; None when left empty. Only the
    offered options and pairs are kept (anything else was not on the page); raises
    InvalidAnswer for a number that isn't one, or text with a NUL character."""
    qid, kind = question["id"], question["type"]
    name = field_name(qid)
    if kind == "multiple_choice":
        values = form.getlist(name) if hasattr(form, "getlist") else form.get(name) or []
        option_ids = [o["id"] for o in question["options"]]
        return [v for v in option_ids if v in values] or None
    if kind == "matching":
        pairs = question["pairs"]
        chosen = {pid: form.get(field_name(qid, pid), "") for pid in pairs}
        chosen = {pid: value if value in pairs else "" for pid, value in chosen.items()}
        return chosen if any(chosen.values()) else None
    raw = (form.get(name) or "").strip()
    if not raw:
        return None
    if "\x00" in raw:  # no database keeps it, and no keyboard types it
        raise InvalidAnswer(qid, "characters")
    if kind == "true_false":
        return {"true": True, "false": False}.get(raw)
    if kind == "single_choice":
        return raw if raw in {o["id"] for o in question["options"]} else None
    if kind == "numeric":
        number = parse_number(raw, locale)
        if number is None:
            raise InvalidAnswer(qid, "number")
        return number
    return raw[:500]


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def is_correct(question: dict, response, accepted: list[str]) -> bool:
    kind = question["type"]
    if response is None:
        return False
    if kind in CHOICE_TYPES:
        right = {o["id"] for o in question["options"] if o.get("correct") is True}
        chosen = {response} if kind == "single_choice" else set(response)
        return chosen == right
    if kind == "true_false":
        return response is question["answer"]
    if kind == "numeric":
        return abs(response - question["answer"]) <= question.get("tolerance", 0)
    if kind == "short_text":
        return normalise(response) in {normalise(a) for a in accepted}
    if kind == "matching":
        return all(response.get(pid) == pid for pid in question["pairs"])
    return False


def mark(question: dict, response, content: Localised) -> bool:
    return is_correct(question, response, content.accepted_answers(question["id"]))


def feedback(question: dict, response, correct: bool, content: Localised) -> list:
    """Feedback for each chosen option of a choice question, else for right or wrong."""
    qid = question["id"]
    if question["type"] in CHOICE_TYPES and response:
        chosen = [response] if isinstance(response, str) else response
        return [content.t("quiz", qid, "feedback", option) for option in chosen]
    return [content.t("quiz", qid, "feedback", "correct" if correct else "incorrect")]


def score(results: list[bool]) -> int:
    """Percent of questions answered correctly (rounded down, so a pass is never rounded up)."""
    return sum(results) * 100 // len(results) if results else 0


def matching_choices(question: dict, content: Localised) -> list[tuple[str, str]]:
    """The right-hand sides offered for every left-hand side, in alphabetical order."""
    pairs = [
        (pid, content.t("quiz", question["id"], "pairs", pid, "right")) for pid in question["pairs"]
    ]
    return sorted(pairs, key=lambda pair: normalise(pair[1]))


def attempt_seed(registration: str, attempt: int) -> str:
    """What one attempt's option order is derived from: the same on every reload of the
    attempt, another for the next attempt, and nothing to store."""
    return f"{registration}:{attempt}"


def shuffled_options(question: dict, seed: str) -> list[dict]:
    """A choice question's options in this attempt's order. Only the order changes: answers
    are read and marked by option id, never by position."""
    if question["type"] not in CHOICE_TYPES:
        return list(question.get("options") or [])

    def key(option: dict) -> bytes:
        return hashlib.sha256(f"{seed}:{question['id']}:{option['id']}".encode()).digest()

    return sorted(question["options"], key=key)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how soon a learner may take a module's quiz (set per module)."""

    max_attempts: int | None = None
    cooldown_minutes: int = 0

    @classmethod
    def of(cls, quiz_structure: dict | None) -> RetryPolicy:
        quiz = quiz_structure or {}
        return cls(quiz.get("max_attempts"), quiz.get("cooldown_minutes") or 0)

    @property
    def is_limited(self) -> bool:
        return self.max_attempts is not None or self.cooldown_minutes > 0

    def attempts_left(self, taken: int) -> int | None:
        return None if self.max_attempts is None else max(self.max_attempts - taken, 0)

    def next_allowed_at(self, last_attempt_at: datetime | None) -> datetime | None:
        """When the cool-down after the last attempt ends; None when there is nothing to wait."""
        if not self.cooldown_minutes or last_attempt_at is None:
            return None
        return last_attempt_at + timedelta(minutes=self.cooldown_minutes)
