"""Deploying a model version takes two people: one analyst requests, another analyst or admin approves.

The attack (issue 18, item 5): one analyst alone uploaded a model and made it active for every new application.
Now the modeler's deploy is a request; only a second person — never the requester, nor the version's author —
activates it, and each step is in the model change log and the security log. `flask sync-processes` (files on the
server, the operator's path) still deploys directly, recorded as the operator's.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from tests.modeler.conftest import model_text, upload
from tests.support.api import ApiClient
from tests.support.pages import login, submit

KEY = "sip_apoteker"
BASE = f"/api/v1/process-models/{KEY}/versions"
SECOND = "analis2@demo.local"
ROOT = Path(__file__).resolve().parents[2]


def _second_analyst(app) -> None:
    from app.accounts import service as accounts
    from app.accounts.demo import DEMO_PASSWORD
    from app.extensions import db

    with app.app_context():
        accounts.create_user(email=SECOND, name="Rudi Analis Kedua", password=DEMO_PASSWORD, roles=("analyst",),
                             verified=True)
        db.session.commit()


def _new_version(analyst: ApiClient) -> int:
    renamed = model_text(f"{KEY}.bpmn").replace('name="Tetapkan instansi teknis: Dinas Kesehatan"',
                                                'name="Tetapkan Dinas Kesehatan"')
    stored = upload(analyst, KEY, {f"{KEY}.bpmn": renamed}, comment="nama langkah")
    assert stored.status_code == 201, stored.get_json()
    return stored.get_json()["version"]


def _active(api: ApiClient) -> int:
    return next(i for i in api.get("/api/v1/process-models").get_json()["items"] if i["key"] == KEY)["active_version"]


def _model_events(app) -> list[tuple[str, int, str | None]]:
    from sqlalchemy import select

    from app.extensions import db
    from app.modeler.models import ModelEvent

    with app.app_context():
        rows = db.session.scalars(select(ModelEvent).where(ModelEvent.service_key == KEY).order_by(ModelEvent.id))
        return [(e.kind, e.version, e.actor.email if e.actor else None) for e in rows]


def _security_events(app, prefix: str = "model_") -> list[tuple[str, int | None, dict]]:
    from sqlalchemy import select

    from app.audit.models import SecurityEvent
    from app.extensions import db

    with app.app_context():
        rows = db.session.scalars(select(SecurityEvent).where(SecurityEvent.kind.like(f"{prefix}%"))
                                  .order_by(SecurityEvent.id))
        return [(e.kind, e.actor_id, e.detail or {}) for e in rows]


def test_one_analyst_alone_cannot_make_a_version_active(client):
    """The old one-step deploy now only asks: the version stays inactive until someone else approves."""
    analyst = ApiClient(client, "analis@demo.local")
    number = _new_version(analyst)
    asked = analyst.post(f"{BASE}/{number}/deploy", json={"note": "nama langkah lebih pendek"})
    assert asked.status_code == 202 and asked.get_json()["state"] == "pending"
    assert _active(analyst) == 1
    own = analyst.post(f"{BASE}/{number}/deploy/approve")
    assert own.status_code == 403 and "bukan oleh pemintanya" in own.get_json()["error"]["message"]
    assert _active(analyst) == 1
    waiting = analyst.get("/api/v1/process-models/deploy-requests").get_json()["items"]
    assert [(r["key"], r["version"], r["state"]) for r in waiting] == [(KEY, number, "pending")]


def test_the_author_of_a_version_cannot_approve_it_through_a_colleagues_request(app, client):
    """Requested by a second analyst, the version's author still may not be the one who approves it."""
    _second_analyst(app)
    author = ApiClient(client, "analis@demo.local")
    number = _new_version(author)
    assert ApiClient(client, SECOND).post(f"{BASE}/{number}/deploy").status_code == 202
    refused = author.post(f"{BASE}/{number}/deploy/approve")
    assert refused.status_code == 403 and _active(author) == 1


def test_a_second_analysts_approval_activates_and_both_steps_are_audited(app, client):
    """Request by one analyst, approval by another: active for new cases, in the change log and security log."""
    _second_analyst(app)
    analyst, second = ApiClient(client, "analis@demo.local"), ApiClient(client, SECOND)
    number = _new_version(analyst)
    assert analyst.post(f"{BASE}/{number}/deploy").status_code == 202
    approved = second.post(f"{BASE}/{number}/deploy/approve")
    assert approved.status_code == 200, approved.get_json()
    body = approved.get_json()
    assert body["active_version"] == number and body["request"]["state"] == "approved"
    assert body["request"]["decided_by"] == "Rudi Analis Kedua" and _active(analyst) == number
    assert _model_events(app)[-2:] == [("deploy_requested", number, "analis@demo.local"),
                                       ("deployed", number, SECOND)]
    analyst_id, second_id = analyst.user["id"], second.user["id"]
    requested, deployed = _security_events(app)[-2:]
    assert requested[:2] == ("model_deploy_requested", analyst_id) and requested[2]["version"] == number
    assert deployed[:2] == ("model_deployed", second_id)
    assert deployed[2]["requested_by"] == analyst_id and deployed[2]["approved_by"] == second_id
    assert second.post(f"{BASE}/{number}/deploy/approve").status_code == 409  # nothing waits any more


def test_the_shared_deploy_call_made_by_a_second_person_deploys(app, client):
    """API.md's one call, `POST .../deploy`: the first caller asks (202), a second person's call deploys (200)."""
    _second_analyst(app)
    analyst, second = ApiClient(client, "analis@demo.local"), ApiClient(client, SECOND)
    number = _new_version(analyst)
    assert analyst.post(f"{BASE}/{number}/deploy").status_code == 202
    assert analyst.post(f"{BASE}/{number}/deploy").status_code == 409 and _active(analyst) == 1  # asking again
    deployed = second.post(f"{BASE}/{number}/deploy")
    assert deployed.status_code == 200, deployed.get_json()
    assert deployed.get_json()["active_version"] == number and deployed.get_json()["request"]["state"] == "approved"
    assert _active(analyst) == number
    assert _model_events(app)[-1] == ("deployed", number, SECOND)


def test_the_author_cannot_deploy_through_the_shared_call_either(app, client):
    """The attack on the one-call path: the author waits for a colleague's request, then calls POST .../deploy."""
    _second_analyst(app)
    author = ApiClient(client, "analis@demo.local")
    number = _new_version(author)
    assert ApiClient(client, SECOND).post(f"{BASE}/{number}/deploy").status_code == 202
    refused = author.post(f"{BASE}/{number}/deploy")
    assert refused.status_code == 403 and _active(author) == 1
    assert [e for e in _model_events(app) if e[0] == "deployed"] == []


def test_a_rejection_needs_a_reason_closes_the_request_and_is_audited(app, client):
    """Rejected (with a reason) by an admin: nothing is activated and the request cannot be approved later."""
    analyst, admin = ApiClient(client, "analis@demo.local"), ApiClient(client, "admin@demo.local")
    number = _new_version(analyst)
    assert analyst.post(f"{BASE}/{number}/deploy").status_code == 202
    assert analyst.post(f"{BASE}/{number}/deploy").status_code == 409  # one pending request per version
    missing = admin.post(f"{BASE}/{number}/deploy/reject", json={})
    assert missing.status_code == 422 and "reason" in missing.get_json()["error"]["fields"]
    rejected = admin.post(f"{BASE}/{number}/deploy/reject", json={"reason": "Nama langkah belum disepakati."})
    assert rejected.status_code == 200 and rejected.get_json()["state"] == "rejected"
    assert admin.post(f"{BASE}/{number}/deploy/approve").status_code == 409 and _active(admin) == 1
    assert _model_events(app)[-1] == ("deploy_rejected", number, "admin@demo.local")
    assert _security_events(app)[-1][0] == "model_deploy_rejected"


def test_the_versions_page_asks_and_a_second_person_approves_there(client):
    """The browser path: the requester sees no approve button for their own request; the admin approves."""
    analyst = ApiClient(client, "analis@demo.local")
    number = _new_version(analyst)
    versions = f"/analis/model/{KEY}/versi"
    login(client, "analis@demo.local")
    page = submit(client, f"{versions}/{number}/aktifkan", {}, form_page=versions,
                  follow_redirects=True).get_data(as_text=True)
    assert "Menunggu persetujuan" in page and "Batalkan permintaan" in page and f"Setujui v{number}" not in page
    own = submit(client, f"{versions}/{number}/setujui", {}, form_page=versions, follow_redirects=True)
    assert own.status_code == 200 and "bukan oleh pemintanya" in own.get_data(as_text=True)
    assert _active(analyst) == 1
    login(client, "admin@demo.local")
    overview = client.get("/analis/model").get_data(as_text=True)
    assert "Aktivasi menunggu persetujuan (1)" in overview and f"Setujui v{number}" in overview
    page = submit(client, f"{versions}/{number}/setujui", {"back": "list"}, form_page="/analis/model",
                  follow_redirects=True).get_data(as_text=True)
    assert f"Versi {number} sekarang aktif" in page and _active(analyst) == number


def test_sync_processes_deploys_directly_and_is_recorded_as_the_operators(app, tmp_path):
    """The operator's CLI loads a changed file from the server's folder: active at once, logged as such."""
    processes, forms = tmp_path / "processes", tmp_path / "forms"
    shutil.copytree(ROOT / "processes", processes)
    shutil.copytree(ROOT / "forms", forms)
    path = processes / f"{KEY}.bpmn"
    path.write_text(path.read_text("utf-8").replace('name="Tetapkan instansi teknis: Dinas Kesehatan"',
                                                    'name="Dinas Kesehatan"'), "utf-8")
    app.config.update(PROCESSES_DIR=str(processes), FORMS_DIR=str(forms))
    result = app.test_cli_runner().invoke(args=["sync-processes"])
    assert result.exit_code == 0, result.output
    assert _model_events(app)[-1] == ("deployed_by_operator", 2, None)
    kind, actor, detail = _security_events(app)[-1]
    assert (kind, actor, detail["via"], detail["version"]) == ("model_deployed", None, "sync-processes", 2)
