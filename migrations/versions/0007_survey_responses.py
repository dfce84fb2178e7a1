"""IKM survey responses

Revision ID: 0007
Revises: 0001
Create Date: 2026-11-22 22:10:00

"""
from alembic import op
import sqlalchemy as sa

import app.common.types

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0001'
branch_labels = None
depends_on = None

ELEMENTS = [f"u{i}" for i in range(1, 10)]


def upgrade():
    op.create_table(
        'survey_responses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('service_key', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        *[sa.Column(key, sa.Integer(), nullable=False) for key in ELEMENTS],
        sa.Column('comment', sa.Text(), nullable=True),
        sa.Column('created_at', app.common.types.UTCDateTime(), nullable=False),
        *[sa.CheckConstraint(f"{key} BETWEEN 1 AND 4", name=op.f(f"ck_survey_responses_{key}_range"))
          for key in ELEMENTS],
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_survey_responses_case_id_cases'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_survey_responses_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_responses')),
        sa.UniqueConstraint('case_id', name=op.f('uq_survey_responses_case_id')),
    )
    with op.batch_alter_table('survey_responses') as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_responses_service_key'), ['service_key'], unique=False)


def downgrade():
    op.drop_table('survey_responses')
