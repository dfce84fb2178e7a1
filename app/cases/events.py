"""The audit trail: append one event per thing that happened to a case."""
from __future__ import annotations

from typing import Any

from app.common import clock
from app.common.i18n import N_
from app.extensions import db

from .models import Case, CaseEvent


def record(case: Case, kind: str, *, actor_id: int | None, step: str | None = None, bpmn_id: str | None = None,
           note: str | None = None, data: dict[str, Any] | None = None, actor_role: str | None = None) -> CaseEvent:
    """Append an event to the case's audit trail (flushed with the caller's transaction)."""
    event = CaseEvent(case_id=case.id, at=clock.now(), actor_id=actor_id, actor_role=actor_role, kind=kind,
                      step=step, bpmn_id=bpmn_id, note=note, data=data)
    db.session.add(event)
    return event


# What each event kind is called on pages (marked for translation; translated when shown).
LABELS = {
    "created": N_("Draf dibuat"), "assisted_intake": N_("Dientri petugas (jemput bola)"),
    "submitted": N_("Diajukan"), "document_uploaded": N_("Berkas diunggah"),
    "document_reused": N_("Berkas dipakai ulang dari permohonan sebelumnya"), "task_created": N_("Langkah dibuka"),
    "task_claimed": N_("Tugas diambil"), "task_released": N_("Tugas dikembalikan ke kelompok"),
    "task_assigned": N_("Tugas ditugaskan"), "task_delegated": N_("Tugas dialihkan ke pengganti"),
    "task_completed": N_("Langkah diselesaikan"), "task_cancelled": N_("Langkah dibatalkan"),
    "task_priority": N_("Prioritas diubah"), "task_follow_up": N_("Tugas ditunda"),
    "timer_fired": N_("Batas waktu tercapai"), "message_received": N_("Pesan diterima"),
    "incident": N_("Gangguan teknis"), "incident_retry": N_("Langkah diulang"),
    "incident_repaired": N_("Data diperbaiki analis"), "finished": N_("Selesai"),
    "withdrawn": N_("Dibatalkan pemohon"), "permit_issued": N_("Izin terbit"),
    "permit_revoked": N_("Izin dicabut"), "permit_reissued": N_("Izin diterbitkan ulang"),
    "draft_permit_confirmed": N_("Draf izin diperiksa penandatangan"),
    "model_migrated": N_("Dipindahkan ke versi model lain"), "bill_issued": N_("Tagihan retribusi terbit"),
    "payment_received": N_("Pembayaran diterima"), "payment_confirmed": N_("Pembayaran dikonfirmasi petugas"),
    "renewal_requested": N_("Perpanjangan diminta"), "renewal_started": N_("Perpanjangan dimulai"),
    "survey_answered": N_("Survei kepuasan diisi"), "deadline_reprojected": N_("Tenggat dihitung ulang"),
    "sla_clock_started": N_("Jam layanan mulai"), "sla_clock_paused": N_("Jam layanan berhenti sementara"),
    "sla_clock_resumed": N_("Jam layanan berjalan lagi"), "sla_pause_requested": N_("Penghentian jam layanan diminta"),
    "sla_pause_approved": N_("Penghentian jam layanan disetujui"),
    "sla_pause_refused": N_("Penghentian jam layanan ditolak"), "sla_extended": N_("Batas waktu diperpanjang"),
    "sla_lapsed": N_("Batas waktu terlewati"), "sla_deemed_approved": N_("Dianggap disetujui (fiktif positif)"),
}
OTHER_LABEL = N_("Perubahan lain")


def label(kind: str) -> str:
    """The kind's name for people, in the page's language (never the raw code)."""
    from flask_babel import gettext

    return gettext(LABELS.get(kind, OTHER_LABEL))
