"""Demo survey data: two consortium-wide waves answered by enough businesses in every municipality
that each reviewer sees a real summary, with some breakdown cells withheld."""

from __future__ import annotations

import random
import secrets
from datetime import timedelta

import sqlalchemy as sa

from uprest.accounts import services as account_services
from uprest.accounts.demo import DEMO_CONFIRMED_AGO, DEMO_PASSWORD
from uprest.accounts.models import Business, Municipality, Role, Sector, SizeBand, User
from uprest.core.time import utcnow
from uprest.extensions import db
from uprest.surveys import gaps
from uprest.surveys.framework import sync_framework
from uprest.surveys.models import (
    BusinessRating,
    BusinessResponse,
    SelfAssessment,
    SelfRating,
    SurveyWave,
)

BASELINE = "Baseline survey 2026"
FOLLOW_UP = "Follow-up survey 2026"
# Uneven on purpose: the small sectors and size bands are withheld in the breakdowns.
SECTORS = (
    [Sector.ACCOMMODATION] * 5
    + [Sector.FOOD_AND_BEVERAGE] * 4
    + [
        Sector.TOUR_OPERATORS,
        Sector.TOUR_OPERATORS,
        Sector.ATTRACTIONS,
        Sector.TRANSPORT,
    ]
)
SIZES = [SizeBand.MICRO] * 8 + [SizeBand.SMALL] * 3 + [SizeBand.MEDIUM] * 2
# Competences where small tourism businesses typically lag (bigger demo gaps).
HARD = {"DIG-06", "DIG-07", "DIG-08", "DIG-10", "GRN-07", "GRN-06", "ENT-03", "GCM-03"}


def _waves(framework) -> list[SurveyWave]:
    today = utcnow().date()
    spec = [
        (BASELINE, today - timedelta(days=150), today - timedelta(days=90)),
        (FOLLOW_UP, today - timedelta(days=20), today + timedelta(days=70)),
    ]
    waves = []
    for title, opens_on, closes_on in spec:
        wave = db.session.scalar(sa.select(SurveyWave).where(SurveyWave.title == title))
        if wave is None:
            wave = SurveyWave(
                title=title, framework=framework, opens_on=opens_on, closes_on=closes_on
            )
            db.session.add(wave)
        waves.append(wave)
    db.session.flush()
    return waves


def _businesses(place: Municipality) -> list[Business]:
    """The municipality's demo businesses, topped up to 13 survey businesses."""
    existing = {b.name: b for b in place.businesses}
    for n, (sector, size) in enumerate(zip(SECTORS, SIZES, strict=True), start=1):
        name = f"{place.name} demo business {n:02d}"
        if name not in existing:
            existing[name] = Business(
                name=name,
                sector=sector,
                size_band=size,
                municipality=place,
                confirmed_at=utcnow() - DEMO_CONFIRMED_AGO,
            )
            db.session.add(existing[name])
    db.session.flush()
    return sorted(existing.values(), key=lambda b: b.id)


def _staff(business: Business, rng: random.Random, password_hash: str, known: set) -> list[User]:
    """The business's staff; demo businesses get a manager and up to two more people."""
    if business.staff:
        return list(business.staff)
    slug = business.municipality.slug
    people = []
    for k in range(rng.randint(1, 3)):
        email = f"staff{business.id}-{k}.{slug}@demo.uprest.eu"
        if email in known:
            continue
        user = User(
            email=email,
            display_name=f"Demo staff {business.id}-{k}",
            password_hash=password_hash,
            role=Role.MANAGER if k == 0 else Role.LEARNER,
            business=business,
            session_token=secrets.token_hex(16),
        )
        db.session.add(user)
        people.append(user)
    return people


def _answer(wave, business, staff, competences, rng, improvement, skip_self=()) -> None:
    now = utcnow()
    manager = next((p for p in staff if p.role is Role.MANAGER), staff[0])
    response = BusinessResponse(
        wave_id=wave.id,
        business_id=business.id,
        answered_by_id=manager.id,
        sector=business.sector,
        size_band=business.size_band,
        page=5,
        submitted_at=now,
    )
    db.session.add(response)
    db.session.flush()
    required = {}
    rows = []
    for c in competences:
        level = min(5, max(2, round(rng.gauss(3.6 if c.code in HARD else 3.2, 0.8))))
        required[c.id] = level
        importance = min(5, max(1, level + rng.choice((-1, 0, 0, 1))))
        rows.append(
            {
                "response_id": response.id,
                "competence_id": c.id,
                "required": level,
                "importance": importance,
            }
        )
    db.session.execute(sa.insert(BusinessRating), rows)
    for person in staff:
        if person.email in skip_self:
            continue
        assessment = SelfAssessment(
            wave_id=wave.id, user_id=person.id, business_id=business.id, page=4, submitted_at=now
        )
        db.session.add(assessment)
        db.session.flush()
        ratings = []
        for c in competences:
            lag = rng.choice((0, 1, 1, 2, 2, 3) if c.code in HARD else (0, 0, 1, 1, 2))
            lift = improvement if rng.random() < 0.4 else 0
            current = min(5, max(1, required[c.id] - lag + lift + rng.choice((-1, 0, 0, 1))))
            ratings.append(
                {"assessment_id": assessment.id, "competence_id": c.id, "current": current}
            )
        db.session.execute(sa.insert(SelfRating), ratings)


def seed_steps():
    """Yield one label per step (framework, then each municipality); idempotent."""
    framework, _created = sync_framework()
    yield "framework"
    waves = _waves(framework)
    answered = set(db.session.scalars(sa.select(BusinessResponse.wave_id).distinct()))
    password_hash = account_services.hash_password(DEMO_PASSWORD)
    known = set(
        db.session.scalars(sa.select(User.email).where(User.email.like("%@demo.uprest.eu")))
    )
    competences = list(framework.competences)
    places = db.session.scalars(sa.select(Municipality).order_by(Municipality.id)).all()
    for place in places:
        rng = random.Random(place.slug)
        businesses = _businesses(place)
        staff = {b.id: _staff(b, rng, password_hash, known) for b in businesses}
        db.session.flush()
        for index, wave in enumerate(waves):
            if wave.id in answered:
                continue
            # Fewer answers in the follow-up, and Daugavpils below the distribution threshold.
            count = len(businesses) - (2 if index else 0) - (5 if place.slug == "daugavpils" else 0)
            for business in businesses[:count]:
                people = staff[business.id]
                if not people:
                    continue
                # The demo manager's own self-assessment is left for them to try out.
                skip = {"manager@demo.uprest.eu"} if index else set()
                _answer(wave, business, people, competences, rng, index, skip)
        yield place.slug
    for wave in waves:
        if wave.id not in answered:
            gaps.refresh(wave.id)
    db.session.flush()
    yield "summaries"


STEPS = 2 + 6
