"""A module's content in the learner's language, falling back to the module's default language."""

from __future__ import annotations

from uprest.courses.document import get_in, is_filled, lessons, questions, text_keys


class Text(str):
    """A string that knows its language and whether it stands in for a missing translation."""

    lang: str = ""
    is_fallback: bool = False

    @classmethod
    def of(cls, value: str, lang: str, is_fallback: bool) -> Text:
        text = cls(value)
        text.lang = lang
        text.is_fallback = is_fallback
        return text


def outline_text(outline: dict, locale: str, default: str) -> dict:
    """Title and summary for lists, from a version's outline."""
    texts = outline.get("text") or {}
    own, base = texts.get(locale) or {}, texts.get(default) or {}
    result = {}
    for key in ("title", "summary"):
        if is_filled(own.get(key)):
            result[key] = Text.of(own[key], locale, False)
        else:
            result[key] = Text.of(base.get(key, ""), default, locale != default)
    return result


class Localised:
    """Read-only view of a document in ``locale``; every string is a ``Text``."""

    def __init__(self, content: dict, locale: str):
        self.content = content
        self.module = content["module"]
        self.locale = locale
        self.default = self.module["default_language"]
        texts = content.get("text") or {}
        self.own = texts.get(locale) or {}
        self.base = texts.get(self.default) or {}

    def t(self, *key):
        value = get_in(self.own, key)
        if is_filled(value):
            return value if isinstance(value, list) else Text.of(value, self.locale, False)
        value = get_in(self.base, key)
        if isinstance(value, list):
            return value
        return Text.of(value or "", self.default, self.locale != self.default)

    def body(self, lesson: str) -> Text:
        bodies = self.content.get("bodies") or {}
        own = (bodies.get(self.locale) or {}).get(lesson)
        if is_filled(own):
            return Text.of(own, self.locale, False)
        base = (bodies.get(self.default) or {}).get(lesson, "")
        return Text.of(base, self.default, self.locale != self.default)

    def accepted_answers(self, question_id: str) -> list[str]:
        """Short-text answers of this language and of the default language."""
        own = get_in(self.own, ("quiz", question_id, "answers")) or []
        base = get_in(self.base, ("quiz", question_id, "answers")) or []
        return [*own, *base]

    def is_untranslated(self, *prefix: str) -> bool:
        """Whether any string under ``prefix`` is shown in the default language."""
        if self.locale == self.default:
            return False
        keys = [k for k in text_keys(self.module) if k[: len(prefix)] == prefix]
        return any(not is_filled(get_in(self.own, key)) for key in keys)

    @property
    def title(self) -> Text:
        return self.t("title")

    @property
    def summary(self) -> Text:
        return self.t("summary")

    @property
    def lessons(self) -> list[dict]:
        return [
            {
                "slug": item["slug"],
                "minutes": item["minutes"],
                "title": self.t("lessons", item["slug"]),
                "is_cmi5": "cmi5" in item,
            }
            for item in lessons(self.module)
        ]

    @property
    def questions(self) -> list[dict]:
        return questions(self.module)

    @property
    def pass_mark(self) -> int:
        quiz = self.module.get("quiz") or {}
        return quiz.get("pass_mark", 0)
