"""Access logs without personal data: query values of personal fields and e-mail addresses masked.

Werkzeug's and gunicorn's access logs print the request line, whose query string may carry an
xAPI ``agent`` (with an mbox), an e-mail address or a learner filter; logs outlive erasure.
"""

from __future__ import annotations

import logging
import re

PERSONAL_PARAMETERS = ("agent", "email", "mbox", "mbox_sha1sum", "openid", "account", "learner")
MASK = "***"
_PARAMETER = re.compile(r"(?i)(\b(?:" + "|".join(PERSONAL_PARAMETERS) + r")=)[^&\s\"']*")
# Plain or percent-encoded; the local part kept narrow so a URL around it is not swallowed.
_EMAIL = re.compile(r"(?i)[\w.+-]+(?:@|%40)[a-z0-9-]+(?:\.[a-z0-9-]+)+")


def mask(text: str) -> str:
    return _EMAIL.sub(MASK, _PARAMETER.sub(r"\1" + MASK, text))


def _masked(value):
    return mask(value) if isinstance(value, str) else value


class PersonalDataFilter(logging.Filter):
    """Rewrites the record in place; never drops it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask(record.msg)
        if isinstance(record.args, dict):  # gunicorn's access log: a dict of atoms
            record.args = {key: _masked(value) for key, value in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(_masked(value) for value in record.args)
        return True


ACCESS_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


def install() -> None:
    """Once per logger, however many apps are created in the process."""
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, PersonalDataFilter) for f in logger.filters):
            logger.addFilter(PersonalDataFilter())
