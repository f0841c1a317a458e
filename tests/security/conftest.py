"""The LRS client fixtures of tests/xapi, for the security tests of the LRS."""

from tests.xapi.conftest import lrs, lrs2, make_lrs  # noqa: F401


def route_values(staff, wave) -> dict:
    """A value for every URL variable of the app's routes, for tests that walk them all."""
    return {
        "wave_id": wave.id,
        "part": "self",
        "page": 1,
        "user_id": staff.id,
        "business_id": 1,
        "municipality_id": 1,
        "invitation_id": 1,
        "client_id": 1,
        "item_id": 1,
        "token": "not-a-token",
        "filename": "uprest.css",
        "slug": "online-presence",
        "lesson": "why-be-found",
        "qid": "q1",
        "locale": "sv",
        "attempt": 1,
        "code": "not-a-code",
        "uuid": "00000000-0000-4000-8000-000000000000",
        "kind": "jwt",
        "number": 0,
        "version": 1,
        "package_id": 1,
        "key": "not-a-key",
        "name": "index.html",
    }
