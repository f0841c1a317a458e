"""Settings read from the environment, with defaults that suit ``make run``."""

import os
import secrets
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    """Top-level data folders live beside the package in a checkout, inside it in a wheel."""
    inside = PACKAGE_DIR / name
    return inside if inside.is_dir() else PACKAGE_DIR.parent / name


TRANSLATIONS_DIR = _data_dir("translations")
MIGRATIONS_DIR = _data_dir("migrations")
# The shipped curriculum: courses/ in a checkout, uprest/curriculum/ in a wheel (uprest/courses
# is the Python package).
CURRICULUM_DIR = (
    PACKAGE_DIR / "curriculum"
    if (PACKAGE_DIR / "curriculum").is_dir()
    else PACKAGE_DIR.parent / "courses"
)


def normalise_database_url(url: str) -> str:
    """Accept the common ``postgres://`` spellings and use psycopg 3 for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Defaults from the environment; ``validate`` refuses unsafe production settings."""

    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = normalise_database_url(os.environ.get("DATABASE_URL", ""))
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("UPREST_TIMEZONE", "Europe/Stockholm")
    UPREST_LOCALE_COOKIE = "uprest_locale"
    # Mounted in a host: UPREST's session and remember-me cookies, apart from the host's.
    UPREST_SESSION_COOKIE_NAME = "uprest_session"
    UPREST_REMEMBER_COOKIE_NAME = "uprest_remember"

    # A site run by one municipality: businesses registering here belong to it (its slug).
    UPREST_MUNICIPALITY = os.environ.get("UPREST_MUNICIPALITY", "")
    UPREST_INVITATION_DAYS = int(os.environ.get("UPREST_INVITATION_DAYS", "7"))
    UPREST_RESET_MAX_AGE = int(os.environ.get("UPREST_RESET_MAX_AGE", "3600"))
    # Sign-in attempts per (address, client IP), per address from anywhere, per client IP.
    UPREST_LOGIN_LIMIT = os.environ.get("UPREST_LOGIN_LIMIT", "10 per minute")
    UPREST_LOGIN_ADDRESS_LIMIT = os.environ.get("UPREST_LOGIN_ADDRESS_LIMIT", "50 per hour")
    UPREST_LOGIN_IP_LIMIT = os.environ.get("UPREST_LOGIN_IP_LIMIT", "30 per minute;300 per hour")
    UPREST_ARGON2_TIME_COST = int(os.environ.get("UPREST_ARGON2_TIME_COST", "3"))
    UPREST_ARGON2_MEMORY_KIB = int(os.environ.get("UPREST_ARGON2_MEMORY_KIB", "65536"))
    # The version an LRS reply names when a request names none (only /about may omit it).
    UPREST_XAPI_DEFAULT_VERSION = os.environ.get("UPREST_XAPI_DEFAULT_VERSION", "2.0.0")
    # Largest LRS request body (statements, attachments, documents), in bytes: refused with 413
    # before it is read, and a chunked body is cut off there.
    UPREST_XAPI_MAX_CONTENT_LENGTH = int(
        os.environ.get("UPREST_XAPI_MAX_CONTENT_LENGTH", str(10 * 1024 * 1024))
    )
    UPREST_XAPI_ACTIVITY_BASE = os.environ.get("UPREST_XAPI_ACTIVITY_BASE", "")
    # How long a cmi5 launch may wait for its fetch, and how long the AU's LRS token lives.
    UPREST_CMI5_TOKEN_SECONDS = int(os.environ.get("UPREST_CMI5_TOKEN_SECONDS", "14400"))
    # Another host name of this app (e.g. https://content.example.org) from which uploaded cmi5
    # packages are served, so that their scripts run in an origin apart from the learner's
    # session. Unset: served from this site inside a CSP sandbox (no cookies, no storage).
    UPREST_CMI5_CONTENT_URL = os.environ.get("UPREST_CMI5_CONTENT_URL", "").rstrip("/")
    # Forwarding to an external LRS (a municipality's): endpoint, Basic-auth key and secret.
    UPREST_XAPI_FORWARD_URL = os.environ.get("UPREST_XAPI_FORWARD_URL", "")
    UPREST_XAPI_FORWARD_KEY = os.environ.get("UPREST_XAPI_FORWARD_KEY", "")
    UPREST_XAPI_FORWARD_SECRET = os.environ.get("UPREST_XAPI_FORWARD_SECRET", "")
    UPREST_XAPI_FORWARD_MAX_ATTEMPTS = int(os.environ.get("UPREST_XAPI_FORWARD_MAX_ATTEMPTS", "12"))
    UPREST_XAPI_FORWARD_BACKOFF = float(os.environ.get("UPREST_XAPI_FORWARD_BACKOFF", "5"))
    UPREST_XAPI_FORWARD_BACKOFF_MAX = float(
        os.environ.get("UPREST_XAPI_FORWARD_BACKOFF_MAX", "3600")
    )
    # Disclosure control of the municipality summaries: the smallest group of businesses with
    # published figures (never below 3), and the smallest with answer distributions.
    UPREST_DISCLOSURE_THRESHOLD = int(os.environ.get("UPREST_DISCLOSURE_THRESHOLD", "5"))
    UPREST_DISTRIBUTION_THRESHOLD = int(os.environ.get("UPREST_DISTRIBUTION_THRESHOLD", "10"))
    # Largest request body a page accepts (the LRS under /xapi/ has a limit of its own).
    UPREST_MAX_CONTENT_LENGTH = int(
        os.environ.get("UPREST_MAX_CONTENT_LENGTH", str(2 * 1024 * 1024))
    )
    UPREST_MAIL_FROM = os.environ.get("UPREST_MAIL_FROM", "UPREST Learning <no-reply@localhost>")
    # Notifications (``flask uprest send-notifications``): the site's address for links in
    # mails sent from the command line, how far back a new enrolment, certificate or opened wave
    # is still announced, the days without progress before a reminder, and the days before a
    # wave closes when those who haven't finished are reminded.
    UPREST_BASE_URL = os.environ.get("UPREST_BASE_URL", "")
    UPREST_NOTIFY_LOOKBACK_DAYS = int(os.environ.get("UPREST_NOTIFY_LOOKBACK_DAYS", "3"))
    UPREST_NOTIFY_IDLE_DAYS = int(os.environ.get("UPREST_NOTIFY_IDLE_DAYS", "14"))
    UPREST_NOTIFY_CLOSING_DAYS = int(os.environ.get("UPREST_NOTIFY_CLOSING_DAYS", "3"))

    # Open Badges credentials: the Ed25519 signing key's file (made by `flask uprest
    # credentials-keygen`; default instance/credential-signing-key.pem), the issuer profile's name
    # and web address, and the wallet page a learner is sent to with their credential.
    UPREST_CREDENTIAL_KEY_FILE = os.environ.get("UPREST_CREDENTIAL_KEY_FILE", "")
    UPREST_CREDENTIAL_ISSUER_NAME = os.environ.get(
        "UPREST_CREDENTIAL_ISSUER_NAME", "UPREST Learning consortium"
    )
    UPREST_CREDENTIAL_ISSUER_URL = os.environ.get("UPREST_CREDENTIAL_ISSUER_URL", "")
    UPREST_CREDENTIAL_WALLET_URL = os.environ.get(
        "UPREST_CREDENTIAL_WALLET_URL", "https://europa.eu/europass/en"
    )

    RATELIMIT_STORAGE_URI = os.environ.get("UPREST_RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # One prefix per installation sharing a Redis; the tests use one per test.
    RATELIMIT_KEY_PREFIX = os.environ.get("UPREST_RATELIMIT_KEY_PREFIX", "uprest")
    # Redis down: each worker counts on its own until it is back, rather than a 500.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True

    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _flag("MAIL_USE_TLS", True)
    MAIL_BACKEND = "smtp" if MAIL_SERVER else "console"

    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"
    MAIL_BACKEND = "locmem"
    UPREST_ARGON2_TIME_COST = 1
    UPREST_ARGON2_MEMORY_KIB = 1024
    SERVER_NAME = "localhost"


def finalise(app, standalone: bool = True) -> None:
    """Fill derived settings and refuse to run in production without a secret."""
    cfg = app.config
    for key in dir(Config):  # a host application gets UPREST's defaults for what it didn't set
        if key.startswith(("UPREST_", "RATELIMIT_")):
            cfg.setdefault(key, getattr(Config, key))
    if not cfg.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        cfg["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'uprest.sqlite'}"
    cfg["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(cfg["SQLALCHEMY_DATABASE_URI"])
    if int(cfg["UPREST_DISCLOSURE_THRESHOLD"]) < 3:
        raise RuntimeError("UPREST_DISCLOSURE_THRESHOLD may not be below 3; refusing to start.")
    production = not (app.debug or app.testing)
    if not cfg.get("SECRET_KEY"):
        if production:
            raise RuntimeError("SECRET_KEY must be set outside debug mode; refusing to start.")
        cfg["SECRET_KEY"] = _development_secret(Path(app.instance_path))
    if standalone and production and _flag("UPREST_SECURE_COOKIES", True):
        cfg["SESSION_COOKIE_SECURE"] = True
        cfg["REMEMBER_COOKIE_SECURE"] = True


def _development_secret(instance: Path) -> str:
    """A per-checkout key, so the development server's reloader keeps sessions."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "dev-secret-key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()
