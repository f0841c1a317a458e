"""Demo data for ``make run``: businesses in every municipality and one account per role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from uprest.accounts import services
from uprest.accounts.models import Business, Municipality, Role, Sector, SizeBand
from uprest.core.time import utcnow
from uprest.extensions import db

# Demo businesses were confirmed long before the demo survey waves closed.
DEMO_CONFIRMED_AGO = timedelta(days=365)

DEMO_PASSWORD = "uprest-demo-2026"

DEMO_BUSINESSES = {
    "trollhattan": [
        ("Fallens Gästhem", Sector.ACCOMMODATION, SizeBand.MICRO),
        ("Kanalkaféet", Sector.FOOD_AND_BEVERAGE, SizeBand.MICRO),
        ("Göta Älv Guidning", Sector.TOUR_OPERATORS, SizeBand.SMALL),
    ],
    "vanersborg": [
        ("Vänerns Båtturer", Sector.TRANSPORT, SizeBand.MICRO),
        ("Hunnebergs Vildmarksläger", Sector.ATTRACTIONS, SizeBand.SMALL),
        ("Sjöstadens Festival", Sector.EVENTS, SizeBand.MICRO),
    ],
    "ravenna": [
        ("Locanda dei Mosaici", Sector.ACCOMMODATION, SizeBand.SMALL),
        ("Osteria San Vitale", Sector.FOOD_AND_BEVERAGE, SizeBand.MICRO),
        ("Ravenna Bike Tours", Sector.TOUR_OPERATORS, SizeBand.MICRO),
    ],
    "cervia": [
        ("Hotel Saline", Sector.ACCOMMODATION, SizeBand.MEDIUM),
        ("Bagno Pineta", Sector.ATTRACTIONS, SizeBand.MICRO),
        ("Sale Dolce Eventi", Sector.EVENTS, SizeBand.SMALL),
    ],
    "tartu": [
        ("Emajõe Külalistemaja", Sector.ACCOMMODATION, SizeBand.MICRO),
        ("Toomemäe Kohvik", Sector.FOOD_AND_BEVERAGE, SizeBand.MICRO),
        ("Tartu Linnaretked", Sector.TOUR_OPERATORS, SizeBand.SMALL),
    ],
    "daugavpils": [
        ("Daugavas Viesu Nams", Sector.ACCOMMODATION, SizeBand.SMALL),
        ("Cietokšņa Ekskursijas", Sector.ATTRACTIONS, SizeBand.MICRO),
        ("Latgales Ceļojumi", Sector.TRANSPORT, SizeBand.MICRO),
    ],
}


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: Role
    municipality: str | None = None
    business: str | None = None


DEMO_ACCOUNTS = [
    DemoAccount("admin@demo.uprest.eu", "Alma Admin", Role.ADMIN),
    DemoAccount("trainer@demo.uprest.eu", "Tomas Trainer", Role.TRAINER),
    DemoAccount("reviewer@demo.uprest.eu", "Chiara Reviewer", Role.REVIEWER, "cervia"),
    DemoAccount(
        "reviewer-trollhattan@demo.uprest.eu", "Sara Granskare", Role.REVIEWER, "trollhattan"
    ),
    DemoAccount(
        "reviewer-vanersborg@demo.uprest.eu", "Erik Granskare", Role.REVIEWER, "vanersborg"
    ),
    DemoAccount("reviewer-ravenna@demo.uprest.eu", "Luca Revisore", Role.REVIEWER, "ravenna"),
    DemoAccount("reviewer-tartu@demo.uprest.eu", "Kadri Hindaja", Role.REVIEWER, "tartu"),
    DemoAccount(
        "reviewer-daugavpils@demo.uprest.eu", "Ilze Vērtētāja", Role.REVIEWER, "daugavpils"
    ),
    DemoAccount("manager@demo.uprest.eu", "Maja Manager", Role.MANAGER, None, "Fallens Gästhem"),
    DemoAccount("learner@demo.uprest.eu", "Linus Learner", Role.LEARNER, None, "Fallens Gästhem"),
]


def _municipality(slug: str) -> Municipality:
    return db.session.scalar(sa.select(Municipality).where(Municipality.slug == slug))


def _business(name: str) -> Business | None:
    return db.session.scalar(sa.select(Business).where(Business.name == name))


def seed_steps():
    """Yield one label per step, so the CLI can show progress; each step is idempotent."""
    for slug, rows in DEMO_BUSINESSES.items():
        municipality = _municipality(slug)
        for name, sector, size in rows:
            if _business(name) is None:
                db.session.add(
                    Business(
                        name=name,
                        sector=sector,
                        size_band=size,
                        municipality=municipality,
                        confirmed_at=utcnow() - DEMO_CONFIRMED_AGO,
                    )
                )
        db.session.flush()
        yield slug
    for account in DEMO_ACCOUNTS:
        if services.get_user_by_email(account.email) is None:
            services.create_user(
                email=account.email,
                display_name=account.name,
                password=DEMO_PASSWORD,
                role=account.role,
                municipality=_municipality(account.municipality) if account.municipality else None,
                business=_business(account.business) if account.business else None,
            )
        yield account.email


def demo_logins() -> list[tuple[str, str, str]]:
    return [(a.role.value, a.email, DEMO_PASSWORD) for a in DEMO_ACCOUNTS]
