"""What the applicant sees of a case, in plain words."""
from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import Group
from app.cases.models import Case
from app.common.i18n import N_
from app.extensions import db
from app.inbox.models import OPEN_STATES, Task

NEXT_ACTION = {
    "draft": N_("Lengkapi formulir dan unggah persyaratan, lalu ajukan."),
    "waiting_applicant": N_("Perbaiki berkas yang ditandai petugas, lalu kirim kembali."),
    "waiting_payment": N_("Bayar retribusi dengan kode billing sebelum batas waktu."),
}


def holders(case: Case) -> list[str]:
    """Who holds the file now, in the applicant's words (Anda / Dinas Kesehatan / petugas DPMPTSP)."""
    open_groups = list(db.session.scalars(select(Task.group_key).where(Task.case_id == case.id,
                                                                     Task.state.in_(OPEN_STATES))))
    if not open_groups:
        return []
    groups = {g.key: g for g in db.session.scalars(select(Group).where(Group.key.in_(open_groups)))}
    names = []
    for key in open_groups:
        if key == "pemohon":
            label = N_("Anda")
        elif groups.get(key) is not None and groups[key].agency and groups[key].agency != "DPMPTSP":
            label = groups[key].agency
        else:
            label = N_("petugas DPMPTSP")
        if label not in names:
            names.append(label)
    return names


def open_applicant_task(case: Case) -> Task | None:
    """The applicant's own open step, if any."""
    return db.session.scalar(select(Task).where(Task.case_id == case.id, Task.group_key == "pemohon",
                                                Task.state.in_(OPEN_STATES)))


PAUSE_LABELS = {
    "menunggu_pemohon": N_("menunggu perbaikan dari Anda"),
    "menunggu_pembayaran": N_("menunggu pembayaran retribusi"),
    "menunggu_rekomendasi": N_("menunggu rekomendasi teknis dinas terkait"),
}


def pause_label(reason: str | None) -> str:
    """Why the service clock is paused, in the applicant's words (translated at display)."""
    if not reason:
        return ""
    return PAUSE_LABELS.get(reason.split(":", 1)[0], reason.replace("_", " "))
