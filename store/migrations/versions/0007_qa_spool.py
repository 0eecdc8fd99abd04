"""qa spool: a queued or unfinished run's sealed images and truth, in the shared database.

They waited in the data folder of the host that created the run (``data/spool/``), sealed with that
folder's own key, so a worker on another machine (Huey on Redis) could not read them.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "qa_spool",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("part", sa.Integer(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["qa_runs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("run_id", "part"),
    )


def downgrade() -> None:
    op.drop_table("qa_spool")
