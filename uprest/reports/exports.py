"""Open-data exports of a summary: CSV, its CSV on the Web metadata, and a DCAT-AP description.

Only what the summary page publishes goes out: suppressed cells are empty (the CSVW null) and
flagged, free text never appears. The CSV and its metadata describe each other; a test reads
the CSV through the metadata with a CSVW validator.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from uprest.reports.services import Cell, Release, Summary
from uprest.surveys.models import localised

EU = "http://publications.europa.eu/resource/authority/"

# (name, CSVW datatype, definition); names are stable, definitions are English metadata.
COLUMNS = [
    ("scope", "string", "municipality: the municipality's businesses; consortium: all of them"),
    ("breakdown", "string", "all, sector or size_band: how businesses are grouped"),
    ("group", "string", "the sector or size band code, or all"),
    ("competence", "string", "code of the competence in the UPREST competence framework"),
    ("competence_name", "string", "name of the competence"),
    ("businesses", "integer", "businesses with a submitted business part and self-assessments"),
    ("respondents", "integer", "staff self-assessments behind the figures"),
    ("mean_required", "decimal", "mean proficiency the businesses require (1 to 5)"),
    ("mean_current", "decimal", "mean current proficiency of the staff (1 to 5)"),
    ("mean_importance", "decimal", "mean importance the businesses give the competence (1 to 5)"),
    ("mean_gap", "decimal", "mean signed gap: required minus current proficiency"),
    ("median_gap", "decimal", "median signed gap over the businesses"),
    ("prevalence", "decimal", "share of businesses with a gap of at least 1 (0 to 1)"),
    ("borich", "decimal", "Borich mean weighted discrepancy score: mean gap times mean importance"),
    ("suppressed", "boolean", "true when the figures are withheld by disclosure control"),
]


def suppression_rule(release: Release) -> str:
    return (
        f"No figure is published for a group of fewer than {release.threshold} businesses. "
        "When a group of a breakdown is withheld, further groups are withheld, smallest first, "
        f"until at least two are and together they hold at least {release.threshold} businesses, "
        "so no withheld group can be recomputed from the totals. Answer distributions are "
        f"published only for {release.distribution_threshold} or more businesses. Free-text "
        "answers are never published."
    )


def _number(value, digits: int = 3) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _values(scope, breakdown, group, competence, cell: Cell, locale) -> list[str]:
    stats = cell.stats if cell.shown else None
    head = [scope, breakdown, group, competence.code, localised(competence.names, locale)]
    if stats is None:
        return head + [""] * 9 + ["true" if cell.suppressed else "false"]
    return head + [
        str(stats.businesses),
        str(stats.respondents),
        _number(stats.required),
        _number(stats.current),
        _number(stats.importance),
        _number(stats.mean_gap),
        _number(stats.median_gap),
        _number(stats.prevalence),
        _number(stats.borich),
        "false",
    ]


def rows(summary: Summary, locale: str = "en") -> Iterator[list[str]]:
    for row in summary.rows:
        if row.cell.stats is not None or row.cell.suppressed:
            yield _values("municipality", "all", "all", row.competence, row.cell, locale)
    for breakdown in summary.breakdowns:
        for competence, cells in breakdown.rows:
            for group in breakdown.groups:
                cell = cells[group.value]
                if cell.stats is not None or cell.suppressed:
                    yield _values(
                        "municipality", breakdown.key, group.value, competence, cell, locale
                    )
    for row in summary.rows:
        if row.consortium.stats is not None or row.consortium.suppressed:
            yield _values("consortium", "all", "all", row.competence, row.consortium, locale)


def csv_text(summary: Summary, locale: str = "en") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([name for name, _type, _definition in COLUMNS])
    writer.writerows(rows(summary, locale))
    return buffer.getvalue()


def file_stem(release: Release) -> str:
    return f"uprest-skill-gaps-{release.municipality.slug}-wave-{release.wave.id}"


def _title(release: Release) -> str:
    return f"Skill gaps of tourism businesses in {release.municipality.name}: {release.wave.title}"


def _description(release: Release) -> str:
    return (
        "Aggregated, anonymised results of the UPREST skill-gap survey: required and current "
        "proficiency per competence, gaps, prevalence and Borich priority scores, overall and "
        "by sector and size band, with the consortium for comparison."
    )


def csvw_metadata(release: Release, csv_url: str) -> dict:
    """CSV on the Web metadata (W3C tabular metadata) for the CSV at ``csv_url``."""
    wave = release.wave
    return {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "en"}],
        "url": csv_url,
        "dc:title": _title(release),
        "dc:description": _description(release),
        "dc:spatial": {
            "schema:name": release.municipality.name,
            "schema:addressCountry": release.municipality.country,
        },
        "dc:temporal": f"{wave.opens_on.isoformat()}/{wave.closes_on.isoformat()}",
        "prov:wasGeneratedBy": {
            "schema:name": wave.title,
            "schema:identifier": str(wave.id),
            "schema:startDate": wave.opens_on.isoformat(),
            "schema:endDate": wave.closes_on.isoformat(),
            "schema:isBasedOn": f"UPREST competence framework, version {wave.framework.version}",
        },
        "rdfs:comment": suppression_rule(release),
        "dialect": {"header": True, "delimiter": ",", "encoding": "utf-8"},
        "tableSchema": {
            "columns": [
                {
                    "name": name,
                    "titles": name,
                    "datatype": datatype,
                    "required": name in ("scope", "breakdown", "group", "competence"),
                    "dc:description": definition,
                }
                for name, datatype, definition in COLUMNS
            ],
            "primaryKey": ["scope", "breakdown", "group", "competence"],
        },
    }


def _ref(iri: str) -> dict:
    return {"@id": iri}


def dcat_dataset(release: Release, *, dataset_url: str, csv_url: str, metadata_url: str) -> dict:
    """A DCAT-AP dataset description (JSON-LD) with the CSV and its metadata as distributions."""
    wave = release.wave
    date = {"@type": "xsd:date"}
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "locn": "http://www.w3.org/ns/locn#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": dataset_url,
        "@type": "dcat:Dataset",
        "dct:identifier": file_stem(release),
        "dct:title": {"@value": _title(release), "@language": "en"},
        "dct:description": {"@value": _description(release), "@language": "en"},
        "dct:issued": {**date, "@value": wave.closes_on.isoformat()},
        "dct:spatial": {
            "@type": "dct:Location",
            "locn:geographicName": release.municipality.name,
        },
        "dct:temporal": {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": {**date, "@value": wave.opens_on.isoformat()},
            "dcat:endDate": {**date, "@value": wave.closes_on.isoformat()},
        },
        "dct:publisher": {"@type": "foaf:Agent", "foaf:name": release.municipality.name},
        "dcat:theme": [_ref(EU + "data-theme/EDUC"), _ref(EU + "data-theme/ECON")],
        "dcat:keyword": ["skills", "tourism", "digital skills", "green skills", "survey"],
        "dct:accessRights": _ref(EU + "access-right/PUBLIC"),
        "dct:conformsTo": _ref(metadata_url),
        "dcat:distribution": [
            {
                "@type": "dcat:Distribution",
                "dct:title": {"@value": "Summary table (CSV)", "@language": "en"},
                "dcat:accessURL": _ref(csv_url),
                "dcat:downloadURL": _ref(csv_url),
                "dcat:mediaType": _ref("https://www.iana.org/assignments/media-types/text/csv"),
                "dct:format": _ref(EU + "file-type/CSV"),
                "dct:license": _ref(EU + "licence/CC_BY_4_0"),
                "dct:conformsTo": _ref(metadata_url),
            },
            {
                "@type": "dcat:Distribution",
                "dct:title": {"@value": "CSV on the Web metadata (JSON)", "@language": "en"},
                "dcat:accessURL": _ref(metadata_url),
                "dcat:downloadURL": _ref(metadata_url),
                "dcat:mediaType": _ref(
                    "https://www.iana.org/assignments/media-types/application/csvm+json"
                ),
                "dct:format": _ref(EU + "file-type/JSON"),
                "dct:license": _ref(EU + "licence/CC_BY_4_0"),
            },
        ],
    }
