"""Without a browser the journeys are skipped on a laptop, but fail in CI."""

import pytest

from tests.browser.conftest import unavailable

pytestmark = pytest.mark.once


def test_a_missing_browser_fails_in_ci_and_skips_elsewhere(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="cannot run in CI"):
        unavailable("Chromium cannot start")
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception):
        unavailable("Chromium cannot start")
