"""One IKM survey response per case, nine elements scored 1-4."""
from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.common.i18n import N_
from app.common.models import CreatedAtMixin
from app.extensions import db

# The nine elements of PermenPAN-RB 14/2017, in order (u1..u9); names are translated where shown.
ELEMENTS = (
    ("u1", N_("Persyaratan")),
    ("u2", N_("Sistem, mekanisme, dan prosedur")),
    ("u3", N_("Waktu penyelesaian")),
    ("u4", N_("Biaya/tarif")),
    ("u5", N_("Produk spesifikasi jenis pelayanan")),
    ("u6", N_("Kompetensi pelaksana")),
    ("u7", N_("Perilaku pelaksana")),
    ("u8", N_("Penanganan pengaduan, saran dan masukan")),
    ("u9", N_("Sarana dan prasarana")),
)


class SurveyResponse(CreatedAtMixin, db.Model):
    """The applicant's rating of one finished case."""

    __tablename__ = "survey_responses"
    __table_args__ = tuple(CheckConstraint(f"{key} BETWEEN 1 AND 4", name=f"{key}_range") for key, _ in ELEMENTS)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    service_key: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    u1: Mapped[int] = mapped_column(Integer)
    u2: Mapped[int] = mapped_column(Integer)
    u3: Mapped[int] = mapped_column(Integer)
    u4: Mapped[int] = mapped_column(Integer)
    u5: Mapped[int] = mapped_column(Integer)
    u6: Mapped[int] = mapped_column(Integer)
    u7: Mapped[int] = mapped_column(Integer)
    u8: Mapped[int] = mapped_column(Integer)
    u9: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
