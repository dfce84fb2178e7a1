"""dashboard: indexes for period queries on cases, tasks and survey responses

Revision ID: 0011
Revises: 0007
Create Date: 2026-11-22 23:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0007'
branch_labels = None
depends_on = None

INDEXES = (
    ('cases', 'ix_cases_submitted_at', ['submitted_at']),
    ('cases', 'ix_cases_completed_at', ['completed_at']),
    ('tasks', 'ix_tasks_due_at', ['due_at']),
    ('tasks', 'ix_tasks_completed_at', ['completed_at']),
    ('survey_responses', 'ix_survey_responses_created_at', ['created_at']),
)


def upgrade():
    for table, name, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for table, name, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
