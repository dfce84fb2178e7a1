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
        upgrade()
        from app.extensions import db

        db.engine.dispose()


def _config(url: str, instance: Path) -> dict:
    return {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()} | {
        "SQLALCHEMY_DATABASE_URI": url,
        "UPLOAD_DIR": str(instance / "uploads"),
    }


def _seed(url: str, instance: Path) -> None:
    """Load processes/ and the demo accounts once; every test starts from a copy of this state."""
    app = create_app(_config(url, instance))
    with app.app_context():
        from app.accounts import demo
        from app.catalog import service as catalog
        from app.extensions import db

        report = catalog.sync_from_disk()
        assert all("error" not in line for line in report), report
        demo.seed()
        db.session.commit()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("sqlite-template")
    path = base / "template.db"
    _migrate(f"sqlite:///{path}", base)
    _seed(f"sqlite:///{path}", base)
    return path


@pytest.fixture(scope="session")
def postgres_seeded(tmp_path_factory) -> tuple[str, dict]:
    """A migrated PostgreSQL test database, and the rows of its seeded state."""
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
    instance = tmp_path_factory.mktemp("pg-migrate")
    _migrate(target, instance)
    _seed(target, instance)
    return target, _snapshot(target)


@pytest.fixture(scope="session")
def postgres_url(postgres_seeded) -> str:
    return postgres_seeded[0]


def _tables():
    from app import models  # noqa: F401 - every table on the metadata
    from app.extensions import db

    return db.metadata.sorted_tables


def _snapshot(url: str) -> dict:
    engine = create_engine(url)
    rows = {}
    with engine.connect() as conn:
        for table in _tables():
            found = [dict(r._mapping) for r in conn.execute(table.select())]
            if found:
                rows[table.name] = found
    engine.dispose()
    return rows


def _truncate_all(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        tables = [r[0] for r in conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"))]
        if tables:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    engine.dispose()


def _restore(url: str, rows: dict) -> None:
    """Empty every table and put the seeded rows back (much faster than seeding again)."""
    _truncate_all(url)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))  # services <-> versions cycle
        for table in _tables():
            if table.name in rows:
                conn.execute(table.insert(), rows[table.name])
                pk = list(table.primary_key.columns)
                if len(pk) == 1 and pk[0].autoincrement in (True, "auto") and pk[0].type.python_type is int:
                    conn.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', '{pk[0].name}'), "
                        f"COALESCE((SELECT MAX(\"{pk[0].name}\") FROM \"{table.name}\"), 0) + 1, false)"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A migrated database of each kind, holding the loaded processes and the demo accounts."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "test.db"
        shutil.copy(template, path)
        yield f"sqlite:///{path}"
    else:
        url, rows = request.getfixturevalue("postgres_seeded")
        _restore(url, rows)
        yield url
        _truncate_all(url)


@pytest.fixture
def app(database_url, tmp_path):
    """An app on a fresh database with the models of processes/ loaded and demo accounts seeded."""
    application = create_app(_config(database_url, tmp_path))
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


# -- SLA and notifications fixtures: a real SMTP server, a recording HTTP gateway, PostgreSQL only --


class SmtpSink:
    """Messages received by the test's SMTP server."""

    def __init__(self, host: str, port: int):
        import threading

        self.host, self.port = host, port
        self.messages: list[dict] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        import email
        from email import policy

        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                                  "subject": str(message["Subject"]), "body": message.get_body().get_content(),
                                  "notification_id": message["X-SatuPintu-Notification"]})
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[dict]:
        """Messages addressed to one recipient."""
        with self.lock:
            return [m for m in self.messages if address in m["to"]]


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free local port, collecting what it receives."""
    from aiosmtpd.controller import Controller

    sink = SmtpSink("127.0.0.1", _free_port())
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    yield sink
    controller.stop()


class GatewayStub:
    """A local HTTP server standing in for an SMS/WhatsApp gateway: records every request."""

    def __init__(self):
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        stub = self
        self.requests: list[dict] = []
        self.fail_next = 0  # answer 503 to this many requests first

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's hook name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                failing = stub.fail_next > 0
                if failing:
                    stub.fail_next -= 1
                stub.requests.append({"path": self.path, "authorization": self.headers.get("Authorization"),
                                      "json": json.loads(body or b"{}"), "answered": 503 if failing else 200})
                self.send_response(503 if failing else 200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"status": "queued"}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway():
    """A recording HTTP gateway (SMS at /sms, WhatsApp at /wa)."""
    stub = GatewayStub()
    yield stub
    stub.close()


@pytest.fixture
def postgres_app(postgres_url, tmp_path):
    """Like `app`, on PostgreSQL only (for tests of several processes sharing one database)."""
    _truncate_all(postgres_url)
    application = create_app(_config(postgres_url, tmp_path))
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
    _truncate_all(postgres_url)


def pytest_collection_modifyitems(config, items):
    """Tests marked `one_database` run on SQLite only: what they check does not depend on the database."""
    kept, dropped = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if item.get_closest_marker("one_database") and params.get("database_url") == "postgresql":
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def pytest_terminal_summary(terminalreporter):
    """Say loudly, at the end of the run, that browser tests were skipped for want of Chromium.

    Read from the skip reports, so it works with xdist too (the controller collects no test module).
    """
    skipped = [r for r in terminalreporter.stats.get("skipped", [])
               if "Chromium not installed" in str(getattr(r, "longrepr", ""))]
    if skipped:
        terminalreporter.section("BROWSER TESTS DID NOT RUN", sep="!", red=True, bold=True)
        terminalreporter.write_line(
            f"/usr/bin/chromium is missing, so {len(skipped)} browser tests were skipped. "
            "Install Debian's chromium (`apt-get install -y chromium`, or run `make test` as root).",
            red=True, bold=True)
