"""qa: each field's expected value and difference; each item's tags.

qa: each field's expected value (masked as the value is) and where the read differs from it; each
item's tags (the truth file's columns that are no field of the service: device, lighting, …)

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("qa_item_fields") as batch:
        batch.add_column(sa.Column("expected", sa.Text(), nullable=True))
        batch.add_column(sa.Column("diff", sa.JSON(), nullable=True))
    with op.batch_alter_table("qa_items") as batch:
        batch.add_column(sa.Column("tags", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("qa_items") as batch:
        batch.drop_column("tags")
    with op.batch_alter_table("qa_item_fields") as batch:
        batch.drop_column("diff")
        batch.drop_column("expected")
