"""case renewals: a new application can renew an issued one

Revision ID: 0009
Revises: 0001
Create Date: 2026-11-22 22:20:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases') as batch_op:
        batch_op.add_column(sa.Column('renewal_of_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_cases_renewal_of_id_cases'), 'cases', ['renewal_of_id'], ['id'])


def downgrade():
    with op.batch_alter_table('cases') as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cases_renewal_of_id_cases'), type_='foreignkey')
        batch_op.drop_column('renewal_of_id')
