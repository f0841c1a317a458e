"""Rules for businesses, their staff and invitations, and municipality overviews."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from uprest.accounts.models import Business, Invitation, Municipality, Role, Sector, SizeBand, User
from uprest.accounts.services import normalise_email
from uprest.accounts.signals import business_confirmed, business_moving
from uprest.core import disclosure
from uprest.core.errors import ServiceError
from uprest.core.time import utcnow
from uprest.extensions import db
from uprest.i18n import _l


def list_municipalities() -> list[Municipality]:
    return list(db.session.scalars(sa.select(Municipality).order_by(Municipality.name)))


def site_municipality() -> Municipality | None:
    """The municipality this site is run for (``UPREST_MUNICIPALITY``), if it is configured."""
    slug = current_app.config.get("UPREST_MUNICIPALITY")
    if not slug:
        return None
    return db.session.scalar(sa.select(Municipality).where(Municipality.slug == slug))


def importing_municipalities(user: User) -> list[Municipality]:
    """Where ``user`` may import businesses: anywhere for an admin, a reviewer's own place."""
    if user.role is Role.ADMIN:
        return list_municipalities()
    return [user.municipality] if user.role is Role.REVIEWER and user.municipality else []


def _check_name_free(name: str, municipality: Municipality, exclude_id: int | None = None) -> None:
    query = sa.select(Business.id).where(
        Business.municipality_id == municipality.id, sa.func.lower(Business.name) == name.lower()
    )
    if exclude_id is not None:
        query = query.where(Business.id != exclude_id)
    if db.session.scalar(query) is not None:
        raise ServiceError(
            _l(
                "A business with this name is already registered in %(municipality)s.",
                municipality=municipality.name,
            ),
            field="name",
        )


def register_business(
    *, manager: User, name: str, sector: Sector, size_band: SizeBand, municipality: Municipality
) -> Business:
    """The registering user becomes the business's manager."""
    if manager.role not in (Role.LEARNER, Role.MANAGER) or manager.business is not None:
        raise ServiceError(_l("Your account already belongs to a business."))
    name = name.strip()
    _check_name_free(name, municipality)
    business = Business(name=name, sector=sector, size_band=size_band, municipality=municipality)
    db.session.add(business)
    manager.role = Role.MANAGER
    manager.business = business
    db.session.flush()
    return business


def reasons_not_to_move(business: Business) -> list:
    """Why ``business`` may no longer change municipality, as other domains see it (surveys:
    its answers count in their municipality's summaries)."""
    return [reason for _receiver, reason in business_moving.send(business) if reason]


def update_business(
    business: Business,
    *,
    name: str,
    sector: Sector,
    size_band: SizeBand,
    municipality: Municipality | None = None,
) -> None:
    """Saves the details; the municipality only until the first survey answer, since answers
    count in their municipality's summaries, and a move must be confirmed again there."""
    name = name.strip()
    moving = municipality is not None and municipality.id != business.municipality_id
    if moving and (reasons := reasons_not_to_move(business)):
        raise ServiceError(reasons[0])
    _check_name_free(name, municipality if moving else business.municipality, business.id)
    business.name = name
    business.sector = sector
    business.size_band = size_band
    if moving:
        business.municipality = municipality
        business.confirmed_at = None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_invitation(business: Business, invited_by: User, token: str, **fields) -> Invitation:
    """An invitation for ``token`` (kept as a hash only), expiring after the configured days."""
    invitation = Invitation(
        business=business,
        token_hash=_token_hash(token),
        invited_by=invited_by,
        expires_at=utcnow() + timedelta(days=current_app.config["UPREST_INVITATION_DAYS"]),
        **fields,
    )
    db.session.add(invitation)
    db.session.flush()
    return invitation


def pending_for(business: Business, email: str) -> Invitation | None:
    return db.session.scalar(
        sa.select(Invitation).where(
            Invitation.business_id == business.id,
            Invitation.email == email,
            Invitation.accepted_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
    )


def invite_staff(*, business: Business, email: str, invited_by: User) -> tuple[Invitation, str]:
    """A new invitation and its secret token; only the hash is stored.

    A second invitation to an address that already has an open one is refused: two live links
    for one person only confuse them (withdraw the first to send a new one).
    """
    email = normalise_email(email)
    if any(member.email == email for member in business.staff):
        raise ServiceError(_l("This person already works in your business."), field="email")
    if pending_for(business, email) is not None:
        raise ServiceError(_l("This address already has an open invitation."), field="email")
    token = secrets.token_urlsafe(32)
    return create_invitation(business, invited_by, token, email=email), token


def pending_invitations(business: Business) -> list[Invitation]:
    return list(
        db.session.scalars(
            sa.select(Invitation)
            .where(
                Invitation.business_id == business.id,
                Invitation.accepted_at.is_(None),
                Invitation.expires_at > utcnow(),
            )
            .order_by(Invitation.created_at.desc())
        )
    )


def find_pending(token: str) -> Invitation | None:
    invitation = db.session.scalar(
        sa.select(Invitation).where(Invitation.token_hash == _token_hash(token))
    )
    return invitation if invitation is not None and invitation.is_pending else None


def find_invitation(token: str) -> Invitation | None:
    """The pending e-mailed invitation for this link's token; used, expired, unknown tokens
    (and printed codes, which name no address) give None."""
    invitation = find_pending(token)
    return invitation if invitation is not None and not invitation.is_code else None


def accept_invitation(invitation: Invitation, user: User) -> None:
    if not invitation.is_pending:
        raise ServiceError(_l("This invitation has expired or has already been used."))
    if user.business is not None and user.business_id != invitation.business_id:
        raise ServiceError(_l("Your account already belongs to another business."))
    if user.role not in (Role.LEARNER, Role.MANAGER):
        raise ServiceError(_l("Your account's role cannot join a business as staff."))
    user.business = invitation.business
    if invitation.is_code:
        # Redeemed, a printed code belongs to this account: its address replaces the printed
        # name, so the person's data export and erasure find it like any invitation of theirs.
        invitation.email, invitation.name = user.email, None
    if invitation.is_for_manager:
        user.role = Role.MANAGER
    invitation.accepted_at = utcnow()
    db.session.flush()


def revoke_invitation(invitation: Invitation) -> None:
    db.session.delete(invitation)
    db.session.flush()


def remove_staff(*, business: Business, member: User, acting: User) -> None:
    if member.business_id != business.id:
        raise ServiceError(_l("This person is not on your staff."))
    if member.id == acting.id:
        raise ServiceError(_l("You cannot remove yourself from your own business."))
    member.business = None
    member.role = Role.LEARNER
    db.session.flush()


def make_manager(*, business: Business, member: User) -> None:
    if member.business_id != business.id:
        raise ServiceError(_l("This person is not on your staff."))
    member.role = Role.MANAGER


def pending_businesses(user: User) -> list[Business]:
    """Businesses waiting to be confirmed that ``user`` may confirm (their municipality's, or
    all for an administrator), oldest first."""
    query = (
        sa.select(Business)
        .where(Business.confirmed_at.is_(None))
        .options(selectinload(Business.staff), selectinload(Business.municipality))
        .order_by(Business.created_at, Business.id)
    )
    if user.role is not Role.ADMIN:
        query = query.where(Business.municipality_id == user.municipality_id)
    return list(db.session.scalars(query))


def confirm_business(business: Business) -> None:
    """From now on the business's answers count in summaries (of waves still open)."""
    if business.is_confirmed:
        raise ServiceError(_l("%(business)s is already confirmed.", business=business.name))
    business.confirmed_at = utcnow()
    db.session.flush()
    business_confirmed.send(business)


def municipality_overview(municipality: Municipality) -> dict:
    """Counts only, never names, what a municipality reviewer may see of its businesses: a
    sector or size band with fewer than ``threshold`` businesses, and any other that would
    give it away, shows as withheld (None), as in the summaries (``core.disclosure``)."""
    atoms = {
        (sector, size): n
        for sector, size, n in db.session.execute(
            sa.select(Business.sector, Business.size_band, sa.func.count(Business.id))
            .where(Business.municipality_id == municipality.id)
            .group_by(Business.sector, Business.size_band)
        )
    }
    threshold = disclosure.configured_threshold(current_app.config)
    withheld = disclosure.protect(
        atoms, disclosure.two_way_cells(atoms), threshold, frozenset({"total"})
    )
    by_sector: dict = {}
    by_size: dict = {}
    for (sector, size), n in atoms.items():
        by_sector[sector] = by_sector.get(sector, 0) + n
        by_size[size] = by_size.get(size, 0) + n
    learners = db.session.scalar(
        sa.select(sa.func.count(User.id))
        .join(Business, User.business_id == Business.id)
        .where(Business.municipality_id == municipality.id)
    )
    return {
        "threshold": threshold,
        "businesses": sum(by_sector.values()),
        "learners": learners or 0,
        "by_sector": [
            (sector, None if ("row", sector) in withheld else by_sector.get(sector, 0))
            for sector in Sector
        ],
        "by_size": [
            (size, None if ("column", size) in withheld else by_size.get(size, 0))
            for size in SizeBand
        ],
    }
