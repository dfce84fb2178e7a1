"""retribusi bills with billing codes, the payment callback log, and complaints (pengaduan)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 21:52:13.586892

"""
from alembic import op
import sqlalchemy as sa

import app.common.types
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bills',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('billing_code', sa.String(length=32), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('basis', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('issued_at', app.common.types.UTCDateTime(), nullable=False),
    sa.Column('expires_at', app.common.types.UTCDateTime(), nullable=False),
    sa.Column('paid_at', app.common.types.UTCDateTime(), nullable=True),
    sa.Column('reference', sa.String(length=64), nullable=True),
    sa.Column('paid_amount', sa.BigInteger(), nullable=True),
    sa.Column('channel', sa.String(length=64), nullable=True),
    sa.Column('confirmed_by', sa.String(length=100), nullable=True),
    sa.Column('element_id', sa.String(length=200), nullable=True),
    sa.Column('closed_at', app.common.types.UTCDateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_bills_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bills')),
    sa.UniqueConstraint('billing_code', name=op.f('uq_bills_billing_code')),
    sa.UniqueConstraint('reference', name=op.f('uq_bills_reference'))
    )
    with op.batch_alter_table('bills', schema=None) as batch_op:
        batch_op.create_index('ix_bills_case_status', ['case_id', 'status'], unique=False)
        batch_op.create_index('ix_bills_paid_at', ['paid_at'], unique=False)
        batch_op.create_index('ix_bills_status_issued_at', ['status', 'issued_at'], unique=False)

    op.create_table('complaints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket', sa.String(length=20), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('complainant_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=150), nullable=False),
    sa.Column('contact', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('registration_number', sa.String(length=32), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=True),
    sa.Column('complaint_type', sa.String(length=32), nullable=True),
    sa.Column('forwarded_to', sa.String(length=64), nullable=True),
    sa.Column('forwarded_at', app.common.types.UTCDateTime(), nullable=True),
    sa.Column('escalated_at', app.common.types.UTCDateTime(), nullable=True),
    sa.Column('due_at', app.common.types.UTCDateTime(), nullable=True),
    sa.Column('public_response', sa.Text(), nullable=True),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('answered_at', app.common.types.UTCDateTime(), nullable=True),
    sa.Column('created_at', app.common.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_complaints_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['complainant_id'], ['users.id'], name=op.f('fk_complaints_complainant_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaints')),
    sa.UniqueConstraint('case_id', name=op.f('uq_complaints_case_id')),
    sa.UniqueConstraint('ticket', name=op.f('uq_complaints_ticket'))
    )
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index('ix_complaints_public_answered', ['is_public', 'answered_at'], unique=False)
        batch_op.create_index('ix_complaints_status_created', ['status', 'created_at'], unique=False)

    op.create_table('payment_logs',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('received_at', app.common.types.UTCDateTime(), nullable=False),
    sa.Column('bill_id', sa.Integer(), nullable=True),
    sa.Column('billing_code', sa.String(length=64), nullable=True),
    sa.Column('reference', sa.String(length=64), nullable=True),
    sa.Column('amount', sa.BigInteger(), nullable=True),
    sa.Column('outcome', sa.String(length=32), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.ForeignKeyConstraint(['bill_id'], ['bills.id'], name=op.f('fk_payment_logs_bill_id_bills'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_logs'))
    )
    with op.batch_alter_table('payment_logs', schema=None) as batch_op:
        batch_op.create_index('ix_payment_logs_billing_code', ['billing_code'], unique=False)
        batch_op.create_index('ix_payment_logs_reference', ['reference'], unique=False)



def downgrade():
    with op.batch_alter_table('payment_logs', schema=None) as batch_op:
        batch_op.drop_index('ix_payment_logs_reference')
        batch_op.drop_index('ix_payment_logs_billing_code')

    op.drop_table('payment_logs')
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_complaints_status_created')
        batch_op.drop_index('ix_complaints_public_answered')

    op.drop_table('complaints')
    with op.batch_alter_table('bills', schema=None) as batch_op:
        batch_op.drop_index('ix_bills_status_issued_at')
        batch_op.drop_index('ix_bills_paid_at')
        batch_op.drop_index('ix_bills_case_status')

    op.drop_table('bills')
