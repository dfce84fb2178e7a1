"""sessions and rate limits: a per-user session generation, shared rate-limit counters

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-08 10:00:00

`users.session_generation` is part of the login session's id and is bumped at logout and when an
administrator deactivates an account, so a copied cookie stops working. `rate_limit_counters`
holds the fixed-window counters of the `database://` rate-limit storage (shared by every web
process) and of the login lockout per (account, client).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), nullable=False, server_default='0'))
    op.create_table(
        'rate_limit_counters',
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('expires_at', sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_limit_counters')),
    )
    op.create_index(op.f('ix_rate_limit_counters_expires_at'), 'rate_limit_counters', ['expires_at'])


def downgrade():
    op.drop_index(op.f('ix_rate_limit_counters_expires_at'), table_name='rate_limit_counters')
    op.drop_table('rate_limit_counters')
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('session_generation')
