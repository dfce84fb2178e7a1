"""idempotency replay records are forgotten after IDEMPOTENCY_KEY_HOURS: index their creation time

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-08 10:00:00

The scheduler deletes replay records older than the replay window on every tick; the index keeps
that delete from reading the whole table (each row holds a whole response).
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_idempotency_keys_created_at', 'idempotency_keys', ['created_at'])


def downgrade():
    op.drop_index('ix_idempotency_keys_created_at', table_name='idempotency_keys')
