"""Alembic environment: runs on the connection ``store.db.upgrade`` hands it, or on the URL.

One transaction per migration (``transaction_per_migration``): a step that fails is rolled back whole
and the database stays at the last revision that completed. On SQLite that needs the engine of
``store.db.migration_engine``, which really BEGINs before DDL; Alembic is then told DDL is transactional.
"""

from alembic import context
from sqlalchemy import Connection

from store import Base  # every model module, so autogenerate sees every table
from store.db import foreign_keys_hold, migration_engine

config = context.config
target_metadata = Base.metadata


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        transaction_per_migration=True,
        on_version_apply=foreign_keys_hold,
        transactional_ddl=True if connection.dialect.name == "sqlite" else None,
    )
    with context.begin_transaction():
        context.run_migrations()


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no sqlalchemy.url in the Alembic configuration")
    engine = migration_engine(url)
    try:
        with engine.connect() as conn:
            run_on(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata, literal_binds=True
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    run()
