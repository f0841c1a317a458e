"""A module as one document (structure, text per locale, lesson bodies): its keys and rules.

The document mirrors a course package exactly, so import and export are plain copies::

    {"module": <module.yaml>, "text": {locale: <text.<locale>.yaml>},
     "bodies": {locale: {lesson: <markdown>}}}

Mappings read from a package carry ``where`` ("file:line"), so problems point at the source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from uprest.i18n import LOCALES, _l

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


# -- validation -----------------------------------------------------------------------------------


class _Checker:
    def __init__(self, source: str):
        self.source = source
        self.problems: list[Problem] = []

    def error(self, node, message) -> None:
        self.problems.append(Problem(where(node, self.source), message))

    def mapping(self, node, name: str, allowed: set, required: set, parent=None) -> bool:
        if not isinstance(node, dict):
            self.error(parent, _l("“%(name)s” must be a mapping of keys and values.", name=name))
            return False
        for key in node:
            if key not in allowed:
                self.error(node, _l("Unknown key “%(key)s” in %(name)s.", key=key, name=name))
        for key in sorted(required - set(node)):
            self.error(node, _l("“%(key)s” is missing in %(name)s.", key=key, name=name))
        return True

    def whole(self, node, value, name: str, low: int, high: int | None = None) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            self.error(
                node,
                _l("“%(name)s” must be a whole number of at least %(low)s.", name=name, low=low),
            )
        elif high is not None and value > high:
            self.error(node, _l("“%(name)s” must be at most %(high)s.", name=name, high=high))

    def ids(self, node, items, name: str, pattern=ITEM_ID) -> list[str]:
        seen = []
        for item in items:
            if not isinstance(item, str) or not pattern.match(item):
                self.error(
                    node,
                    _l("“%(value)s” is not a valid identifier in %(name)s.", value=item, name=name),
                )
            elif item in seen:
                self.error(
                    node, _l("“%(value)s” appears twice in %(name)s.", value=item, name=name)
                )
            else:
                seen.append(item)
        return seen


def validate_structure(module, source: str = "module.yaml") -> list[Problem]:
    check = _Checker(source)
    if not check.mapping(module, "module.yaml", MODULE_KEYS, MODULE_KEYS - {"quiz"}):
        return check.problems
    if not isinstance(module.get("slug"), str) or not SLUG.match(module.get("slug", "")):
        check.error(module, _l("The slug may hold only lower-case letters, digits and hyphens."))
    if module.get("default_language", "en") not in LOCALES:
        check.error(
            module,
            _l(
                "“%(value)s” is not one of the supported languages.",
                value=module.get("default_language"),
            ),
        )
    check.whole(module, module.get("estimated_minutes", 1), "estimated_minutes", 1, 10000)
    _check_competences(check, module)
    _check_lessons(check, module)
    quiz = module.get("quiz")
    if quiz is not None and check.mapping(
        quiz, "quiz", {"pass_mark", "questions"}, {"pass_mark", "questions"}, module
    ):
        check.whole(quiz, quiz.get("pass_mark", 0), "pass_mark", 0, 100)
        items = quiz.get("questions")
        if not isinstance(items, list) or not items:
            check.error(quiz, _l("A quiz needs at least one question."))
        else:
            check.ids(items, [q.get("id") if isinstance(q, dict) else None for q in items], "quiz")
            for question in items:
                _check_question(check, question, items)
    return check.problems


def _check_competences(check: _Checker, module: dict) -> None:
    items = module.get("competences")
    if not isinstance(items, list):
        check.error(module, _l("“%(name)s” must be a list.", name="competences"))
        return
    codes = []
    for item in items:
        if check.mapping(item, "competences", {"code", "level"}, {"code", "level"}, items):
            codes.append(item.get("code"))
            check.whole(item, item.get("level", 1), "level", 1, 5)
    check.ids(items, codes, "competences", COMPETENCE)


def _check_lessons(check: _Checker, module: dict) -> None:
    items = module.get("lessons")
    if not isinstance(items, list) or not items:
        check.error(module, _l("A module needs at least one lesson."))
        return
    slugs = []
    for item in items:
        if check.mapping(item, "lessons", {"slug", "minutes"}, {"slug", "minutes"}, items):
            slugs.append(item.get("slug"))
            check.whole(item, item.get("minutes", 1), "minutes", 1, 1000)
    check.ids(items, slugs, "lessons", SLUG)


def _check_question(check: _Checker, question, parent) -> None:
    if not isinstance(question, dict) or question.get("type") not in QUESTION_TYPES:
        check.error(
            question if isinstance(question, dict) else parent,
            _l("Each question needs a type: %(types)s.", types=", ".join(QUESTION_TYPES)),
        )
        return
    kind = question["type"]
    name = str(question.get("id"))
    allowed = QUESTION_KEYS[kind]
    check.mapping(question, name, allowed, allowed - {"tolerance"})
    if kind in CHOICE_TYPES:
        options = question.get("options")
        if not isinstance(options, list) or len(options) < 2:
            check.error(question, _l("Question %(id)s needs at least two options.", id=name))
            return
        valid = [o for o in options if check.mapping(o, name, {"id", "correct"}, {"id"}, question)]
        check.ids(question, [o.get("id") for o in valid], name)
        correct = [o for o in valid if o.get("correct") is True]
        if any(not isinstance(o.get("correct", False), bool) for o in valid):
            check.error(
                question, _l("“correct” must be true or false in question %(id)s.", id=name)
            )
        if kind == "single_choice" and len(correct) != 1:
            check.error(
                question, _l("Question %(id)s must have exactly one correct option.", id=name)
            )
        if kind == "multiple_choice" and not correct:
            check.error(question, _l("Question %(id)s needs at least one correct option.", id=name))
    elif kind == "true_false" and not isinstance(question.get("answer"), bool):
        check.error(question, _l("The answer of question %(id)s must be true or false.", id=name))
    elif kind == "numeric":
        for key in ("answer", "tolerance"):
            value = question.get(key, 0)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or (key == "tolerance" and value < 0)
            ):
                check.error(
                    question, _l("“%(key)s” of question %(id)s must be a number.", key=key, id=name)
                )
    elif kind == "matching":
        pairs = question.get("pairs")
        if not isinstance(pairs, list) or len(pairs) < 2:
            check.error(question, _l("Question %(id)s needs at least two pairs.", id=name))
        else:
            check.ids(question, pairs, name)


def validate_text(
    module: dict, text, locale: str, *, required: bool, source: str = ""
) -> list[Problem]:
    """Strings of one locale: all there when ``required``, none unknown, each of the right kind."""
    check = _Checker(source or f"text.{locale}.yaml")
    if not isinstance(text, dict):
        check.error(text, _l("The text file must be a mapping of keys and values."))
        return check.problems
    expected = text_keys(module)
    for key in leaf_keys(text):
        if key not in expected:
            check.error(_container(text, key), _l("Unknown key “%(key)s”.", key=key_label(key)))
    for key in expected:
        value = get_in(text, key)
        if value is None:
            if required:
                check.error(text, _l("“%(key)s” is missing.", key=key_label(key)))
            continue
        wants_list = key[-1] == "answers"
        if wants_list and not (isinstance(value, list) and is_filled(value)):
            check.error(
                _container(text, key),
                _l("“%(key)s” must be a list of accepted answers.", key=key_label(key)),
            )
        elif not wants_list and not (isinstance(value, str) and value.strip()):
            check.error(
                _container(text, key),
                _l(
                    "“%(key)s” must be a text; put it in quotes if it looks like a number, "
                    "a date or yes/no.",
                    key=key_label(key),
                ),
            )
    return check.problems


def _container(text: dict, key: tuple):
    node = get_in(text, key[:-1]) if len(key) > 1 else text
    return node if isinstance(node, dict) else text


def validate_document(document: dict) -> list[Problem]:
    """The whole module: structure, the default language complete, other languages consistent."""
    module = document.get("module")
    problems = validate_structure(module, where(module, "module.yaml"))
    if problems:
        return problems
    default = module["default_language"]
    texts = document.get("text") or {}
    bodies = document.get("bodies") or {}
    for locale in sorted(set(texts) | set(bodies) | {default}, key=_locale_order):
        if locale not in LOCALES:
            problems.append(
                Problem("", _l("“%(value)s” is not one of the supported languages.", value=locale))
            )
            continue
        required = locale == default
        problems += validate_text(
            module,
            texts.get(locale, {}),
            locale,
            required=required,
            source=where(texts.get(locale), f"text.{locale}.yaml"),
        )
        problems += _check_bodies(module, bodies.get(locale) or {}, locale, required)
    return problems


def _locale_order(locale: str) -> int:
    return LOCALES.index(locale) if locale in LOCALES else len(LOCALES)


def _check_bodies(module: dict, bodies: dict, locale: str, required: bool) -> list[Problem]:
    problems = []
    slugs = [lesson["slug"] for lesson in lessons(module)]
    for slug, body in bodies.items():
        source = where(body, f"lessons/{slug}.{locale}.md")
        if slug not in slugs:
            problems.append(
                Problem(source, _l("There is no lesson “%(lesson)s” in this module.", lesson=slug))
            )
        elif not is_filled(body):
            problems.append(Problem(source, _l("The lesson text is empty.")))
    if required:
        for slug in slugs:
            if slug not in bodies:
                problems.append(
                    Problem(f"lessons/{slug}.{locale}.md", _l("The lesson text is missing."))
                )
    return problems
