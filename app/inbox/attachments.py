"""Files an officer attaches to a step's form (UI widget "file"): stored as documents of the case."""
from __future__ import annotations

from app.accounts.models import User
from app.cases import events, storage
from app.cases.models import Document
from app.common import clock
from app.extensions import db

from .models import Task

DEFAULT_MAX_MB = 5


def store_step_file(*, task: Task, actor: User, field_name: str, upload, accept: list[str] | None = None,
                    max_mb: float | None = None) -> dict:
    """Store an upload of a step's form (type and size checked by content); returns {"document_id", "filename"}."""
    stored = storage.store(upload.stream, filename=upload.filename, accept=accept or [],
                           max_bytes=int(float(max_mb or DEFAULT_MAX_MB) * 1024 * 1024))
    name = (upload.filename or "berkas").replace("/", "_").replace("\\", "_")[-200:]
    doc = Document(case_id=task.case_id, requirement=field_name[:64], filename=name, storage_key=stored.key,
                   size=stored.size, sha256=stored.sha256, content_type=stored.content_type, uploaded_by_id=actor.id,
                   task_id=task.id, created_at=clock.now())
    db.session.add(doc)
    db.session.flush()
    events.record(task.case, "document_uploaded", actor_id=actor.id, step=task.name, bpmn_id=task.bpmn_id,
                  note=f"{field_name}: {name}", data={"document_id": doc.id, "sha256": stored.sha256})
    return {"document_id": doc.id, "filename": name}
