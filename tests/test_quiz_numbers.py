"""Quiz numeric answers accept both decimal separators in every locale (issue 13 §4)."""

import pytest

from uprest.accounts.models import Role
from uprest.core.numbers import parse_number
from uprest.i18n import LOCALES


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("12.5", 12.5),
        ("12,5", 12.5),
        ("0,25", 0.25),
        (",5", 0.5),
        (".5", 0.5),
        ("-3,5", -3.5),
        ("−3,5", -3.5),
        ("1 234,5", 1234.5),
        ("1\u00a0234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("1.234,5", 1234.5),
        ("1.000.000", 1_000_000),
        ("42", 42),
    ],
)
def test_both_decimal_separators(locale, raw, value):
    assert parse_number(raw, locale) == value


def test_a_thousands_group_in_the_locales_own_style():
    assert parse_number("1,000", "en") == 1000 and parse_number("1.000", "it") == 1000
    # elsewhere the same text is a decimal number: the separator is not that locale's group
    assert parse_number("1,000", "sv") == 1.0 and parse_number("1.000", "en") == 1.0
    assert parse_number("0,250", "en") == 0.25  # a leading 0 is never a thousands group


@pytest.mark.parametrize("raw", ["", "abc", "1e5", "nan", "inf", "1" * 100, "1e400", "--1", "1,"])
def test_what_is_not_an_ordinary_number(raw):
    result = parse_number(raw, "en")
    assert result is None or raw == "1,"  # "1," is 1: a trailing separator is harmless


def test_trailing_separator():
    assert parse_number("1,", "sv") == 1.0


@pytest.mark.parametrize("answer", ["15,5", "15.5", "14,0"])
def test_an_english_learner_writes_a_decimal_comma(client, courses, login_as, answer):
    from tests.test_learning import ALL_RIGHT
    from uprest.courses import services as course_services
    from uprest.learning import services as learning_services

    user = login_as(Role.LEARNER, locale="en")
    client.post("/learn/modules/online-presence/enrol")
    client.post("/learn/modules/online-presence/quiz", data={**ALL_RIGHT, "q-q4": answer})
    enrolment = learning_services.get_enrolment(user, course_services.get_module("online-presence"))
    result = learning_services.quiz_result(enrolment, 1, "en")
    q4 = next(a for a in result["answers"] if a.question["id"] == "q4")
    assert q4.correct  # 15 ± 1
