"""What each translatable text of a module is for, in words: the translate page's field labels.

Translators see "Lesson 2 title" or "Question 3, option b" rather than the document's keys
(``lessons.water``, ``quiz.q3.options.b``), which mean nothing to them.
"""

from __future__ import annotations

from string import ascii_lowercase

from uprest.courses.document import lessons, questions
from uprest.i18n import _


def _letter(index: int) -> str:
    return ascii_lowercase[index] if index < len(ascii_lowercase) else str(index + 1)


class Purposes:
    """Labels for one module's keys; positions are counted once from its structure."""

    def __init__(self, module: dict):
        self.lessons = {item.get("slug"): n for n, item in enumerate(lessons(module), start=1)}
        self.questions = {}
        self.options = {}
        self.pairs = {}
        for n, question in enumerate(questions(module), start=1):
            qid = question.get("id")
            self.questions[qid] = n
            options = [o for o in question.get("options") or [] if isinstance(o, dict)]
            self.options[qid] = {o.get("id"): _letter(i) for i, o in enumerate(options)}
            self.pairs[qid] = {p: i for i, p in enumerate(question.get("pairs") or [], start=1)}

    def lesson_text(self, slug: str) -> str:
        return _("Lesson %(n)s text", n=self.lessons.get(slug, slug))

    def __call__(self, key: tuple) -> str:
        if key == ("title",):
            return _("Module title")
        if key == ("summary",):
            return _("Module summary")
        if key[0] == "lessons":
            return _("Lesson %(n)s title", n=self.lessons.get(key[1], key[1]))
        qid, part = key[1], key[2]
        n = self.questions.get(qid, qid)
        option = self.options.get(qid, {})
        if part == "prompt":
            return _("Question %(n)s", n=n)
        if part == "options":
            return _("Question %(n)s, option %(option)s", n=n, option=option.get(key[3], key[3]))
        if part == "answers":
            return _("Question %(n)s, accepted answers (one per line)", n=n)
        if part == "pairs":
            pair = self.pairs.get(qid, {}).get(key[3], key[3])
            if key[4] == "left":
                return _("Question %(n)s, pair %(pair)s, left side", n=n, pair=pair)
            return _("Question %(n)s, pair %(pair)s, right side", n=n, pair=pair)
        # feedback: on an option, or on a right or a wrong answer
        if key[3] == "correct":
            return _("Question %(n)s, feedback on a right answer", n=n)
        if key[3] == "incorrect":
            return _("Question %(n)s, feedback on a wrong answer", n=n)
        return _(
            "Question %(n)s, feedback on option %(option)s", n=n, option=option.get(key[3], key[3])
        )
