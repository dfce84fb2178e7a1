"""anonymous complaints: no complainant account; free the addresses of contact-only accounts

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08 11:00:00

A complaint filed without signing in is no longer linked to any account (`complaints.complainant_id`
becomes nullable). Earlier versions filed such a complaint under whatever account owned the contact
email, or created an inactive, password-less "contact-only" applicant account for it, which then
blocked anybody from registering with that address. This revision unlinks the complaints of those
contact-only accounts and moves their addresses to the undeliverable `kontak.invalid` domain, so the
owner of the address can register. (Complaints that earlier versions attached to a real account
cannot be told apart from ones filed while signed in and are left as they are.)
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

# Contact-only accounts: inactive, never had a password, only the applicant role, complainant of a
# complaint, and the applicant of nothing but complaint cases.
CONTACT_ONLY = """
    SELECT u.id FROM users u
    WHERE u.password_hash IS NULL AND u.is_active_account = :false
      AND EXISTS (SELECT 1 FROM complaints c WHERE c.complainant_id = u.id)
      AND NOT EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role <> 'applicant')
      AND NOT EXISTS (SELECT 1 FROM cases k WHERE k.applicant_id = u.id AND k.service_key <> 'pengaduan')
"""


def upgrade():
    with op.batch_alter_table('complaints') as batch_op:
        batch_op.alter_column('complainant_id', existing_type=sa.Integer(), nullable=True)
    conn = op.get_bind()
    ids = [row[0] for row in conn.execute(sa.text(CONTACT_ONLY), {"false": False})]
    for user_id in ids:
        conn.execute(sa.text("UPDATE complaints SET complainant_id = NULL WHERE complainant_id = :id"),
                     {"id": user_id})
        conn.execute(sa.text("UPDATE users SET email = :email WHERE id = :id AND email NOT LIKE '%@kontak.invalid'"),
                     {"id": user_id, "email": f"pelapor.arsip.{user_id}@kontak.invalid"})


def downgrade():
    op.execute("UPDATE complaints SET complainant_id = "
               "(SELECT cases.applicant_id FROM cases WHERE cases.id = complaints.case_id) "
               "WHERE complainant_id IS NULL")
    with op.batch_alter_table('complaints') as batch_op:
        batch_op.alter_column('complainant_id', existing_type=sa.Integer(), nullable=False)
