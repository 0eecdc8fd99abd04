"""The hard evaluation set: cards and IDs the engine has never seen, then photo-like damage.

Rendered independently of `samples/generate.py`: other layouts (current and older Korean resident
card and driver licence designs, the licence type on the licence number's line, a licence number
with a region name, a vertical card with its number on two lines, a card's back side, Amex 4-6-5 and
19-digit 4-4-4-4-3 numbers; issue 22's families of the Korean market: portrait cards with the number
on one line or in four rows of four, dark cards with light or foil print, a card photographed off a
screen), other fonts (Debian `fonts-unfonts-core`, `fonts-baekmuk`,
`fonts-dejavu`), randomised people, numbers and dates with valid check digits (Luhn,
`stdnum.kr.rrn`), then one damage case per image: perspective, tilt, motion blur, dark+noise, glare,
low resolution, a small card in a textured 12-megapixel frame, heavy JPEG compression, a monitor
photographed (moiré, blue cast).

Deterministic from a seed: `DEFAULT_SEED` is the benchmark's set; any other seed gives a set nobody
tuned against. Rendering needs the fonts (installed by `./studio setup`); the damage stage needs only
NumPy/OpenCV, so `samples/hard/` commits a few rendered documents that tests damage at run time.

    python samples/hard.py [--seed N] [--out DIR]     # write a whole set as JPEG + truth JSON
    python samples/hard.py --commit-subset            # rewrite samples/hard/ (the test subset)
"""

from __future__ import annotations

import argparse
import json
import math
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont
from stdnum import luhn
from stdnum.kr import rrn

HERE = Path(__file__).resolve().parent
SUBSET_DIR = HERE / "hard"
DEFAULT_SEED = 20261129
SIZE = (1000, 630)  # ID-1 ratio; the issue's reference size for speed
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/unfonts-core"),
    Path("/usr/share/fonts/truetype/baekmuk"),
    Path("/usr/share/fonts/truetype/dejavu"),
)
CASES = (
    "clean",
    "perspective",
    "tilt",
    "motion_blur",
    "dark_noise",
    "glare",
    "low_res",
    "big_frame",
    "jpeg",
    "screen",
)
CARD_LAYOUTS = (
    "card_flat",
    "card_amex",
    "card_19",
    "card_vertical",
    "card_back",
    "card_vertical_one",
    "card_vertical_rows",
    "card_dark",
)
ID_LAYOUTS = ("resident_current", "resident_old", "driver_current", "driver_multi", "driver_old")

Color = tuple[int, int, int]


def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    for folder in FONT_DIRS:
        if (folder / name).exists():
            return ImageFont.truetype(str(folder / name), size)
    raise SystemExit(f"font {name} not found: install fonts-unfonts-core, fonts-baekmuk and fonts-dejavu")


HANGUL_FACES = ("UnDotum.ttf", "UnGraphic.ttf", "gulim.ttf", "dotum.ttf", "UnBatang.ttf")
HANGUL_BOLD_FACES = ("UnDotumBold.ttf", "UnGraphicBold.ttf", "UnBatangBold.ttf", "UnDinaruBold.ttf")
HANJA_FACE = "batang.ttf"  # baekmuk Batang carries the hanja used below
CARD_FACES = (
    "DejaVuSansMono-Bold.ttf",
    "DejaVuSans-Bold.ttf",
    "DejaVuSerif-Bold.ttf",
    "DejaVuSansCondensed-Bold.ttf",
    "UnDotumBold.ttf",
)
LATIN_FACES = ("DejaVuSans.ttf", "DejaVuSansCondensed.ttf", "UnDotum.ttf")


@dataclass
class Doc:
    layout: str
    doc_type: str  # credit-card | resident | driver
    fields: dict[str, Any]
    image: Image.Image
    meta: dict[str, Any] = field(default_factory=dict)


# ------------------------------------------------------------------ people and numbers

SURNAMES = {
    "김": "金",
    "이": "李",
    "박": "朴",
    "최": "崔",
    "정": "鄭",
    "강": "姜",
    "조": "趙",
    "윤": "尹",
    "장": "張",
    "임": "林",
    "한": "韓",
    "오": "吳",
    "서": "徐",
    "신": "申",
    "권": "權",
    "황": "黃",
    "안": "安",
    "송": "宋",
    "유": "柳",
    "홍": "洪",
}
GIVEN = {
    "민": "敏",
    "서": "瑞",
    "준": "俊",
    "지": "智",
    "현": "賢",
    "우": "宇",
    "영": "英",
    "수": "秀",
    "호": "浩",
    "진": "眞",
    "은": "恩",
    "하": "夏",
    "연": "妍",
    "성": "成",
    "동": "東",
    "혜": "惠",
    "태": "泰",
    "윤": "允",
    "재": "在",
    "희": "熙",
    "경": "京",
    "주": "周",
    "원": "元",
    "석": "錫",
    "나": "娜",
    "빈": "彬",
}
METROS = (
    ("서울특별시", ("종로구", "강남구", "마포구", "송파구", "노원구", "관악구")),
    ("부산광역시", ("해운대구", "수영구", "동래구", "사하구")),
    ("대구광역시", ("수성구", "달서구")),
    ("인천광역시", ("연수구", "부평구", "남동구")),
    ("광주광역시", ("북구", "서구")),
    ("대전광역시", ("유성구", "서구")),
    ("울산광역시", ("남구", "중구")),
)
POLICE_CURRENT = (
    "서울특별시경찰청장",
    "부산광역시경찰청장",
    "경기도남부경찰청장",
    "인천광역시경찰청장",
    "대구광역시경찰청장",
    "경상남도경찰청장",
)
POLICE_OLD = (
    "서울지방경찰청장",
    "부산지방경찰청장",
    "경기지방경찰청장",
    "대전지방경찰청장",
    "충북지방경찰청장",
)
REGIONS = {
    "서울": "11",
    "부산": "12",
    "경기": "13",
    "강원": "14",
    "충북": "15",
    "충남": "16",
    "전북": "17",
    "전남": "18",
    "경북": "19",
    "경남": "20",
    "제주": "21",
    "대구": "22",
    "인천": "23",
    "광주": "24",
    "대전": "25",
    "울산": "26",
}
LICENCE_TYPES = ("1종대형", "1종보통", "1종소형", "2종보통", "2종소형")
STREETS = ("세종대로", "테헤란로", "중앙로", "해운대로", "월드컵로", "올림픽로", "대학로", "충장로")
LATIN = {
    "김": "KIM",
    "이": "LEE",
    "박": "PARK",
    "최": "CHOI",
    "정": "JUNG",
    "강": "KANG",
    "조": "CHO",
    "윤": "YOON",
    "장": "JANG",
    "임": "LIM",
    "한": "HAN",
    "오": "OH",
    "서": "SEO",
    "신": "SHIN",
    "권": "KWON",
    "황": "HWANG",
    "안": "AHN",
    "송": "SONG",
    "유": "YOO",
    "홍": "HONG",
}
GIVEN_LATIN = {
    "민": "MIN",
    "서": "SEO",
    "준": "JUN",
    "지": "JI",
    "현": "HYUN",
    "우": "WOO",
    "영": "YOUNG",
    "수": "SU",
    "호": "HO",
    "진": "JIN",
    "은": "EUN",
    "하": "HA",
    "연": "YEON",
    "성": "SUNG",
    "동": "DONG",
    "혜": "HYE",
    "태": "TAE",
    "윤": "YUN",
    "재": "JAE",
    "희": "HEE",
    "경": "KYUNG",
    "주": "JOO",
    "원": "WON",
    "석": "SEOK",
    "나": "NA",
    "빈": "BIN",
}


@dataclass
class Person:
    name: str
    hanja: str
    latin: str
    rrn: str
    birth: str  # YYYYMMDD
    address: tuple[str, str]


def person(rng: np.random.Generator) -> Person:
    surname = str(rng.choice(list(SURNAMES)))
    given = "".join(str(rng.choice(list(GIVEN))) for _ in range(int(rng.choice([1, 2, 2, 2]))))
    year = int(rng.integers(1950, 2006))
    month, day = int(rng.integers(1, 13)), int(rng.integers(1, 29))
    number = resident_number(year, month, day, rng)
    metro, gus = METROS[int(rng.integers(len(METROS)))]
    gu = str(rng.choice(gus))
    road = f"{metro} {gu} {rng.choice(STREETS)} {int(rng.integers(1, 300))}"
    unit = (
        f"{rng.choice(['한빛', '푸른', '새솔', '미래'])!s}아파트 {int(rng.integers(101, 120))}동 "
        f"{int(rng.integers(101, 1505))}호"
    )
    return Person(
        surname + given,
        SURNAMES[surname] + "".join(GIVEN[g] for g in given),
        LATIN[surname] + " " + "".join(GIVEN_LATIN[g] for g in given),
        number,
        f"{year:04d}{month:02d}{day:02d}",
        (road, unit),
    )


def resident_number(year: int, month: int, day: int, rng: np.random.Generator) -> str:
    """YYMMDD-GNNNNNN with a gender/century digit and the check digit `stdnum.kr.rrn` verifies."""
    gender = int(rng.integers(0, 2)) + (1 if year < 2000 else 3)
    while True:
        body = (
            f"{year % 100:02d}{month:02d}{day:02d}{gender}"
            f"{int(rng.integers(0, 97)):02d}{int(rng.integers(0, 1000)):03d}"
        )
        weights = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
        check = (11 - sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11) % 10
        number = f"{body[:6]}-{body[6:]}{check}"
        if rrn.is_valid(number):
            return number


def card_number(rng: np.random.Generator, prefix: str, length: int) -> str:
    body = prefix + "".join(str(int(d)) for d in rng.integers(0, 10, length - len(prefix) - 1))
    return body + luhn.calc_check_digit(body)


def groups_of(number: str) -> list[str]:
    sizes = {15: (4, 6, 5), 16: (4, 4, 4, 4), 19: (4, 4, 4, 4, 3)}[len(number)]
    out, i = [], 0
    for n in sizes:
        out.append(number[i : i + n])
        i += n
    return out


def random_date(rng: np.random.Generator, start: int, end: int) -> str:
    return f"{int(rng.integers(start, end)):04d}{int(rng.integers(1, 13)):02d}{int(rng.integers(1, 29)):02d}"


def printed_date(ymd: str, style: int) -> str:
    y, m, d = ymd[:4], int(ymd[4:6]), int(ymd[6:])
    return (f"{y}. {m}. {d}.", f"{y}.{m}.{d}.", f"{y}.{m:02d}.{d:02d}", f"{y}. {m:02d}. {d:02d}.")[style]


# ------------------------------------------------------------------ drawing helpers


def background(rng: np.random.Generator, size: tuple[int, int], base: Color, tint: Color) -> Image.Image:
    """A pale card ground with soft waves (security print), different from the specimens' rings."""
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    phase = rng.uniform(0, 6.28)
    waves = np.sin(xx / rng.uniform(18, 40) + np.sin(yy / rng.uniform(40, 90) + phase) * 3) * 0.5 + 0.5
    t = (yy / h * rng.uniform(0.2, 0.8))[..., None]
    a, b = np.array(base, np.float32), np.array(tint, np.float32)
    img = a * (1 - t) + b * t - waves[..., None] * rng.uniform(4, 12)
    return Image.fromarray(img.clip(0, 255).astype(np.uint8), "RGB")


def photo_box(d: ImageDraw.ImageDraw, box: tuple[int, int, int, int], rng: np.random.Generator) -> None:
    x0, y0, x1, y1 = box
    tone = int(rng.integers(170, 215))
    d.rectangle(box, fill=(tone, tone + 5 if tone < 250 else tone, min(255, tone + 12)))
    cx, w = (x0 + x1) / 2, x1 - x0
    d.ellipse(
        (cx - w * 0.22, y0 + (y1 - y0) * 0.18, cx + w * 0.22, y0 + (y1 - y0) * 0.5), fill=(120, 110, 105)
    )
    d.pieslice(
        (x0 + w * 0.1, y0 + (y1 - y0) * 0.55, x1 - w * 0.1, y1 + (y1 - y0) * 0.35),
        180,
        360,
        fill=(70, 75, 95),
    )


def hangul(rng: np.random.Generator, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return font(str(rng.choice(HANGUL_BOLD_FACES if bold else HANGUL_FACES)), size)


def seal(d: ImageDraw.ImageDraw, x: float, y: float, size: int) -> None:
    d.ellipse((x, y, x + size, y + size), outline=(200, 50, 50), width=3)
    d.text(
        (x + size * 0.22, y + size * 0.2), "印", font=font(HANJA_FACE, int(size * 0.55)), fill=(200, 50, 50)
    )


# ------------------------------------------------------------------ ID layouts


def resident_current(rng: np.random.Generator, issuer: str | None = None) -> Doc:
    """A resident card of the 2020-onward design.

    The 2020-onward design: title top left, name with hanja, number, address, issue date and issuer
    centred at the bottom, photo on the right. `issuer` prints that office instead of a random one."""
    p = person(rng)
    issue = random_date(rng, 2015, 2025)
    metro, gus = METROS[int(rng.integers(len(METROS)))]
    issuer = issuer or f"{metro} {rng.choice(gus)}청장"
    img = background(rng, SIZE, (238, 240, 246), (226, 236, 246))
    d = ImageDraw.Draw(img)
    ink = (25, 25, 30)
    d.text((56, 40), "주민등록증", font=hangul(rng, 62, True), fill=ink)
    nf = hangul(rng, 46, True)
    d.text((60, 150), p.name, font=nf, fill=ink)
    d.text((70 + d.textlength(p.name, font=nf), 154), f"({p.hanja})", font=font(HANJA_FACE, 40), fill=ink)
    d.text((60, 225), p.rrn, font=hangul(rng, 44, True), fill=ink)
    af = hangul(rng, 27)
    d.text((60, 318), p.address[0], font=af, fill=ink)
    d.text((60, 356), p.address[1], font=af, fill=ink)
    df = hangul(rng, 32)
    printed = printed_date(issue, 0)
    d.text((500 - d.textlength(printed, font=df) / 2, 462), printed, font=df, fill=ink)
    isf = hangul(rng, 40, True)
    d.text((500 - d.textlength(issuer, font=isf) / 2, 520), issuer, font=isf, fill=ink)
    seal(d, 500 + d.textlength(issuer, font=isf) / 2 + 8, 510, 58)
    photo_box(d, (720, 120, 930, 390), rng)
    return Doc(
        "resident_current",
        "resident",
        {"name": p.name, "residentNumber": p.rrn, "issueDate": issue, "issuer": issuer},
        img,
        {"printedDate": printed},
    )


def resident_old(rng: np.random.Generator) -> Doc:
    """A resident card of the older design.

    The older design: letter-spaced title, photo on the left, text on the right, date with
    unpadded dots, issuer under it."""
    p = person(rng)
    issue = random_date(rng, 1999, 2016)
    metro, gus = METROS[int(rng.integers(len(METROS)))]
    issuer = f"{metro} {rng.choice(gus)}청장"
    img = background(rng, SIZE, (246, 242, 232), (236, 240, 228))
    d = ImageDraw.Draw(img)
    ink = (35, 30, 30)
    d.text((330, 36), "주 민 등 록 증", font=hangul(rng, 54, True), fill=ink)
    photo_box(d, (50, 130, 280, 420), rng)
    nf = hangul(rng, 42, True)
    d.text((330, 140), p.name, font=nf, fill=ink)
    d.text((340 + d.textlength(p.name, font=nf), 146), f"({p.hanja})", font=font(HANJA_FACE, 36), fill=ink)
    d.text((330, 210), p.rrn, font=hangul(rng, 42), fill=ink)
    af = hangul(rng, 25)
    d.text((330, 290), p.address[0], font=af, fill=ink)
    d.text((330, 326), p.address[1], font=af, fill=ink)
    printed = printed_date(issue, 1)
    d.text((560, 430), printed, font=hangul(rng, 30), fill=ink)
    isf = hangul(rng, 36, True)
    d.text((450, 500), issuer, font=isf, fill=ink)
    seal(d, 460 + d.textlength(issuer, font=isf), 490, 54)
    return Doc(
        "resident_old",
        "resident",
        {"name": p.name, "residentNumber": p.rrn, "issueDate": issue, "issuer": issuer},
        img,
        {"printedDate": printed},
    )


def licence_number(rng: np.random.Generator) -> tuple[str, str]:
    """(region name, 'RR-YY-NNNNNN-CC')."""
    region = str(rng.choice(list(REGIONS)))
    digits = (
        f"{REGIONS[region]}-{int(rng.integers(0, 25)):02d}-"
        f"{int(rng.integers(0, 10**6)):06d}-{int(rng.integers(10, 100)):02d}"
    )
    return region, digits


def serial(rng: np.random.Generator) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    n = int(rng.choice([5, 6]))
    chars = [str(rng.choice(list(alphabet))) for _ in range(n)]
    chars[int(rng.integers(1, n))] = str(int(rng.integers(1, 10)))
    return "".join(chars)


def _driver(rng: np.random.Generator, layout: str, types: list[str], condition: str | None) -> Doc:
    p = person(rng)
    issue = random_date(rng, 2012, 2025)
    region, number = licence_number(rng)
    code = serial(rng)
    old = layout == "driver_old"
    issuer = str(rng.choice(POLICE_OLD if old else POLICE_CURRENT))
    img = background(rng, SIZE, (240, 244, 236), (248, 236, 226) if old else (222, 236, 246))
    d = ImageDraw.Draw(img)
    ink = (20, 25, 30)
    shown_number = f"{region} {number[3:]}" if old else number
    value = f"{region} {number[3:]}" if old else number
    if old:  # photo left, type boxed top right, number with its region name
        d.text((300, 30), "자동차운전면허증", font=hangul(rng, 50, True), fill=ink)
        photo_box(d, (40, 110, 250, 380), rng)
        d.text((80, 400), code, font=font("DejaVuSans-Bold.ttf", 32), fill=ink)
        tf = hangul(rng, 34, True)
        typed = "  ".join(types)
        d.rectangle((300, 108, 320 + d.textlength(typed, font=tf), 158), outline=(60, 80, 150), width=3)
        d.text((310, 112), typed, font=tf, fill=(50, 60, 140))
        d.text((300, 180), shown_number, font=hangul(rng, 42, True), fill=ink)
        x, lines_y = 300, (250, 315)
    else:  # type and number on one line, photo right with the serial under it
        d.text((50, 30), "자동차운전면허증", font=hangul(rng, 52, True), fill=ink)
        d.text((560, 48), "Driver's License", font=font(str(rng.choice(LATIN_FACES)), 28), fill=ink)
        tf = hangul(rng, 38, True)
        typed = " ".join(types)
        d.text((50, 120), typed, font=tf, fill=(40, 50, 130))
        d.text((80 + d.textlength(typed, font=tf), 120), number, font=hangul(rng, 42, True), fill=ink)
        photo_box(d, (740, 180, 950, 450), rng)
        d.text((780, 470), code, font=font("DejaVuSans-Bold.ttf", 32), fill=ink)
        x, lines_y = 50, (195, 260)
    d.text((x, lines_y[0]), p.name, font=hangul(rng, 42, True), fill=ink)
    d.text((x, lines_y[1]), p.rrn, font=hangul(rng, 38), fill=ink)
    af = hangul(rng, 24)
    d.text((x, lines_y[1] + 62), p.address[0], font=af, fill=ink)
    d.text((x, lines_y[1] + 94), p.address[1], font=af, fill=ink)
    renew = random_date(rng, 2026, 2034)
    d.text(
        (x, lines_y[1] + 140),
        f"적성검사 {printed_date(renew[:4] + '0101', 2)} ~ {printed_date(renew[:4] + '1231', 2)}",
        font=hangul(rng, 22),
        fill=ink,
    )
    if condition:
        d.text((x, lines_y[1] + 176), f"조건 {condition}", font=hangul(rng, 28, True), fill=ink)
    printed = printed_date(issue, 2 if not old else 3)
    d.text((430, 500), printed, font=hangul(rng, 30), fill=ink)
    d.text((400, 552), issuer, font=hangul(rng, 38, True), fill=ink)
    fields = {
        "driverLicenseNumber": value,
        "licenseType": "/".join(types),
        "name": p.name,
        "residentNumber": p.rrn,
        "condition": condition or "none",
        "serialNum": code,
        "issueDate": issue,
        "issuer": issuer,
    }
    return Doc(layout, "driver", fields, img, {"printedDate": printed, "digits": number})


def driver_current(rng: np.random.Generator) -> Doc:
    return _driver(rng, "driver_current", [str(rng.choice(LICENCE_TYPES))], None)


def driver_multi(rng: np.random.Generator) -> Doc:
    types = sorted({str(t) for t in rng.choice(LICENCE_TYPES, 2, replace=False)})
    return _driver(rng, "driver_multi", types, str(rng.choice(["A", "B", "A,B", "E"])))


def driver_old(rng: np.random.Generator) -> Doc:
    return _driver(rng, "driver_old", [str(rng.choice(LICENCE_TYPES))], None)


# ------------------------------------------------------------------ card layouts

CARD_COLOURS = (
    ((20, 40, 90), (60, 110, 180)),
    ((15, 15, 18), (70, 70, 80)),
    ((150, 20, 40), (230, 90, 60)),
    ((200, 200, 205), (240, 240, 245)),
    ((10, 80, 60), (40, 160, 120)),
    ((90, 40, 120), (190, 120, 210)),
)


def card_ground(rng: np.random.Generator, size: tuple[int, int]) -> tuple[Image.Image, Color]:
    a, b = CARD_COLOURS[int(rng.integers(len(CARD_COLOURS)))]
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    t = ((xx / w) * 0.5 + (yy / h) * 0.5)[..., None]
    img = np.array(a, np.float32) * (1 - t) + np.array(b, np.float32) * t
    img += (np.sin(xx / rng.uniform(30, 70) + yy / rng.uniform(50, 120)) * 6)[..., None]
    ink = (25, 25, 30) if sum(a) > 450 else (245, 245, 240)
    return Image.fromarray(img.clip(0, 255).astype(np.uint8), "RGB"), ink


def _emboss(
    d: ImageDraw.ImageDraw, xy: tuple[float, float], s: str, f: ImageFont.FreeTypeFont, ink: Color
) -> None:
    shade = tuple(max(0, c - 90) for c in ink) if sum(ink) > 380 else tuple(min(255, c + 90) for c in ink)
    d.text((xy[0] + 2, xy[1] + 2), s, font=f, fill=shade)
    d.text(xy, s, font=f, fill=ink)


def chip(d: ImageDraw.ImageDraw, x: int, y: int) -> None:
    d.rounded_rectangle((x, y, x + 104, y + 80), 12, fill=(212, 180, 110), outline=(150, 120, 60), width=2)
    d.line((x + 35, y, x + 35, y + 80), fill=(150, 120, 60), width=2)
    d.line((x + 69, y, x + 69, y + 80), fill=(150, 120, 60), width=2)
    d.line((x, y + 40, x + 104, y + 40), fill=(150, 120, 60), width=2)


def _card_doc(layout: str, number: str, expiry: str, img: Image.Image, holder: str) -> Doc:
    return Doc(
        layout,
        "credit-card",
        {"cardNumber": number, "groups": groups_of(number), "validThru": expiry},
        img,
        {"holder": holder},
    )


def _expiry(rng: np.random.Generator) -> str:
    return f"{int(rng.integers(1, 13)):02d}/{int(rng.integers(26, 34)):02d}"


def _front(rng: np.random.Generator, layout: str, number: str, sep: str = "  ") -> Doc:
    img, ink = card_ground(rng, SIZE)
    d = ImageDraw.Draw(img)
    holder = person(rng).latin
    expiry = _expiry(rng)
    d.text(
        (60, 40),
        str(rng.choice(["HANA", "WOORI", "SHINHAN", "KB", "NONGHYUP", "CITI"])) + " CARD",
        font=font("DejaVuSans-Bold.ttf", 40),
        fill=ink,
    )
    chip(d, 80, 170)
    size = 58 if len(number) < 19 else 50
    nf = font(str(rng.choice(CARD_FACES)), size)
    text = sep.join(groups_of(number))
    x = max(40, (SIZE[0] - d.textlength(text, font=nf)) / 2)
    _emboss(d, (x, 320), text, nf, ink)
    lf = font("DejaVuSans.ttf", 18)
    d.text((380, 420), "VALID", font=lf, fill=ink)
    d.text((380, 442), "THRU", font=lf, fill=ink)
    _emboss(d, (450, 418), expiry, font(str(rng.choice(CARD_FACES)), 42), ink)
    _emboss(d, (70, 520), holder, font("DejaVuSansMono-Bold.ttf", 38), ink)
    brand = str(rng.choice(["VISA", "Mastercard", "AMEX", "UnionPay"]))
    bf = font("DejaVuSerif-Bold.ttf", 40)
    d.text((SIZE[0] - 50 - d.textlength(brand, font=bf), 530), brand, font=bf, fill=ink)
    return _card_doc(layout, number, expiry, img, holder)


def card_flat(rng: np.random.Generator) -> Doc:
    return _front(rng, "card_flat", card_number(rng, str(rng.choice(["4", "51", "55", "9410", "3562"])), 16))


def card_amex(rng: np.random.Generator) -> Doc:
    return _front(rng, "card_amex", card_number(rng, str(rng.choice(["34", "37"])), 15))


def card_19(rng: np.random.Generator) -> Doc:
    return _front(rng, "card_19", card_number(rng, str(rng.choice(["62", "6011", "4"])), 19), sep=" ")


def card_vertical(rng: np.random.Generator) -> Doc:
    """Portrait card, number in two lines of two groups under the chip."""
    size = (SIZE[1], SIZE[0])
    img, ink = card_ground(rng, size)
    d = ImageDraw.Draw(img)
    number = card_number(rng, str(rng.choice(["4", "52", "9430"])), 16)
    g = groups_of(number)
    expiry = _expiry(rng)
    holder = person(rng).latin
    d.text(
        (50, 60),
        str(rng.choice(["the Green", "my DAILY", "LOCA"])),
        font=font("DejaVuSerif-Bold.ttf", 48),
        fill=ink,
    )
    chip(d, 60, 300)
    nf = font(str(rng.choice(CARD_FACES)), 60)
    d.text((60, 560), f"{g[0]} {g[1]}", font=nf, fill=ink)
    d.text((60, 640), f"{g[2]} {g[3]}", font=nf, fill=ink)
    d.text((60, 740), "VALID THRU", font=font("DejaVuSans.ttf", 20), fill=ink)
    d.text((220, 730), expiry, font=font("DejaVuSans-Bold.ttf", 36), fill=ink)
    d.text((60, 820), holder, font=font("DejaVuSans-Bold.ttf", 32), fill=ink)
    d.text((380, 900), "VISA", font=font("DejaVuSerif-Bold.ttf", 50), fill=ink)
    return _card_doc("card_vertical", number, expiry, img, holder)


BRANDS_KR = ("the Green", "my DAILY", "LOCA", "Deep Dream", "mile1", "Mr.Life", "taptap O", "DA@")


def _portrait_card(rng: np.random.Generator, layout: str, rows: int) -> Doc:
    """A portrait (vertical) credit card of the Korean market.

    Portrait (vertical) card of the Korean market: brand at the top, chip turned, the number in
    `rows` lines (1: one line across the card; 2: two groups a line; 4: a group a line) printed flat,
    then expiry and holder; positions and faces vary per card."""
    size = (SIZE[1], SIZE[0])
    img, ink = card_ground(rng, size)
    d = ImageDraw.Draw(img)
    number = card_number(rng, str(rng.choice(["4", "52", "9430", "5107", "9410"])), 16)
    g = groups_of(number)
    expiry = _expiry(rng)
    holder = person(rng).latin
    left = int(rng.integers(40, 90))
    d.text(
        (left, int(rng.integers(40, 90))),
        str(rng.choice(BRANDS_KR)),
        font=font("DejaVuSerif-Bold.ttf", 44),
        fill=ink,
    )
    d.rounded_rectangle(
        (size[0] - 170, 200, size[0] - 90, 304), 12, fill=(212, 180, 110), outline=(150, 120, 60), width=2
    )
    face = str(rng.choice(CARD_FACES))
    top = int(rng.integers(400, 470))
    if rows == 1:
        nf = font(face, int(rng.integers(34, 40)))
        text = " ".join(g)
        while d.textlength(text, font=nf) > size[0] - 2 * left:
            nf = font(face, int(nf.size) - 2)
        d.text((left, top), text, font=nf, fill=ink)
        y = top + nf.size + 60
    else:
        nf = font(face, int(rng.integers(50, 64)))
        step = int(nf.size * rng.uniform(1.25, 1.5))
        per = 4 // rows
        for r in range(rows):
            d.text((left, top + r * step), " ".join(g[r * per : (r + 1) * per]), font=nf, fill=ink)
        y = top + rows * step + 40
    d.text((left, y), "VALID THRU", font=font("DejaVuSans.ttf", 20), fill=ink)
    d.text((left + 150, y - 10), expiry, font=font("DejaVuSans-Bold.ttf", 36), fill=ink)
    d.text((left, y + 70), holder, font=font("DejaVuSans-Bold.ttf", 30), fill=ink)
    d.text(
        (size[0] - 200, size[1] - 100),
        str(rng.choice(["VISA", "BC", "Master"])),
        font=font("DejaVuSerif-Bold.ttf", 46),
        fill=ink,
    )
    return _card_doc(layout, number, expiry, img, holder)


def card_vertical_one(rng: np.random.Generator) -> Doc:
    """Portrait card, the whole number on one line across it."""
    return _portrait_card(rng, "card_vertical_one", 1)


def card_vertical_rows(rng: np.random.Generator) -> Doc:
    """Portrait card, the number in four rows of four digits."""
    return _portrait_card(rng, "card_vertical_rows", 4)


DARK_GROUNDS = ((12, 12, 14), (18, 22, 38), (28, 20, 24), (8, 30, 26))
LIGHT_INKS = ((236, 236, 232), (214, 190, 130), (196, 200, 208))  # white, gold foil, silver foil


def card_dark(rng: np.random.Generator) -> Doc:
    """A dark matte credit card with light or metallic print.

    A dark (black, navy, burgundy) matte card with light or metallic flat print, number smaller and
    placed low, as premium cards print it."""
    base = DARK_GROUNDS[int(rng.integers(len(DARK_GROUNDS)))]
    img = background(
        rng, SIZE, base, (min(255, base[0] + 14), min(255, base[1] + 14), min(255, base[2] + 14))
    )
    ink = LIGHT_INKS[int(rng.integers(len(LIGHT_INKS)))]
    d = ImageDraw.Draw(img)
    d.text((60, 50), str(rng.choice(BRANDS_KR)), font=font("DejaVuSerif-Bold.ttf", 42), fill=ink)
    chip(d, 70, 190)
    number = card_number(rng, str(rng.choice(["4", "51", "9410", "3562"])), 16)
    expiry = _expiry(rng)
    holder = person(rng).latin
    nf = font(str(rng.choice(CARD_FACES)), int(rng.integers(42, 52)))
    y = int(rng.integers(330, 380))
    d.text((70, y), "  ".join(groups_of(number)), font=nf, fill=ink)
    d.text((70, y + 90), "VALID THRU", font=font("DejaVuSans.ttf", 18), fill=ink)
    d.text((200, y + 80), expiry, font=font("DejaVuSans-Bold.ttf", 34), fill=ink)
    d.text((70, 540), holder, font=font("DejaVuSans-Bold.ttf", 30), fill=ink)
    return _card_doc("card_dark", number, expiry, img, holder)


def card_back(rng: np.random.Generator) -> Doc:
    """The back side of a credit card.

    The back side: magnetic stripe, signature panel with the CVC, the number in smaller print,
    customer-service fine print."""
    img = background(rng, SIZE, (236, 236, 238), (214, 220, 230))
    d = ImageDraw.Draw(img)
    ink = (30, 30, 35)
    d.rectangle((0, 50, SIZE[0], 160), fill=(25, 25, 25))
    d.rectangle((60, 200, 640, 270), fill=(250, 250, 240))
    for k in range(0, 580, 14):
        d.line((60 + k, 200, 60 + k + 30, 270), fill=(225, 215, 200), width=2)
    cvc = f"{int(rng.integers(100, 1000))}"
    d.text((660, 214), cvc, font=font("DejaVuSans-Bold.ttf", 36), fill=ink)
    number = card_number(rng, str(rng.choice(["4", "53", "9490"])), 16)
    expiry = _expiry(rng)
    nf = font(str(rng.choice(CARD_FACES)), 44)
    d.text((60, 320), " ".join(groups_of(number)), font=nf, fill=ink)
    d.text((60, 390), "VALID THRU", font=font("DejaVuSans.ttf", 20), fill=ink)
    d.text((200, 380), expiry, font=font("DejaVuSans-Bold.ttf", 34), fill=ink)
    fine = hangul(rng, 20)
    d.text(
        (60, 470),
        (
            f"고객센터 1588-{int(rng.integers(1000, 10000))}  "
            f"해외 82-2-{int(rng.integers(1000, 10000))}-{int(rng.integers(1000, 10000))}"
        ),
        font=fine,
        fill=ink,
    )
    d.text((60, 505), "본 카드는 서명하신 회원 본인만 사용할 수 있습니다.", font=fine, fill=ink)
    return _card_doc("card_back", number, expiry, img, "")


LAYOUTS: dict[str, Callable[[np.random.Generator], Doc]] = {
    "card_flat": card_flat,
    "card_amex": card_amex,
    "card_19": card_19,
    "card_vertical": card_vertical,
    "card_back": card_back,
    "card_vertical_one": card_vertical_one,
    "card_vertical_rows": card_vertical_rows,
    "card_dark": card_dark,
    "resident_current": resident_current,
    "resident_old": resident_old,
    "driver_current": driver_current,
    "driver_multi": driver_multi,
    "driver_old": driver_old,
}


# ------------------------------------------------------------------ damage (NumPy/OpenCV only)


def textured_desk(size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Wood grain or a woven/stone texture with fine detail (the specimens' desk is smooth)."""
    w, h = size
    tone = np.array(rng.choice([(70, 100, 140), (110, 120, 125), (60, 70, 80), (150, 160, 170)]), np.float32)
    small = rng.normal(0, 1, (h // 16 + 2, w // 16 + 2)).astype(np.float32)
    coarse = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    fine = cv2.resize(rng.normal(0, 1, (h // 3 + 2, w // 3 + 2)).astype(np.float32), (w, h))
    yy = np.linspace(0, 1, h, dtype=np.float32)[:, None]
    grain = np.sin((yy * rng.uniform(80, 200) + coarse * 1.5) * math.pi) * 14 + fine * 10
    return np.clip(tone[None, None, :] + grain[..., None], 0, 255).astype(np.uint8)


def place(doc: np.ndarray, canvas: tuple[int, int], quad: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    h, w = doc.shape[:2]
    src = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    m = cv2.getPerspectiveTransform(src, quad.astype(np.float32))
    bg = textured_desk(canvas, rng)
    warped = cv2.warpPerspective(
        doc, m, canvas, flags=cv2.INTER_AREA if cv2.norm(quad[1] - quad[0]) < w else cv2.INTER_CUBIC
    )
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), m, canvas)
    soft = cv2.GaussianBlur(mask, (5, 5), 0).astype(np.float32)[..., None] / 255
    return np.clip(warped * soft + bg * (1 - soft), 0, 255).astype(np.uint8)


def _quad(
    canvas: tuple[int, int],
    width: float,
    aspect: float,
    rng: np.random.Generator,
    jitter: float,
    angle: float = 0.0,
) -> np.ndarray:
    cw, ch = canvas
    height = width / aspect
    cx, cy = cw / 2 + rng.uniform(-0.08, 0.08) * cw, ch / 2 + rng.uniform(-0.08, 0.08) * ch
    corners = np.array(
        [
            [-width / 2, -height / 2],
            [width / 2, -height / 2],
            [width / 2, height / 2],
            [-width / 2, height / 2],
        ],
        np.float32,
    )
    a = math.radians(angle)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]], np.float32)
    quad = corners @ rot.T + np.array([cx, cy], np.float32)
    return quad + rng.uniform(-jitter, jitter, quad.shape).astype(np.float32) * width


def _on_desk(
    doc: np.ndarray,
    rng: np.random.Generator,
    canvas: tuple[int, int],
    fill: float,
    jitter: float,
    angle: float = 0.0,
) -> np.ndarray:
    aspect = doc.shape[1] / doc.shape[0]
    width = min(fill * canvas[0], 0.8 * canvas[1] * aspect)
    return place(doc, canvas, _quad(canvas, width, aspect, rng, jitter, angle), rng)


def motion_blur(img: np.ndarray, length: int, angle: float) -> np.ndarray:
    k = np.zeros((length, length), np.float32)
    k[length // 2, :] = 1
    m = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5), angle, 1)
    kernel = cv2.warpAffine(k, m, (length, length))
    return cv2.filter2D(img, -1, kernel / kernel.sum())


def jpeg(img: np.ndarray, quality: int) -> np.ndarray:
    _, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    decoded = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    if decoded is None:
        raise ValueError("OpenCV could not decode the JPEG it had just encoded")
    return decoded


def off_screen(doc_bgr: np.ndarray, rng: np.random.Generator, frame: tuple[int, int]) -> np.ndarray:
    """A card shown on a monitor and photographed.

    A card shown on a monitor and photographed: the screen's RGB sub-pixel grid beating against the
    camera's sensor (moiré: tilted stripes of a few pixels' period), a blue cast and lifted blacks of
    an LCD, the screen's glow falling off to the corners, slight defocus, sensor noise, JPEG."""
    h, w = doc_bgr.shape[:2]
    scale = rng.uniform(0.85, 1.0) * min(frame[0] / w, frame[1] / h)
    shown = cv2.resize(doc_bgr, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA)
    canvas = np.full((frame[1], frame[0], 3), 20, np.uint8)
    y0, x0 = (frame[1] - shown.shape[0]) // 2, (frame[0] - shown.shape[1]) // 2
    canvas[y0 : y0 + shown.shape[0], x0 : x0 + shown.shape[1]] = shown
    img = canvas.astype(np.float32)
    hh, ww = img.shape[:2]
    yy, xx = np.mgrid[0:hh, 0:ww].astype(np.float32)
    angle = rng.uniform(-0.6, 0.6)
    period = rng.uniform(3.5, 7.0)
    phase = (xx * math.cos(angle) + yy * math.sin(angle)) * 2 * math.pi / period
    beat = (xx * math.cos(angle + 1.2) + yy * math.sin(angle + 1.2)) * 2 * math.pi / rng.uniform(40, 90)
    depth = rng.uniform(0.12, 0.2)
    for c, shift in enumerate((0.0, 2.1, 4.2)):  # B, G, R stripes out of phase: coloured moiré
        img[..., c] *= 1 - depth * (0.5 + 0.5 * np.sin(phase + shift)) * (0.6 + 0.4 * np.sin(beat))
    cast = np.array([rng.uniform(1.08, 1.2), rng.uniform(0.98, 1.04), rng.uniform(0.8, 0.9)], np.float32)
    img = img * cast + np.array([28, 18, 8], np.float32)  # blue cast, blacks lifted by the backlight
    r = np.sqrt(((xx - ww / 2) / ww) ** 2 + ((yy - hh / 2) / hh) ** 2)
    img *= (1 - rng.uniform(0.2, 0.35) * r**2)[..., None]
    soft = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.6, 1.1))
    return jpeg(
        np.clip(soft + rng.normal(0, 3.0, soft.shape), 0, 255).astype(np.uint8), int(rng.integers(60, 80))
    )


def damage(doc_bgr: np.ndarray, case: str, rng: np.random.Generator) -> np.ndarray:
    """One photo-like damage case applied to a rendered document (BGR)."""
    portrait = doc_bgr.shape[0] > doc_bgr.shape[1]
    frame = (960, 1280) if portrait else (1280, 960)
    noise = lambda im, s: np.clip(im + rng.normal(0, s, im.shape), 0, 255).astype(np.uint8)
    if case == "clean":
        return doc_bgr.copy()
    if case == "perspective":
        return noise(_on_desk(doc_bgr, rng, frame, rng.uniform(0.7, 0.82), 0.05), 2.5)
    if case == "tilt":
        angle = float(rng.choice([-1, 1]) * rng.uniform(5, 12))
        return noise(_on_desk(doc_bgr, rng, frame, rng.uniform(0.68, 0.76), 0.006, angle), 2.5)
    if case == "motion_blur":
        img = _on_desk(doc_bgr, rng, frame, rng.uniform(0.74, 0.82), 0.015)
        return noise(motion_blur(img, int(rng.integers(7, 12)), float(rng.uniform(0, 180))), 2.0)
    if case == "dark_noise":
        img = _on_desk(doc_bgr, rng, frame, rng.uniform(0.74, 0.82), 0.015)
        img = np.clip(255 * rng.uniform(0.4, 0.55) * (img / 255.0) ** rng.uniform(1.3, 1.7), 0, 255)
        return noise(img, rng.uniform(6, 10))
    if case == "glare":
        img = _on_desk(doc_bgr, rng, frame, rng.uniform(0.74, 0.82), 0.015).astype(np.float32)
        h, w = img.shape[:2]
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        cx, cy, r = rng.uniform(0.3, 0.7) * w, rng.uniform(0.3, 0.7) * h, rng.uniform(0.06, 0.1) * w
        img += np.exp(-(((xx - cx) / r) ** 2 + ((yy - cy) / (0.6 * r)) ** 2))[..., None] * 230
        return noise(img, 2.0)
    if case == "low_res":
        small = (360, 480) if portrait else (480, 360)
        img = _on_desk(doc_bgr, rng, frame, rng.uniform(0.82, 0.88), 0.01)
        return jpeg(cv2.resize(img, small, interpolation=cv2.INTER_AREA), 88)
    if case == "big_frame":
        canvas = (3000, 4000) if portrait else (4000, 3000)
        img = _on_desk(doc_bgr, rng, canvas, rng.uniform(0.42, 0.52), 0.03)
        return noise(img, 2.0)
    if case == "jpeg":
        img = _on_desk(doc_bgr, rng, frame, rng.uniform(0.74, 0.82), 0.015)
        return jpeg(img, int(rng.integers(12, 22)))
    if case == "screen":
        return off_screen(doc_bgr, rng, frame)
    raise ValueError(f"unknown damage case {case!r}")


# ------------------------------------------------------------------ the set


@dataclass
class Sample:
    name: str
    case: str
    layout: str
    doc_type: str
    fields: dict[str, Any]
    image: np.ndarray  # BGR, damaged


def _rng(seed: int, *parts: str) -> np.random.Generator:
    return np.random.default_rng([seed] + [zlib.crc32(p.encode()) for p in parts])


def render(layout: str, seed: int, case: str) -> Doc:
    """The document of one (seed, case, layout): a fresh person and fresh numbers per case."""
    return LAYOUTS[layout](_rng(seed, "doc", case, layout))


def to_bgr(img: Image.Image) -> np.ndarray:
    return cv2.cvtColor(np.asarray(img.convert("RGB")), cv2.COLOR_RGB2BGR)


def samples(
    seed: int = DEFAULT_SEED,
    cases: tuple[str, ...] = CASES,
    layouts: tuple[str, ...] = CARD_LAYOUTS + ID_LAYOUTS,
) -> Iterator[Sample]:
    """Every (case, layout) of a seed, rendered then damaged, one at a time (12 MP frames are big)."""
    for case in cases:
        for layout in layouts:
            doc = render(layout, seed, case)
            image = damage(to_bgr(doc.image), case, _rng(seed, "damage", case, layout))
            yield Sample(f"{case}/{layout}", case, layout, doc.doc_type, doc.fields, image)


# ------------------------------------------------------------------ card families of the Korean market

FAMILIES: dict[str, tuple[tuple[str, str], ...]] = {
    "vertical_one": tuple((c, "card_vertical_one") for c in ("clean", "perspective", "tilt", "dark_noise")),
    "vertical_rows": tuple((c, "card_vertical_rows") for c in ("clean", "perspective", "tilt", "dark_noise")),
    "dark_card": tuple((c, "card_dark") for c in ("clean", "perspective", "tilt", "glare")),
    "off_screen": tuple(
        ("screen", lay) for lay in ("card_flat", "card_vertical_rows", "card_dark", "card_amex")
    ),
}
"""Each family of issue 22 as (damage case, layout) pairs; `family_samples` renders them for any seeds."""


def family_samples(family: str, seeds: tuple[int, ...]) -> Iterator[Sample]:
    """A family's documents for each seed: unseen variants (fresh people, numbers, faces, positions)."""
    for seed in seeds:
        for case, layout in FAMILIES[family]:
            yield from samples(seed, (case,), (layout,))


# ------------------------------------------------------------------ the committed test subset

SUBSET = (
    ("clean", "driver_current"),
    ("motion_blur", "driver_multi"),
    ("big_frame", "card_flat"),
    ("tilt", "resident_old"),
    ("dark_noise", "card_amex"),
    ("glare", "resident_current"),
    ("low_res", "card_back"),
    ("jpeg", "driver_old"),
    ("perspective", "card_vertical"),
    ("clean", "card_19"),
    ("clean", "card_vertical_rows"),
    ("tilt", "card_vertical_one"),
    ("glare", "card_dark"),
    ("screen", "card_vertical_rows"),
)


def commit_subset(seed: int = DEFAULT_SEED) -> None:
    """Write the rendered documents of `SUBSET` to samples/hard/ with their truth.

    Write the rendered (undamaged) documents of `SUBSET` to samples/hard/ with their truth;
    `load_subset` damages them at run time, so tests need no fonts and the 12 MP frame is not
    committed."""
    SUBSET_DIR.mkdir(exist_ok=True)
    index = []
    for case, layout in SUBSET:
        doc = render(layout, seed, case)
        stem = f"{case}__{layout}"
        doc.image.save(SUBSET_DIR / f"{stem}.png", "PNG", optimize=True)
        index.append(
            {
                "image": f"{stem}.png",
                "case": case,
                "layout": layout,
                "docType": doc.doc_type,
                "fields": doc.fields,
            }
        )
    (SUBSET_DIR / "index.json").write_text(
        json.dumps({"seed": seed, "documents": index}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


def load_subset() -> list[Sample]:
    """The committed subset, damaged exactly as `samples()` damages the same (seed, case, layout)."""
    index = json.loads((SUBSET_DIR / "index.json").read_text(encoding="utf-8"))
    out = []
    for e in index["documents"]:
        doc = cv2.imread(str(SUBSET_DIR / e["image"]), cv2.IMREAD_COLOR)
        if doc is None:
            raise FileNotFoundError(SUBSET_DIR / e["image"])
        image = damage(doc, e["case"], _rng(index["seed"], "damage", e["case"], e["layout"]))
        out.append(
            Sample(f"{e['case']}/{e['layout']}", e["case"], e["layout"], e["docType"], e["fields"], image)
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--out", type=Path, help="write the whole set here (JPEG q95 + truth JSON)")
    ap.add_argument("--commit-subset", action="store_true", help="rewrite samples/hard/")
    args = ap.parse_args()
    if args.commit_subset:
        commit_subset(args.seed)
        print(f"wrote {len(SUBSET)} documents under {SUBSET_DIR}")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        for s in samples(args.seed):
            stem = s.name.replace("/", "__")
            cv2.imwrite(str(args.out / f"{stem}.jpg"), s.image, [cv2.IMWRITE_JPEG_QUALITY, 95])
            (args.out / f"{stem}.json").write_text(
                json.dumps(
                    {"docType": s.doc_type, "case": s.case, "layout": s.layout, "fields": s.fields},
                    ensure_ascii=False,
                    indent=1,
                )
                + "\n",
                encoding="utf-8",
            )
        print(f"wrote the set of seed {args.seed} under {args.out}")


if __name__ == "__main__":
    main()
