"""The competence framework: read from the shipped YAML, stored as versions, looked up by code."""

from __future__ import annotations

import functools
import hashlib
import json
import re
from pathlib import Path

import sqlalchemy as sa
import yaml

from uprest.extensions import db
from uprest.i18n import LOCALES
from uprest.surveys.models import LEVELS, Competence, CompetenceArea, Framework, localised

FRAMEWORK_FILE = Path(__file__).with_name("framework.yaml")
CODE = re.compile(r"^[A-Z]{3}-\d{2}$")


class FrameworkError(ValueError):
    """The framework file breaks a rule (for the CLI and tests; never shown in the web UI)."""


def read_framework(path: Path = FRAMEWORK_FILE) -> dict:
    """The framework file, checked: unique codes, five levels, every text in every locale."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    _check_texts(data["title"], "title")
    if sorted(int(level) for level in data["scale"]) != list(LEVELS):
        raise FrameworkError("the scale must have exactly the levels 1 to 5")
    for level, texts in data["scale"].items():
        _check_texts(texts, f"scale {level}")
    seen: set[str] = set()
    for area in data["areas"]:
        _check_texts(area["name"], area["code"])
        for item in area["competences"]:
            code = item["code"]
            if not CODE.match(code) or not code.startswith(area["code"] + "-") or code in seen:
                raise FrameworkError(f"bad or repeated competence code {code!r}")
            seen.add(code)
            _check_texts(item["name"], code)
            _check_texts(item["description"], code)
    return data


def _check_texts(texts: dict, where: str) -> None:
    missing = [code for code in LOCALES if not str(texts.get(code) or "").strip()]
    if missing:
        raise FrameworkError(f"{where}: no text for {', '.join(missing)}")


def checksum(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def latest_framework(code: str = "uprest") -> Framework | None:
    return db.session.scalar(
        sa.select(Framework).where(Framework.code == code).order_by(Framework.version.desc())
    )


def sync_framework(path: Path = FRAMEWORK_FILE) -> tuple[Framework, bool]:
    """The latest stored version, adding a new one when the file changed; (framework, created)."""
    data = read_framework(path)
    digest = checksum(data)
    latest = latest_framework(data["code"])
    if latest is not None and latest.checksum == digest:
        return latest, False
    framework = Framework(
        code=data["code"],
        version=(latest.version + 1) if latest else 1,
        checksum=digest,
        titles=data["title"],
        scale={str(level): texts for level, texts in data["scale"].items()},
    )
    db.session.add(framework)
    position = 0
    for area_position, area_data in enumerate(data["areas"], start=1):
        area = CompetenceArea(
            framework=framework,
            code=area_data["code"],
            position=area_position,
            names=area_data["name"],
        )
        db.session.add(area)
        for item in area_data["competences"]:
            position += 1
            db.session.add(
                Competence(
                    framework=framework,
                    area=area,
                    code=item["code"],
                    position=position,
                    source=str(item["source"]),
                    esco_uri=item.get("esco") or None,
                    names=item["name"],
                    descriptions=item["description"],
                )
            )
    db.session.flush()
    return framework, True


def competences_by_code(framework: Framework) -> dict[str, Competence]:
    return {c.code: c for c in framework.competences}


def competence_names() -> dict[str, str]:
    """Each code's name in the reader's language, from the newest stored framework (or the
    shipped file before any is stored): pages show names and keep the code for a tooltip."""
    framework = latest_framework()
    if framework is not None:
        return {c.code: c.name for c in framework.competences}
    return {
        item["code"]: localised(item["name"])
        for area in _shipped()["areas"]
        for item in area["competences"]
    }


@functools.cache
def _shipped() -> dict:
    return read_framework()
