"""qa runs: whom a run's billed calls are booked to once someone else resumed it (NULL: started_by).

Items may now also be ``sending`` (written before the request leaves) and ``unknown`` (found ``sending``
after a crash: maybe billed, never resent without a counted confirmation); ``state`` is a plain string
column, so those need no schema change.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("qa_runs") as batch:
        batch.add_column(sa.Column("billed_to", sa.String(length=320), nullable=True))
        batch.add_column(sa.Column("billed_role", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("qa_runs") as batch:
        batch.drop_column("billed_role")
        batch.drop_column("billed_to")
