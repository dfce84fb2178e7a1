"""Calendar corrections admins edit: local days, cuti bersama decrees, removed holidays."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from app.common.models import CreatedAtMixin
from app.extensions import db

HOLIDAY_KINDS = ("national", "cuti_bersama", "local", "working_day")


class Holiday(CreatedAtMixin, db.Model):
    """A day off added by the office (or, kind=working_day, a listed holiday cancelled by decree)."""

    __tablename__ = "holidays"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32), default="local")
