"""``ImageRejected``: why an upload was refused, as a machine code and a message in two languages."""
from __future__ import annotations

from typing import Literal, get_args

from ocr_core.errors import InputError

__all__ = ["REJECT_CODES", "ImageRejected", "RejectCode"]

RejectCode = Literal["empty", "too_large", "not_image", "unsupported_type", "bomb", "corrupt"]
REJECT_CODES: tuple[RejectCode, ...] = get_args(RejectCode)


class ImageRejected(InputError):
    """An image refused before anything was sent (an :class:`~ocr_core.errors.InputError`).

    ``code`` is stable for programs; ``message_en`` / ``message_ko`` are for people; ``detail`` is
    a short machine-readable fact (the format named, the byte count, the declared size), if any.
    """

    def __init__(self, code: RejectCode, message_en: str, message_ko: str, *, detail: str | None = None):
        if code not in REJECT_CODES:
            raise ValueError(f"unknown reject code {code!r}")
        super().__init__(message_en)
        self.code: RejectCode = code
        self.message_en = message_en
        self.message_ko = message_ko
        self.detail = detail

    def message(self, lang: str = "en") -> str:
        """The message in ``lang`` ("ko" for Korean, anything else English)."""
        return self.message_ko if lang == "ko" else self.message_en

    def __repr__(self) -> str:
        return f"ImageRejected(code={self.code!r}, message_en={self.message_en!r})"
