"""Walking a shipped model through its wait points, and replaying what happens after one (the upgrade gate).

Used by `make_state_fixtures.py` (which writes the stored states) and `test_upgrade_gate.py` (which restores
them). Everything runs on the engine alone, in memory, on the application clock frozen at recorded moments:
no database, no HTTP. Script helpers are the application's own (`app.sla.service.script_helpers`) on the
office calendar without database holidays.

An *action* is one thing that moves a case on, as a JSON object:

    {"kind": "task", "process_id": ..., "bpmn_id": ..., "choice": "complete", "data": {...}, "at": iso}
    {"kind": "message", "name": "payment_received", "payload": {...}, "at": iso}
    {"kind": "timer", "bpmn_id": ..., "at": iso}      # the clock moves to the timer's due moment if later
"""
from __future__ import annotations

import contextlib
import copy
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

from app.common import clock
from app.engine import Bundle, Engine, ParsedModel, SpecCache, WorkflowRun
from app.engine import properties as P
from app.jsonforms.validation import validate

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "states"
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 09:00 WIB, a working Monday
STEP = timedelta(hours=1)  # time between two people's steps
MAX_STEPS = 60  # a walk to an end event longer than this is a loop
CACHE = SpecCache()
APPLICANT_LANE = "pemohon"


def library_version() -> str:
    """The installed SpiffWorkflow version (fixtures are kept per version that wrote them)."""
    return metadata.version("SpiffWorkflow")


@contextlib.contextmanager
def office_calendar() -> Iterator[None]:
    """The script helpers' calendar without the database (national holidays and cuti bersama only)."""
    from app.sla import service as sla
    from app.sla.calendar import WorkingCalendar

    calendar = WorkingCalendar()
    original = sla.calendar
    sla.calendar = lambda: calendar
    try:
        yield
    finally:
        sla.calendar = original


def engine() -> Engine:
    """An engine with the application's script helpers (call inside `office_calendar`)."""
    from app.sla import service as sla

    return Engine(helpers=sla.script_helpers(), time_limit=2.0)


def parsed(bundle: Bundle) -> ParsedModel:
    return CACHE.get(bundle)


# -- data a person would enter --------------------------------------------------------------------------------


def _examples(schema: dict | None) -> dict:
    """Each property's first example (or first choice)."""
    data: dict[str, Any] = {}
    for key, prop in ((schema or {}).get("properties") or {}).items():
        if not isinstance(prop, dict):
            continue
        if prop.get("examples"):
            data[key] = copy.deepcopy(prop["examples"][0])
        elif isinstance(prop.get("oneOf"), list) and prop["oneOf"] and "const" in prop["oneOf"][0]:
            data[key] = prop["oneOf"][0]["const"]
        elif prop.get("enum"):
            data[key] = prop["enum"][0]
    return data


def application(model: ParsedModel) -> dict:
    """The application the case starts with: the service form's examples."""
    return _examples(model.form(model.main.properties.get(P.APPLICATION_FORM_SCHEMA)))


def requirements(model: ParsedModel) -> list[dict]:
    return model.form(model.main.properties.get(P.REQUIREMENTS_FILE)) or []


def initial_data(model: ParsedModel) -> dict:
    """What `cases.service.submit` hands the workflow (references to documents, never their bytes)."""
    return {
        "case": {"id": 1, "registration_number": f"GATE-{model.process_id}-0001", "service": model.process_id},
        "application": application(model),
        "documents": [{"id": i + 1, "requirement": r.get("key"), "filename": f"{r.get('key')}.pdf"}
                      for i, r in enumerate(requirements(model))],
        "applicant": {"name": "Pemohon Uji", "email": "pemohon.uji@contoh.local"},
    }


def _verdicts(model: ParsedModel, revise: bool = False) -> dict:
    keys = [r["key"] for r in requirements(model) if r.get("required")] or ["berkas"]
    verdicts = {key: {"verdict": "ok"} for key in keys}
    if revise:
        verdicts[keys[0]] = {"verdict": "revise", "note": "Dokumen buram, mohon unggah ulang."}
    return verdicts


Choice = tuple[str, Callable[[ParsedModel], dict]]
_FOLLOWUP = "Berkas telah diperiksa ulang dan pemohon sudah dihubungi melalui telepon."
# Per task form: what a person may answer, the way forward first (it is what a walk to an end uses).
CHOICES: dict[str, list[Choice]] = {
    "verifikasi_berkas.schema.json": [
        ("complete", lambda m: {"verification_outcome": "complete", "verification_note": "Berkas lengkap.",
                                "document_verdicts": _verdicts(m)}),
        ("revision", lambda m: {"verification_outcome": "revision", "verification_note": "Mohon perbaiki berkas.",
                                "document_verdicts": _verdicts(m, revise=True)}),
        ("reject", lambda m: {"verification_outcome": "reject", "verification_note": "Berkas bukan untuk layanan ini.",
                              "document_verdicts": _verdicts(m)}),
    ],
    "perbaikan_berkas.schema.json": [
        ("revised", lambda m: {"application": application(m), "response_note": "Berkas sudah diunggah ulang."}),
    ],
    "rekomendasi_teknis.schema.json": [
        ("recommend", lambda m: {"recommendation": "recommend", "recommendation_note": "Memenuhi persyaratan."}),
        ("recommend_with_conditions", lambda m: {"recommendation": "recommend_with_conditions",
                                                 "recommendation_conditions": "Wajib memasang papan nama."}),
        ("not_recommend", lambda m: {"recommendation": "not_recommend",
                                     "recommendation_note": "Lokasi tidak memenuhi ketentuan."}),
    ],
    "persetujuan.schema.json": [
        ("approve", lambda m: {"approval_decision": "approve", "approval_note": "Setuju."}),
        ("reject", lambda m: {"approval_decision": "reject", "approval_note": "Tidak sesuai rekomendasi."}),
    ],
    "penandatanganan.schema.json": [
        ("sign", lambda m: {"signing_decision": "sign"}),
        ("return", lambda m: {"signing_decision": "return", "signing_note": "Nomor pada draf belum sesuai."}),
    ],
    "jadwal_pemeriksaan.schema.json": [
        ("scheduled", lambda m: {"inspection_date": "2026-11-26", "inspection_time": "09:00",
                                 "inspection_team": ["Ir. Bambang Sutrisno (arsitektur)"],
                                 "applicant_note": "Mohon pemilik hadir di lokasi."}),
    ],
    "berita_acara_pemeriksaan.schema.json": [
        ("compliant", lambda m: {"bap_number": "600.1.15/BAP-045/DPUPR/2026", "inspection_date": "2026-11-26",
                                 "applicant_present": True, "site_findings": "GSB 5 m terpenuhi, KDB sesuai KKPR.",
                                 "inspection_result": "compliant"}),
        ("compliant_with_conditions", lambda m: {
            "bap_number": "600.1.15/BAP-046/DPUPR/2026", "inspection_date": "2026-11-26",
            "site_findings": "GSB terpenuhi, sumur resapan belum ada.", "inspection_result": "compliant_with_conditions",
            "inspection_conditions": "Sumur resapan wajib dibangun."}),
        ("non_compliant", lambda m: {"bap_number": "600.1.15/BAP-047/DPUPR/2026", "inspection_date": "2026-11-26",
                                     "site_findings": "Bangunan melanggar garis sempadan.",
                                     "inspection_result": "non_compliant", "rejection_reason": "Melanggar GSB."}),
    ],
    "triase_pengaduan.schema.json": [
        *[(f"forward_{unit}", lambda m, unit=unit: {
            "complaint_type": "pengaduan", "complaint_category": "waktu", "triage_decision": "forward",
            "forward_to": unit, "triage_note": "Mohon ditindaklanjuti."})
          for unit in ("verifikator", "teknis_dinkes", "teknis_pupr", "teknis_dishub")],
        ("answer_directly", lambda m: {"complaint_type": "permintaan_informasi", "complaint_category": "prosedur",
                                       "triage_decision": "answer_directly"}),
        ("reject", lambda m: {"complaint_type": "pengaduan", "complaint_category": "lainnya", "triage_decision": "reject",
                              "public_response": "Pengaduan ini bukan kewenangan kami; silakan ke lapor.go.id."}),
    ],
    "jawaban_pengaduan.schema.json": [
        ("answered", lambda m: {"public_response": "Terima kasih, permohonan Anda sedang diproses.", "publish": True}),
    ],
    "tindak_lanjut_pengaduan.schema.json": [
        ("resolved", lambda m: {"followup_action": _FOLLOWUP, "followup_status": "resolved"}),
        ("in_progress", lambda m: {"followup_action": _FOLLOWUP, "followup_status": "in_progress",
                                   "followup_estimate": "2026-12-10"}),
    ],
}


def choices(model: ParsedModel, form: str | None) -> list[tuple[str, dict]]:
    """What a person may enter in a task of that form (the form's examples when it has no entry above)."""
    entries = CHOICES.get(form or "")
    if entries is None:
        return [("examples", _examples(model.form(form)))]
    return [(label, build(model)) for label, build in entries]


def form_errors(model: ParsedModel, form: str | None, data: dict) -> dict:
    """The form's validation errors for the data (empty when valid or the task has no form)."""
    schema = model.form(form)
    return validate(schema, data) if schema else {}


# -- moving a case on ---------------------------------------------------------------------------------------------


class WalkError(AssertionError):
    """An action could not be applied as recorded."""


def _moment(action: dict, moment: datetime) -> datetime:
    return max(moment, datetime.fromisoformat(action["at"]))


def apply(run: WorkflowRun, action: dict, moment: datetime) -> datetime:
    """Apply one action at (or after) its recorded moment; the moment it happened."""
    moment = _moment(action, moment)
    kind = action["kind"]
    if kind == "task":
        matches = [t for t in run.human_tasks()
                   if (t.process_id, t.bpmn_id) == (action["process_id"], action["bpmn_id"])]
        if len(matches) != 1:
            raise WalkError(f"task {action['process_id']}:{action['bpmn_id']} is not the one ready "
                            f"({[(t.process_id, t.bpmn_id) for t in run.human_tasks()]})")
        [task] = matches
        errors = form_errors(run.model, task.properties.get(P.FORM_SCHEMA), action["data"])
        if task.lane == APPLICANT_LANE and isinstance(action["data"].get("application"), dict):
            # A revised application is checked against the service's form too (`inbox.service.complete`).
            errors.update(form_errors(run.model, run.model.main.properties.get(P.APPLICATION_FORM_SCHEMA),
                                      action["data"]["application"]))
        if errors:
            raise WalkError(f"data for {action['bpmn_id']} is not valid for its form: {errors}")
        with clock.frozen_at(moment):
            run.complete(task.id, copy.deepcopy(action["data"]))
    elif kind == "message":
        if action["name"] not in run.waiting_messages():
            raise WalkError(f"message {action['name']} is not awaited ({run.waiting_messages()})")
        with clock.frozen_at(moment):
            run.deliver_message(action["name"], copy.deepcopy(action["payload"]))
    elif kind == "timer":
        timer = next((t for t in run.pending_timers() if t.bpmn_id == action["bpmn_id"]), None)
        if timer is None or timer.due_at is None:
            raise WalkError(f"timer {action['bpmn_id']} is not pending ({[t.bpmn_id for t in run.pending_timers()]})")
        moment = max(moment, timer.due_at + timedelta(seconds=1))
        run.log.fired_timers.clear()
        with clock.frozen_at(moment):
            run.fire_due_timers()
        if action["bpmn_id"] not in run.log.fired_timers:
            raise WalkError(f"timer {action['bpmn_id']} did not fire at {moment.isoformat()}")
    else:
        raise WalkError(f"unknown action {kind!r}")
    return moment


def options(run: WorkflowRun, moment: datetime) -> list[dict]:
    """Everything that may happen next at a wait point: each answer to each ready task, each awaited message,
    each pending timer (the way forward first)."""
    at = (moment + STEP).isoformat()
    found: list[dict] = []
    for task in sorted(run.human_tasks(), key=lambda t: (t.process_id, t.bpmn_id)):
        for label, data in choices(run.model, task.properties.get(P.FORM_SCHEMA)):
            found.append({"kind": "task", "process_id": task.process_id, "bpmn_id": task.bpmn_id,
                          "choice": label, "data": data, "at": at})
    for name in run.waiting_messages():
        found.append({"kind": "message", "name": name, "payload": _payload(run, name, moment + STEP), "at": at})
    for timer in sorted(run.pending_timers(), key=lambda t: (t.due_at or moment, t.bpmn_id)):
        found.append({"kind": "timer", "bpmn_id": timer.bpmn_id, "at": at})
    return found


def _payload(run: WorkflowRun, name: str, moment: datetime) -> dict:
    """A partner's message as the application delivers it (payments: `app.payments.service`)."""
    if name == "payment_received":
        amount = next((t.data.get("fee_amount") for t in run.wf.get_tasks() if "fee_amount" in t.data), 0)
        return {"billing_code": "8800120260000001", "amount": amount, "paid_at": clock.iso(moment),
                "reference": "GATE-REF-1", "channel": "bank", "confirmed_by": "gateway"}
    return {}


def signature(run: WorkflowRun) -> tuple:
    """What a wait point is: the ready human tasks and the waiting events (process and element ids)."""
    tasks = {("task", t.process_id, t.bpmn_id) for t in run.human_tasks()}
    waits = {("wait", e.process_id, e.bpmn_id) for e in run.waiting_elements()}
    return tuple(sorted(tasks | waits))


def walk_to_end(run: WorkflowRun, moment: datetime) -> list[dict]:
    """Move the run on the way forward (first answer, awaited message, earliest timer) until it ends."""
    done: list[dict] = []
    for _ in range(MAX_STEPS):
        if run.completed:
            return done
        next_actions = options(run, moment)
        if not next_actions:
            raise WalkError(f"stuck at {signature(run)}")
        action = next_actions[0]
        moment = apply(run, action, moment)
        action["at"] = moment.isoformat()
        done.append(action)
    raise WalkError(f"no end after {MAX_STEPS} steps: {signature(run)}")


# -- fixture files --------------------------------------------------------------------------------------------


def version_dir(bundle: Bundle) -> Path:
    """Where a service version's fixtures live: states/<service>/<first 12 of its content hash>/."""
    return FIXTURES / bundle.process_id / bundle.content_hash[:12]


def read_bundle(folder: Path) -> Bundle:
    """The bundle stored with a version's fixtures (checked against its recorded hash)."""
    stored = json.loads((folder / "bundle.json").read_text("utf-8"))
    bundle = Bundle(stored["process_id"], stored["files"])
    if bundle.content_hash != stored["content_hash"]:
        raise WalkError(f"{folder}/bundle.json was edited: its files no longer hash to {stored['content_hash']}")
    return bundle


def fixture_files() -> list[Path]:
    """Every stored state: states/<service>/<version>/<library version>/<NN-wait point>.json."""
    return sorted(FIXTURES.glob("*/*/*/*.json"))
