"""security audit log: security_events

Revision ID: 0013
Revises: 0001
Create Date: 2026-11-23 00:30:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import app.common.types

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'security_events',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('at', app.common.types.UTCDateTime(), nullable=False),
        sa.Column('kind', sa.String(length=64), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('actor_label', sa.String(length=64), nullable=True),
        sa.Column('subject', sa.String(length=200), nullable=True),
        sa.Column('ip', sa.String(length=64), nullable=True),
        sa.Column('ok', sa.Boolean(), nullable=False),
        sa.Column('detail', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_security_events')),
    )
    op.create_index('ix_security_events_at', 'security_events', ['at'])
    op.create_index('ix_security_events_kind_at', 'security_events', ['kind', 'at'])
    op.create_index('ix_security_events_actor_at', 'security_events', ['actor_id', 'at'])
    op.create_index('ix_security_events_subject', 'security_events', ['subject'])


def downgrade():
    op.drop_index('ix_security_events_subject', table_name='security_events')
    op.drop_index('ix_security_events_actor_at', table_name='security_events')
    op.drop_index('ix_security_events_kind_at', table_name='security_events')
    op.drop_index('ix_security_events_at', table_name='security_events')
    op.drop_table('security_events')
