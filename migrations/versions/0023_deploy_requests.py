"""four-eyes deployment: a version becomes active only after a second person approves its request

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-08 14:00:00

An analyst's deploy (or roll back) from the modeler is now a request in `model_deploy_requests`;
another analyst or an admin approves or rejects it. At most one request per version is pending
(a partial unique index), so two requests racing for the same version cannot both be queued.
"""
import sqlalchemy as sa
from alembic import op

import app.common.types

# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

PENDING_ONLY = "state = 'pending'"


def upgrade():
    op.create_table(
        'model_deploy_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('service_key', sa.String(length=64), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('process_version_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('requested_by_id', sa.Integer(), nullable=False),
        sa.Column('requested_at', app.common.types.UTCDateTime(), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', app.common.types.UTCDateTime(), nullable=True),
        sa.Column('decision_note', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['process_version_id'], ['process_versions.id'],
                                name=op.f('fk_model_deploy_requests_process_version_id_process_versions')),
        sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'],
                                name=op.f('fk_model_deploy_requests_requested_by_id_users')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'],
                                name=op.f('fk_model_deploy_requests_decided_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_model_deploy_requests')),
    )
    with op.batch_alter_table('model_deploy_requests') as batch_op:
        batch_op.create_index('uq_model_deploy_requests_pending', ['service_key', 'version'], unique=True,
                              postgresql_where=sa.text(PENDING_ONLY), sqlite_where=sa.text(PENDING_ONLY))
        batch_op.create_index('ix_model_deploy_requests_state_id', ['state', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('model_deploy_requests') as batch_op:
        batch_op.drop_index('ix_model_deploy_requests_state_id')
        batch_op.drop_index('uq_model_deploy_requests_pending')
    op.drop_table('model_deploy_requests')
