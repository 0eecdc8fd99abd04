"""qa: a deleted run's id is never given to a new run on SQLite (AUTOINCREMENT)

The audit names a run by its id (door ``qa-run:<id>``). SQLite's default row ids reuse the highest id
once its row is deleted, so a new run could inherit a deleted run's audit trail. PostgreSQL's sequences
never reuse an id; on SQLite the table is rebuilt with AUTOINCREMENT (migrations run with foreign keys
off, so the rebuild cascades nothing).

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table("qa_runs", recreate="always", table_kwargs={"sqlite_autoincrement": True}):
        pass


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table("qa_runs", recreate="always", table_kwargs={"sqlite_autoincrement": False}):
        pass
