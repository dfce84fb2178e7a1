"""Fixtures of the analysts' workspace tests: an analyst's API client, model files, a live server."""
from __future__ import annotations

import io
import shutil
import socket
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.support.api import ApiClient

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = ROOT / "processes"


def model_text(name: str) -> str:
    """A model file from processes/."""
    return (PROCESSES / name).read_text("utf-8")


def upload(api: ApiClient, key: str, files: dict[str, bytes | str], comment: str = "uji", field: str = "bpmn"):
    """POST files to the versions endpoint (each as the given multipart field)."""
    data: dict = {"comment": comment}
    parts = []
    for name, content in files.items():
        raw = content.encode("utf-8") if isinstance(content, str) else content
        kind = "dmn" if name.endswith(".dmn") else "forms" if name.endswith(".json") else field
        parts.append((kind, (io.BytesIO(raw), name)))
    for kind in {k for k, _ in parts}:
        data[kind] = [p for k, p in parts if k == kind]
    return api.post(f"/api/v1/process-models/{key}/versions", data=data, content_type="multipart/form-data")


def deploy(client, key: str, number: int, *, requester: str = "analis@demo.local",
           approver: str = "admin@demo.local"):
    """Deploy a version the four-eyes way: one analyst requests it, a second person approves; the approval's response."""
    asked = ApiClient(client, requester).post(f"/api/v1/process-models/{key}/versions/{number}/deploy")
    assert asked.status_code == 202, asked.get_json()
    return ApiClient(client, approver).post(f"/api/v1/process-models/{key}/versions/{number}/deploy/approve")


@pytest.fixture
def analyst(client) -> ApiClient:
    return ApiClient(client, "analis@demo.local")


@pytest.fixture(scope="module")
def sim_app(sqlite_template, tmp_path_factory):
    """One app on SQLite for in-memory test runs (no case is written)."""
    from app import create_app
    from app.config import TestConfig

    base = tmp_path_factory.mktemp("sim")
    shutil.copy(sqlite_template, base / "sim.db")
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config.update({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{base / 'sim.db'}", "UPLOAD_DIR": str(base / "uploads")})
    application = create_app(config)
    with application.app_context():
        yield application
        from app.extensions import db

        db.session.remove()
        db.engine.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def live_server(app):
    """The app served by werkzeug in a thread on 127.0.0.1:<free port>; yields its base URL."""
    server = make_server("127.0.0.1", _free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
