"""permit documents: signed PDF, signer, re-issue chain, expiry reminders

Revision ID: 0005
Revises: 0001
Create Date: 2026-11-23 09:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.common.types

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('permits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('storage_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('conditions', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('signer_user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('signer_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('signer_nip', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('signing_cert_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('revoked_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('replaces_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_permits_signer_user_id_users'), 'users', ['signer_user_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_permits_revoked_by_id_users'), 'users', ['revoked_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_permits_replaces_id_permits'), 'permits', ['replaces_id'], ['id'])
        batch_op.create_index('ix_permits_status_valid_until', ['status', 'valid_until'], unique=False)

    op.create_table('permit_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('permit_id', sa.Integer(), nullable=False),
    sa.Column('days_before', sa.Integer(), nullable=False),
    sa.Column('sent_at', app.common.types.UTCDateTime(), nullable=False),
    sa.Column('notified', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['permit_id'], ['permits.id'], name=op.f('fk_permit_reminders_permit_id_permits'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_permit_reminders')),
    sa.UniqueConstraint('permit_id', 'days_before', name=op.f('uq_permit_reminders_permit_id_days_before'))
    )
    with op.batch_alter_table('permit_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_permit_reminders_permit_id'), ['permit_id'], unique=False)


def downgrade():
    with op.batch_alter_table('permit_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_permit_reminders_permit_id'))
    op.drop_table('permit_reminders')

    with op.batch_alter_table('permits', schema=None) as batch_op:
        batch_op.drop_index('ix_permits_status_valid_until')
        batch_op.drop_constraint(batch_op.f('fk_permits_replaces_id_permits'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_permits_revoked_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_permits_signer_user_id_users'), type_='foreignkey')
        batch_op.drop_column('replaces_id')
        batch_op.drop_column('revoked_by_id')
        batch_op.drop_column('signing_cert_sha256')
        batch_op.drop_column('signer_nip')
        batch_op.drop_column('signer_name')
        batch_op.drop_column('signer_user_id')
        batch_op.drop_column('conditions')
        batch_op.drop_column('storage_key')
