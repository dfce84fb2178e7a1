"""login lockout: failed attempts and lock time on users

Revision ID: 0010
Revises: 0001
Create Date: 2026-11-22 22:30:00

"""
from alembic import op
import sqlalchemy as sa

import app.common.types

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('locked_until', app.common.types.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')
