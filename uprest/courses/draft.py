"""Edits to a module's draft document: metadata, lessons, questions, translations (pure)."""

from __future__ import annotations

from string import ascii_lowercase

from uprest.core.errors import ServiceError
from uprest.courses.document import (
    CHOICE_TYPES,
    QUESTION_TYPES,
    SLUG,
    get_in,
    lessons,
    questions,
    set_in,
    text_keys,
)
from uprest.i18n import LOCALES, _l


def _text(document: dict, locale: str) -> dict:
    return document.setdefault("text", {}).setdefault(locale, {})


def default_language(document: dict) -> str:
    return document["module"]["default_language"]


def update_metadata(
    document: dict, *, title: str, summary: str, minutes: int, language: str, competences
) -> None:
    if language not in LOCALES:
        raise ServiceError(_l("This language is not available."), field="default_language")
    module = document["module"]
    module["estimated_minutes"] = minutes
    module["competences"] = [{"code": code, "level": level} for code, level in competences]
    module["default_language"] = language
    set_in(_text(document, language), ("title",), title.strip())
    set_in(_text(document, language), ("summary",), summary.strip())


def _lesson(document: dict, slug: str) -> dict:
    for lesson in lessons(document["module"]):
        if lesson["slug"] == slug:
            return lesson
    raise ServiceError(_l("There is no lesson “%(lesson)s” in this module.", lesson=slug))


def add_lesson(document: dict, *, slug: str, minutes: int, title: str) -> None:
    slug = slug.strip().lower()
    if not SLUG.match(slug):
        raise ServiceError(
            _l("The slug may hold only lower-case letters, digits and hyphens."), field="slug"
        )
    if any(lesson["slug"] == slug for lesson in lessons(document["module"])):
        raise ServiceError(_l("A lesson with this slug already exists."), field="slug")
    document["module"].setdefault("lessons", []).append({"slug": slug, "minutes": minutes})
    set_in(_text(document, default_language(document)), ("lessons", slug), title.strip())


def update_lesson(document: dict, slug: str, *, minutes: int, title: str, body: str) -> None:
    _lesson(document, slug)["minutes"] = minutes
    language = default_language(document)
    set_in(_text(document, language), ("lessons", slug), title.strip())
    set_body(document, language, slug, body)


def set_body(document: dict, locale: str, slug: str, body: str) -> None:
    body = (body or "").replace("\r\n", "\n")
    bodies = document.setdefault("bodies", {}).setdefault(locale, {})
    if body.strip():
        bodies[slug] = body if body.endswith("\n") else body + "\n"
    else:
        bodies.pop(slug, None)
    if not bodies:
        document["bodies"].pop(locale)


def move_lesson(document: dict, slug: str, step: int) -> None:
    items = document["module"]["lessons"]
    index = items.index(_lesson(document, slug))
    target = index + step
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]


def remove_lesson(document: dict, slug: str) -> None:
    document["module"]["lessons"].remove(_lesson(document, slug))
    for locale in list(document.get("text", {})):
        set_in(document["text"][locale], ("lessons", slug), None)
    for locale in list(document.get("bodies", {})):
        set_body(document, locale, slug, "")


# -- quiz -----------------------------------------------------------------------------------------


def set_pass_mark(document: dict, pass_mark: int) -> None:
    quiz = document["module"].setdefault("quiz", {"pass_mark": pass_mark, "questions": []})
    quiz["pass_mark"] = pass_mark


def set_retry_policy(document: dict, max_attempts: int | None, cooldown_minutes: int) -> None:
    """No limit and no cool-down leave the keys out, as a package without them says."""
    set_pass_mark(document, document["module"].get("quiz", {}).get("pass_mark", 70))
    quiz = document["module"]["quiz"]
    quiz.pop("max_attempts", None)
    quiz.pop("cooldown_minutes", None)
    if max_attempts:
        quiz["max_attempts"] = max_attempts
    if cooldown_minutes:
        quiz["cooldown_minutes"] = cooldown_minutes


def question(document: dict, qid: str) -> dict:
    for item in questions(document["module"]):
        if item["id"] == qid:
            return item
    raise ServiceError(_l("There is no question “%(id)s” in this quiz.", id=qid))


def add_question(document: dict, kind: str) -> str:
    if kind not in QUESTION_TYPES:
        raise ServiceError(_l("Not a valid choice."), field="type")
    set_pass_mark(document, document["module"].get("quiz", {}).get("pass_mark", 70))
    taken = {q["id"] for q in questions(document["module"])}
    qid = next(f"q{n}" for n in range(1, 1000) if f"q{n}" not in taken)
    item = {"id": qid, "type": kind}
    if kind in CHOICE_TYPES:
        item["options"] = [{"id": "a", "correct": True}, {"id": "b"}]
    elif kind == "true_false":
        item["answer"] = True
    elif kind == "numeric":
        item.update(answer=0, tolerance=0)
    elif kind == "matching":
        item["pairs"] = ["p1", "p2"]
    document["module"]["quiz"]["questions"].append(item)
    return qid


def _next_id(taken: set, prefix: str = "") -> str:
    if prefix:
        return next(f"{prefix}{n}" for n in range(1, 1000) if f"{prefix}{n}" not in taken)
    letters = [*ascii_lowercase, *(a + b for a in ascii_lowercase for b in ascii_lowercase)]
    return next(c for c in letters if c not in taken)


def _s(value) -> str:
    return (value or "").strip()


def update_question(document: dict, qid: str, data: dict) -> None:
    """Structure and default-language text of a question from the editor's fields.

    ``data`` has ``prompt``, ``feedback_correct``, ``feedback_incorrect``, ``answer``,
    ``tolerance``, ``answers`` (list), ``options`` (rows of id, text, feedback, correct) and
    ``pairs`` (rows of id, left, right); rows with no text are dropped, kept ids stay stable so
    translations stay attached.
    """
    item = question(document, qid)
    text = _text(document, default_language(document))
    old_keys = set(_question_text_keys(item))
    set_in(text, ("quiz", qid), None)
    set_in(text, ("quiz", qid, "prompt"), _s(data["prompt"]))
    kind = item["type"]
    if kind in CHOICE_TYPES:
        rows = [r for r in data["options"] if _s(r["text"])]
        taken = {r["id"] for r in rows if r["id"]}
        item["options"] = []
        for row in rows:
            oid = row["id"] or _next_id(taken)
            taken.add(oid)
            item["options"].append({"id": oid, "correct": True} if row["correct"] else {"id": oid})
            set_in(text, ("quiz", qid, "options", oid), _s(row["text"]))
            set_in(text, ("quiz", qid, "feedback", oid), _s(row["feedback"]))
    else:
        if kind == "true_false":
            item["answer"] = bool(data["answer"])
        elif kind == "numeric":
            item["answer"], item["tolerance"] = data["answer"], data["tolerance"]
        elif kind == "short_text":
            set_in(text, ("quiz", qid, "answers"), [a.strip() for a in data["answers"] if _s(a)])
        elif kind == "matching":
            rows = [r for r in data["pairs"] if _s(r["left"]) or _s(r["right"])]
            taken = {r["id"] for r in rows if r["id"]}
            item["pairs"] = []
            for row in rows:
                pid = row["id"] or _next_id(taken, "p")
                taken.add(pid)
                item["pairs"].append(pid)
                set_in(text, ("quiz", qid, "pairs", pid, "left"), _s(row["left"]))
                set_in(text, ("quiz", qid, "pairs", pid, "right"), _s(row["right"]))
        for outcome in ("correct", "incorrect"):
            set_in(text, ("quiz", qid, "feedback", outcome), _s(data[f"feedback_{outcome}"]))
    _drop_orphans(document, old_keys - set(_question_text_keys(item)))


def _question_text_keys(item: dict) -> list[tuple]:
    return [k for k in text_keys({"quiz": {"questions": [item]}}) if k[0] == "quiz"]


def _drop_orphans(document: dict, keys: set) -> None:
    """Translations of options or pairs that no longer exist would make the draft invalid."""
    for locale in document.get("text", {}):
        for key in keys:
            set_in(document["text"][locale], key, None)


def remove_question(document: dict, qid: str) -> None:
    item = question(document, qid)
    document["module"]["quiz"]["questions"].remove(item)
    for locale in document.get("text", {}):
        set_in(document["text"][locale], ("quiz", qid), None)
    if not document["module"]["quiz"]["questions"]:
        del document["module"]["quiz"]


# -- translations ---------------------------------------------------------------------------------


def set_translation(document: dict, locale: str, values: dict, bodies: dict) -> None:
    """All strings of one locale at once (empty ones removed), and its lesson bodies."""
    if locale not in LOCALES:
        raise ServiceError(_l("This language is not available."))
    text = _text(document, locale)
    for key in text_keys(document["module"]):
        if key in values:
            set_in(text, key, values[key])
    for slug, body in bodies.items():
        _lesson(document, slug)
        set_body(document, locale, slug, body)
    if not text:
        document["text"].pop(locale)


def translation_rows(document: dict, locale: str) -> list[dict]:
    """For the side-by-side editor: each key with its default-language text and this locale's."""
    base = document.get("text", {}).get(default_language(document)) or {}
    own = document.get("text", {}).get(locale) or {}
    return [
        {"key": key, "source": get_in(base, key), "value": get_in(own, key)}
        for key in text_keys(document["module"])
    ]
