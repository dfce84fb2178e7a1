"""SatuPintu: BPMN-driven case management for one-stop permit offices."""
from __future__ import annotations

import importlib
import os
import secrets
from pathlib import Path

from flask import Flask

from app.config import Config, check_settings
from app.engine import SpecCache

# Parsed models are immutable and keyed by content hash: one cache serves every app in the process.
SPEC_CACHE = SpecCache()

# Each domain attaches itself (blueprints, signal receivers) through its init_app(app).
DOMAINS = ("accounts", "catalog", "cases", "inbox", "permits", "notifications", "sla", "surveys", "portal",
           "modeler", "payments", "complaints", "standards", "dashboard", "audit")


def create_app(config: type[Config] | dict | None = None) -> Flask:
    """Application factory: wiring only."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    check_settings(app.config)  # production without SECRET_KEY or PUBLIC_BASE_URL stops here
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _ensure_secret_key(app)

    from app.extensions import db, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"),
                     render_as_batch=True, compare_type=True)
    _sqlite_pragmas(app)

    from app.common import auth, errors, i18n, openapi, security

    security.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    openapi.init_app(app)  # flask-smorest with the error responses and security of the spec
    errors.init_app(app)

    from app import models  # noqa: F401 - every table registered on the metadata
    from app.engine import Engine
    from app.sla import service as sla

    app.extensions["satupintu.spec_cache"] = SPEC_CACHE
    app.extensions["satupintu.engine"] = Engine(helpers=sla.script_helpers(),
                                                time_limit=app.config["SCRIPT_TIME_LIMIT_SECONDS"],
                                                max_result_bytes=app.config["SCRIPT_MAX_RESULT_BYTES"],
                                                memory_mb=app.config["SCRIPT_MEMORY_LIMIT_MB"],
                                                workers=app.config["SCRIPT_WORKERS"])

    for name in DOMAINS:
        importlib.import_module(f"app.{name}").init_app(app)

    from app.common.health import bp as health_bp
    from app.web import bp as web_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(web_bp)

    from app import cli
    from app.common import assets, load

    cli.init_app(app)
    load.init_app(app)  # a refused request costs no app work
    assets.init_app(app)  # outermost: static files (WhiteNoise) never wait for a slot
    return app


def _ensure_secret_key(app: Flask) -> None:
    """Use SECRET_KEY from the environment, else a key kept in the instance folder."""
    if app.config.get("SECRET_KEY"):
        return
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        os.chmod(key_file, 0o600)
    app.config["SECRET_KEY"] = key_file.read_text().strip()


def _sqlite_pragmas(app: Flask) -> None:
    from sqlalchemy import event

    from app.extensions import db

    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return

    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "connect")
        def set_pragmas(dbapi_connection, connection_record):  # noqa: ARG001
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.close()
