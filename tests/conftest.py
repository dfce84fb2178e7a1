"""Test fixtures: every database test runs on SQLite and on PostgreSQL.

The schema comes from the Alembic migrations (never create_all): SQLite tests copy a
migrated template file; PostgreSQL tests share one migrated database and truncate its
tables after each test. PostgreSQL is TEST_DATABASE_URL (default: the local server);
where none is reachable its runs are skipped with the reason shown.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.config import TestConfig

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PG_TEST_DB = "satupintu_test"


def _pg_admin_url() -> str:
    raw = os.environ.get("TEST_DATABASE_URL", PG_DEFAULT)
    if raw.startswith("postgresql://"):
        raw = "postgresql+psycopg://" + raw[len("postgresql://"):]
    return raw


def _pg_test_url() -> str:
    # Distinct names let parallel runs (xdist workers, several checkouts) share one server.
    suffix = os.environ.get("TEST_DB_SUFFIX", "") + os.environ.get("PYTEST_XDIST_WORKER", "")
    return str(make_url(_pg_admin_url()).set(database=f"{PG_TEST_DB}{suffix}"))


def _migrate(url: str, instance: Path) -> None:
    from flask_migrate import upgrade

    app = create_app({**_config(url, instance)})
    with app.app_context():
        upgrade(revision="heads")
        from app.extensions import db

        db.engine.dispose()


def _config(url: str, instance: Path) -> dict:
    return {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()} | {
        "SQLALCHEMY_DATABASE_URI": url,
        "UPLOAD_DIR": str(instance / "uploads"),
    }


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("sqlite-template")
    path = base / "template.db"
    _migrate(f"sqlite:///{path}", base)
    return path


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory) -> str:
    admin = _pg_admin_url()
    target = _pg_test_url()
    name = make_url(target).database
    try:
        engine = create_engine(admin, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"PostgreSQL not reachable at {make_url(admin).render_as_string(hide_password=True)}: {exc}")
    _migrate(target, tmp_path_factory.mktemp("pg-migrate"))
    return target


def _truncate_all(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        tables = [r[0] for r in conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"))]
        if tables:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A migrated, empty database of each kind."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "test.db"
        shutil.copy(template, path)
        yield f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_url")
        _truncate_all(url)
        yield url
        _truncate_all(url)


@pytest.fixture
def app(database_url, tmp_path):
    """An app on a fresh database with the models of processes/ loaded and demo accounts seeded."""
    application = create_app(_config(database_url, tmp_path))
    with application.app_context():
        from app.accounts import demo
        from app.catalog import service as catalog
        from app.extensions import db

        report = catalog.sync_from_disk()
        assert all("error" not in line for line in report), report
        demo.seed()
        db.session.commit()
    yield application
    with application.app_context():
        from app.extensions import db

        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def ctx(app):
    """An application context for calling services directly."""
    with app.app_context():
        yield app
