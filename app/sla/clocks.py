"""Service functions of case clocks: open, start, pause, resume, stop, extend, approve pauses, report."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from app.cases import events
from app.common import clock as app_clock
from app.common.errors import Conflict, Forbidden, ValidationFailed
from app.common.i18n import N_
from app.extensions import db

from . import ledger
from .ledger import FINAL_STATUSES, Figures
from .models import CaseClock, ClockExtension

MAX_EXTENSION_DAYS = 60
# Stored with the event in Indonesian and shown in the reader's language (app.cases.events.note_for).
CLOCK_STARTED_NOTE = N_("Berkas lengkap; waktu layanan dihitung mulai %(at)s.")


def open_clock(case, *, sop_days: int, at: datetime, actor_id: int | None = None) -> datetime | None:
    """Open the clock of a case being submitted (it starts once the file is complete); the provisional deadline."""
    row = ledger.ensure(case, at=at, actor_id=actor_id)
    row.sop_days = int(sop_days)
    result = ledger.refresh(case, row, now=at)
    return result.legal_deadline_at


def start(case, *, actor_id: int | None, at: datetime | None = None) -> CaseClock:
    """The file is complete: the clock starts at the beginning of the next working day (once, never reset)."""
    row = ledger.ensure(case)
    if row.started_at is not None or row.state == "stopped":
        return row
    now = at or app_clock.now()
    row.started_at = ledger.start_moment(now)
    ledger.append(case, row, "running", reason="berkas_lengkap", actor_id=actor_id, at=now,
                  note=f"jam SOP mulai {app_clock.iso(row.started_at)}")
    events.record(case, "sla_clock_started", actor_id=actor_id, note=CLOCK_STARTED_NOTE,
                  note_values={"at": app_clock.iso(row.started_at)},
                  data={"started_at": app_clock.iso(row.started_at), "sop_days": row.sop_days})
    ledger.refresh_soon(case)
    return row


def follow_status(case, *, old: str, new: str, actor_id: int | None) -> None:
    """Move the clock with a case's status: pause, resume or stop (receiver of case_status_changed)."""
    if new == "draft":
        return
    now = app_clock.now()
    row = ledger.ensure(case, at=now)
    if new in FINAL_STATUSES:
        if row.state != "stopped":
            row.pending_pause_reason = row.pending_pause_at = None
            ledger.append(case, row, "stopped", reason=new, actor_id=actor_id, at=now)
            ledger.refresh_soon(case)
        return
    if row.state == "stopped":
        return
    if row.started_at is None and old == "submitted" and new not in ("submitted", "waiting_applicant", "incident"):
        start(case, actor_id=actor_id, at=now)  # a service without a completeness check: leaving intake starts it
    reason = ledger.pause_reason_for(case, new)
    if reason:
        _pause(case, row, reason, actor_id=actor_id, now=now)
    else:
        _resume(case, row, actor_id=actor_id, now=now)
    ledger.refresh_soon(case)


def _pause(case, row: CaseClock, reason: str, *, actor_id: int | None, now: datetime) -> None:
    last = ledger.last_entry(case.id)
    if last is not None and last.state == "paused":
        if last.reason != reason:  # still waiting, on someone else now: not a new pause
            ledger.append(case, row, "paused", reason=reason, actor_id=actor_id, at=now)
        return
    if row.started_at is not None:
        if row.pause_count >= ledger.max_pauses():
            if row.pending_pause_reason != reason:
                row.pending_pause_reason, row.pending_pause_at = reason, now
                events.record(case, "sla_pause_requested", actor_id=actor_id, note=reason,
                              data={"reason": reason, "pause_count": row.pause_count})
                _tell_supervisors(case, "sla_pause_approval", reason=reason, stamp=f"{row.pause_count}")
            return
        row.pause_count += 1
    ledger.append(case, row, "paused", reason=reason, actor_id=actor_id, at=now)
    if row.started_at is not None:
        events.record(case, "sla_clock_paused", actor_id=actor_id, note=reason, data={"reason": reason})


def _resume(case, row: CaseClock, *, actor_id: int | None, now: datetime) -> None:
    row.pending_pause_reason = row.pending_pause_at = None
    last = ledger.last_entry(case.id)
    if last is None or last.state == "running":
        return
    ledger.append(case, row, "running", actor_id=actor_id, at=now)
    if row.started_at is not None:
        events.record(case, "sla_clock_resumed", actor_id=actor_id, note=last.reason)


def _require_supervisor(actor) -> None:
    if not actor.has_role("supervisor", "admin"):
        raise Forbidden(_("Hanya supervisor yang dapat melakukan ini."))


def extend(case, *, actor, days: int, reason: str) -> CaseClock:
    """A supervisor extends a case's deadline by working days, with a reason (audited)."""
    _require_supervisor(actor)
    if case.status in FINAL_STATUSES or case.status == "draft":
        raise Conflict(_("Permohonan ini tidak sedang berjalan."))
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Alasan perpanjangan wajib diisi.")]
    if not isinstance(days, int) or not 1 <= days <= MAX_EXTENSION_DAYS:
        errors["days"] = [_("Isi 1 sampai %(max)s hari kerja.", max=MAX_EXTENSION_DAYS)]
    if errors:
        raise ValidationFailed(fields=errors)
    row = ledger.ensure(case)
    before = row.legal_deadline_at
    row.extension_days += days
    now = app_clock.now()
    db.session.add(ClockExtension(case_id=case.id, at=now, days=days, reason=reason, actor_id=actor.id))
    result = ledger.refresh(case, row, now=now)
    events.record(case, "sla_extended", actor_id=actor.id, actor_role="supervisor", note=reason,
                  data={"days": days, "from": app_clock.iso(before), "to": app_clock.iso(result.legal_deadline_at)})
    from app.notifications import service as notifications

    notifications.notify_case(case, "case_extended", element_id=f"ext{row.extension_days}")
    return row


def decide_pause(case, *, actor, approve: bool, note: str | None = None) -> CaseClock:
    """A supervisor approves (or refuses) a pause beyond the allowed count."""
    _require_supervisor(actor)
    row = ledger.get(case)
    if row is None or not row.pending_pause_reason:
        raise Conflict(_("Tidak ada penghentian jam layanan yang menunggu persetujuan."))
    reason = row.pending_pause_reason
    row.pending_pause_reason = row.pending_pause_at = None
    now = app_clock.now()
    if approve:
        row.pause_count += 1
        ledger.append(case, row, "paused", reason=reason, actor_id=actor.id, at=now, note=note)
        events.record(case, "sla_pause_approved", actor_id=actor.id, actor_role="supervisor", note=note or reason,
                      data={"reason": reason})
    else:
        events.record(case, "sla_pause_refused", actor_id=actor.id, actor_role="supervisor", note=note or reason,
                      data={"reason": reason})
    ledger.refresh(case, row, now=now)
    return row


def _tell_supervisors(case, template: str, *, reason: str, stamp: str) -> None:
    from app.notifications import service as notifications

    for user in notifications.users_with_role("supervisor"):
        notifications.notify_staff(user, template, case=case, context={"reason": reason},
                                   dedupe_key=f"{template}:{case.id}:{stamp}:{user.id}")


def _date(moment: datetime | None) -> str | None:
    return app_clock.to_local(moment).date().isoformat() if moment is not None else None


def summary(case, *, now: datetime | None = None) -> dict:
    """The clock as the case view shows it: used/remaining working days, pause, target and legal dates."""
    sop = int(case.service.sop_days)
    row = ledger.get(case) if case.id is not None else None
    if row is None:
        return {"used_working_days": 0.0, "remaining_working_days": float(sop), "sop_days": sop,
                "extension_days": 0, "paused": False, "paused_reason": None, "state": "not_started",
                "started_at": None, "target_date": None, "target_at": None, "legal_deadline": None,
                "legal_deadline_at": None, "lapsed": False, "deemed_approved": False, "pending_pause_reason": None}
    result: Figures = ledger.figures(row, ledger.entries(case.id), now or app_clock.now())
    return {
        "used_working_days": round(result.used_days, 2),
        "remaining_working_days": round(result.remaining_days, 2),
        "sop_days": row.sop_days,
        "extension_days": row.extension_days,
        "paused": row.paused_reason is not None and row.state != "stopped",
        "paused_reason": row.paused_reason if row.state != "stopped" else None,
        "state": row.state,
        "started_at": app_clock.iso(row.started_at),
        "target_date": _date(result.target_at),
        "target_at": app_clock.iso(result.target_at),
        "legal_deadline": _date(result.legal_deadline_at),
        "legal_deadline_at": app_clock.iso(result.legal_deadline_at),
        "lapsed": row.lapsed_at is not None,
        "deemed_approved": row.deemed_approved_at is not None,
        "pending_pause_reason": row.pending_pause_reason,
    }


def ledger_view(case) -> list[dict]:
    """The ledger lines of a case for display."""
    return [{"at": app_clock.iso(e.at), "state": e.state, "reason": e.reason, "actor_id": e.actor_id,
             "note": e.note} for e in ledger.entries(case.id)]


def extensions_view(case) -> list[dict]:
    """The extensions granted on a case."""
    from sqlalchemy import select

    rows = db.session.scalars(select(ClockExtension).where(ClockExtension.case_id == case.id)
                              .order_by(ClockExtension.id))
    return [{"at": app_clock.iso(r.at), "days": r.days, "reason": r.reason, "actor_id": r.actor_id} for r in rows]
