"""Settings read from the environment, with safe local defaults.

Every setting the app reads is named here, so that docs/operations.md and this file can be
checked against each other. Production refuses to start with a missing or default SECRET_KEY.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"

ENVIRONMENTS = ("development", "testing", "production")


class ConfigError(RuntimeError):
    """Raised at start-up when the environment cannot make a safe app."""


def _dev_secret_key() -> str:
    """A random key kept in instance/, so development sessions survive restarts."""
    INSTANCE_DIR.mkdir(exist_ok=True)
    key_file = INSTANCE_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _proxies(value: str) -> int:
    try:
        count = int(value)
    except ValueError:
        raise ConfigError(f"TRUSTED_PROXIES must be a whole number of proxies, not {value!r}") from None
    if not 0 <= count <= 5:
        raise ConfigError("TRUSTED_PROXIES must be between 0 and 5")
    return count


def _seconds(name: str, value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, not {value!r}") from None
    if not 0 <= seconds <= 3600:
        raise ConfigError(f"{name} must be between 0 and 3600 seconds, not {value!r}")
    return seconds


def _days(name: str, value: str) -> int:
    try:
        days = int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number of days, not {value!r}") from None
    if not 1 <= days <= 3650:
        raise ConfigError(f"{name} must be between 1 and 3650 days")
    return days


def _positive(name: str, value: str, kind=float):
    try:
        number = kind(value)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {value!r}") from None
    if not 0 < number < 1e9:  # NaN and infinity too
        raise ConfigError(f"{name} must be above 0 and below a billion")
    return number


def load_config(overrides: dict | None = None) -> dict:
    """Build the Flask config mapping from the environment, then apply overrides."""
    env = os.environ
    overrides = dict(overrides or {})
    app_env = overrides.get("APP_ENV") or env.get("APP_ENV", "development")
    if app_env not in ENVIRONMENTS:
        raise ConfigError(f"APP_ENV must be one of {', '.join(ENVIRONMENTS)}, not {app_env!r}")

    secret_key = overrides.get("SECRET_KEY") or env.get("SECRET_KEY")
    if not secret_key:
        if app_env == "production":
            raise ConfigError("SECRET_KEY must be set in production")
        secret_key = _dev_secret_key() if app_env == "development" else secrets.token_urlsafe(32)
    if app_env == "production" and (len(secret_key) < 32 or secret_key in {"dev", "changeme"}):
        raise ConfigError("SECRET_KEY is too short or a known default; use 32+ random characters")

    config = {
        "APP_ENV": app_env,
        "SECRET_KEY": secret_key,
        "DATABASE_URL": env.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'marketplace.db'}"),
        # Staff import page: a file larger than this is previewed and imported by the background
        # worker, with a status page (rows read, checked, written); smaller ones within the request.
        # About 2,000 rows of a .xlsx workbook.
        "IMPORT_IN_REQUEST_MAX_BYTES": _positive("IMPORT_IN_REQUEST_MAX_BYTES",
                                                 env.get("IMPORT_IN_REQUEST_MAX_BYTES", "131072"), int),
        # Where the worker writes a running import's progress (one small file per import): a file,
        # not the database, because on SQLite the import's own transaction holds the write lock.
        # A relative folder is taken under the instance folder (made absolute below).
        "IMPORT_PROGRESS_DIR": env.get("IMPORT_PROGRESS_DIR", str(INSTANCE_DIR / "import-progress")),
        "SEARCH_INDEX_DIR": env.get("SEARCH_INDEX_DIR", str(PROJECT_ROOT / "search_index")),
        # Photo files (re-encoded WebP) and scans: a folder, "s3://bucket/prefix" (an S3-compatible
        # bucket every host shares) or "memory://" (tests).
        "UPLOAD_DIR": env.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads")),
        # The bucket's server (MinIO, Ceph...; empty: AWS itself) and keys (empty: boto3's own chain).
        "S3_ENDPOINT_URL": env.get("S3_ENDPOINT_URL", ""),
        "AWS_REGION": env.get("AWS_REGION", env.get("AWS_DEFAULT_REGION", "")),
        "AWS_ACCESS_KEY_ID": env.get("AWS_ACCESS_KEY_ID", ""),
        "AWS_SECRET_ACCESS_KEY": env.get("AWS_SECRET_ACCESS_KEY", ""),
        # Sign-in sessions in Redis (shared by every host) instead of the signed cookie; empty: cookie.
        "SESSION_REDIS_URL": env.get("SESSION_REDIS_URL", ""),
        # Photos larger than this are refused from their header, before any decoding: JPEG and HEIC
        # (what cameras write; 52 takes 48 and 50 MP phones), and PNG and WebP (decoded in full).
        "PHOTO_MAX_MEGAPIXELS": _positive("PHOTO_MAX_MEGAPIXELS", env.get("PHOTO_MAX_MEGAPIXELS", "52")),
        "PHOTO_MAX_MEGAPIXELS_PNG_WEBP": _positive(
            "PHOTO_MAX_MEGAPIXELS_PNG_WEBP", env.get("PHOTO_MAX_MEGAPIXELS_PNG_WEBP", "25")),
        # Photos one user may have decoded in any hour (counted in the database, all processes).
        "PHOTO_UPLOADS_PER_HOUR": _positive("PHOTO_UPLOADS_PER_HOUR", env.get("PHOTO_UPLOADS_PER_HOUR", "120"),
                                            int),
        "STRIPE_SECRET_KEY": env.get("STRIPE_SECRET_KEY", ""),
        "STRIPE_WEBHOOK_SECRET": env.get("STRIPE_WEBHOOK_SECRET", ""),
        "STRIPE_API_BASE": env.get("STRIPE_API_BASE", ""),
        "MAIL_URL": env.get("MAIL_URL", "log://"),
        "MAIL_FROM": env.get("MAIL_FROM", "Chợ Hội Quán <no-reply@chohoiquan.local>"),
        # With MAIL_URL=log://, each mail's whole text goes to a file here and the log gets one line.
        "MAIL_LOG_DIR": env.get("MAIL_LOG_DIR", str(INSTANCE_DIR / "mail")),
        # The site's address as people reach it: links in mail sent by the background worker.
        "PUBLIC_URL": env.get("PUBLIC_URL", f"http://127.0.0.1:{env.get('PORT', '5000')}"),
        # How long the one-click link in every mail (change the mail choice without signing in,
        # List-Unsubscribe) works; after it, the page asks the person to sign in.
        "MAIL_SETTINGS_LINK_MAX_AGE_DAYS": _days("MAIL_SETTINGS_LINK_MAX_AGE_DAYS",
                                                 env.get("MAIL_SETTINGS_LINK_MAX_AGE_DAYS", "90")),
        # Notices by Zalo (ZNS) and SMS (marketplace.notifications.notifier): a channel without its
        # keys sends nothing, queues nothing and is not offered. NOTIFIER=fake keeps them in memory.
        "NOTIFIER": env.get("NOTIFIER", ""),
        "ZALO_ZNS_ACCESS_TOKEN": env.get("ZALO_ZNS_ACCESS_TOKEN", ""),
        "ZALO_ZNS_TEMPLATES": env.get("ZALO_ZNS_TEMPLATES", ""),  # "order=…,notice=…,code=…" (ids from Zalo)
        "ZALO_ZNS_URL": env.get("ZALO_ZNS_URL", ""),
        "SMS_URL": env.get("SMS_URL", ""),
        "SMS_API_KEY": env.get("SMS_API_KEY", ""),
        "SMS_BRANDNAME": env.get("SMS_BRANDNAME", ""),
        "SMS_MAX_LENGTH": _positive("SMS_MAX_LENGTH", env.get("SMS_MAX_LENGTH", "160"), int),
        # Codes that confirm a phone number: sent, and tried, per user.
        "PHONE_CODE_RATE_LIMIT": env.get("PHONE_CODE_RATE_LIMIT", "3 per 15 minutes;10 per day"),
        "PHONE_CONFIRM_RATE_LIMIT": env.get("PHONE_CONFIRM_RATE_LIMIT", "10 per 15 minutes;30 per day"),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _bool(env.get("RATELIMIT_ENABLED"), True),
        # How many proxies in front of the app set X-Forwarded-For/-Proto (the HTTPS proxy the
        # operations guide recommends: 1). 0 trusts none: the socket address is the client.
        "TRUSTED_PROXIES": _proxies(env.get("TRUSTED_PROXIES", "0")),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Per client address, and per account name whatever the address (spread-out guessing).
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour"),
        # Per user, web and API together: new threads, and messages in any thread.
        "CONVERSATION_RATE_LIMIT": env.get("CONVERSATION_RATE_LIMIT", "10 per hour;40 per day"),
        "MESSAGE_RATE_LIMIT": env.get("MESSAGE_RATE_LIMIT", "20 per minute;300 per day"),
        # Per user: the trade API's writes (offers, decisions, an order's confirm/decline/deliver, payments).
        "TRADE_API_RATE_LIMIT": env.get("TRADE_API_RATE_LIMIT", "60 per minute;1000 per day"),
        "LOGIN_IDENTIFIER_RATE_LIMIT": env.get("LOGIN_IDENTIFIER_RATE_LIMIT", "10 per 10 minutes"),
        "TEMPLATES_AUTO_RELOAD": app_env == "development",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": app_env == "production",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": app_env == "production",
        "WTF_CSRF_TIME_LIMIT": None,  # a chair filling a form slowly on a phone must not lose it
        "WTF_CSRF_CHECK_DEFAULT": False,  # checked in a before_request that knows about API tokens
        "MAX_CONTENT_LENGTH": 32 * 1024 * 1024,
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "LANGUAGES": ("vi", "en"),
        "PASSWORD_RESET_MAX_AGE": 3600,  # nosec B105  # seconds a reset link lives, not a password
        "API_TITLE": "Chợ Hội Quán API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "DEMO_PASSWORD": env.get("DEMO_PASSWORD", "demo-hoi-quan-2026"),
        # Flask-Compress: text that shrinks (pages, JSON, styles, scripts, the SVG icon), never
        # photos (already compressed) nor bodies under 500 bytes (the headers would outweigh it).
        "COMPRESS_MIMETYPES": ["text/html", "text/css", "text/plain", "text/javascript", "application/javascript",
                               "application/json", "application/problem+json", "image/svg+xml"],
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_ALGORITHM_STREAMING": ["br", "deflate"],  # static files are sent as streams
        "COMPRESS_MIN_SIZE": 500,
        "COMPRESS_REGISTER": False,  # registered by the app factory, which leaves 206 answers alone
        # Seconds a public page is kept for visitors without a cookie (marketplace/page_cache.py);
        # 0 turns it off, as the tests do.
        "PAGE_CACHE_SECONDS": _seconds("PAGE_CACHE_SECONDS", env.get("PAGE_CACHE_SECONDS",
                                                                     "0" if app_env == "testing" else "1")),
        # Seconds plain data the same for everyone (the categories on the home page) is kept per
        # process when another process changed it (marketplace/shared_data.py); 0 under tests.
        "SHARED_DATA_SECONDS": _seconds("SHARED_DATA_SECONDS", env.get("SHARED_DATA_SECONDS",
                                                                       "0" if app_env == "testing" else "60")),
        # Web processes warm each new index generation before they search it (marketplace/search);
        # off under tests, which read at once what they just wrote.
        "SEARCH_WARM": _bool(env.get("SEARCH_WARM"), app_env != "testing" and not overrides.get("TESTING")),
    }
    config.update(overrides)
    # The web processes and the worker may start in different folders: a relative folder would be
    # two folders. Relative means under the instance folder, where its default is.
    config["IMPORT_PROGRESS_DIR"] = str(INSTANCE_DIR / Path(config["IMPORT_PROGRESS_DIR"]).expanduser())
    if app_env == "production" and not str(config.get("PUBLIC_URL", "")).startswith("https://"):
        # Mail links, unsubscribe links and Stripe's return addresses are built from it.
        raise ConfigError("PUBLIC_URL must be set to the site's https:// address in production")
    config["SECRET_KEY"] = secret_key
    config["TESTING"] = config.get("TESTING", app_env == "testing")
    return config
