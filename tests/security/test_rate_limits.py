"""Sign-in limits: shared by every worker through Redis, and no way to lock someone else out."""

from __future__ import annotations

import os
import re
import uuid
from itertools import cycle

import pytest
import requests

from tests.conftest import PASSWORD, throwaway_database
from tests.live import LiveServer

REDIS_URL = os.environ.get("UPREST_TEST_REDIS_URL", "redis://127.0.0.1:6379")
ATTACKER = {"REMOTE_ADDR": "198.51.100.66"}
OWNER = {"REMOTE_ADDR": "203.0.113.7"}


def _sign_in(client, email: str, password: str, where: dict):
    return client.post(
        "/login", data={"email": email, "password": password}, environ_base=where
    ).status_code


def test_an_attacker_elsewhere_cannot_lock_the_owner_out(client, create_user):
    user = create_user()
    for _ in range(10):
        assert _sign_in(client, user.email, "wrong password", ATTACKER) == 200
    assert _sign_in(client, user.email, "wrong password", ATTACKER) == 429
    # The owner, from their own address, still gets in.
    assert _sign_in(client, user.email, PASSWORD, OWNER) == 302


def test_many_addresses_reach_the_slow_limit_per_account(app, client, create_user):
    """50 guesses an hour per account from anywhere; the owner waits at most that window."""
    user = create_user()
    for n in range(5):
        where = {"REMOTE_ADDR": f"198.51.100.{n + 1}"}
        for _ in range(10):
            assert _sign_in(client, user.email, "wrong password", where) == 200
    assert _sign_in(client, user.email, "wrong password", {"REMOTE_ADDR": "198.51.100.99"}) == 429
    assert _sign_in(client, user.email, PASSWORD, OWNER) == 429
    assert app.config["UPREST_LOGIN_ADDRESS_LIMIT"] == "50 per hour"


def test_one_client_spraying_many_accounts_is_limited(client, create_user):
    for n in range(30):
        assert _sign_in(client, f"guess{n}@example.org", "wrong password", ATTACKER) == 200
    assert _sign_in(client, "guess99@example.org", "wrong password", ATTACKER) == 429
    # Other clients are not affected.
    assert _sign_in(client, "guess99@example.org", "wrong password", OWNER) == 200


def _redis_or_fail():
    """Like PostgreSQL in tests/conftest.py: unreachable Redis fails the run in CI, else skips."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is unreachable in CI: {error}")
        pytest.skip(f"Redis unreachable, shared-limit test not run: {error}")


@pytest.mark.once
def test_four_workers_share_one_limit_through_redis(tmp_path):
    """Four gunicorn servers (one worker each) on one Redis: 10 wrong sign-ins in total."""
    _redis_or_fail()
    prefix = f"uprest-test-{uuid.uuid4().hex}"
    env = {
        "UPREST_RATELIMIT_STORAGE_URI": REDIS_URL,
        "UPREST_RATELIMIT_KEY_PREFIX": prefix,
        "UPREST_LOGIN_LIMIT": "10 per minute",
        "UPREST_LOGIN_ADDRESS_LIMIT": "50 per hour",
        "UPREST_LOGIN_IP_LIMIT": "100 per minute",
    }
    with throwaway_database(tmp_path) as database_url:
        servers = [
            LiveServer(tmp_path / f"server{n}", database_url, workers=1, **env) for n in range(4)
        ]
        servers[0].prepare(courses=None)
        servers[0].create_user("target@example.org", "Target")
        try:
            for server in servers:
                server.start()
            browser = requests.Session()
            page = browser.get(servers[0].url + "/login", timeout=10).text
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
            statuses = []
            for server, _ in zip(cycle(servers), range(11), strict=False):
                response = browser.post(
                    server.url + "/login",
                    data={"csrf_token": token, "email": "target@example.org", "password": "nope"},
                    headers={"Accept-Language": "sv"},
                    timeout=30,
                )
                statuses.append(response.status_code)
            assert statuses == [200] * 10 + [429], statuses
            assert '<html lang="sv">' in response.text
            assert "För många försök" in response.text
            # Every server has counted: the next one refuses too, whichever answers.
            for server in servers:
                again = browser.post(
                    server.url + "/login",
                    data={"csrf_token": token, "email": "target@example.org", "password": "x"},
                    timeout=30,
                )
                assert again.status_code == 429
        finally:
            for server in servers:
                server.stop()
            import redis

            store = redis.Redis.from_url(REDIS_URL)
            for key in store.scan_iter(f"{prefix}*"):
                store.delete(key)
