"""SLA: case clocks with their ledger and extensions, task escalations, daily job runs

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-23 09:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.common.types

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "case_clocks",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("sop_days", sa.Integer(), nullable=False),
        sa.Column("extension_days", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("paused_reason", sa.String(length=100), nullable=True),
        sa.Column("started_at", app.common.types.UTCDateTime(), nullable=True),
        sa.Column("stopped_at", app.common.types.UTCDateTime(), nullable=True),
        sa.Column("pause_count", sa.Integer(), nullable=False),
        sa.Column("pending_pause_reason", sa.String(length=100), nullable=True),
        sa.Column("pending_pause_at", app.common.types.UTCDateTime(), nullable=True),
        sa.Column("used_working_days", sa.Float(), nullable=False),
        sa.Column("target_at", app.common.types.UTCDateTime(), nullable=True),
        sa.Column("legal_deadline_at", app.common.types.UTCDateTime(), nullable=True),
        sa.Column("lapse_check_at", app.common.types.UTCDateTime(), nullable=True),
        sa.Column("lapsed_at", app.common.types.UTCDateTime(), nullable=True),
        sa.Column("deemed_approved_at", app.common.types.UTCDateTime(), nullable=True),
        sa.Column("updated_at", app.common.types.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_clocks_case_id_cases"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_clocks")),
    )
    with op.batch_alter_table("case_clocks", schema=None) as batch_op:
        batch_op.create_index("ix_case_clocks_lapse_check_at", ["lapse_check_at"], unique=False)

    op.create_table(
        "clock_entries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("at", app.common.types.UTCDateTime(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=100), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_clock_entries_actor_id_users")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_clock_entries_case_id_cases"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clock_entries")),
    )
    with op.batch_alter_table("clock_entries", schema=None) as batch_op:
        batch_op.create_index("ix_clock_entries_case_id", ["case_id", "id"], unique=False)

    op.create_table(
        "clock_extensions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("at", app.common.types.UTCDateTime(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_clock_extensions_actor_id_users")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_clock_extensions_case_id_cases"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clock_extensions")),
    )
    with op.batch_alter_table("clock_extensions", schema=None) as batch_op:
        batch_op.create_index("ix_clock_extensions_case_id", ["case_id"], unique=False)

    op.create_table(
        "task_escalations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("at", app.common.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_task_escalations_case_id_cases"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], name=op.f("fk_task_escalations_task_id_tasks"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_escalations")),
        sa.UniqueConstraint("task_id", "level", name=op.f("uq_task_escalations_task_id_level")),
    )
    with op.batch_alter_table("task_escalations", schema=None) as batch_op:
        batch_op.create_index("ix_task_escalations_case_id", ["case_id"], unique=False)

    op.create_table(
        "sla_daily_runs",
        sa.Column("job", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("at", app.common.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("job", "day", name=op.f("pk_sla_daily_runs")),
    )


def downgrade():
    op.drop_table("sla_daily_runs")
    with op.batch_alter_table("task_escalations", schema=None) as batch_op:
        batch_op.drop_index("ix_task_escalations_case_id")
    op.drop_table("task_escalations")
    with op.batch_alter_table("clock_extensions", schema=None) as batch_op:
        batch_op.drop_index("ix_clock_extensions_case_id")
    op.drop_table("clock_extensions")
    with op.batch_alter_table("clock_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_clock_entries_case_id")
    op.drop_table("clock_entries")
    with op.batch_alter_table("case_clocks", schema=None) as batch_op:
        batch_op.drop_index("ix_case_clocks_lapse_check_at")
    op.drop_table("case_clocks")
