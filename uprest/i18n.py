"""The one import point for gettext functions, locale names and the locale selector."""

from babel import Locale
from flask import current_app, has_request_context, request
from flask_babel import Domain, force_locale, format_decimal, get_locale  # noqa: F401
from flask_login import current_user

from uprest.config import TRANSLATIONS_DIR, Config

# Our own domain object keeps UPREST's catalogues apart from a host application's.
domain = Domain(translation_directories=[str(TRANSLATIONS_DIR)], domain="messages")

_ = domain.gettext
_l = domain.lazy_gettext


def ngettext(singular: str, plural: str, n: int, **variables) -> str:
    """Plural-aware gettext; ``%(num)s`` is ``n`` formatted for the locale."""
    variables.setdefault("num", format_decimal(n))
    return domain.get_translations().ungettext(singular, plural, n) % variables


LOCALES = ("en", "sv", "it", "lv", "et")


def locale_names() -> list[tuple[str, str]]:
    """Each language named in itself, for the switcher."""
    return [(code, Locale.parse(code).get_display_name(code).capitalize()) for code in LOCALES]


def language_name(code: str) -> str:
    """A language's name in the current locale (for "shown in English" notes)."""
    return Locale.parse(code).get_display_name(str(get_locale() or "en"))


def is_supported(code: str | None) -> bool:
    return bool(code) and code in LOCALES


def select_locale() -> str:
    """Explicit choice (profile, then cookie), then Accept-Language, then the municipality."""
    if not has_request_context():
        return "en"
    if current_user.is_authenticated and is_supported(current_user.locale):
        return current_user.locale
    cookie = request.cookies.get(current_app.config["UPREST_LOCALE_COOKIE"])
    if is_supported(cookie):
        return cookie
    if request.accept_languages:
        best = request.accept_languages.best_match(LOCALES)
        if best:
            return best
    if current_user.is_authenticated:
        municipality = current_user.home_municipality
        if municipality is not None and is_supported(municipality.default_locale):
            return municipality.default_locale
    return "en"


# Dates are shown in the user's municipality's time zone (Tartu and Daugavpils are an hour ahead).
COUNTRY_TIMEZONES = {
    "SE": "Europe/Stockholm",
    "IT": "Europe/Rome",
    "EE": "Europe/Tallinn",
    "LV": "Europe/Riga",
}


def select_timezone() -> str:
    if has_request_context() and current_user.is_authenticated:
        municipality = current_user.home_municipality
        if municipality is not None and municipality.country in COUNTRY_TIMEZONES:
            return COUNTRY_TIMEZONES[municipality.country]
    # a host application that left Babel to UPREST may not have set it
    return current_app.config.get("BABEL_DEFAULT_TIMEZONE", Config.BABEL_DEFAULT_TIMEZONE)


def country_name(code: str) -> str:
    """A country's name in the current locale, from CLDR."""
    return Locale.parse(str(get_locale() or "en")).territories.get(code, code)
