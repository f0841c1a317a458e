"""A view's unit of work (``core.unit_of_work``): one commit, or nothing written and why."""

import ast
from pathlib import Path

import pytest
from flask import get_flashed_messages

from uprest.accounts import admin_services, business_services
from uprest.accounts.forms import ResetPasswordForm
from uprest.accounts.models import Role, User
from uprest.core.errors import ServiceError
from uprest.core.unit_of_work import unit_of_work
from uprest.extensions import db
from uprest.i18n import _l, force_locale

REFUSAL = _l("This invitation has expired or has already been used.")
REFUSAL_SV = "Inbjudan har slutat gälla eller har redan använts."
UPREST = Path(__file__).resolve().parents[1] / "uprest"


def _rename(user_id: int, name: str) -> None:
    db.session.get(User, user_id).display_name = name
    db.session.flush()


def _name(user_id: int) -> str:
    db.session.expire_all()
    return db.session.get(User, user_id).display_name


def test_success_commits(app, create_user):
    user_id = create_user(display_name="Before").id
    with app.test_request_context():
        with unit_of_work() as work:
            _rename(user_id, "After")
        assert work.committed and work.error is None
        db.session.rollback()  # would undo what was only flushed
        assert _name(user_id) == "After"
        assert get_flashed_messages() == []


def test_refusal_writes_nothing_and_shows_the_translated_message_on_the_field(app, create_user):
    user_id = create_user(display_name="Before").id
    with app.test_request_context(), force_locale("sv"):
        form = ResetPasswordForm(formdata=None)
        with unit_of_work(form) as work:
            _rename(user_id, "Half-written")
            raise ServiceError(REFUSAL, field="password")
        assert not work.committed
        assert str(work.error.message) == REFUSAL_SV
        assert [str(e) for e in form.password.errors] == [REFUSAL_SV]
        assert get_flashed_messages() == []  # the form shows it, not a flash
        assert _name(user_id) == "Before"


def test_refusal_of_no_field_goes_above_the_form(app):
    with app.test_request_context():
        form = ResetPasswordForm(formdata=None)
        with unit_of_work(form):
            raise ServiceError(REFUSAL)
        assert [str(e) for e in form.form_errors] == [str(REFUSAL)]


def test_refusal_without_a_form_is_flashed_as_an_error(app, create_user):
    user_id = create_user(display_name="Before").id
    with app.test_request_context(), force_locale("sv"):
        with unit_of_work() as work:
            _rename(user_id, "Half-written")
            raise ServiceError(REFUSAL)
        assert not work.committed
        assert get_flashed_messages(with_categories=True) == [("error", REFUSAL_SV)]
        assert _name(user_id) == "Before"


def test_an_unexpected_error_rolls_back_and_propagates(app, create_user):
    user_id = create_user(display_name="Before").id
    with app.test_request_context():
        work = unit_of_work()
        with pytest.raises(ZeroDivisionError), work:
            _rename(user_id, "Half-written")
            1 / 0  # noqa: B018
        assert not work.committed and work.error is None
        assert get_flashed_messages() == []
        assert _name(user_id) == "Before"


def test_a_view_whose_service_refuses_halfway_changes_nothing(
    client, login_as, municipality, monkeypatch
):
    """The administrator's municipality form: the message beside the field, nothing saved."""

    def write_then_refuse(place, locale):
        place.default_locale = locale
        place.name = "Half-written"
        db.session.flush()
        raise ServiceError(REFUSAL, field="default_locale")

    monkeypatch.setattr(admin_services, "set_default_locale", write_then_refuse)
    login_as(Role.ADMIN, locale="sv")
    place = municipality("daugavpils")
    before = (place.name, place.default_locale)
    response = client.post(f"/admin/municipalities/{place.id}", data={"default_locale": "et"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert REFUSAL_SV in page and "Half-written" not in page
    db.session.expire_all()
    assert (place.name, place.default_locale) == before


def test_a_refused_staff_action_is_flashed_and_changes_nothing(
    client, login_as, create_user, monkeypatch
):
    def promote_then_refuse(*, business, member):
        member.role = Role.MANAGER
        db.session.flush()
        raise ServiceError(REFUSAL)

    monkeypatch.setattr(business_services, "make_manager", promote_then_refuse)
    manager = login_as(Role.MANAGER, locale="sv")
    member = create_user(business=manager.business)
    response = client.post(f"/business/staff/{member.id}/make-manager", follow_redirects=True)
    assert response.status_code == 200
    assert REFUSAL_SV in response.get_data(as_text=True)
    db.session.expire_all()
    assert member.role is Role.LEARNER


# Views that may still roll back by hand, each with its reason. None today: a view refuses
# through ``unit_of_work`` (or ``refuse`` where it has nothing to commit).
ROLLBACK_ALLOWED: dict[str, str] = {}


def _rollback_calls(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "rollback"
    ]


def test_views_leave_rollback_to_the_unit_of_work():
    views = sorted(UPREST.rglob("*views.py"))
    assert views
    found = {
        str(path.relative_to(UPREST.parent)): lines
        for path in views
        if (lines := _rollback_calls(path))
    }
    assert {path: lines for path, lines in found.items() if path not in ROLLBACK_ALLOWED} == {}
