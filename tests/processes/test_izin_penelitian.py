"""izin_penelitian: one verification step (with the revision loop), then the head of office signs the letter; no fee."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.cases import service as cases
from app.common import clock
from app.extensions import db
from app.jsonforms.validation import validate
from tests.processes import http
from tests.processes.support import SIGN, complete, open_tasks, revision, route, submit, verified
from tests.support.api import ApiClient
from tests.support.data import load_form, sample_application

MONDAY = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def test_research_letter_through_the_api_is_issued_after_one_verification_and_the_signature(client):
    applicant = ApiClient(client, "pemohon@demo.local")
    case = http.submit(applicant, "izin_penelitian")
    assert case["registration_number"].startswith("SKP-")
    case = http.finish(ApiClient(client, "loket@demo.local"), case["id"], verified("izin_penelitian"))
    assert case["status"] == "in_review" and not case.get("permit")  # verified, not yet signed
    case = http.finish(ApiClient(client, "kadis@demo.local"), case["id"], SIGN)
    assert case["status"] == "issued"
    assert case["permit"]["number"].startswith("503/SKP/")
    assert [o for o in case["outstanding"] if o["kind"] == "payment"] == []


def test_revision_not_returned_within_fourteen_days_expires_the_application(ctx):
    case = submit("izin_penelitian", at=MONDAY)
    case = complete(case, "verifikasi", revision("izin_penelitian", "proposal", "Proposal belum ditandatangani."),
                    at=MONDAY)
    assert case.status == "waiting_applicant"
    for day in (7, 14):  # the reminder, then the deadline, each on its own scheduler tick
        with clock.frozen_at(MONDAY + timedelta(days=day, hours=1)):
            cases.fire_due_timers(case)
            db.session.commit()
    assert case.status == "expired"
    assert route(case) == ["verifikasi", "perbaikan"]


def test_reminder_and_deadline_caught_up_in_one_tick_still_expire(ctx):
    # The scheduler was down for two weeks: both timers fire on one tick, and the called process
    # may hand back the reminder branch's data (outcome still "revision"). Only an explicit
    # "reject" rejects; anything else that leaves verification unfinished is an expiry.
    case = submit("izin_penelitian", at=MONDAY)
    case = complete(case, "verifikasi", revision("izin_penelitian", "proposal", "Proposal belum ditandatangani."),
                    at=MONDAY)
    with clock.frozen_at(MONDAY + timedelta(days=15)):
        cases.fire_due_timers(case)
        db.session.commit()
    assert case.status == "expired"


def test_an_explicit_rejection_at_verification_rejects(ctx):
    case = submit("izin_penelitian", at=MONDAY)
    verdict = {**verified("izin_penelitian"), "verification_outcome": "reject",
               "verification_note": "Bukan permohonan penelitian."}
    case = complete(case, "verifikasi", verdict, at=MONDAY)
    assert case.status == "rejected"


def test_foreign_researcher_needs_a_passport_and_a_brin_permit():
    schema = load_form("izin_penelitian.schema.json")
    foreign = {k: v for k, v in sample_application("izin_penelitian").items()
               if k not in ("nik", "nomor_paspor", "nomor_izin_brin")}
    errors = validate(schema, {**foreign, "kewarganegaraan": "wna"}, prefix="data")
    assert {"data.nomor_paspor", "data.nomor_izin_brin"} <= set(errors)
    assert "data.nik" in validate(schema, {**foreign, "kewarganegaraan": "wni"}, prefix="data")


def test_a_letter_returned_by_the_signer_goes_back_to_verification(ctx):
    case = submit("izin_penelitian", at=MONDAY)
    case = complete(case, "verifikasi", verified("izin_penelitian"), at=MONDAY)
    case = complete(case, "penandatanganan", {"signing_decision": "return", "signing_note": "Judul penelitian keliru."},
                    at=MONDAY)
    assert [t.bpmn_id for t in open_tasks(case)] == ["verifikasi"]
    case = complete(case, "verifikasi", verified("izin_penelitian"), at=MONDAY)
    case = complete(case, "penandatanganan", SIGN, at=MONDAY)
    assert case.status == "issued"
    assert route(case) == ["verifikasi", "penandatanganan", "verifikasi", "penandatanganan"]
