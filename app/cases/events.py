"""The audit trail: append one event per thing that happened to a case."""
from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext

from app.common import clock
from app.common.i18n import N_, format_day, format_moment
from app.extensions import db

from .models import Case, CaseEvent

NOTE_SOURCE = "note_source"  # key in an event's data: the marked source of a system note and its values


def record(case: Case, kind: str, *, actor_id: int | None, step: str | None = None, bpmn_id: str | None = None,
           note: str | None = None, data: dict[str, Any] | None = None, actor_role: str | None = None,
           note_values: dict[str, Any] | None = None) -> CaseEvent:
    """Append an event to the case's audit trail (flushed with the caller's transaction).

    A note the system writes (never text a person typed) comes marked with `N_` and with `note_values`
    (`{}` when it has no placeholder): it is stored in Indonesian, and its source and values are kept in
    the event's data so that `note_for` shows it in the reader's language. Dates among the values are
    ISO 8601 strings and are shown as dates.
    """
    if note is not None and note_values is not None:
        data = {**(data or {}), NOTE_SOURCE: {"text": note, "values": note_values}}
        note = note % note_values if note_values else note
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
    return gettext(LABELS.get(kind, OTHER_LABEL))


# Kinds whose note only the system writes (fixed texts): rows written before their notes carried their source
# are translated by exact match; a note that is no catalog entry (an officer's name, an engine error) stays.
SYSTEM_NOTE_KINDS = frozenset({"task_delegated", "task_released", "task_priority", "task_follow_up",
                               "assisted_intake", "incident", "incident_repaired", "draft_permit_confirmed",
                               "sla_lapsed", "sla_deemed_approved"})
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _shown(value: Any) -> Any:
    """A note value as people read it: ISO dates and moments in the page's language."""
    if isinstance(value, str) and _ISO_DAY.match(value):
        return format_day(value)
    if isinstance(value, str) and _ISO_MOMENT.match(value):
        return format_moment(value)
    return value


def note_for(event: CaseEvent) -> str | None:
    """An event's note for people: a system note in the page's language, what a person typed as typed."""
    data = event.data if isinstance(event.data, dict) else {}
    source = data.get(NOTE_SOURCE)
    text = source.get("text") if isinstance(source, dict) else None
    if isinstance(text, str):
        values = source.get("values") if isinstance(source.get("values"), dict) else {}
        try:
            return gettext(text, **{key: _shown(value) for key, value in values.items()}) if values else gettext(text)
        except (KeyError, TypeError, ValueError):  # a translation whose placeholders do not match its source
            return event.note
    automatic = event.kind == "task_assigned" and "mode" in data  # a manual assignment's note is a name
    if event.note and (event.kind in SYSTEM_NOTE_KINDS or automatic):
        return gettext(event.note)
    return event.note
