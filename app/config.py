"""Configuration: every environment variable is declared here once and validated at start."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:  # fail at start, not at first use
        raise RuntimeError(f"environment variable {name} must be an integer, got {raw!r}") from exc


def _database_url(raw: str | None, default: str) -> str:
    url = raw or default
    # Accept the common postgres:// spelling and pick the psycopg 3 driver.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


class Config:
    """Production and development settings, read from the environment."""

    # "production" refuses to start without SECRET_KEY and PUBLIC_BASE_URL (docs/DEPLOY.md); anything else is
    # development, where a generated key in the instance folder and http://HOST:PORT links are fine.
    APP_ENV = os.environ.get("APP_ENV", "development").strip().lower()
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    SQLALCHEMY_DATABASE_URI = _database_url(os.environ.get("DATABASE_URL"), "sqlite:///satupintu.db")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    PROCESSES_DIR = os.environ.get("PROCESSES_DIR", str(BASE_DIR / "processes"))
    FORMS_DIR = os.environ.get("FORMS_DIR", str(BASE_DIR / "forms"))
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", "")  # default: <instance>/uploads
    MAX_UPLOAD_MB = _env_int("MAX_UPLOAD_MB", 10)
    # Any request body larger than this is refused with 413 before it is read; above the largest upload.
    MAX_REQUEST_MB = _env_int("MAX_REQUEST_MB", MAX_UPLOAD_MB + 2)
    MAX_CONTENT_LENGTH = MAX_REQUEST_MB * 1024 * 1024
    API_TOKEN_HOURS = _env_int("API_TOKEN_HOURS", 12)
    # How long a retry with the same Idempotency-Key gets the first response back; older records are deleted.
    IDEMPOTENCY_KEY_HOURS = _env_int("IDEMPOTENCY_KEY_HOURS", 24)
    SCRIPT_TIME_LIMIT_SECONDS = float(os.environ.get("SCRIPT_TIME_LIMIT_SECONDS", "1.0"))
    # Model code runs in worker processes (app/engine/isolation.py, docs/ENGINE.md): the JSON size of what a
    # script may leave in the task data, the memory a worker may add, how many workers each process keeps warm.
    SCRIPT_MAX_RESULT_BYTES = _env_int("SCRIPT_MAX_RESULT_BYTES", 1_000_000)
    SCRIPT_MEMORY_LIMIT_MB = _env_int("SCRIPT_MEMORY_LIMIT_MB", 256)
    SCRIPT_WORKERS = _env_int("SCRIPT_WORKERS", 2)
    PAYMENT_CALLBACK_SECRET = os.environ.get("PAYMENT_CALLBACK_SECRET", "")
    # Billing codes (docs/SERVICES.md): "local" numbers them here; else "package.module:ClassName".
    BILLING_CODE_ADAPTER = os.environ.get("BILLING_CODE_ADAPTER", "local")
    BILLING_CODE_PREFIX = os.environ.get("BILLING_CODE_PREFIX", "3200")  # e.g. the region code
    BILLING_CODE_FORMAT = os.environ.get("BILLING_CODE_FORMAT", "{prefix}{yy}{seq:07d}")  # + a Luhn check digit
    SKRD_NUMBER_FORMAT = os.environ.get("SKRD_NUMBER_FORMAT", "973/{seq:05d}/SKRD/{year}")  # docs/PAYMENTS.md
    # Complaints (pengaduan): anonymous submissions per client address, and the channels shown in the catalog.
    COMPLAINT_RATE_LIMIT = os.environ.get("COMPLAINT_RATE_LIMIT", "5/hour")
    COMPLAINT_CONTACT = os.environ.get("COMPLAINT_CONTACT",
                                       "WhatsApp 0811-2000-1708 · pengaduan@dpmptsp.kotacontoh.go.id")
    OFFICE_NAME = os.environ.get("OFFICE_NAME", "DPMPTSP Kota Contoh")
    # Letterhead and signing block of issued permits and receipts (docs/PERMITS.md).
    OFFICE_GOVERNMENT = os.environ.get("OFFICE_GOVERNMENT", "PEMERINTAH KOTA CONTOH")
    OFFICE_ADDRESS = os.environ.get("OFFICE_ADDRESS", "Jl. Merdeka No. 1, Kota Contoh 40111 · Telp. (022) 000000")
    OFFICE_CITY = os.environ.get("OFFICE_CITY", "Kota Contoh")
    OFFICE_LOGO_PATH = os.environ.get("OFFICE_LOGO_PATH", "")  # PNG/JPEG; empty: a drawn default emblem
    OFFICE_HEAD_NAME = os.environ.get("OFFICE_HEAD_NAME", "")  # signs when no penandatangan user did
    OFFICE_HEAD_NIP = os.environ.get("OFFICE_HEAD_NIP", "")
    # Every absolute link (mails, magic links, QR codes) starts here, never with the request's Host header.
    # Development default: the address `make run` serves (HOST, PORT); production must set it.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")
    # The office's signing certificate (PKCS#12); empty: the development CA in <instance>/signing.
    SIGNING_P12_PATH = os.environ.get("SIGNING_P12_PATH", "")
    SIGNING_P12_PASSWORD = os.environ.get("SIGNING_P12_PASSWORD", "")
    SIGNING_DEV_DIR = os.environ.get("SIGNING_DEV_DIR", "")  # default: <instance>/signing
    OFFICE_TIMEZONE = "Asia/Jakarta"
    INCLUDE_CUTI_BERSAMA = os.environ.get("INCLUDE_CUTI_BERSAMA", "1") not in ("0", "false", "no")
    SCHEDULER_INTERVAL_SECONDS = _env_int("SCHEDULER_INTERVAL_SECONDS", 30)
    PASSWORD_HASH_TIME_COST = _env_int("PASSWORD_HASH_TIME_COST", 3)
    PASSWORD_HASH_MEMORY_KIB = _env_int("PASSWORD_HASH_MEMORY_KIB", 65536)
    SMTP_HOST = os.environ.get("SMTP_HOST", "")
    SMTP_PORT = _env_int("SMTP_PORT", 25)
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    SMTP_STARTTLS = os.environ.get("SMTP_STARTTLS", "0") in ("1", "true", "yes")
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "SatuPintu <no-reply@satupintu.local>")
    SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
    SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")
    WHATSAPP_GATEWAY_URL = os.environ.get("WHATSAPP_GATEWAY_URL", "")
    WHATSAPP_GATEWAY_TOKEN = os.environ.get("WHATSAPP_GATEWAY_TOKEN", "")
    # Channels a case notification to the applicant uses (in_app, email, sms, whatsapp).
    NOTIFY_APPLICANT_CHANNELS = os.environ.get("NOTIFY_APPLICANT_CHANNELS", "in_app,email")
    # Development: print every outgoing message whole to the console (`make run` sets it); never in production.
    OUTBOX_CONSOLE = os.environ.get("OUTBOX_CONSOLE", "0") in ("1", "true", "yes")
    NOTIFY_MAX_ATTEMPTS = _env_int("NOTIFY_MAX_ATTEMPTS", 6)          # then the message is dead-lettered
    NOTIFY_BACKOFF_SECONDS = _env_int("NOTIFY_BACKOFF_SECONDS", 60)   # first retry delay, doubled each attempt
    NOTIFY_SENDING_LEASE_SECONDS = _env_int("NOTIFY_SENDING_LEASE_SECONDS", 600)
    # SLA: default escalation ladder (percent:action), pauses allowed before a supervisor must approve,
    # the hour (office time) of the officers' daily digest.
    SLA_ESCALATION_LADDER = os.environ.get("SLA_ESCALATION_LADDER", "75:reminder,100:breach,150:escalate")
    SLA_ESCALATION_REASSIGN = os.environ.get("SLA_ESCALATION_REASSIGN", "0") in ("1", "true", "yes")
    SLA_MAX_PAUSES = _env_int("SLA_MAX_PAUSES", 2)
    SLA_DIGEST_HOUR = _env_int("SLA_DIGEST_HOUR", 7)
    SLA_JOB_BATCH = _env_int("SLA_JOB_BATCH", 200)
    # Load shedding per web process (app/common/load.py, docs/DEPLOY.md): requests running at once, how
    # many may wait for a slot and for how long; beyond that 503 + Retry-After. 0 in-flight turns it off.
    LOAD_MAX_IN_FLIGHT = _env_int("LOAD_MAX_IN_FLIGHT", 4)
    LOAD_MAX_WAITING = _env_int("LOAD_MAX_WAITING", 24)
    LOAD_MAX_WAIT_MS = _env_int("LOAD_MAX_WAIT_MS", 2000)
    LOAD_RETRY_AFTER_SECONDS = _env_int("LOAD_RETRY_AFTER_SECONDS", 5)
    LOAD_SHED_EXEMPT = os.environ.get("LOAD_SHED_EXEMPT", "/healthz,/static/")  # path prefixes never refused
    # Static files (app/common/assets.py): compressed copies are kept here (default <instance>/static-cache);
    # names without their content hash (fonts a stylesheet refers to, /favicon.ico) are cached this long.
    STATIC_CACHE_DIR = os.environ.get("STATIC_CACHE_DIR", "")
    STATIC_MAX_AGE = _env_int("STATIC_MAX_AGE", 3600)
    # Rate-limit counters: "database://" (the default) keeps them in the application's database, shared by every
    # web process (app/common/ratelimit_store.py); redis://host:6379 and the other limits schemes work too.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "database://")
    RATELIMIT_ENABLED = os.environ.get("RATELIMIT_ENABLED", "1") not in ("0", "false", "no")
    LOGIN_MAX_FAILURES = _env_int("LOGIN_MAX_FAILURES", 5)
    LOGIN_LOCK_MINUTES = _env_int("LOGIN_LOCK_MINUTES", 15)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") in ("1", "true", "yes")
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto to trust (nginx on the host: 1). With 0,
    # every client behind a proxy shares the proxy's address: one rate-limit bucket, one address in the log.
    TRUSTED_PROXY_HOPS = _env_int("TRUSTED_PROXY_HOPS", 0)
    WTF_CSRF_CHECK_DEFAULT = False  # checked in app.common.security, skipping bearer-token API calls
    LANGUAGES = ("id", "en")
    TESTING = False

    # flask-smorest / OpenAPI
    API_TITLE = "SatuPintu API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"


def development_base_url() -> str:
    """The address `make run` serves on (its HOST and PORT), for links when PUBLIC_BASE_URL is unset."""
    return f"http://{os.environ.get('HOST') or '127.0.0.1'}:{os.environ.get('PORT') or '5000'}"


def check_settings(config: dict) -> None:
    """Refuse to start with unsafe or inconsistent settings; outside production, fill PUBLIC_BASE_URL in."""
    problems = []
    if config.get("APP_ENV") == "production":
        if len(config.get("SECRET_KEY") or "") < 32:
            problems.append("SECRET_KEY must be set to a random value of at least 32 characters, the same on "
                            "every web and scheduler process")
        if not config.get("PUBLIC_BASE_URL"):
            problems.append("PUBLIC_BASE_URL must be set to the site's public address, e.g. "
                            "https://satupintu.example.go.id (links in mails and QR codes start with it)")
    elif not config.get("PUBLIC_BASE_URL"):
        config["PUBLIC_BASE_URL"] = development_base_url()
    base = config.get("PUBLIC_BASE_URL") or ""
    if base and (not base.startswith(("http://", "https://")) or "?" in base or "#" in base):
        problems.append(f"PUBLIC_BASE_URL must be an absolute http(s) URL without query, got {base!r}")
    if int(config.get("MAX_CONTENT_LENGTH") or 0) <= int(config.get("MAX_UPLOAD_MB") or 0) * 1024 * 1024:
        problems.append("MAX_REQUEST_MB must be larger than MAX_UPLOAD_MB (the multipart envelope needs room)")
    if problems:
        raise RuntimeError("SatuPintu refuses to start: " + "; ".join(problems))


class TestConfig(Config):
    """Settings for the test suite: a throwaway database, cheap password hashing."""

    TESTING = True
    SECRET_KEY = "test-secret-key"
    PUBLIC_BASE_URL = "http://localhost"  # what the test client calls itself; links never follow its Host
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    PASSWORD_HASH_TIME_COST = 1
    PASSWORD_HASH_MEMORY_KIB = 1024
    PAYMENT_CALLBACK_SECRET = "test-callback-secret"
    WTF_CSRF_ENABLED = True
    SCRIPT_TIME_LIMIT_SECONDS = 0.5
    RATELIMIT_ENABLED = False  # the suite logs in far more often than a person; tests/common enables it
    LOAD_MAX_IN_FLIGHT = 0  # no load shedding; tests/common/test_load_shedding.py turns it on
    # One development CA per machine for test runs, outside the project's instance folder.
    SIGNING_DEV_DIR = str(Path(tempfile.gettempdir()) / "satupintu-test-signing")
    STATIC_CACHE_DIR = str(Path(tempfile.gettempdir()) / "satupintu-test-static")
