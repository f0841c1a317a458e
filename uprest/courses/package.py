"""Course packages on disk (courses/FORMAT.md): read with file and line, write the same."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from uprest.courses.document import Problem, lessons
from uprest.courses.validation import validate_document
from uprest.i18n import LOCALES, _l

TEXT_FILE = re.compile(r"^text\.([a-z]{2})\.yaml$")
BODY_FILE = re.compile(r"^([a-z0-9-]+)\.([a-z]{2})\.md$")
PATH_TEXT_FILE = re.compile(r"^([a-z0-9-]+)\.([a-z]{2})\.yaml$")


class Located(dict):
    """A mapping that remembers where it was written."""

    where = ""


class LocatedList(list):
    where = ""


class LocatedText(str):
    where = ""


class _Loader(yaml.SafeLoader):
    source = ""


def _construct_mapping(loader: _Loader, node) -> Located:
    loader.flatten_mapping(node)
    result = Located()
    result.where = f"{loader.source}:{node.start_mark.line + 1}"
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
    return result


def _construct_sequence(loader: _Loader, node) -> LocatedList:
    result = LocatedList(loader.construct_sequence(node, deep=True))
    result.where = f"{loader.source}:{node.start_mark.line + 1}"
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(path: Path, label: str, problems: list[Problem]):
    """The file's data, or None with a problem recorded (syntax errors carry their line)."""
    loader = _Loader(path.read_text(encoding="utf-8"))
    loader.source = label
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = f":{mark.line + 1}" if mark else ""
        problems.append(Problem(f"{label}{line}", error.problem or str(error)))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        problems.append(Problem(label, str(error)))
    finally:
        loader.dispose()
    return None


def plain(data):
    """Plain dicts, lists and strings, as stored in the database (and compared after import)."""
    return json.loads(json.dumps(data))


def _label(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def read_module(folder: Path, root: Path | None = None) -> tuple[dict | None, list[Problem]]:
    """One module package as a document, validated; None when anything is wrong."""
    root = root or folder.parent
    problems: list[Problem] = []
    module = load_yaml(folder / "module.yaml", _label(folder / "module.yaml", root), problems)
    if module is None:
        return None, problems or [Problem(_label(folder, root), _l("module.yaml is empty."))]
    if isinstance(module, dict) and module.get("slug") != folder.name:
        problems.append(
            Problem(
                module.where,
                _l("The slug must equal the folder name “%(name)s”.", name=folder.name),
            )
        )
    document = {"module": module, "text": {}, "bodies": {}}
    for path in sorted(folder.iterdir()):
        match = TEXT_FILE.match(path.name)
        if path.name == "module.yaml" or path.name == "lessons":
            continue
        if match and match.group(1) in LOCALES:
            text = load_yaml(path, _label(path, root), problems)
            document["text"][match.group(1)] = text if text is not None else Located()
        else:
            problems.append(Problem(_label(path, root), _l("This file is not part of the format.")))
    lesson_dir = folder / "lessons"
    for path in sorted(lesson_dir.iterdir()) if lesson_dir.is_dir() else []:
        match = BODY_FILE.match(path.name)
        if not match or match.group(2) not in LOCALES:
            problems.append(Problem(_label(path, root), _l("This file is not part of the format.")))
            continue
        body = LocatedText(path.read_text(encoding="utf-8").replace("\r\n", "\n"))
        body.where = f"{_label(path, root)}:1"
        document["bodies"].setdefault(match.group(2), {})[match.group(1)] = body
    if not problems:
        problems = [_relabel(p, folder, root) for p in validate_document(document)]
    return (None if problems else plain(document)), problems


def _relabel(problem: Problem, folder: Path, root: Path) -> Problem:
    """Problems without a line still name the file in the package."""
    if problem.where and "/" not in problem.where:
        return Problem(_label(folder / problem.where, root), problem.message)
    return problem


def read_path(file: Path, root: Path) -> tuple[dict | None, list[Problem]]:
    """A path (structure and its title and description per locale), checked for shape only."""
    problems: list[Problem] = []
    path = load_yaml(file, _label(file, root), problems)
    texts = {}
    for other in sorted(file.parent.glob(f"{file.stem}.*.yaml")):
        match = PATH_TEXT_FILE.match(other.name)
        if match and match.group(1) == file.stem and match.group(2) in LOCALES:
            texts[match.group(2)] = load_yaml(other, _label(other, root), problems)
    if problems:
        return None, problems
    from uprest.courses.pathdoc import validate_path_document

    document = {"path": path, "text": texts}
    problems = validate_path_document(document, file.stem, _label(file, root))
    return (None if problems else plain(document)), problems


def read_tree(root: Path) -> tuple[list[dict], list[dict], list[Problem]]:
    """Every module folder and path file under ``root``; problems from all of them at once."""
    modules, paths, problems = [], [], []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if folder.name == "paths":
            for file in sorted(folder.glob("*.yaml")):
                if "." not in file.stem:
                    document, found = read_path(file, root)
                    paths += [document] if document else []
                    problems += found
        elif (folder / "module.yaml").is_file():
            document, found = read_module(folder, root)
            modules += [document] if document else []
            problems += found
    return modules, paths, problems


def _dump(data, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        yaml.safe_dump(
            data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=None
        ),
        encoding="utf-8",
    )


def write_module(document: dict, out: Path) -> Path:
    """Write the package of one module into ``out/<slug>/``, replacing what was there."""
    folder = out / document["module"]["slug"]
    if folder.exists():
        for old in [*folder.glob("text.*.yaml"), *folder.glob("lessons/*.md")]:
            old.unlink()
    _dump(document["module"], folder / "module.yaml")
    for locale, text in document.get("text", {}).items():
        _dump(text, folder / f"text.{locale}.yaml")
    slugs = [lesson["slug"] for lesson in lessons(document["module"])]
    for locale, bodies in document.get("bodies", {}).items():
        for slug in slugs:
            if slug in bodies:
                target = folder / "lessons" / f"{slug}.{locale}.md"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(bodies[slug], encoding="utf-8")
    return folder


def write_path(document: dict, out: Path) -> Path:
    slug = document["path"]["slug"]
    folder = out / "paths"
    _dump(document["path"], folder / f"{slug}.yaml")
    for locale, text in document.get("text", {}).items():
        _dump(text, folder / f"{slug}.{locale}.yaml")
    return folder / f"{slug}.yaml"
