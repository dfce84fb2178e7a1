"""payments: SKRD number and fee rows on bills, officer confirmation with proof of payment

Revision ID: 0012
Revises: 0002
Create Date: 2026-11-23 10:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.common.types

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('bills') as batch_op:
        batch_op.add_column(sa.Column('skrd_number', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('fee_details', app.common.types.JSONType, nullable=True))
        batch_op.add_column(sa.Column('confirmed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('proof_document_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_bills_skrd_number'), ['skrd_number'])
        batch_op.create_foreign_key(batch_op.f('fk_bills_confirmed_by_id_users'), 'users', ['confirmed_by_id'],
                                    ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_bills_proof_document_id_documents'), 'documents',
                                    ['proof_document_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index('ix_bills_status_expires_at', ['status', 'expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('bills') as batch_op:
        batch_op.drop_index('ix_bills_status_expires_at')
        batch_op.drop_constraint(batch_op.f('fk_bills_proof_document_id_documents'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_bills_confirmed_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_bills_skrd_number'), type_='unique')
        batch_op.drop_column('proof_document_id')
        batch_op.drop_column('confirmed_by_id')
        batch_op.drop_column('fee_details')
        batch_op.drop_column('skrd_number')
