"""``render``: templates get UPREST's own gettext domain and locale-aware formatters."""

from flask import render_template
from flask_babel import format_date, format_datetime, format_decimal, format_percent

from uprest.i18n import _, country_name, get_locale, language_name, locale_names, ngettext


def render(template: str, **context) -> str:
    locale = str(get_locale() or "en")
    return render_template(
        template,
        _=_,
        gettext=_,
        ngettext=ngettext,
        format_date=format_date,
        format_datetime=format_datetime,
        format_number=format_decimal,
        format_percent=format_percent,
        country_name=country_name,
        language_name=language_name,
        current_locale=locale,
        language_choices=locale_names(),
        **context,
    )
