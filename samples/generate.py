"""Generate the synthetic specimen set: credit cards, Korean ID cards, passports and photos of them.

Every person, number and issuer here is fictitious; every number is checksum-valid (Luhn for card
numbers, the resident-number check digit of python-stdnum, ICAO 9303 check digits for the MRZ).
The output is committed, so running the product never needs this script or its fonts; only
regenerating does (Debian `fonts-nanum` for Hangul, `fonts-dejavu` / `fonts-liberation` for Latin).

    python samples/generate.py            # rewrites samples/cards, samples/ids, samples/photos, index.json

Deterministic: a fixed seed per specimen, so a rerun on the same Pillow/OpenCV gives the same files.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont
from stdnum import luhn
from stdnum.kr import rrn

HERE = Path(__file__).resolve().parent
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/nanum"),
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/truetype/liberation"),
)
CARD_SIZE = (856, 540)  # ISO/IEC 7810 ID-1 ratio, above the API's 760x480 "normal" threshold
PASSPORT_SIZE = (1000, 704)  # TD3 data page ratio 125 x 88 mm
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")

Color = tuple[int, int, int]


# ---------------------------------------------------------------------------------------------
# fonts and small drawing helpers


def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    for folder in FONT_DIRS:
        path = folder / name
        if path.exists():
            return ImageFont.truetype(str(path), size)
    raise SystemExit(f"font {name} not found; install fonts-nanum, fonts-dejavu and fonts-liberation")


HANGUL = "NanumGothic.ttf"
HANGUL_BOLD = "NanumGothicBold.ttf"
HANJA = "NanumGothic.ttf"  # NanumMyeongjo lacks the hanja used here
MONO_BOLD = "DejaVuSansMono-Bold.ttf"
MONO = "DejaVuSansMono.ttf"
SANS = "DejaVuSans.ttf"
SANS_BOLD = "DejaVuSans-Bold.ttf"


def gradient(size: tuple[int, int], top_left: Color, bottom_right: Color) -> Image.Image:
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    t = (xx / w * 0.6 + yy / h * 0.4)[..., None]
    a = np.array(top_left, np.float32)
    b = np.array(bottom_right, np.float32)
    return Image.fromarray((a * (1 - t) + b * t).clip(0, 255).astype(np.uint8), "RGB")


def guilloche(img: Image.Image, color: Color, rng: np.random.Generator, alpha: int = 40) -> None:
    """Faint security-print curves, so backgrounds are not flat colour."""
    overlay = Image.new("RGBA", img.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(overlay)
    w, h = img.size
    cx, cy = rng.uniform(0.3, 0.7) * w, rng.uniform(0.3, 0.7) * h
    for k in range(14):
        r = 60 + k * 28
        d.ellipse((cx - r * 1.6, cy - r, cx + r * 1.6, cy + r), outline=(*color, alpha), width=2)
    img.paste(Image.alpha_composite(img.convert("RGBA"), overlay).convert("RGB"))


def text(
    d: ImageDraw.ImageDraw, xy: tuple[float, float], s: str, f: ImageFont.FreeTypeFont, fill: Color
) -> None:
    d.text(xy, s, font=f, fill=fill)


def embossed(
    d: ImageDraw.ImageDraw, xy: tuple[float, float], s: str, f: ImageFont.FreeTypeFont, fill: Color
) -> None:
    """Raised-letter look: a dark lower-right edge and a light upper-left edge around the glyphs."""
    x, y = xy
    d.text((x + 2, y + 2), s, font=f, fill=(20, 20, 20))
    d.text((x - 1, y - 1), s, font=f, fill=(250, 250, 250))
    d.text((x, y), s, font=f, fill=fill)


def chip(d: ImageDraw.ImageDraw, x: int, y: int, w: int = 92, h: int = 70) -> None:
    d.rounded_rectangle((x, y, x + w, y + h), radius=12, fill=(212, 178, 96), outline=(150, 120, 60), width=2)
    for i in (1, 2):
        d.line((x + i * w // 3, y, x + i * w // 3, y + h), fill=(150, 120, 60), width=2)
    d.line((x, y + h // 2, x + w, y + h // 2), fill=(150, 120, 60), width=2)


def photo_placeholder(d: ImageDraw.ImageDraw, box: tuple[int, int, int, int]) -> None:
    """A neutral portrait silhouette (no real face)."""
    x1, y1, x2, y2 = box
    d.rectangle(box, fill=(206, 212, 220), outline=(150, 150, 150), width=2)
    cx, w = (x1 + x2) // 2, x2 - x1
    head = w // 4
    d.ellipse(
        (cx - head, y1 + (y2 - y1) // 5, cx + head, y1 + (y2 - y1) // 5 + 2 * head + 10), fill=(150, 158, 170)
    )
    d.pieslice(
        (x1 + w // 8, y2 - (y2 - y1) // 3, x2 - w // 8, y2 + (y2 - y1) // 3), 180, 360, fill=(150, 158, 170)
    )


# ---------------------------------------------------------------------------------------------
# fictitious, checksum-valid numbers


def card_number(rng: np.random.Generator, prefix: str, length: int) -> str:
    body = prefix + "".join(str(int(d)) for d in rng.integers(0, 10, length - len(prefix) - 1))
    return body + luhn.calc_check_digit(body)


def resident_number(birth: str, gender_digit: str, rng: np.random.Generator) -> str:
    """YYMMDD-GNNNNNN with a valid check digit (place-of-birth code kept at or under 96)."""
    place = f"{int(rng.integers(0, 96)):02d}"
    rest = "".join(str(int(d)) for d in rng.integers(0, 10, 3))
    body = birth + gender_digit + place + rest
    number = body + rrn.calc_check_digit(body)
    rrn.validate(number)
    return f"{number[:6]}-{number[6:]}"


def mrz_check(data: str) -> str:
    """ICAO 9303 check digit: weights 7-3-1, digits as such, A-Z as 10-35, '<' as 0."""
    total = 0
    for i, ch in enumerate(data):
        value = int(ch) if ch.isdigit() else (ord(ch) - 55 if ch.isalpha() else 0)
        total += value * (7, 3, 1)[i % 3]
    return str(total % 10)


def td3_mrz(
    doc_type: str,
    country: str,
    surname: str,
    given: str,
    number: str,
    nationality: str,
    birth: str,
    sex: str,
    expiry: str,
    personal: str,
) -> tuple[str, str]:
    """The two 44-character lines of a passport's machine-readable zone (ICAO 9303 part 4)."""
    names = f"{surname.replace(' ', '<')}<<{given.replace(' ', '<')}"
    line1 = f"{doc_type:<2}".replace(" ", "<") + country + names
    line1 = (line1 + "<" * 44)[:44]
    pn = (number + "<" * 9)[:9]
    opt = (personal + "<" * 14)[:14]
    opt_check = mrz_check(opt) if personal else "<"
    line2 = (
        pn
        + mrz_check(pn)
        + nationality
        + birth
        + mrz_check(birth)
        + sex
        + expiry
        + mrz_check(expiry)
        + opt
        + opt_check
    )
    composite = pn + mrz_check(pn) + birth + mrz_check(birth) + expiry + mrz_check(expiry) + opt + opt_check
    line2 += mrz_check(composite)
    assert len(line1) == 44 and len(line2) == 44
    return line1, line2


def viz_date(ymd: str) -> str:
    """YYYYMMDD -> '15 JAN 1990', the passport's visual-zone form."""
    return f"{ymd[6:8]} {MONTHS[int(ymd[4:6]) - 1]} {ymd[:4]}"


def dotted_date(ymd: str, pad: bool) -> str:
    """YYYYMMDD -> '2019.5.14.' (resident card) or '2019.05.14' (driver licence)."""
    y, m, d = ymd[:4], int(ymd[4:6]), int(ymd[6:8])
    return f"{y}.{m:02d}.{d:02d}" if pad else f"{y}.{m}.{d}."


# ---------------------------------------------------------------------------------------------
# specimens


@dataclass
class Specimen:
    path: str  # relative to samples/
    doc_type: str
    fields: dict[str, Any]
    image: Image.Image
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CardDesign:
    name: str
    issuer: str
    network: str
    prefix: str
    length: int
    colors: tuple[Color, Color]
    ink: Color
    embossed: bool
    holder: str
    valid_thru: str
    seed: int
    vertical: bool = False
    fmt: str = "png"


CARD_DESIGNS = (
    CardDesign(
        "visa_blue_flat",
        "NOVA BANK",
        "VISA",
        "4",
        16,
        ((18, 52, 120), (40, 110, 190)),
        (245, 245, 245),
        False,
        "HONG GILDONG",
        "04/29",
        101,
    ),
    CardDesign(
        "mastercard_black_embossed",
        "HANEUL CARD",
        "mastercard",
        "53",
        16,
        ((25, 25, 28), (70, 70, 78)),
        (214, 214, 220),
        True,
        "KIM MINSEO",
        "11/28",
        102,
    ),
    CardDesign(
        "amex_green_embossed",
        "AMEX DEMO",
        "AMEX",
        "37",
        15,
        ((120, 150, 140), (170, 196, 186)),
        (236, 236, 230),
        True,
        "LEE SEOJUN",
        "07/30",
        103,
    ),
    CardDesign(
        "amex_gold_flat",
        "AMEX DEMO",
        "AMEX",
        "34",
        15,
        ((196, 160, 80), (230, 205, 140)),
        (40, 34, 20),
        False,
        "PARK JIWOO",
        "02/27",
        104,
        fmt="jpg",
    ),
    CardDesign(
        "bc_red_flat",
        "BC-LIKE CARD",
        "BC",
        "9410",
        16,
        ((176, 28, 42), (224, 80, 80)),
        (255, 255, 255),
        False,
        "CHOI HAEUN",
        "09/28",
        105,
    ),
    CardDesign(
        "samsunglike_silver_embossed",
        "SAMSEONG-LIKE CARD",
        "mastercard",
        "5310",
        16,
        ((168, 172, 180), (226, 228, 232)),
        (60, 62, 70),
        True,
        "JUNG YUNA",
        "12/29",
        106,
        fmt="jpg",
    ),
    CardDesign(
        "visa_white_flat",
        "DAON BANK",
        "VISA",
        "4",
        16,
        ((236, 238, 242), (250, 250, 252)),
        (24, 28, 40),
        False,
        "KANG DOYUN",
        "06/31",
        107,
    ),
    CardDesign(
        "visa_purple_vertical",
        "BORA BANK",
        "VISA",
        "4",
        16,
        ((70, 30, 110), (150, 80, 190)),
        (250, 250, 250),
        False,
        "YOON SEOYEON",
        "03/30",
        108,
        vertical=True,
    ),
)


def network_logo(d: ImageDraw.ImageDraw, network: str, x: int, y: int, ink: Color) -> None:
    if network == "mastercard":
        d.ellipse((x, y, x + 64, y + 64), fill=(235, 0, 27))
        d.ellipse((x + 38, y, x + 102, y + 64), fill=(247, 158, 27))
    else:
        text(d, (x, y + 6), network, font(SANS_BOLD, 44), ink)


def groups_of(number: str) -> list[str]:
    sizes = (4, 6, 5) if len(number) == 15 else (4, 4, 4, 4)
    out, i = [], 0
    for n in sizes:
        out.append(number[i : i + n])
        i += n
    return out


def render_card(design: CardDesign) -> Specimen:
    rng = np.random.default_rng(design.seed)
    number = card_number(rng, design.prefix, design.length)
    groups = groups_of(number)
    size = CARD_SIZE[::-1] if design.vertical else CARD_SIZE
    img = gradient(size, *design.colors)
    r, g, b = (min(255, c + 40) for c in design.colors[1])
    guilloche(img, (r, g, b), rng, alpha=30)
    d = ImageDraw.Draw(img)
    draw = embossed if design.embossed else text
    w, h = size
    text(d, (48, 40), design.issuer, font(SANS_BOLD, 34), design.ink)
    if design.vertical:
        chip(d, 60, 200)
        num_font = font(MONO_BOLD, 34)
        draw(d, (36, 520), " ".join(groups), num_font, design.ink)
        text(d, (40, 600), "VALID", font(SANS, 14), design.ink)
        text(d, (40, 616), "THRU", font(SANS, 14), design.ink)
        draw(d, (100, 600), design.valid_thru, font(MONO_BOLD, 32), design.ink)
        draw(d, (40, 670), design.holder, font(MONO_BOLD, 28), design.ink)
        network_logo(d, design.network, w - 170, h - 110, design.ink)
    else:
        chip(d, 90, 160)
        wide = design.length == 15
        num_font = font(MONO_BOLD, 54 if not wide else 56)
        gap = "  " if not wide else "   "
        draw(d, (70 if not wide else 80, 285), gap.join(groups), num_font, design.ink)
        text(d, (300, 378), "VALID", font(SANS, 15), design.ink)
        text(d, (300, 395), "THRU", font(SANS, 15), design.ink)
        draw(d, (360, 374), design.valid_thru, font(MONO_BOLD, 38), design.ink)
        draw(d, (70, 450), design.holder, font(MONO_BOLD, 34), design.ink)
        network_logo(d, design.network, w - 190, h - 105, design.ink)
    fields = {"cardNumber": number, "groups": groups, "validThru": design.valid_thru}
    meta = {
        "issuer": design.issuer,
        "network": design.network,
        "holder": design.holder,
        "style": "embossed" if design.embossed else "flat",
        "orientation": "vertical" if design.vertical else "horizontal",
    }
    return Specimen(f"cards/{design.name}.{design.fmt}", "credit-card", fields, img, meta)


@dataclass(frozen=True)
class Person:
    name: str
    hanja: str | None
    roman_surname: str
    roman_given: str
    birth: str  # YYYYMMDD
    gender_digit: str
    address: tuple[str, str]
    seed: int


PEOPLE = (
    Person(
        "홍길동",
        "洪吉童",
        "HONG",
        "GILDONG",
        "19900115",
        "1",
        ("서울특별시 종로구 청운길 12-3", "(청운동, 하늘빌라 201호)"),
        201,
    ),
    Person(
        "김민서",
        None,
        "KIM",
        "MINSEO",
        "19850722",
        "2",
        ("부산광역시 해운대구 달맞이길 45", "(중동, 바다아파트 5동 702호)"),
        202,
    ),
    Person(
        "이서준",
        None,
        "LEE",
        "SEOJUN",
        "20010309",
        "3",
        ("경기도 성남시 분당구 정자로 88", "(정자동, 숲속마을 3단지 104호)"),
        203,
    ),
    Person(
        "박지우",
        "朴智友",
        "PARK",
        "JIWOO",
        "19781130",
        "2",
        ("대전광역시 유성구 대학로 301", "(궁동, 별빛주택 2층)"),
        204,
    ),
)


def id_background(size: tuple[int, int], rng: np.random.Generator, a: Color, b: Color) -> Image.Image:
    img = gradient(size, a, b)
    guilloche(img, (150, 170, 210), rng, alpha=28)
    return img


def render_resident(p: Person, issue_ymd: str, issuer: str) -> Specimen:
    rng = np.random.default_rng(p.seed)
    number = resident_number(p.birth[2:], p.gender_digit, rng)
    img = id_background(CARD_SIZE, rng, (236, 242, 250), (248, 236, 240))
    d = ImageDraw.Draw(img)
    ink = (30, 30, 40)
    text(d, (60, 40), "주민등록증", font(HANGUL_BOLD, 54), ink)
    name_font = font(HANGUL_BOLD, 40)
    text(d, (60, 140), p.name, name_font, ink)
    if p.hanja:
        x = 60 + d.textlength(p.name, font=name_font)
        text(d, (x + 4, 140), f"({p.hanja})", font(HANJA, 38), ink)
    text(d, (60, 205), number, font(HANGUL_BOLD, 40), ink)
    addr = font(HANGUL, 26)
    text(d, (60, 285), p.address[0], addr, ink)
    text(d, (60, 322), p.address[1], addr, ink)
    text(d, (390, 405), dotted_date(issue_ymd, pad=False), font(HANGUL, 30), ink)
    issuer_font = font(HANGUL_BOLD, 36)
    text(d, (300, 452), issuer, issuer_font, ink)
    sx = 300 + d.textlength(issuer, font=issuer_font) + 10
    d.rectangle((sx, 446, sx + 52, 498), outline=(200, 40, 40), width=4)  # seal
    photo_placeholder(d, (620, 110, 800, 350))
    fields = {"name": p.name, "residentNumber": number, "issueDate": issue_ymd, "issuer": issuer}
    slug = p.roman_surname.lower() + "_" + p.roman_given.lower()
    return Specimen(
        f"ids/resident_{slug}.png",
        "resident",
        fields,
        img,
        {"hanja": p.hanja, "address": " ".join(p.address), "issueDatePrinted": dotted_date(issue_ymd, False)},
    )


def render_driver(
    p: Person,
    licence: str,
    license_type: str,
    condition: str | None,
    serial: str,
    issue_ymd: str,
    issuer: str,
    fmt: str = "png",
) -> Specimen:
    rng = np.random.default_rng(p.seed + 1000)
    number = resident_number(p.birth[2:], p.gender_digit, rng)
    img = id_background(CARD_SIZE, rng, (240, 246, 236), (236, 240, 250))
    d = ImageDraw.Draw(img)
    ink = (30, 30, 40)
    text(d, (50, 30), "자동차운전면허증", font(HANGUL_BOLD, 44), ink)
    text(d, (440, 44), "Driver's License", font(SANS, 22), ink)
    d.rectangle(
        (
            50,
            100,
            60 + 16 * 1 + d.textlength(license_type.replace("/", " "), font=font(HANGUL_BOLD, 30)),
            142,
        ),
        outline=(60, 90, 160),
        width=2,
    )
    text(d, (58, 104), license_type.replace("/", " "), font(HANGUL_BOLD, 30), (40, 60, 140))
    text(d, (50, 160), licence, font(HANGUL_BOLD, 38), ink)
    text(d, (50, 215), p.name, font(HANGUL_BOLD, 38), ink)
    text(d, (50, 268), number, font(HANGUL_BOLD, 34), ink)
    addr = font(HANGUL, 22)
    text(d, (50, 320), p.address[0], addr, ink)
    text(d, (50, 350), p.address[1], addr, ink)
    text(d, (50, 392), "적성검사기간 2028.01.01 ~ 2028.12.31", font(HANGUL, 20), ink)
    if condition:
        text(d, (50, 424), f"조건 {condition}", font(HANGUL_BOLD, 26), ink)
    text(d, (400, 420), dotted_date(issue_ymd, pad=True), font(HANGUL, 28), ink)
    text(d, (370, 462), issuer, font(HANGUL_BOLD, 34), ink)
    photo_placeholder(d, (630, 100, 800, 320))
    text(d, (650, 340), serial, font(SANS_BOLD, 30), ink)
    fields = {
        "driverLicenseNumber": licence,
        "licenseType": license_type,
        "name": p.name,
        "residentNumber": number,
        "condition": condition or "none",
        "serialNum": serial,
        "issueDate": issue_ymd,
        "issuer": issuer,
    }
    slug = p.roman_surname.lower() + "_" + p.roman_given.lower()
    return Specimen(
        f"ids/driver_{slug}.{fmt}",
        "driver",
        fields,
        img,
        {"address": " ".join(p.address), "issueDatePrinted": dotted_date(issue_ymd, True)},
    )


def render_passport(
    p: Person, passport_no: str, issue_ymd: str, expiry_ymd: str, personal_no: str, sex: str
) -> Specimen:
    rng = np.random.default_rng(p.seed + 2000)
    img = id_background(PASSPORT_SIZE, rng, (238, 236, 246), (246, 240, 232))
    d = ImageDraw.Draw(img)
    ink = (28, 28, 36)
    label, value = font(HANGUL, 15), font(SANS_BOLD, 26)
    text(d, (40, 28), "대한민국 REPUBLIC OF KOREA", font(HANGUL_BOLD, 30), ink)
    text(d, (640, 28), "여권 PASSPORT", font(HANGUL_BOLD, 30), ink)
    photo_placeholder(d, (40, 110, 270, 410))

    def field_at(x: int, y: int, lab: str, val: str, val_font: ImageFont.FreeTypeFont = value) -> None:
        text(d, (x, y), lab, label, (90, 90, 110))
        text(d, (x, y + 20), val, val_font, ink)

    field_at(300, 95, "종류/Type", "PM")
    field_at(450, 95, "발행국/Issuing country", "KOR")
    field_at(680, 95, "여권번호/Passport No.", passport_no)
    field_at(300, 155, "성/Surname", p.roman_surname)
    field_at(300, 215, "이름/Given names", p.roman_given)
    field_at(680, 215, "한글성명", p.name, font(HANGUL_BOLD, 28))
    field_at(300, 275, "국적/Nationality", "REPUBLIC OF KOREA")
    field_at(300, 335, "생년월일/Date of birth", viz_date(p.birth))
    field_at(680, 335, "주민등록번호/Personal No.", personal_no)
    field_at(300, 395, "성별/Sex", sex)
    field_at(450, 395, "발급일/Date of issue", viz_date(issue_ymd))
    field_at(300, 455, "기간만료일/Date of expiry", viz_date(expiry_ymd))
    field_at(620, 455, "발행관청/Authority", "MINISTRY OF FOREIGN AFFAIRS", font(SANS_BOLD, 20))
    mrz1, mrz2 = td3_mrz(
        "PM",
        "KOR",
        p.roman_surname,
        p.roman_given,
        passport_no,
        "KOR",
        p.birth[2:],
        sex,
        expiry_ymd[2:],
        personal_no,
    )
    d.rectangle((0, 560, PASSPORT_SIZE[0], PASSPORT_SIZE[1]), fill=(250, 250, 250))
    mrz_font = font(MONO, 34)
    text(d, (28, 580), mrz1, mrz_font, (10, 10, 10))
    text(d, (28, 632), mrz2, mrz_font, (10, 10, 10))
    fields = {
        "passportType": "PM",
        "countryCode": "KOR",
        "passportNo": passport_no,
        "surName": p.roman_surname,
        "givenName": p.roman_given,
        "nationality": "REPUBLIC OF KOREA",
        "dateOfBirth": viz_date(p.birth),
        "dateOfBirthYMD": p.birth,
        "sex": sex,
        "dateOfIssue": viz_date(issue_ymd),
        "dateOfIssueYMD": issue_ymd,
        "dateOfExpiry": viz_date(expiry_ymd),
        "dateOfExpiryYMD": expiry_ymd,
        "koreanName": p.name,
        "personalNo": personal_no,
        "MRZ1": mrz1,
        "MRZ2": mrz2,
    }
    slug = p.roman_surname.lower() + "_" + p.roman_given.lower()
    return Specimen(f"ids/passport_{slug}.png", "passport", fields, img)


def id_specimens() -> list[Specimen]:
    hong, kim, lee, park = PEOPLE
    return [
        render_resident(hong, "20190514", "서울특별시 종로구청장"),
        render_resident(kim, "20170302", "부산광역시 해운대구청장"),
        render_resident(park, "20210819", "대전광역시 유성구청장"),
        render_driver(hong, "11-19-123456-12", "1종보통", None, "K3B7Q", "20190620", "서울지방경찰청장"),
        render_driver(lee, "13-20-274913-61", "2종보통", "A", "7HX2M9", "20200911", "경기남부지방경찰청장"),
        render_driver(
            kim, "12-15-508271-33", "1종보통/2종소형", None, "Q8W4E", "20150407", "부산지방경찰청장", "jpg"
        ),
        render_passport(hong, "M12345678", "20190514", "20290514", "1234567", "M"),
        render_passport(kim, "M70419325", "20220110", "20320110", "2718281", "F"),
    ]


# ---------------------------------------------------------------------------------------------
# photos: the specimens as a phone would see them


def desk_background(size: tuple[int, int], rng: np.random.Generator, tone: Color) -> np.ndarray:
    """Smooth wood-like grain: low-frequency so large photos still compress well."""
    w, h = size
    small = rng.normal(0, 1, (max(2, h // 40), max(2, w // 8))).astype(np.float32)
    grain = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    yy = np.linspace(0, 1, h, dtype=np.float32)[:, None]
    stripes = np.sin((yy * 60 + grain * 0.8) * math.pi) * 10 + grain * 8
    base = np.array(tone[::-1], np.float32)[None, None, :]
    return np.clip(base + stripes[..., None], 0, 255).astype(np.uint8)


def to_bgr(img: Image.Image) -> np.ndarray:
    return cv2.cvtColor(np.asarray(img.convert("RGB")), cv2.COLOR_RGB2BGR)


def place(
    card: np.ndarray, canvas_size: tuple[int, int], quad: np.ndarray, rng: np.random.Generator, tone: Color
) -> np.ndarray:
    """Warp the card onto a desk so its corners land on `quad` (clockwise from top-left)."""
    h, w = card.shape[:2]
    src = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    m = cv2.getPerspectiveTransform(src, quad.astype(np.float32))
    bg = desk_background(canvas_size, rng, tone)
    warped = cv2.warpPerspective(card, m, canvas_size, flags=cv2.INTER_CUBIC)
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), m, canvas_size)
    soft = cv2.GaussianBlur(mask, (5, 5), 0).astype(np.float32)[..., None] / 255
    # a soft drop shadow under the card
    shadow = (
        cv2.GaussianBlur(np.roll(mask, (12, 12), (0, 1)), (41, 41), 0).astype(np.float32)[..., None] / 255
    )
    bg = (bg * (1 - 0.35 * shadow)).astype(np.float32)
    return np.clip(warped * soft + bg * (1 - soft), 0, 255).astype(np.uint8)


def jitter_quad(
    canvas: tuple[int, int], card_w: float, rng: np.random.Generator, amount: float, aspect: float
) -> np.ndarray:
    cw, ch = canvas
    card_h = card_w / aspect
    x0, y0 = (cw - card_w) / 2, (ch - card_h) / 2
    quad = np.array([[x0, y0], [x0 + card_w, y0], [x0 + card_w, y0 + card_h], [x0, y0 + card_h]], np.float32)
    quad += rng.uniform(-amount, amount, quad.shape).astype(np.float32) * card_w
    return quad


def add_shadow(img: np.ndarray, rng: np.random.Generator, strength: float = 0.45) -> np.ndarray:
    """A hand/phone shadow: a darkened soft-edged band across part of the image."""
    h, w = img.shape[:2]
    mask = np.zeros((h, w), np.uint8)
    x = int(rng.uniform(0.45, 0.6) * w)
    poly = np.array([[x, 0], [w, 0], [w, h], [x - int(0.25 * w), h]], np.int32)
    cv2.fillPoly(mask, [poly], 255)
    soft = cv2.GaussianBlur(mask, (0, 0), w / 30).astype(np.float32)[..., None] / 255
    return np.clip(img * (1 - strength * soft), 0, 255).astype(np.uint8)


def add_glare(
    img: np.ndarray, rng: np.random.Generator, center: tuple[float, float], radius: float
) -> np.ndarray:
    """A specular highlight: a bright Gaussian spot that washes out what is under it."""
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cx, cy = center[0] * w, center[1] * h
    r = radius * w
    spot = np.exp(-(((xx - cx) / r) ** 2 + ((yy - cy) / (r * 0.6)) ** 2))[..., None]
    return np.clip(img + spot * 235, 0, 255).astype(np.uint8)


def add_noise(img: np.ndarray, rng: np.random.Generator, sigma: float) -> np.ndarray:
    return np.clip(img + rng.normal(0, sigma, img.shape), 0, 255).astype(np.uint8)


def darken(img: np.ndarray, gamma: float, gain: float) -> np.ndarray:
    return np.clip(255 * gain * (img / 255.0) ** gamma, 0, 255).astype(np.uint8)


@dataclass(frozen=True)
class PhotoPlan:
    name: str
    of: str  # relative path of the clean specimen
    canvas: tuple[int, int]
    card_width: float  # fraction of canvas width
    tilt: float  # corner jitter as a fraction of card width
    effects: tuple[str, ...]
    seed: int
    quality: int = 82
    rotate: int = 0  # quarter turns of the card before placing (a card photographed sideways)


PHOTO_PLANS = (
    PhotoPlan(
        "visa_desk_perspective", "cards/visa_blue_flat.png", (1280, 960), 0.72, 0.035, ("perspective",), 301
    ),
    PhotoPlan(
        "mastercard_shadow",
        "cards/mastercard_black_embossed.png",
        (1280, 960),
        0.75,
        0.02,
        ("perspective", "shadow"),
        302,
    ),
    PhotoPlan("bc_glare", "cards/bc_red_flat.png", (1280, 960), 0.74, 0.02, ("perspective", "glare"), 303),
    PhotoPlan(
        "amex_blur", "cards/amex_green_embossed.png", (1280, 960), 0.74, 0.015, ("perspective", "blur"), 304
    ),
    PhotoPlan(
        "visa_white_low_res",
        "cards/visa_white_flat.png",
        (480, 300),
        0.86,
        0.01,
        ("perspective", "low-resolution"),
        305,
        quality=88,
    ),
    PhotoPlan(
        "visa_12mp",
        "cards/visa_blue_flat.png",
        (4000, 3000),
        0.58,
        0.025,
        ("perspective", "12-megapixel"),
        306,
        quality=70,
    ),
    PhotoPlan(
        "samsunglike_sideways",
        "cards/samsunglike_silver_embossed.jpg",
        (960, 1280),
        0.8,
        0.015,
        ("perspective", "rotated-90"),
        307,
        rotate=1,
    ),
    PhotoPlan(
        "visa_dark",
        "cards/visa_blue_flat.png",
        (1280, 960),
        0.74,
        0.02,
        ("perspective", "dark", "noise"),
        308,
    ),
    PhotoPlan(
        "resident_hong_desk",
        "ids/resident_hong_gildong.png",
        (1280, 960),
        0.76,
        0.03,
        ("perspective", "shadow"),
        311,
    ),
    PhotoPlan(
        "resident_kim_glare",
        "ids/resident_kim_minseo.png",
        (1280, 960),
        0.78,
        0.02,
        ("perspective", "glare"),
        312,
    ),
    PhotoPlan(
        "driver_hong_blur",
        "ids/driver_hong_gildong.png",
        (1280, 960),
        0.78,
        0.02,
        ("perspective", "blur"),
        313,
    ),
    PhotoPlan(
        "driver_lee_low_res",
        "ids/driver_lee_seojun.png",
        (640, 480),
        0.86,
        0.015,
        ("perspective", "low-resolution"),
        314,
        quality=88,
    ),
    PhotoPlan(
        "passport_hong_desk",
        "ids/passport_hong_gildong.png",
        (1400, 1050),
        0.78,
        0.025,
        ("perspective", "shadow"),
        315,
    ),
)

TONES: tuple[Color, ...] = ((150, 110, 75), (120, 90, 70), (170, 160, 150), (90, 80, 75))


def render_photo(plan: PhotoPlan, clean: Specimen) -> Specimen:
    rng = np.random.default_rng(plan.seed)
    card = to_bgr(clean.image)
    if plan.rotate:
        card = np.ascontiguousarray(np.rot90(card, plan.rotate))
    aspect = card.shape[1] / card.shape[0]
    card_w = plan.card_width * plan.canvas[0]
    if card_w / aspect > 0.9 * plan.canvas[1]:
        card_w = 0.9 * plan.canvas[1] * aspect
    quad = jitter_quad(plan.canvas, card_w, rng, plan.tilt, aspect)
    tone = TONES[int(rng.integers(0, len(TONES)))]
    img = place(card, plan.canvas, quad, rng, tone)
    for effect in plan.effects:
        if effect == "shadow":
            img = add_shadow(img, rng)
        elif effect == "glare":
            img = add_glare(img, rng, (rng.uniform(0.55, 0.7), rng.uniform(0.35, 0.5)), 0.1)
        elif effect == "blur":
            img = cv2.GaussianBlur(img, (0, 0), 2.2)
        elif effect == "dark":
            img = darken(img, 1.5, 0.55)
        elif effect == "noise":
            img = add_noise(img, rng, 8)
    img = add_noise(img, rng, 2.5)  # sensor noise, always
    pil = Image.fromarray(cv2.cvtColor(img, cv2.COLOR_BGR2RGB))
    meta = {"quad": [[round(float(x)), round(float(y))] for x, y in quad], "size": list(plan.canvas)}
    spec = Specimen(f"photos/{plan.name}.jpg", clean.doc_type, dict(clean.fields), pil, meta)
    spec.meta["photo"] = {"of": clean.path, "effects": list(plan.effects)}
    spec.meta["quality"] = plan.quality
    return spec


# ---------------------------------------------------------------------------------------------
# output


def save(spec: Specimen, root: Path) -> dict[str, Any]:
    out = root / spec.path
    out.parent.mkdir(parents=True, exist_ok=True)
    photo = spec.meta.pop("photo", None)
    quality = spec.meta.pop("quality", 92)
    if out.suffix == ".png":
        spec.image.save(out, "PNG", optimize=True)
    else:
        spec.image.save(out, "JPEG", quality=quality, optimize=True)
    truth = {
        "docType": spec.doc_type,
        "fields": spec.fields,
        "photo": photo,
        "meta": spec.meta,
        "image": spec.path,
        "width": spec.image.width,
        "height": spec.image.height,
    }
    truth_path = out.with_suffix(".json")
    truth_path.write_text(json.dumps(truth, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    en, ko = TITLES[Path(spec.path).stem]
    return {
        "image": spec.path,
        "truth": str(truth_path.relative_to(root)),
        "docType": spec.doc_type,
        "kind": "photo" if photo else "clean",
        "title": {"en": en, "ko": ko},
    }


TITLES: dict[str, tuple[str, str]] = {
    # What the gallery calls each specimen, in English and Korean (the file name stays its identity).
    # IDs go by number, never by their holder: the name on a card is masked on screen, so its title must
    # not say it.
    "visa_blue_flat": ("Blue Visa card", "파란색 비자 카드"),
    "mastercard_black_embossed": ("Black Mastercard, embossed", "검은색 마스터카드 (양각)"),
    "amex_green_embossed": ("Green Amex card, embossed", "초록색 아멕스 카드 (양각)"),
    "amex_gold_flat": ("Gold Amex card", "금색 아멕스 카드"),
    "bc_red_flat": ("Red BC card", "빨간색 BC카드"),
    "samsunglike_silver_embossed": ("Silver Mastercard, embossed", "은색 마스터카드 (양각)"),
    "visa_white_flat": ("White Visa card", "흰색 비자 카드"),
    "visa_purple_vertical": ("Purple Visa card, vertical", "보라색 세로형 비자 카드"),
    "resident_hong_gildong": ("Resident card, specimen 1", "주민등록증 견본 1"),
    "resident_kim_minseo": ("Resident card, specimen 2", "주민등록증 견본 2"),
    "resident_park_jiwoo": ("Resident card, specimen 3", "주민등록증 견본 3"),
    "driver_hong_gildong": ("Driver's licence, specimen 1", "운전면허증 견본 1"),
    "driver_lee_seojun": ("Driver's licence, specimen 2", "운전면허증 견본 2"),
    "driver_kim_minseo": ("Driver's licence, specimen 3", "운전면허증 견본 3"),
    "passport_hong_gildong": ("Passport, specimen 1", "여권 견본 1"),
    "passport_kim_minseo": ("Passport, specimen 2", "여권 견본 2"),
    "visa_desk_perspective": ("Blue Visa, photographed at an angle", "파란색 비자 카드, 비스듬히 찍은 사진"),
    "mastercard_shadow": ("Black Mastercard, photo in shadow", "검은색 마스터카드, 그늘진 사진"),
    "bc_glare": ("Red BC card, photo with glare", "빨간색 BC카드, 빛 반사가 있는 사진"),
    "amex_blur": ("Green Amex, blurred photo", "초록색 아멕스 카드, 흐린 사진"),
    "visa_white_low_res": ("White Visa, low-resolution photo", "흰색 비자 카드, 저해상도 사진"),
    "visa_12mp": ("Blue Visa, 12-megapixel photo", "파란색 비자 카드, 1,200만 화소 사진"),
    "samsunglike_sideways": ("Silver Mastercard, photographed sideways", "은색 마스터카드, 옆으로 찍은 사진"),
    "visa_dark": ("Blue Visa, dark photo", "파란색 비자 카드, 어두운 사진"),
    "resident_hong_desk": ("Resident card 1, photo on a desk", "주민등록증 견본 1, 책상 위 사진"),
    "resident_kim_glare": ("Resident card 2, photo with glare", "주민등록증 견본 2, 빛 반사가 있는 사진"),
    "driver_hong_blur": ("Driver's licence 1, blurred photo", "운전면허증 견본 1, 흐린 사진"),
    "driver_lee_low_res": ("Driver's licence 2, low-resolution photo", "운전면허증 견본 2, 저해상도 사진"),
    "passport_hong_desk": ("Passport 1, photo on a desk", "여권 견본 1, 책상 위 사진"),
}


def generate(root: Path = HERE) -> list[dict[str, Any]]:
    cleans = [render_card(d) for d in CARD_DESIGNS] + id_specimens()
    by_path = {s.path: s for s in cleans}
    photos = [render_photo(plan, by_path[plan.of]) for plan in PHOTO_PLANS]
    index = [save(spec, root) for spec in cleans + photos]
    (root / "index.json").write_text(
        json.dumps({"specimens": index}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return index


def main() -> None:
    index = generate()
    total = sum((HERE / e["image"]).stat().st_size for e in index)
    print(f"wrote {len(index)} specimens, {total / 1e6:.1f} MB of images, under {HERE}")


if __name__ == "__main__":
    main()
