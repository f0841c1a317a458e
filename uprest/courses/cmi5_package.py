"""cmi5 course packages: a zip with ``cmi5.xml`` checked against the cmi5 course-structure XSD,
read into the assignable units (AUs) a module can take as lesson steps.

Uploads are hostile until proven otherwise: the archive is read without unpacking it to disk,
entry names that climb out of the package are refused, and the unpacked size, the number of
entries and each entry's compression ratio are bounded (zip bombs). The XML parser resolves no
entities and fetches nothing.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree

from uprest.core.errors import ServiceError
from uprest.i18n import _l

NS = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
MAX_ENTRIES = 2000
MAX_UNPACKED = 50 * 1024 * 1024
MAX_RATIO = 100  # a larger compression ratio is a bomb, not a course
MAX_XML = 1024 * 1024


class PackageError(ServiceError):
    """The package is refused; ``problems`` are translated messages, one per problem."""

    def __init__(self, problems: list):
        super().__init__(_l("The cmi5 package was not added."))
        self.problems = problems


@dataclass(frozen=True)
class Au:
    """One assignable unit as ``cmi5.xml`` declares it."""

    id: str
    title: dict[str, str]  # language tag -> text
    description: dict[str, str]
    url: str  # absolute, or relative to the package root
    move_on: str
    mastery_score: float | None
    launch_parameters: str | None
    entitlement_key: str | None

    @property
    def is_external(self) -> bool:
        return "://" in self.url

    def as_step(self, package_id: int, index: int, course_id: str) -> dict:
        """What a module's lesson keeps (and its published versions freeze)."""
        step = {
            "package": package_id,
            "index": index,
            "course": course_id,
            "au": self.id,
            "url": self.url,
            "moveOn": self.move_on,
        }
        if self.mastery_score is not None:
            step["masteryScore"] = self.mastery_score
        if self.launch_parameters:
            step["launchParameters"] = self.launch_parameters
        if self.entitlement_key:
            step["entitlementKey"] = self.entitlement_key
        return step


@dataclass(frozen=True)
class Course:
    id: str
    title: dict[str, str]
    aus: list[Au]
    xml: str


@cache
def _schema() -> etree.XMLSchema:
    path = Path(__file__).parent / "schema" / "cmi5-CourseStructure.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _safe_name(name: str) -> bool:
    """A relative POSIX path that stays inside the package."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/") or ":" in name:
        return False
    normal = posixpath.normpath(name)
    return not (normal == ".." or normal.startswith("../") or "/../" in f"/{name}/")


def _check_archive(archive: zipfile.ZipFile) -> None:
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise PackageError([_l("The package has more than %(n)s files.", n=MAX_ENTRIES)])
    problems = []
    total = 0
    for entry in entries:
        if not _safe_name(entry.filename):
            problems.append(
                _l("The file name “%(name)s” points outside the package.", name=entry.filename)
            )
        total += entry.file_size
        if entry.file_size > MAX_RATIO * max(entry.compress_size, 1) and entry.file_size > 4096:
            problems.append(
                _l("“%(name)s” is compressed suspiciously well; refused.", name=entry.filename)
            )
    if total > MAX_UNPACKED:
        problems.append(
            _l(
                "The package is larger than %(mib)s MiB when unpacked.",
                mib=MAX_UNPACKED // (1024 * 1024),
            )
        )
    if problems:
        raise PackageError(problems)


def _read_limited(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """An entry's bytes, stopping at ``limit``: the declared size of an entry can lie."""
    with archive.open(name) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise PackageError([_l("“%(name)s” is too large.", name=name)])
    return data


def _texts(element, name: str) -> dict[str, str]:
    found = element.find(f"{{{NS}}}{name}")
    if found is None:
        return {}
    return {
        item.get("lang", ""): " ".join((item.text or "").split())
        for item in found.findall(f"{{{NS}}}langstring")
    }


def _optional_text(element, name: str) -> str | None:
    found = element.find(f"{{{NS}}}{name}")
    if found is None:
        return None
    return etree.tostring(found, method="text", encoding="unicode").strip() or None


def parse_structure(xml: bytes) -> Course:
    """The course in ``cmi5.xml``; errors name their line."""
    try:
        tree = etree.fromstring(xml, _parser()).getroottree()
    except etree.XMLSyntaxError as error:
        line = error.lineno or 1
        raise PackageError(
            [
                _l(
                    "cmi5.xml, line %(line)s: not well-formed XML (%(detail)s).",
                    line=line,
                    detail=error.msg,
                )
            ]
        ) from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise PackageError([_l("cmi5.xml may not declare a document type (DTD).")])
    schema = _schema()
    if not schema.validate(tree):
        raise PackageError(
            [
                _l(
                    "cmi5.xml, line %(line)s: does not follow the cmi5 course structure "
                    "(%(detail)s).",
                    line=entry.line,
                    detail=entry.message,
                )
                for entry in schema.error_log
            ]
        )
    root = tree.getroot()
    course = root.find(f"{{{NS}}}course")
    aus = []
    for au in root.iter(f"{{{NS}}}au"):
        mastery = au.get("masteryScore")
        aus.append(
            Au(
                id=au.get("id"),
                title=_texts(au, "title"),
                description=_texts(au, "description"),
                url=(au.findtext(f"{{{NS}}}url") or "").strip(),
                move_on=au.get("moveOn", "NotApplicable"),
                mastery_score=float(mastery) if mastery is not None else None,
                launch_parameters=_optional_text(au, "launchParameters"),
                entitlement_key=_optional_text(au, "entitlementKey"),
            )
        )
    return Course(
        id=course.get("id"), title=_texts(course, "title"), aus=aus, xml=xml.decode("utf-8")
    )


def read_package(data: bytes) -> Course:
    """Check a package (zip) or a bare ``cmi5.xml`` whose AUs are all at external URLs."""
    if data.lstrip()[:1] == b"<":
        course = parse_structure(data)
        local = [au.url for au in course.aus if not au.is_external]
        if local:
            raise PackageError(
                [_l("“%(url)s” is not in the package: upload the zip.", url=local[0])]
            )
        return course
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise PackageError([_l("The file is neither a zip archive nor a cmi5.xml file.")])
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_archive(archive)
            names = set(archive.namelist())
            if "cmi5.xml" not in names:
                raise PackageError([_l("The package has no cmi5.xml at its top level.")])
            course = parse_structure(_read_limited(archive, "cmi5.xml", MAX_XML))
            for au in course.aus:
                target = au.url.split("?")[0].split("#")[0]
                if not au.is_external and target not in names:
                    raise PackageError([_l("“%(url)s” is not in the package.", url=au.url)])
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError):
        raise PackageError([_l("The zip archive is damaged.")]) from None
    return course


def read_file(data: bytes, name: str) -> bytes | None:
    """One file of a stored package, or None (also for names that leave the package)."""
    if not _safe_name(name):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo(name)
            if info.is_dir():
                return None
            return _read_limited(archive, name, MAX_UNPACKED)
    except (KeyError, zipfile.BadZipFile, PackageError):
        return None
