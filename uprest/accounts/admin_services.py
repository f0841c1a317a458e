"""Queries and rules for the administrators' pages."""

import secrets

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from uprest.accounts.models import Business, Municipality, Role, User
from uprest.accounts.services import assign_role, create_user
from uprest.core.errors import ServiceError
from uprest.extensions import db
from uprest.i18n import LOCALES, _l

PAGE_SIZE = 25


def _page_of(stmt, page: int):
    """A page of ``stmt``; a number past the end gives the last page, not an empty one."""
    pagination = db.paginate(stmt, page=page, per_page=PAGE_SIZE, error_out=False)
    if pagination.pages and pagination.page > pagination.pages:
        pagination = db.paginate(stmt, page=pagination.pages, per_page=PAGE_SIZE, error_out=False)
    return pagination


def search_users(
    *,
    query: str = "",
    role: Role | None = None,
    municipality_id: int | None = None,
    page: int = 1,
):
    """A page of users, by name or address, role, and municipality (a reviewer's own, or the
    one their business is in)."""
    stmt = (
        sa.select(User)
        .options(selectinload(User.business), selectinload(User.municipality))
        .order_by(User.display_name, User.id)
    )
    if query:
        pattern = f"%{query.strip().lower()}%"
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(User.email).like(pattern),
                sa.func.lower(User.display_name).like(pattern),
            )
        )
    if role is not None:
        stmt = stmt.where(User.role == role)
    if municipality_id:
        in_place = sa.select(Business.id).where(Business.municipality_id == municipality_id)
        stmt = stmt.where(
            sa.or_(User.municipality_id == municipality_id, User.business_id.in_(in_place))
        )
    return _page_of(stmt, page)


def invite_user(
    *,
    email: str,
    display_name: str,
    role: Role,
    municipality: Municipality | None,
    business: Business | None,
    locale: str | None,
) -> User:
    """An account made by an administrator, with a password nobody knows: the person chooses
    their own through the link in the invitation (``services.account_setup_token``)."""
    return create_user(
        email=email,
        display_name=display_name,
        password=secrets.token_urlsafe(32),
        role=role,
        locale=locale,
        municipality=municipality,
        business=business,
    )


def search_businesses(*, municipality_id: int | None = None, page: int = 1):
    """A page of businesses and their staff counts (two queries, whatever the page size)."""
    stmt = (
        sa.select(Business)
        .options(selectinload(Business.municipality))
        .order_by(Business.name, Business.id)
    )
    if municipality_id:
        stmt = stmt.where(Business.municipality_id == municipality_id)
    pagination = _page_of(stmt, page)
    ids = [business.id for business in pagination.items]
    counts = (
        dict(
            db.session.execute(
                sa.select(User.business_id, sa.func.count(User.id))
                .where(User.business_id.in_(ids))
                .group_by(User.business_id)
            ).all()
        )
        if ids
        else {}
    )
    return pagination, counts


def municipalities_with_counts() -> list[tuple[Municipality, int]]:
    return list(
        db.session.execute(
            sa.select(Municipality, sa.func.count(Business.id))
            .outerjoin(Business, Business.municipality_id == Municipality.id)
            .group_by(Municipality.id)
            .order_by(Municipality.name)
        ).all()
    )


def list_all_businesses() -> list[Business]:
    return list(db.session.scalars(sa.select(Business).order_by(Business.name)))


def update_user(
    user: User,
    *,
    acting: User,
    role: Role,
    municipality: Municipality | None,
    business: Business | None,
    is_enabled: bool,
) -> None:
    """Administrators can't lock themselves out, so there is always an administrator."""
    if user.id == acting.id and (role is not Role.ADMIN or not is_enabled):
        raise ServiceError(_l("You cannot remove your own administrator access."))
    assign_role(user, role=role, municipality=municipality, business=business)
    user.is_enabled = is_enabled
    db.session.flush()


def set_default_locale(municipality: Municipality, locale: str) -> None:
    if locale not in LOCALES:
        raise ServiceError(_l("This language is not available."), field="default_locale")
    municipality.default_locale = locale
