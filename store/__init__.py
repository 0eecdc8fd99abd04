"""The database: SQLAlchemy 2 models, Alembic migrations, one session factory from a URL.

SQLite file by default (``data/studio.sqlite3``; ``STUDIO_DATA_DIR`` moves the folder), any SQLAlchemy URL
by ``STUDIO_DATABASE_URL``; PostgreSQL is tested. Holds masked values only: never an image in the clear
(a queued run's are sealed, ``SpoolPart``), never a full card, resident, licence or passport number.
"""

from store.access_models import AuditRow, QuotaUsage, RoleGrant, StudioSetting
from store.db import (
    DATABASE_URL_ENV,
    StoreUnavailable,
    data_dir,
    default_url,
    engine_for,
    session_factory,
    shown_url,
    upgrade,
)
from store.models import Base, Item, ItemField, Run, SpoolPart

__all__ = [
    "DATABASE_URL_ENV",
    "AuditRow",
    "Base",
    "Item",
    "ItemField",
    "QuotaUsage",
    "RoleGrant",
    "Run",
    "SpoolPart",
    "StoreUnavailable",
    "StudioSetting",
    "data_dir",
    "default_url",
    "engine_for",
    "session_factory",
    "shown_url",
    "upgrade",
]
