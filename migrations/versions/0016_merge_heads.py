"""merge the branches that each grew from 0001 into one history

Revision ID: 0016
Revises: 0003, 0005, 0006, 0008 ... 0015
Create Date: 2026-12-07 19:30:00

Every migration from 0002 to 0015 named 0001 as its parent, so the history had eleven heads (0011,
0012 and 0014 said `depends_on` 0007, 0002 and 0004; they now name them as their parents, which is
what the version tables already recorded) and `db upgrade` needed `heads`. This revision joins the
eleven. Later migrations chain
from here, and tests/test_migrations.py fails when a second head appears.
"""

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = tuple(f"{n:04d}" for n in range(2, 16) if n not in (2, 4, 7))
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
