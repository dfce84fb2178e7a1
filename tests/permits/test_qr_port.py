"""The app started on another port: the permit's QR code opens the verification page on that port."""
from __future__ import annotations

import socket
import threading
import urllib.request

import pytest
from werkzeug.serving import make_server

from app import create_app
from tests.conftest import _config
from tests.permits.support import issue_through_api, scanned_qr_codes
from tests.support.api import ApiClient


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_permit_qr_opens_verification_on_the_port_the_app_runs_on(database_url, tmp_path, monkeypatch):
    port = _free_port()
    monkeypatch.setenv("HOST", "127.0.0.1")
    monkeypatch.setenv("PORT", str(port))
    app = create_app(_config(database_url, tmp_path) | {"PUBLIC_BASE_URL": ""})
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        client = app.test_client()
        view = issue_through_api(client)
        pdf = ApiClient(client, "pemohon@demo.local").get(view["permit"]["pdf_url"])
        assert pdf.status_code == 200
        codes = [c for c in scanned_qr_codes(pdf.data) if "/verify/" in c]
        assert codes and codes[0].startswith(f"http://127.0.0.1:{port}/verify/"), codes
        with urllib.request.urlopen(codes[0], timeout=10) as response:  # what the phone opens
            page = response.read().decode("utf-8")
        assert response.status == 200 and view["permit"]["number"] in page
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
