"""The lab's tables: a run, its items (one image at one degradation level), each item's fields.

Values are stored masked exactly as the product shows them; images only sealed, and only while their run
needs them (``SpoolPart``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


RUN_STATUSES = ("queued", "running", "cancelling", "cancelled", "done", "interrupted", "failed")
ITEM_STATES = ("pending", "sending", "done", "failed", "lost", "refused", "unknown")
"""``sending``: written (committed) before the item's request leaves. ``lost``: sent but no answer came
(read timeout, dropped connection): never resent, maybe billed. ``unknown``: found ``sending`` after its
worker died (a crash, a kill): its request may have left and been billed, so it is never resent without
an explicit, counted confirmation (``qa.runner.resend_unknown``). ``refused``: not sent (quota)."""


class Run(Base):
    __tablename__ = "qa_runs"
    # A deleted run's id is never reused (SQLite's default reuses the highest): the audit names runs by id.
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_by: Mapped[str] = mapped_column(String(120), default="local")
    backend: Mapped[str] = mapped_column(String(20))  # sandbox | cloud
    endpoint: Mapped[str] = mapped_column(String(300))
    api_version: Mapped[str] = mapped_column(String(8))
    key_versions: Mapped[dict[str, Any]] = mapped_column(default=dict)
    service: Mapped[str] = mapped_column(String(20))  # credit-card | id-card | stand-alone
    preprocess: Mapped[bool] = mapped_column(Boolean, default=False)
    sweep: Mapped[list[Any]] = mapped_column(default=list)  # [[name, [levels…]], …]
    truth_name: Mapped[str | None] = mapped_column(String(300))
    truth_sha256: Mapped[str | None] = mapped_column(String(64))
    concurrency: Mapped[int] = mapped_column(Integer, default=2)
    rate_limit: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    message: Mapped[str | None] = mapped_column(Text)  # why a run ended ``failed``
    # Whose quota the run's billed calls spend and whom their audit rows name: whoever started it, then
    # whoever resumed it or confirmed a resend (NULL: ``started_by``; migration 0005).
    billed_to: Mapped[str | None] = mapped_column(String(320))
    billed_role: Mapped[str | None] = mapped_column(String(16))

    items: Mapped[list[Item]] = relationship(
        back_populates="run", cascade="all, delete-orphan", order_by="Item.position", passive_deletes=True
    )


class Item(Base):
    __tablename__ = "qa_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("qa_runs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    source: Mapped[int] = mapped_column(Integer)  # index of the source image in the run's spool
    image_name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str | None] = mapped_column(String(64))  # of the source image as given
    source_kind: Mapped[str | None] = mapped_column(String(10))  # specimen | file | upload
    source_path: Mapped[str | None] = mapped_column(String(1000))  # specimen path in samples/, or CLI file
    sent_sha256: Mapped[str | None] = mapped_column(String(64))  # of the bytes this item sent
    sent_width: Mapped[int | None] = mapped_column(Integer)  # the sent image's size: its boxes' frame
    sent_height: Mapped[int | None] = mapped_column(Integer)
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    degradation: Mapped[str] = mapped_column(String(20), default="none")
    level: Mapped[float] = mapped_column(Float, default=0.0)
    doc_type: Mapped[str | None] = mapped_column(String(20))  # from truth, else the answer's idType
    quality_status: Mapped[str | None] = mapped_column(String(8))  # pass | warn | fail
    quality: Mapped[dict[str, Any]] = mapped_column(default=dict)  # check → {status, value}
    state: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    result_code: Mapped[int | None] = mapped_column(Integer)
    result_message: Mapped[str | None] = mapped_column(Text)
    resolution: Mapped[str | None] = mapped_column(String(40))
    id_type: Mapped[str | None] = mapped_column(String(20))
    t_key: Mapped[float | None] = mapped_column(Float)
    t_encrypt: Mapped[float | None] = mapped_column(Float)
    t_network: Mapped[float | None] = mapped_column(Float)
    t_decrypt: Mapped[float | None] = mapped_column(Float)
    t_total: Mapped[float | None] = mapped_column(Float)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answer: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the masked API-shaped answer (boxes)
    # The truth file's columns that are no field of the service (device, lighting…): what results group by.
    tags: Mapped[dict[str, str] | None] = mapped_column(JSON)

    run: Mapped[Run] = relationship(back_populates="items")
    fields: Mapped[list[ItemField]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="ItemField.id", passive_deletes=True
    )


class ItemField(Base):
    __tablename__ = "qa_item_fields"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("qa_items.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    value: Mapped[str | None] = mapped_column(Text)  # masked
    conf: Mapped[float | None] = mapped_column(Float)
    correct: Mapped[bool | None] = mapped_column(Boolean)  # against truth; None: no truth for it
    # The validators' verdicts on the value as read, before masking (ocr_core.verdicts.check_record:
    # name, ok, reason, harmless params); [] none applies; None: not recorded (before migration 0004).
    checks: Mapped[list[Any] | None] = mapped_column(JSON)
    expected: Mapped[str | None] = mapped_column(Text)  # masked by the value's own rule; None: no truth
    # Where the read differs from truth (qa.differences: positions and kinds, never characters); None: same.
    diff: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    item: Mapped[Item] = relationship(back_populates="fields")


class SpoolPart(Base):
    """A queued or unfinished run's input, sealed.

    A queued or unfinished run's input, sealed (Fernet; ``qa.spool``): a source image (``part`` ≥ 0, its
    index) or the run's truth (``part`` = -1). In the shared database so that whichever worker on
    whichever machine takes the run can read it; removed when the run ends or is deleted (migration 0006)."""

    __tablename__ = "qa_spool"

    run_id: Mapped[int] = mapped_column(ForeignKey("qa_runs.id", ondelete="CASCADE"), primary_key=True)
    part: Mapped[int] = mapped_column(Integer, primary_key=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
