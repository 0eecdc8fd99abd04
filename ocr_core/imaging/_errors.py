"""``ImageRejected``: why an upload was refused, as a machine code and its parameters.

The words for people live in the UI's catalogue (``l10n``, keys ``reject.<code>``), not here.
"""

from __future__ import annotations

from typing import Literal, get_args

from ocr_core.errors import InputError

__all__ = ["REJECT_CODES", "ImageRejected", "RejectCode"]

RejectCode = Literal[
    "empty", "too_large", "not_image", "unsupported_type", "bomb", "corrupt", "too_small", "multi_page"
]
REJECT_CODES: tuple[RejectCode, ...] = get_args(RejectCode)


class ImageRejected(InputError):
    """An image refused before anything was sent (an :class:`~ocr_core.errors.InputError`).

    ``code`` is stable for programs; ``params`` are the facts a message needs, by code:
    ``too_large``: ``size_bytes``, ``limit_bytes``; ``unsupported_type``: ``type_name``;
    ``bomb``: ``limit_pixels`` and, when the header could be read, ``width``, ``height``;
    ``corrupt``: ``type_name``; ``too_small``: ``width``, ``height``, ``min_side``
    (``ocr_core.constants.MIN_IMAGE_SIDE``); ``multi_page``: ``type_name``, ``pages``. ``str(err)`` is a
    short English line for logs and programmers.
    """

    def __init__(self, code: RejectCode, **params: str | int):
        if code not in REJECT_CODES:
            raise ValueError(f"unknown reject code {code!r}")
        self.code: RejectCode = code
        facts = ", ".join(f"{k}={v}" for k, v in params.items())
        super().__init__(
            f"image rejected: {code}" + (f" ({facts})" if facts else ""), rule=code, params=params
        )

    @property
    def detail(self) -> str | None:
        """The one fact that names the refusal, for programs.

        The one fact that names the refusal, for programs: the type named, the byte count or the
        declared size (``WxH``)."""
        p = self.params
        if "type_name" in p and self.code == "unsupported_type":
            return str(p["type_name"])
        if "width" in p:
            return f"{p['width']}x{p['height']}"
        if "size_bytes" in p:
            return str(p["size_bytes"])
        return None

    def __repr__(self) -> str:
        return f"ImageRejected(code={self.code!r}, params={dict(self.params)!r})"
