"""Every form of every role, fed generated text with control characters: never a 5xx answer."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import PASSWORD
from tests.security.conftest import route_values
from uprest.accounts.models import Role
from uprest.extensions import limiter

# Ending the session or the account would leave nothing to fuzz for the rest of the run.
SKIP = {"uprest.accounts.logout", "uprest.profile.delete_account"}
FALLBACK_FIELDS = ["email", "password", "confirm", "display_name", "name", "title", "q", "next"]

TEXT = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=30),
    st.text(st.characters(max_codepoint=0x9F), max_size=30),  # ASCII with all control chars
    st.sampled_from(["\x00", "a\x00b", "\r\n", "Kim\r\nBcc: x@example.org", "\x1b[2J", "\x7f"]),
)


def _post_urls(app, values) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if (
            rule.endpoint.startswith("uprest.")
            and ".xapi." not in rule.endpoint
            and "POST" in rule.methods
            and rule.endpoint not in SKIP
        ):
            urls.append(rule.build({k: v for k, v in values.items() if k in rule.arguments})[1])
    return sorted(urls)


def _field_names(client, url) -> list[str]:
    """The names the form on the page uses, when the page can be read; common names otherwise."""
    page = client.get(url)
    names = re.findall(r'<(?:input|textarea|select)[^>]*\bname="([^"]+)"', page.get_data(True))
    return sorted(set(names) - {"csrf_token"}) or FALLBACK_FIELDS


@pytest.mark.parametrize(
    "role", [None, Role.LEARNER, Role.MANAGER, Role.TRAINER, Role.ADMIN, Role.REVIEWER]
)
def test_no_form_answers_5xx_to_generated_text(app, client, create_user, courses, open_wave, role):
    staff = create_user()
    wave = open_wave()
    values = route_values(staff, wave)
    if role is not None:
        user = create_user(role)
        client.post("/login", data={"email": user.email, "password": PASSWORD})
    # The forms this role can reach: the others answer 403/404/405 before reading anything.
    reachable = [
        url
        for url in _post_urls(app, values)
        if client.post(url).status_code not in (403, 404, 405)
    ]
    assert reachable
    forms = {url: _field_names(client, url) for url in reachable}

    @settings(
        max_examples=100,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data())
    def post_anything(data):
        url = data.draw(st.sampled_from(sorted(forms)), label="url")
        fields = {name: data.draw(TEXT, label=name) for name in forms[url]}
        limiter.reset()
        response = client.post(url, data=fields)
        response.close()
        assert response.status_code < 500, (url, fields, response.status_code)

    post_anything()
