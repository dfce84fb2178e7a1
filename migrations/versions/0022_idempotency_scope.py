"""idempotency keys remember the request they answered

Revision ID: 0022
Revises: 0018
Create Date: 2026-12-07 21:30:00

A stored Idempotency-Key now records a digest of the request it answered (method, path, query and
body), so a replay with another body is refused with 422 instead of receiving someone else's
response. Keys are now scoped by caller and request digest (`app/common/transaction.py`); rows
written before this revision are never matched again and age out with the usual housekeeping.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('idempotency_keys') as batch_op:
        batch_op.add_column(sa.Column('request_sha256', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('idempotency_keys') as batch_op:
        batch_op.drop_column('request_sha256')
