"""Hand-made analysis results (a credit card, a resident card) for tests of what the dashboard does with
a result, without reading an image."""

from __future__ import annotations

from ocr_core import Box, CardNumberGroup, CreditCardResult, FieldReading, IdCardResult, KeyValue, RequestKey


def box(x: int, y: int, w: int = 100, h: int = 30) -> Box:
    return Box(x, y, x + w, y, x + w, y + h, x, y + h)


def card() -> CreditCardResult:
    groups = ("4396", "3173", "5623", "9782")
    return CreditCardResult(
        file_type="png",
        resolution="normal",
        card_numbers=tuple(
            CardNumberGroup(g, 0.95 - i * 0.1, box(60 + 180 * i, 250)) for i, g in enumerate(groups)
        ),
        total_card_num="".join(groups),
        valid_thru=FieldReading("04/29", 0.5, box(300, 320)),
    )


def resident(request_key: RequestKey | None = None) -> IdCardResult:
    return IdCardResult(
        file_type="png",
        resolution="normal",
        id_type="resident",
        key_values=(
            KeyValue("issuer", "서울특별시 종로구청장", 0.9, box(300, 400)),
            KeyValue("issueDate", "2019.5.14.", 0.9, box(300, 360)),
            KeyValue("residentNumber", "900115-1289153", 0.99, box(40, 200)),
            KeyValue("name", "홍길동", 0.97, box(40, 150)),
        ),
        request_key=request_key,
    )
