"""performance: lz4 compression for the large values PostgreSQL stores out of line

Revision ID: 0015
Revises: 0001
Create Date: 2026-11-23 09:00:00

A case's workflow state (11-30 KB of JSON for sip_apoteker) is rewritten by every change of the case;
PostgreSQL compresses values over 2 KB before storing them, by default with pglz. lz4 compresses the
same state about twice as fast and smaller (30 KB: 0.65 -> 0.27 ms per UPDATE, 8.1 -> 5.5 KB stored,
docs/PERFORMANCE.md). The other columns here hold values of the same kind: the case's form data,
e-mail bodies, a version's bundle of model files.

Only new values are written with lz4; stored ones are read as they are (each value records its own
method). A server built without lz4 keeps pglz, and SQLite has nothing of the kind.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0001'
branch_labels = None
depends_on = None

COLUMNS = (
    ("cases", "workflow_state"),
    ("cases", "data"),
    ("notifications", "body"),
    ("process_versions", "files"),
)


def _has_lz4(bind) -> bool:
    if bind.dialect.name != 'postgresql':
        return False
    return bool(bind.execute(sa.text(
        "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")).scalar())


def upgrade():
    if _has_lz4(op.get_bind()):
        for table, column in COLUMNS:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION lz4")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for table, column in COLUMNS:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION DEFAULT")
