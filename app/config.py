"""Configuration: every environment variable is declared here once and validated at start."""
from __future__ import annotations

import os
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

    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    SQLALCHEMY_DATABASE_URI = _database_url(os.environ.get("DATABASE_URL"), "sqlite:///satupintu.db")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    PROCESSES_DIR = os.environ.get("PROCESSES_DIR", str(BASE_DIR / "processes"))
    FORMS_DIR = os.environ.get("FORMS_DIR", str(BASE_DIR / "forms"))
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", "")  # default: <instance>/uploads
    MAX_UPLOAD_MB = _env_int("MAX_UPLOAD_MB", 10)
    API_TOKEN_HOURS = _env_int("API_TOKEN_HOURS", 12)
    SCRIPT_TIME_LIMIT_SECONDS = float(os.environ.get("SCRIPT_TIME_LIMIT_SECONDS", "1.0"))
    PAYMENT_CALLBACK_SECRET = os.environ.get("PAYMENT_CALLBACK_SECRET", "")
    OFFICE_NAME = os.environ.get("OFFICE_NAME", "DPMPTSP Kota Contoh")
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
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") in ("1", "true", "yes")
    WTF_CSRF_CHECK_DEFAULT = False  # checked in app.common.security, skipping bearer-token API calls
    LANGUAGES = ("id", "en")
    TESTING = False

    # flask-smorest / OpenAPI
    API_TITLE = "SatuPintu API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"


class TestConfig(Config):
    """Settings for the test suite: a throwaway database, cheap password hashing."""

    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    PASSWORD_HASH_TIME_COST = 1
    PASSWORD_HASH_MEMORY_KIB = 1024
    PAYMENT_CALLBACK_SECRET = "test-callback-secret"
    WTF_CSRF_ENABLED = True
    SCRIPT_TIME_LIMIT_SECONDS = 0.5
