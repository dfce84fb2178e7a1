"""Services offered and the immutable versions of their process models."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.models import CreatedAtMixin
from app.common.types import JSONType, UTCDateTime
from app.extensions import db


class Service(db.Model):
    """A layanan: catalog facts are copied from its active version's model on deploy."""

    __tablename__ = "services"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(32), default="perizinan")
    description: Mapped[str] = mapped_column(Text, default="")
    sop_days: Mapped[int] = mapped_column(Integer, default=5)
    fee: Mapped[dict] = mapped_column(JSONType, default=dict)
    requirements: Mapped[list] = mapped_column(JSONType, default=list)
    registration_prefix: Mapped[str] = mapped_column(String(16))
    active_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("process_versions.id", use_alter=True, name="fk_services_active_version"))
    is_public: Mapped[bool] = mapped_column(default=True)

    active_version: Mapped[ProcessVersion | None] = relationship(foreign_keys=[active_version_id])


class ProcessVersion(CreatedAtMixin, db.Model):
    """One immutable version of a service's model bundle (BPMN, DMN, forms)."""

    __tablename__ = "process_versions"
    __table_args__ = (UniqueConstraint("service_key", "version"), UniqueConstraint("service_key", "content_hash"))
    id: Mapped[int] = mapped_column(primary_key=True)
    service_key: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    # Deferred: every case step names its version, but only a cache miss of the parsed model (or the
    # modeler) needs the files themselves, hundreds of kilobytes of BPMN/DMN/forms per row.
    files: Mapped[dict] = mapped_column(JSONType, deferred=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    deployed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
