"""The Open Badges 3.0 documents: the Achievement of a module and the credential of a learner."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import format_decimal

from uprest.courses.models import ModuleVersion
from uprest.i18n import LOCALES, _, force_locale
from uprest.surveys.services import competences_by_code, latest_framework

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)


def _iso(moment) -> str:
    return moment.replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def _texts(version: ModuleVersion, locale: str) -> tuple[str, str]:
    """Title and summary in ``locale``, else in the version's own language."""
    texts = version.outline.get("text") or {}
    own, base = texts.get(locale) or {}, texts.get(version.default_language) or {}
    title = own.get("title") or base.get("title") or version.slug
    return title, own.get("summary") or base.get("summary") or title


def achievement_locales(version: ModuleVersion) -> list[str]:
    texts = version.outline.get("text") or {}
    return [locale for locale in LOCALES if (texts.get(locale) or {}).get("title")]


def achievement_id(version: ModuleVersion, locale: str) -> str:
    return url_for(
        "uprest.credentials.achievement", slug=version.slug, version=version.number,
        lang=locale, _external=True,
    )  # fmt: skip


def hours(version: ModuleVersion) -> float:
    return round(version.estimated_minutes / 60, 1)


def competences(version: ModuleVersion, locale: str) -> list[dict]:
    """Each competence the module trains: code, name in ``locale``, target level, ESCO URI."""
    framework = latest_framework()
    known = competences_by_code(framework) if framework else {}
    found = []
    for item in version.competences:
        competence = known.get(item.code)
        names = competence.names if competence else {}
        found.append(
            {
                "code": item.code,
                "level": item.level,
                "name": names.get(locale) or names.get("en") or item.code,
                "names": names or {"en": item.code},
                "esco": competence.esco_uri if competence else None,
                "framework": framework.code if framework else "uprest",
            }
        )
    return found


def _alignment(item: dict) -> dict:
    """The ESCO skill where the framework names one, else the catalogue of modules for it."""
    url = item["esco"] or url_for(
        "uprest.learning.catalogue", competence=item["code"], _external=True
    )
    return {
        "type": ["Alignment"],
        "targetName": item["name"],
        "targetCode": item["code"],
        "targetFramework": item["framework"],
        "targetType": "ext:ESCOSkill" if item["esco"] else "ext:UPRESTCompetence",
        "targetUrl": url,
    }


def issuer_profile() -> dict:
    from uprest.credentials.keys import issuer_did

    config = current_app.config
    return {
        "id": issuer_did(),
        "type": ["Profile"],
        "name": config.get("UPREST_CREDENTIAL_ISSUER_NAME") or "UPREST Learning",
        "url": config.get("UPREST_CREDENTIAL_ISSUER_URL")
        or url_for("uprest.home.index", _external=True),
    }


def achievement(version: ModuleVersion, locale: str) -> dict:
    """The module as an Achievement in one language; ``related`` points at the others."""
    title, summary = _texts(version, locale)
    with force_locale(locale):
        narrative = _(
            "Study every lesson of the module and pass its quiz. Estimated study time: "
            "%(hours)s hours.",
            hours=format_decimal(hours(version)),
        )
    return {
        "id": achievement_id(version, locale),
        "type": ["Achievement"],
        "achievementType": "CertificateOfCompletion",
        "name": title,
        "description": summary,
        "criteria": {"narrative": narrative},
        "alignment": [_alignment(item) for item in competences(version, locale)],
        "humanCode": version.slug,
        "inLanguage": locale,
        "version": str(version.number),
        "tag": [item.code for item in version.competences],
        "creator": issuer_profile(),
        "related": _related(
            [achievement_id(version, other) for other in achievement_locales(version)],
            achievement_locales(version),
            locale,
        ),
    }


def _related(ids: list[str], locales: list[str], locale: str) -> list[dict]:
    return [
        {"id": found, "type": ["Related"], "inLanguage": other}
        for found, other in zip(ids, locales, strict=True)
        if other != locale
    ]


def facts(credential, locale: str) -> dict:
    """What a page, the PDF and the credential say: the holder, title, hours, competences."""
    if credential.enrolment is not None:
        version = credential.enrolment.version
        return {
            "registration": credential.enrolment.uuid,
            "name": credential.enrolment.user.display_name,
            "title": _texts(version, locale)[0],
            "hours": hours(version),
            "competences": competences(version, locale),
            "modules": [],
            "achievement": lambda: achievement(version, locale),
        }
    from uprest.credentials import paths

    return paths.facts(credential.path_enrolment, locale)


def credential_document(credential, status_url: str, index: int) -> dict:
    """The unsigned OpenBadgeCredential (VC data model 2.0)."""
    held = facts(credential, credential.locale)
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": url_for("uprest.credentials.show", uuid=credential.uuid, _external=True),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_profile(),
        "validFrom": _iso(credential.issued_at),
        "name": held["title"],
        "credentialSubject": {
            # The enrolment: pseudonymous, and the same as the xAPI registration.
            "id": f"urn:uuid:{held['registration']}",
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": held["name"],
                }
            ],
            "achievement": held["achievement"](),
        },
        "credentialStatus": {
            "id": f"{status_url}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index),
            "statusListCredential": status_url,
        },
        "credentialSchema": [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
    }
