"""A path as one document (structure and text per locale) and its rules."""

from __future__ import annotations

from uprest.courses import paths
from uprest.courses.document import SLUG, Problem, is_filled, where
from uprest.i18n import LOCALES, _l

PATH_KEYS = {"slug", "modules"}
ENTRY_KEYS = {"module", "required", "after"}
TEXT_KEYS = {"title", "description"}


def path_error_message(error: paths.PathError):
    """The clear, translated sentence for a refused set of prerequisites."""
    if isinstance(error, paths.CycleError):
        return _l(
            "These prerequisites go round in a circle, so no one could ever start: %(cycle)s. "
            "Remove one of them.",
            cycle=" → ".join(error.cycle),
        )
    if isinstance(error, paths.UnknownPrerequisiteError):
        return _l(
            "“%(module)s” needs “%(prerequisite)s” first, but that module is not in the path.",
            module=error.module,
            prerequisite=error.prerequisite,
        )
    return _l("“%(module)s” appears more than once in the path.", module=error.module)


def entries(document: dict) -> list[paths.PathEntry]:
    return paths.entries_from(document["path"].get("modules") or [])


def validate_path_document(document: dict, slug: str | None = None, source: str = "") -> list:
    """Every problem of a path file; module entries too broken to read end the check there."""
    path, texts = document.get("path"), document.get("text") or {}
    problems: list[Problem] = []

    def error(node, message):
        problems.append(Problem(where(node, source), message))

    if not isinstance(path, dict):
        return [Problem(source, _l("The path file must be a mapping of keys and values."))]
    for key in set(path) - PATH_KEYS:
        error(path, _l("Unknown key “%(key)s” in %(name)s.", key=key, name="path"))
    if not isinstance(path.get("slug"), str) or not SLUG.match(path.get("slug") or ""):
        error(path, _l("The slug may hold only lower-case letters, digits and hyphens."))
    elif slug is not None and path["slug"] != slug:
        error(path, _l("The slug must equal the file name “%(name)s”.", name=slug))
    if not _check_entries(path, error):
        return problems
    try:
        paths.check(entries(document))
    except paths.PathError as refused:
        error(path, path_error_message(refused))
    return problems + _text_problems(texts, source)


def _check_entries(path: dict, error) -> bool:
    """Report what is wrong with the module entries; false when they are too broken for
    the prerequisites and texts to be checked."""
    items = path.get("modules")
    if not isinstance(items, list) or not items:
        error(path, _l("A path needs at least one module."))
        return False
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("module"), str):
            error(path, _l("Each entry of “modules” needs a “module”."))
            return False
        for key in set(item) - ENTRY_KEYS:
            error(item, _l("Unknown key “%(key)s” in %(name)s.", key=key, name=item["module"]))
        if not isinstance(item.get("required", True), bool):
            error(item, _l("“required” must be true or false."))
        after = item.get("after", [])
        if not isinstance(after, list) or not all(isinstance(a, str) for a in after):
            error(item, _l("“after” must be a list of module slugs."))
            return False
    return True


def _text_problems(texts: dict, source: str) -> list[Problem]:
    """What is wrong with the title and description in each language; English is required."""
    problems = []
    for locale, text in texts.items():
        label = where(text, f"{source}:{locale}")
        if locale not in LOCALES or not isinstance(text, dict):
            problems.append(
                Problem(label, _l("The text file must be a mapping of keys and values."))
            )
            continue
        for key in set(text) - TEXT_KEYS:
            problems.append(Problem(label, _l("Unknown key “%(key)s”.", key=key)))
        for key in TEXT_KEYS & set(text):
            if not (isinstance(text[key], str) and is_filled(text[key])):
                problems.append(
                    Problem(
                        label,
                        _l(
                            "“%(key)s” must be a text; put it in quotes if it looks like a number, "
                            "a date or yes/no.",
                            key=key,
                        ),
                    )
                )
    for key in sorted(TEXT_KEYS - set(texts.get("en") or {})):
        problems.append(Problem(source, _l("“%(key)s” is missing in English.", key=key)))
    return problems


def path_text(document: dict, locale: str) -> dict:
    """Title and description in ``locale``, else in English (then ``fallback`` is true)."""
    texts = document.get("text") or {}
    own = texts.get(locale) or {}
    result = {"fallback": False}
    for key in TEXT_KEYS:
        if is_filled(own.get(key)):
            result[key] = own[key]
        else:
            result[key] = (texts.get("en") or {}).get(key, "")
            result["fallback"] = result["fallback"] or locale != "en"
    return result
