"""The rules a module document must meet before it is imported or published."""

from __future__ import annotations

from uprest.courses.document import (
    CHOICE_TYPES,
    COMPETENCE,
    ITEM_ID,
    MODULE_KEYS,
    QUESTION_KEYS,
    QUESTION_TYPES,
    SLUG,
    Problem,
    get_in,
    is_filled,
    key_label,
    leaf_keys,
    lessons,
    text_keys,
    where,
)
from uprest.i18n import LOCALES, _l

# A module's retry policy (both optional): attempts in all, and minutes between two attempts.
QUIZ_KEYS = {"pass_mark", "questions", "max_attempts", "cooldown_minutes"}
MAX_ATTEMPTS = 100
MAX_COOLDOWN = 7 * 24 * 60


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
        quiz, "quiz", QUIZ_KEYS, {"pass_mark", "questions"}, module
    ):
        check.whole(quiz, quiz.get("pass_mark", 0), "pass_mark", 0, 100)
        if "max_attempts" in quiz:
            check.whole(quiz, quiz["max_attempts"], "max_attempts", 1, MAX_ATTEMPTS)
        if "cooldown_minutes" in quiz:
            check.whole(quiz, quiz["cooldown_minutes"], "cooldown_minutes", 0, MAX_COOLDOWN)
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
        # "cmi5": the AU a lesson step launches (set by a package upload, courses/cmi5_steps.py)
        if check.mapping(item, "lessons", {"slug", "minutes", "cmi5"}, {"slug", "minutes"}, items):
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
