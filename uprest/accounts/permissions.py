"""Access rules in one place: a role decorator and object checks that abort with 403/404."""

from functools import wraps

from flask import abort
from flask_login import current_user

from uprest.accounts.models import Business, Invitation, Municipality, Role, User
from uprest.extensions import db, login_manager


def roles_required(*roles: Role):
    """Sign-in required, and the user's role must be one of ``roles``."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def can_manage_business(user: User, business: Business) -> bool:
    if user.role is Role.ADMIN:
        return True
    return user.role is Role.MANAGER and user.business_id == business.id


def can_view_municipality(user: User, municipality: Municipality) -> bool:
    if user.role is Role.ADMIN:
        return True
    return user.role is Role.REVIEWER and user.municipality_id == municipality.id


def get_business_or_404(business_id: int, user: User) -> Business:
    """The business, if ``user`` may manage it; reviewers see counts only, never a business."""
    business = db.session.get(Business, business_id) or abort(404)
    if not can_manage_business(user, business):
        abort(403)
    return business


def get_confirmable_business_or_404(business_id: int, user: User) -> Business:
    """A business ``user`` may confirm: one of their municipality (any, for an admin)."""
    business = db.session.get(Business, business_id) or abort(404)
    if not can_view_municipality(user, business.municipality):
        abort(403)
    return business


def get_municipality_or_404(municipality_id: int, user: User) -> Municipality:
    municipality = db.session.get(Municipality, municipality_id) or abort(404)
    if not can_view_municipality(user, municipality):
        abort(403)
    return municipality


def get_staff_member_or_404(business: Business, user_id: int) -> User:
    member = db.session.get(User, user_id)
    if member is None or member.business_id != business.id:
        abort(404)
    return member


def get_invitation_or_404(business: Business, invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.business_id != business.id:
        abort(404)
    return invitation


def own_business_or_403(user: User) -> Business:
    """The manager's own business (the business pages take no id, so nothing to guess)."""
    if user.business is None:
        abort(403)
    return get_business_or_404(user.business_id, user)
