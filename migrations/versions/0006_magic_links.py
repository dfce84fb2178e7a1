"""magic links: single-use ways back into a case's pending step

Revision ID: 0006
Revises: 0001
Create Date: 2026-11-22 22:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.common.types

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'magic_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.String(length=36), nullable=True),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('expires_at', app.common.types.UTCDateTime(), nullable=False),
        sa.Column('used_at', app.common.types.UTCDateTime(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('created_at', app.common.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_magic_links_case_id_cases'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_magic_links_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_magic_links')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_magic_links_token_hash')),
    )
    with op.batch_alter_table('magic_links') as batch_op:
        batch_op.create_index(batch_op.f('ix_magic_links_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_magic_links_code_hash'), ['code_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_magic_links_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('magic_links')
