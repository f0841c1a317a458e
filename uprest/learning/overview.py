"""What the learner's pages show: a path with its modules' states, and the dashboard."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from uprest.accounts.models import User
from uprest.courses import services as course_services
from uprest.courses.models import CoursePath
from uprest.courses.services import Text, version_title
from uprest.extensions import db
from uprest.learning import progress
from uprest.learning.models import PathEnrolment
from uprest.learning.services import business_enrolments, followed_paths, user_enrolments


@dataclass
class PathRow:
    slug: str
    title: Text
    minutes: int
    required: bool
    after: list[Text]
    status: str  # completed, in_progress, open, locked
    percent: int


def path_overview(user: User | None, path: CoursePath, locale: str) -> dict:
    entries = course_services.ordered_entries(course_services.path_entries(path.document))
    versions = course_services.latest_versions([e.module for e in entries])
    titles = {slug: version_title(v, locale) for slug, v in versions.items()}
    percents: dict[str, int] = {}
    followed = None
    if user is not None:
        enrolments = [e for e in user_enrolments(user) if e.module.slug in versions]
        found = progress.for_enrolments(enrolments)
        percents = {e.module.slug: found[e.id].percent for e in enrolments}
        followed = db.session.scalar(
            sa.select(PathEnrolment).where(
                PathEnrolment.user_id == user.id, PathEnrolment.path_id == path.id
            )
        )
    completed = {slug for slug, percent in percents.items() if percent == 100}
    state = progress.PathProgress(entries, completed)
    rows = []
    for entry in entries:
        if entry.module not in versions:
            continue
        blocked = state.locked[entry.module]
        if entry.module in completed:
            status = "completed"
        elif blocked:
            status = "locked"
        else:
            status = "in_progress" if entry.module in percents else "open"
        rows.append(
            PathRow(
                slug=entry.module,
                title=titles[entry.module],
                minutes=versions[entry.module].estimated_minutes,
                required=entry.required,
                after=[titles.get(slug, Text(slug)) for slug in entry.after],
                status=status,
                percent=percents.get(entry.module, 0),
            )
        )
    return {
        "path": path,
        "text": course_services.path_text(path.document, locale),
        "rows": rows,
        "total_minutes": sum(r.minutes for r in rows),
        "required_minutes": sum(r.minutes for r in rows if r.required),
        "progress": state,
        "next_step": state.next_step,
        "next_title": titles.get(state.next_step) if state.next_step else None,
        "followed": followed,
    }


def list_paths(locale: str) -> list[dict]:
    """Every path with its title and total time, for the catalogue (two queries)."""
    all_paths = course_services.list_paths()
    versions = course_services.latest_versions()
    return [
        {
            "path": path,
            "text": course_services.path_text(path.document, locale),
            "minutes": course_services.path_minutes(path, versions),
            "modules": len(path.module_slugs),
        }
        for path in all_paths
    ]


def dashboard(user: User, locale: str) -> dict:
    enrolments = user_enrolments(user)
    found = progress.for_enrolments(enrolments)
    modules = [
        {"enrolment": e, "title": version_title(e.version, locale), "progress": found[e.id]}
        for e in enrolments
    ]
    completed = {e.module.slug for e in enrolments if found[e.id].completed}
    versions = course_services.latest_versions()
    followed = []
    for path_enrolment in followed_paths(user):
        entries = [
            e
            for e in course_services.path_entries(path_enrolment.path.document)
            if e.module in versions
        ]
        state = progress.PathProgress(entries, completed)
        step = state.next_step
        followed.append(
            {
                "path": path_enrolment.path,
                "text": course_services.path_text(path_enrolment.path.document, locale),
                "progress": state,
                "next_step": step,
                "next_title": version_title(versions[step], locale) if step else None,
            }
        )
    next_step = next((f for f in followed if f["next_step"]), None)
    resume = next((m for m in modules if not m["progress"].completed), None)
    return {"modules": modules, "paths": followed, "next_step": next_step, "resume": resume}


def team_progress(business_id: int, locale: str) -> list[dict]:
    """What a manager sees of the staff's learning: each enrolment and how far it has come."""
    enrolments = business_enrolments(business_id)
    found = progress.for_enrolments(enrolments)
    return [
        {"enrolment": e, "title": version_title(e.version, locale), "progress": found[e.id]}
        for e in enrolments
    ]
