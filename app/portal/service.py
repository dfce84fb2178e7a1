"""What the applicant sees of a case, in plain words."""
from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import Group
from app.cases.models import Case
from app.extensions import db
from app.inbox.models import OPEN_STATES, Task

NEXT_ACTION = {
    "draft": "Lengkapi formulir dan unggah persyaratan, lalu ajukan.",
    "waiting_applicant": "Perbaiki berkas yang ditandai petugas, lalu kirim kembali.",
    "waiting_payment": "Bayar retribusi dengan kode billing sebelum batas waktu.",
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
            label = "Anda"
        elif groups.get(key) is not None and groups[key].agency and groups[key].agency != "DPMPTSP":
            label = groups[key].agency
        else:
            label = "petugas DPMPTSP"
        if label not in names:
            names.append(label)
    return names


def open_applicant_task(case: Case) -> Task | None:
    """The applicant's own open step, if any."""
    return db.session.scalar(select(Task).where(Task.case_id == case.id, Task.group_key == "pemohon",
                                                Task.state.in_(OPEN_STATES)))
