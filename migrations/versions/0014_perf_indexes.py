"""performance: trigram indexes for the inbox search (PostgreSQL), a partial index for the risk-marking sweep

Revision ID: 0014
Revises: 0004
Create Date: 2026-11-23 01:30:00

The inbox and case search match registration numbers and applicant names anywhere in the text
(LIKE '%term%'), which no B-tree index serves: on PostgreSQL, pg_trgm GIN indexes do. A whole
registration number is matched as a prefix, served by a text_pattern_ops B-tree whatever the
collation (docs/PERFORMANCE.md). Where pg_trgm cannot be installed its indexes are skipped and
the search still works, by scanning.

The inbox job that marks open tasks at risk looks for rows whose risk moment was computed for
another due date; a partial index on exactly those rows keeps that sweep from reading every open task.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0004'
branch_labels = None
depends_on = None

STALE_RISK = ("state IN ('ready', 'claimed') AND due_at IS NOT NULL "
              "AND (at_risk_for_due_at IS NULL OR at_risk_for_due_at <> due_at)")


def _has_trigram(bind) -> bool:
    if bind.dialect.name != 'postgresql':
        return False
    installed = bind.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).scalar()
    if installed:
        return True
    available = bind.execute(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).scalar()
    if not available:
        return False
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    return True


def upgrade():
    bind = op.get_bind()
    if _has_trigram(bind):
        op.execute("CREATE INDEX ix_cases_registration_number_trgm ON cases "
                    "USING gin (registration_number gin_trgm_ops)")
        op.execute("CREATE INDEX ix_users_name_trgm ON users USING gin (lower(name) gin_trgm_ops)")
    if bind.dialect.name == 'postgresql':  # LIKE 'SIPA-2026-000123%' whatever the database's collation
        op.execute("CREATE INDEX ix_cases_registration_number_pattern ON cases "
                   "(registration_number text_pattern_ops)")
    op.execute(f"CREATE INDEX ix_tasks_risk_stale ON tasks (id) WHERE {STALE_RISK}")


def downgrade():
    op.execute("DROP INDEX IF EXISTS ix_tasks_risk_stale")
    op.execute("DROP INDEX IF EXISTS ix_cases_registration_number_pattern")
    op.execute("DROP INDEX IF EXISTS ix_users_name_trgm")
    op.execute("DROP INDEX IF EXISTS ix_cases_registration_number_trgm")
