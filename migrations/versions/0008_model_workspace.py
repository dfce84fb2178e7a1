"""model workspace: saved model tests and the model change log

Revision ID: 0008
Revises: 0001
Create Date: 2026-11-22 23:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.common.types

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'model_tests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('service_key', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('scenario', app.common.types.JSONType, nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', app.common.types.UTCDateTime(), nullable=False),
        sa.Column('last_run_at', app.common.types.UTCDateTime(), nullable=True),
        sa.Column('last_run_version', sa.Integer(), nullable=True),
        sa.Column('last_passed', sa.Boolean(), nullable=True),
        sa.Column('last_result', app.common.types.JSONType, nullable=True),
        sa.Column('created_at', app.common.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_model_tests_created_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_model_tests')),
        sa.UniqueConstraint('service_key', 'name', name=op.f('uq_model_tests_service_key_name')),
    )
    with op.batch_alter_table('model_tests') as batch_op:
        batch_op.create_index(batch_op.f('ix_model_tests_service_key'), ['service_key'], unique=False)

    op.create_table(
        'model_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('service_key', sa.String(length=64), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('at', app.common.types.UTCDateTime(), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_model_events_actor_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_model_events')),
    )
    with op.batch_alter_table('model_events') as batch_op:
        batch_op.create_index('ix_model_events_service_id', ['service_key', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('model_events') as batch_op:
        batch_op.drop_index('ix_model_events_service_id')
    op.drop_table('model_events')
    with op.batch_alter_table('model_tests') as batch_op:
        batch_op.drop_index(batch_op.f('ix_model_tests_service_key'))
    op.drop_table('model_tests')
