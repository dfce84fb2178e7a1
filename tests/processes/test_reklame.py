"""reklame: verification, Dinas Perhubungan recommendation, pajak reklame by the fee table, payment, approval."""
from __future__ import annotations

from app.accounts import service as accounts
from app.accounts.demo import DEMO_PASSWORD
from app.extensions import db
from tests.processes import http
from tests.processes.support import NOT_RECOMMEND, complete, event_kinds, route, submit, verified
from tests.support.api import ApiClient


def _dishub_officer(app) -> ApiClient:
    with app.app_context():
        accounts.create_user(email="teknis.dishub@test.local", name="Petugas Dishub", password=DEMO_PASSWORD,
                             roles=("officer",), groups=("teknis_dishub",), verified=True)
        db.session.commit()
    return ApiClient(app.test_client(), "teknis.dishub@test.local")


def test_billboard_through_the_api_is_recommended_taxed_paid_and_issued(app, client):
    applicant = ApiClient(client, "pemohon@demo.local")
    case = http.submit(applicant, "reklame")
    assert case["registration_number"].startswith("RKL-")
    case = http.finish(ApiClient(client, "loket@demo.local"), case["id"], verified("reklame"))
    assert case["status"] == "waiting_agency"
    case = http.finish(_dishub_officer(app), case["id"], {"recommendation": "recommend_with_conditions",
                                                         "recommendation_conditions": "Jarak ke simpang ≥ 50 m."})
    # 4 m × 8 m, one side, class A, lit from outside, 12 months: Rp 12.500 per m² per side per month.
    assert case["status"] == "waiting_payment"
    body = http.payment_for(case, reference="BJB-RKL-0001")
    assert body["amount"] == 4 * 8 * 1 * 12 * 12500
    paid = http.callback(client, body)
    assert paid.status_code == 200, paid.get_json()
    http.finish(ApiClient(client, "kabid@demo.local"), case["id"], {"approval_decision": "approve"})
    case = http.finish(ApiClient(client, "kadis@demo.local"), case["id"], {"signing_decision": "sign"})
    assert case["status"] == "issued"
    assert case["permit"]["number"].startswith("503/RKL/")
    http.verified_permit(applicant, case)  # the QR page says valid, for exactly the file the holder has


def test_dishub_not_recommending_rejects_before_any_bill(ctx):
    case = submit("reklame")
    complete(case, "verifikasi", verified("reklame"))
    case = complete(case, "rekomendasi_dishub", NOT_RECOMMEND)
    assert case.status == "rejected"
    assert route(case) == ["verifikasi", "rekomendasi_dishub"]
    assert "bill_issued" not in event_kinds(case)
