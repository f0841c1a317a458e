"""Inside a host application, UPREST's sign-in stays apart from the host's: own cookies, own login.

Flask has one session cookie per app and Flask-Login one ``app.login_manager`` and one
remember-me cookie name, so without this a host's signed-in user would reach UPREST's pages as if
they were a UPREST account (and the other way round), and signing in on one side would sign the
other out. Under UPREST's URL prefix the browser's UPREST cookies (``UPREST_SESSION_COOKIE_NAME``,
``UPREST_REMEMBER_COOKIE_NAME``) stand in for the host's, which UPREST never sees; cookies set
there go back under UPREST's names, scoped to the prefix; and ``current_user`` comes from UPREST's
login manager.
"""

import re

from flask import Flask, has_request_context, request

_PATH = re.compile(r";\s*path=[^;]*", re.IGNORECASE)


def under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


class GuestCookies:
    """WSGI middleware: under ``prefix``, UPREST's cookies under the names Flask looks for."""

    def __init__(self, app: Flask, prefix: str):
        self.app = app
        self.wsgi_app = app.wsgi_app
        self.prefix = prefix

    def names(self) -> dict[str, str]:
        """The host's cookie name → UPREST's, for the session and the remember-me cookie."""
        config = self.app.config
        return {
            config.get("SESSION_COOKIE_NAME", "session"): config["UPREST_SESSION_COOKIE_NAME"],
            config.get("REMEMBER_COOKIE_NAME", "remember_token"): config[
                "UPREST_REMEMBER_COOKIE_NAME"
            ],
        }

    def __call__(self, environ, start_response):
        if not under(environ.get("PATH_INFO", ""), self.prefix):
            return self.wsgi_app(environ, start_response)
        names = self.names()
        ours = {guest: host for host, guest in names.items()}
        kept = []
        for part in environ.get("HTTP_COOKIE", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name in ours:
                kept.append(f"{ours[name]}={value}")
            elif name and name not in names:  # the host's own session stays with the host
                kept.append(part.strip())
        environ = {**environ, "HTTP_COOKIE": "; ".join(kept)}
        path = environ.get("SCRIPT_NAME", "") + self.prefix

        def guest_start_response(status, headers, exc_info=None):
            headers = [_rename(header, names, path) for header in headers]
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, guest_start_response)


def _rename(header: tuple[str, str], names: dict[str, str], path: str) -> tuple[str, str]:
    key, value = header
    if key.lower() != "set-cookie":
        return header
    name, _, rest = value.partition("=")
    if name not in names:
        return header
    rest = _PATH.sub("", rest)
    return key, f"{names[name]}={rest}; Path={path}"


class LoginManagers:
    """``app.login_manager`` of a host with its own Flask-Login: UPREST's on UPREST's pages."""

    def __init__(self, host, guest, prefix: str):
        object.__setattr__(self, "_host", host)
        object.__setattr__(self, "_guest", guest)
        object.__setattr__(self, "_prefix", prefix)

    def current(self):
        if has_request_context() and under(request.path, self._prefix):
            return self._guest
        return self._host

    def __getattr__(self, name):
        return getattr(self.current(), name)

    def __setattr__(self, name, value):  # the host configuring its login manager later
        setattr(self._host, name, value)
