"""Health: /healthz reports the database and the scheduler's last tick."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, jsonify
from sqlalchemy import String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.common import clock
from app.common.types import UTCDateTime
from app.extensions import db

bp = Blueprint("health", __name__)


class SchedulerState(db.Model):
    """When a scheduler last completed a tick."""

    __tablename__ = "scheduler_state"
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_tick_at: Mapped[datetime] = mapped_column(UTCDateTime)


def record_tick(moment: datetime) -> None:
    """Remember the tick time (flushed with the tick's transaction)."""
    row = db.session.get(SchedulerState, "tick")
    if row is None:
        db.session.add(SchedulerState(key="tick", last_tick_at=moment))
    else:
        row.last_tick_at = moment


@bp.get("/healthz")
def healthz():
    """200 when the database answers, 503 otherwise."""
    try:
        db.session.execute(text("SELECT 1"))
        row = db.session.get(SchedulerState, "tick")
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        db.session.rollback()
        return jsonify({"status": "error", "db": "unreachable", "scheduler": {"last_tick_at": None}}), 503
    return jsonify({"status": "ok", "db": "ok",
                    "scheduler": {"last_tick_at": clock.iso(row.last_tick_at) if row else None}})
