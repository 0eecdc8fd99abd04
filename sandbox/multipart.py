"""multipart/form-data bodies, HTTP-agnostic: bytes and a Content-Type in, named parts out.

Built on ``python-multipart``'s streaming parser (the one Starlette uses), fed a body that the
caller has already size-checked. Any malformed body is :class:`MultipartError`.
"""

from __future__ import annotations

import logging

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

# The parser logs every malformed body at WARNING; the sandbox answers those with 4000001 instead.
logging.getLogger("python_multipart.multipart").setLevel(logging.ERROR)


class MultipartError(ValueError):
    """Not a multipart/form-data body we can read."""


def _field_name(disposition: bytes) -> str | None:
    kind, params = parse_options_header(disposition)
    if kind.lower() != b"form-data":
        return None
    name = params.get(b"name")
    return None if name is None else name.decode("utf-8", "replace")


def parse_form(content_type: str, body: bytes) -> dict[str, bytes]:
    """The parts of a form by field name (the first part wins when a name repeats)."""
    kind, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if kind.lower() != b"multipart/form-data" or not boundary:
        raise MultipartError("not multipart/form-data")

    parts: dict[str, bytes] = {}
    chunks: list[bytes] = []
    headers: dict[bytes, bytes] = {}
    field: list[bytes] = []
    value: list[bytes] = []

    def on_part_begin() -> None:
        chunks.clear()
        headers.clear()

    def on_header_field(data: bytes, start: int, end: int) -> None:
        field.append(data[start:end])

    def on_header_value(data: bytes, start: int, end: int) -> None:
        value.append(data[start:end])

    def on_header_end() -> None:
        headers[b"".join(field).lower()] = b"".join(value)
        field.clear()
        value.clear()

    def on_part_data(data: bytes, start: int, end: int) -> None:
        chunks.append(data[start:end])

    def on_part_end() -> None:
        name = _field_name(headers.get(b"content-disposition", b""))
        if name is not None and name not in parts:
            parts[name] = b"".join(chunks)

    ended: list[bool] = []
    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
            "on_end": lambda: ended.append(True),
        },
    )
    try:
        parser.write(body)
        parser.finalize()
    except (FormParserError, ValueError, IndexError) as err:
        raise MultipartError("malformed multipart body") from err
    if not ended:
        raise MultipartError("multipart body ends before its closing boundary")
    return parts
