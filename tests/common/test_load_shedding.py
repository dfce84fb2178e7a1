"""Load shedding: past the in-flight bound and the wait, requests get 503 + Retry-After at once."""
from __future__ import annotations

import threading
import time

import pytest

from app import create_app
from tests.conftest import _config

pytestmark = pytest.mark.one_database  # nothing here depends on the database


@pytest.fixture
def gated(database_url, tmp_path):
    """An app admitting one request at a time, with a route that holds its slot until released."""
    application = create_app(_config(database_url, tmp_path) | {
        "LOAD_MAX_IN_FLIGHT": 1, "LOAD_MAX_WAITING": 1, "LOAD_MAX_WAIT_MS": 100, "LOAD_RETRY_AFTER_SECONDS": 7})
    entered, release = threading.Event(), threading.Event()

    @application.get("/_test/hold")
    def hold():
        entered.set()
        release.wait(timeout=30)
        return "held"

    holder: list = []

    def occupy():
        holder.append(application.test_client().get("/_test/hold"))

    thread = threading.Thread(target=occupy)
    application.extensions["test.gate"] = (thread, entered, release, holder)
    yield application
    release.set()
    if thread.is_alive():
        thread.join(timeout=30)
    with application.app_context():
        from app.extensions import db

        db.session.remove()
        db.engine.dispose()


def _occupy(app) -> tuple[threading.Event, list]:
    thread, entered, release, holder = app.extensions["test.gate"]
    thread.start()
    assert entered.wait(timeout=10)
    return release, holder


def test_api_request_beyond_the_bound_gets_503_json_with_retry_after(gated):
    release, holder = _occupy(gated)
    response = gated.test_client().get("/api/v1/services")
    assert not holder  # refused after the short wait, while the held request is still running
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "7"
    assert response.get_json()["error"]["code"] == "overloaded"
    assert "7 detik" in response.get_json()["error"]["message"]
    release.set()
    gated.extensions["test.gate"][0].join(timeout=30)
    assert holder[0].status_code == 200
    assert gated.test_client().get("/api/v1/services").status_code == 200  # the slot is free again


def test_browser_gets_a_readable_busy_page(gated):
    release, _ = _occupy(gated)
    response = gated.test_client().get("/", headers={"Accept": "text/html"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "7"
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Server sedang sibuk" in page and 'lang="id"' in page
    release.set()


def test_health_check_is_never_refused(gated):
    release, _ = _occupy(gated)
    response = gated.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["db"] == "ok"
    release.set()


def test_a_request_waits_for_a_slot_freed_within_the_bound(gated):
    gated.extensions["satupintu.load_shedder"].max_wait = 10.0
    release, _ = _occupy(gated)
    threading.Timer(0.3, release.set).start()
    response = gated.test_client().get("/api/v1/services")
    assert response.status_code == 200
    assert gated.extensions["satupintu.load_shedder"].shed == 0


def test_a_full_waiting_room_refuses_at_once(gated):
    shedder = gated.extensions["satupintu.load_shedder"]
    shedder.max_wait = 60.0
    release, holder = _occupy(gated)
    waiter: list = []
    thread = threading.Thread(target=lambda: waiter.append(gated.test_client().get("/api/v1/services")))
    thread.start()
    deadline = time.monotonic() + 10
    while shedder.waiting < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert shedder.waiting == 1
    response = gated.test_client().get("/api/v1/services")
    assert response.status_code == 503
    # No wait: had it queued, it could only have been answered after the first waiter (60 s bound, no slot
    # freed); it was answered while that waiter still waits and the slot is still held.
    assert shedder.waiting == 1 and not waiter and not holder
    release.set()
    thread.join(timeout=30)
    assert waiter[0].status_code == 200  # the waiting one was served once the slot freed


def test_a_request_that_queued_too_long_in_the_proxy_is_refused(gated):
    stale = f"t={time.time() - 5:.3f}"
    response = gated.test_client().get("/api/v1/services", headers={"X-Request-Start": stale})
    assert response.status_code == 503
    fresh = f"t={time.time():.3f}"
    assert gated.test_client().get("/api/v1/services", headers={"X-Request-Start": fresh}).status_code == 200


def test_test_config_does_not_shed(app):
    assert "satupintu.load_shedder" not in app.extensions
