"""Import and export of course packages: validate everything first, then write in one go."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from uprest.courses import package, services
from uprest.courses.document import Problem
from uprest.i18n import _l


class PackageError(Exception):
    """The packages have problems; nothing was written."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def read_all(root: Path) -> tuple[list[dict], list[dict]]:
    """Every module and path under ``root``, fully checked; raises PackageError on any problem."""
    if not root.is_dir():
        raise PackageError([Problem(str(root), _l("This folder does not exist."))])
    modules, paths, problems = package.read_tree(root)
    known = {m["module"]["slug"] for m in modules} | services.published_slugs()
    for path in paths:
        problems += services.check_path_modules(path, known)
    if problems:
        raise PackageError(problems)
    return modules, paths


def write_all(modules: list[dict], paths: list[dict]) -> Iterator[tuple[str, str]]:
    """Load checked documents, yielding (slug, outcome) as each is done; the caller commits."""
    for document in modules:
        yield document["module"]["slug"], services.import_module(document)
    for document in paths:
        yield document["path"]["slug"], services.import_path(document)


def export_module(slug: str, out: Path) -> Path:
    module = services.get_module(slug)
    if module is None:
        raise PackageError([Problem(slug, _l("There is no module “%(module)s”.", module=slug))])
    return package.write_module(services.export_document(module), out)


def export_path(slug: str, out: Path) -> Path:
    path = services.get_path(slug)
    if path is None:
        raise PackageError([Problem(slug, _l("There is no path “%(path)s”.", path=slug))])
    return package.write_path(path.document, out)
