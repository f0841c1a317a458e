"""A module as one document (structure, text per locale, lesson bodies) and its text keys.

The document mirrors a course package exactly, so import and export are plain copies::

    {"module": <module.yaml>, "text": {locale: <text.<locale>.yaml>},
     "bodies": {locale: {lesson: <markdown>}}}

Mappings read from a package carry ``where`` ("file:line"), so problems point at the source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from uprest.i18n import LOCALES

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ITEM_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
COMPETENCE = re.compile(r"^[A-Z]{3}-\d{2}$")
CHOICE_TYPES = ("single_choice", "multiple_choice")
QUESTION_TYPES = (*CHOICE_TYPES, "true_false", "numeric", "short_text", "matching")
MODULE_KEYS = {"slug", "default_language", "estimated_minutes", "competences", "lessons", "quiz"}
QUESTION_KEYS = {
    "single_choice": {"id", "type", "options"},
    "multiple_choice": {"id", "type", "options"},
    "true_false": {"id", "type", "answer"},
    "numeric": {"id", "type", "answer", "tolerance"},
    "short_text": {"id", "type"},
    "matching": {"id", "type", "pairs"},
}


@dataclass(frozen=True)
class Problem:
    where: str
    message: object

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else str(self.message)


def where(node, fallback: str = "") -> str:
    return getattr(node, "where", "") or fallback


def empty_document(slug: str, default_language: str, title: str, minutes: int) -> dict:
    return {
        "module": {
            "slug": slug,
            "default_language": default_language,
            "estimated_minutes": minutes,
            "competences": [],
            "lessons": [],
        },
        "text": {default_language: {"title": title}},
        "bodies": {},
    }


# -- text keys ------------------------------------------------------------------------------------


def questions(module: dict) -> list[dict]:
    quiz = module.get("quiz")
    return list(quiz.get("questions") or []) if isinstance(quiz, dict) else []


def question_keys(question: dict) -> list[tuple]:
    """The translatable keys of one question, in the order an editor shows them."""
    qid, kind = question.get("id"), question.get("type")
    keys = [("quiz", qid, "prompt")]
    if kind in CHOICE_TYPES:
        option_ids = [o.get("id") for o in question.get("options") or [] if isinstance(o, dict)]
        keys += [("quiz", qid, "options", oid) for oid in option_ids]
        keys += [("quiz", qid, "feedback", oid) for oid in option_ids]
        return keys
    if kind == "short_text":
        keys.append(("quiz", qid, "answers"))
    if kind == "matching":
        for pid in question.get("pairs") or []:
            keys += [("quiz", qid, "pairs", pid, "left"), ("quiz", qid, "pairs", pid, "right")]
    return keys + [("quiz", qid, "feedback", "correct"), ("quiz", qid, "feedback", "incorrect")]


def text_keys(module: dict) -> list[tuple]:
    """Every translatable string of the module's structure, in reading order."""
    keys = [("title",), ("summary",)]
    keys += [("lessons", lesson.get("slug")) for lesson in lessons(module)]
    for question in questions(module):
        keys += question_keys(question)
    return keys


def lessons(module: dict) -> list[dict]:
    return [item for item in module.get("lessons") or [] if isinstance(item, dict)]


def get_in(tree, key: tuple):
    for part in key:
        if not isinstance(tree, dict):
            return None
        tree = tree.get(part)
    return tree


def set_in(tree: dict, key: tuple, value) -> None:
    """Set ``value`` at ``key``; an empty value removes the key and any mapping it leaves empty."""
    if value in (None, "", []):
        _remove(tree, key)
        return
    for part in key[:-1]:
        tree = tree.setdefault(part, {})
    tree[key[-1]] = value


def _remove(tree: dict, key: tuple) -> None:
    parent = get_in(tree, key[:-1]) if len(key) > 1 else tree
    if isinstance(parent, dict):
        parent.pop(key[-1], None)
        if not parent and len(key) > 1:
            _remove(tree, key[:-1])


def leaf_keys(tree, prefix: tuple = ()) -> list[tuple]:
    """Keys of every leaf (a string, a list of answers, anything that is not a mapping)."""
    if not isinstance(tree, dict):
        return [prefix]
    keys = []
    for name, value in tree.items():
        keys += leaf_keys(value, (*prefix, name))
    return keys


def is_filled(value) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list):
        return bool(value) and all(isinstance(v, str) and v.strip() for v in value)
    return False


def completeness(document: dict, locale: str) -> tuple[int, int]:
    """(translated, total) strings and lesson bodies of ``locale``."""
    module = document["module"]
    keys = text_keys(module)
    text = document.get("text", {}).get(locale) or {}
    bodies = document.get("bodies", {}).get(locale) or {}
    done = sum(1 for key in keys if is_filled(get_in(text, key)))
    done += sum(1 for lesson in lessons(module) if is_filled(bodies.get(lesson.get("slug"))))
    return done, len(keys) + len(lessons(module))


def complete_locales(document: dict) -> dict[str, int]:
    """Percentage translated per locale that has any text at all."""
    result = {}
    for locale in LOCALES:
        done, total = completeness(document, locale)
        if done:
            result[locale] = 100 if done == total else min(99, done * 100 // max(total, 1))
    return result


def outline(document: dict) -> dict:
    """What lists need without loading the whole document: titles, lesson slugs, quiz or not."""
    module = document["module"]
    return {
        "text": {
            locale: {k: text[k] for k in ("title", "summary") if is_filled(text.get(k))}
            for locale, text in (document.get("text") or {}).items()
            if is_filled(text.get("title"))
        },
        "lessons": [lesson["slug"] for lesson in lessons(module)],
        "quiz": bool(questions(module)),
    }


def key_label(key: tuple) -> str:
    return ".".join(str(part) for part in key)
