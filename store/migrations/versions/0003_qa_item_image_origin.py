"""qa items: where the source image came from, and the digest and size of the image each item sent.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("qa_items") as batch:
        batch.add_column(sa.Column("source_kind", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("source_path", sa.String(length=1000), nullable=True))
        batch.add_column(sa.Column("sent_sha256", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("sent_width", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("sent_height", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("qa_items") as batch:
        for name in ("sent_height", "sent_width", "sent_sha256", "source_path", "source_kind"):
            batch.drop_column(name)
