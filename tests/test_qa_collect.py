"""A run's images from a folder or a ZIP, as a QA engineer hands them over: sub-folders, a Mac's
litter, files that are not images, and ZIPs that are encrypted, damaged, empty or too big."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from l10n import name_list
from qa.collect import ZIP_MAX_FILES, CollectError, from_folder, from_zip
from qa.sweeps import SweepError, parse_spec
from qa.truth import TruthError, parse_truth
from tests.support.apptest import SAMPLES

CARD = (SAMPLES / "cards" / "visa_blue_flat.png").read_bytes()
OTHER = (SAMPLES / "cards" / "bc_red_flat.png").read_bytes()


def _zip(entries: dict[str, bytes], **kw) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, **kw) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


MAC_ZIP = {  # what Finder's "Compress" makes of a folder: an AppleDouble file beside every image
    "cards/b.png": OTHER,
    "cards/a.PNG": CARD,
    "cards/notes.txt": b"taken 2026-11-02",
    "__MACOSX/cards/._a.PNG": b"\x00\x05\x16\x07 resource fork",
    "cards/.DS_Store": b"\x00\x00\x00\x01Bud1",
    "cards/._b.png": b"\x00\x05\x16\x07",
    "Thumbs.db": b"\xd0\xcf",
    "cards/scan.JPEG": CARD,
}


def test_a_zip_from_a_mac_gives_its_images_in_path_order_and_names_what_else_it_held():
    found = from_zip("cards.zip", _zip(MAC_ZIP))
    assert [(s.name, s.data) for s in found.sources] == [
        ("a.PNG", CARD),
        ("b.png", OTHER),
        ("scan.JPEG", CARD),
    ]
    assert all(s.kind == "upload" and s.path is None for s in found.sources)
    assert found.skipped == ["cards/notes.txt"]
    assert found.unreadable == []


def test_a_folder_is_walked_with_its_sub_folders_and_the_same_rules(tmp_path):
    for name, data in MAC_ZIP.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    (tmp_path / "top.jpg").write_bytes(CARD)
    found = from_folder(tmp_path)
    assert [s.name for s in found.sources] == ["a.PNG", "b.png", "scan.JPEG", "top.jpg"]
    assert all(s.kind == "file" and s.path is not None and Path(s.path).is_file() for s in found.sources)
    assert found.skipped == ["cards/notes.txt"]
    only_text = tmp_path / "notes"
    only_text.mkdir()
    (only_text / "readme.txt").write_text("no images")
    with pytest.raises(CollectError) as err:
        from_folder(only_text)
    assert err.value.code == "folder_empty" and "no JPEG, PNG, HEIC, PDF or TIFF images" in str(err.value)


@pytest.mark.skipif(
    shutil.which("zip") is None, reason="Debian zip is not installed (./studio test installs it)"
)
def test_an_encrypted_member_is_named_and_the_rest_of_the_zip_runs(tmp_path):
    (tmp_path / "open.png").write_bytes(CARD)
    (tmp_path / "locked.png").write_bytes(OTHER)
    archive = tmp_path / "mixed.zip"
    subprocess.run(["zip", "-q", "-j", str(archive), str(tmp_path / "open.png")], check=True)
    subprocess.run(
        ["zip", "-q", "-j", "-P", "secret", str(archive), str(tmp_path / "locked.png")], check=True
    )
    found = from_zip("mixed.zip", archive.read_bytes())
    assert [s.name for s in found.sources] == ["open.png"]
    assert found.unreadable == [("locked.png", "encrypted")]


def test_a_damaged_member_and_an_unknown_compression_are_named_and_the_rest_runs():
    data = bytearray(_zip({"good.png": CARD, "bad.png": OTHER, "odd.png": CARD}))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        bad, odd = z.getinfo("bad.png"), z.getinfo("odd.png")
    # bad.png: flip bytes in the middle of its compressed data; odd.png: say "deflate64" (method 9)
    start = bad.header_offset + 30 + len(bad.filename) + bad.compress_size // 2
    data[start : start + 8] = bytes(b ^ 0xFF for b in data[start : start + 8])
    data[odd.header_offset + 8] = 9  # the local header's method
    central = [i for i in range(len(data)) if data[i : i + 4] == b"PK\x01\x02"]
    for i in central:
        name_len = int.from_bytes(data[i + 28 : i + 30], "little")
        if data[i + 46 : i + 46 + name_len] == b"odd.png":
            data[i + 10] = 9  # and the central directory's
    found = from_zip("set.zip", bytes(data))
    assert [s.name for s in found.sources] == ["good.png"]
    assert sorted(found.unreadable) == [("bad.png", "damaged"), ("odd.png", "compression")]


@pytest.mark.parametrize(
    "data, code",
    [
        (b"PK\x03\x04 this is not a zip at all", "zip_bad"),
        (b"", "zip_bad"),
        (_zip({"readme.txt": b"hello", "__MACOSX/._x.png": b"\x00"}), "zip_empty"),
        (_zip({f"{i:03}.png": b"x" for i in range(ZIP_MAX_FILES + 1)}), "zip_too_big"),
    ],
)
def test_a_zip_that_gives_no_run_says_why_in_both_languages(data, code):
    with pytest.raises(CollectError) as err:
        from_zip("set.zip", data)
    assert err.value.code == code
    english, korean = err.value.words("en"), err.value.words("ko")
    assert "set.zip" in english and "set.zip" in korean and english != korean


def test_a_zip_declaring_more_than_the_limit_is_refused_before_anything_is_extracted():
    big = _zip({"huge.png": b"\x00" * (201 * 1024 * 1024)})  # 201 MB of zeros: a ~200 KB ZIP
    assert len(big) < 1024 * 1024
    with pytest.raises(CollectError) as err:
        from_zip("bomb.zip", big)
    assert err.value.code == "zip_too_big"


def test_listed_names_at_most_ten_then_how_many_more():
    assert name_list(["a", "b"]) == "a, b"
    assert name_list([str(i) for i in range(13)]) == "0, 1, 2, 3, 4, 5, 6, 7, 8, 9, … (+3)"


@pytest.mark.parametrize(
    "make",
    [
        lambda: parse_spec("fog:1"),
        lambda: parse_spec("blur:1,x"),
        lambda: parse_spec("scale:0,2"),
        lambda: parse_spec("blur"),
        lambda: parse_truth("t.json", b"{"),
        lambda: parse_truth("t.csv", b"name\nx\n"),
        lambda: parse_truth("t.json", json.dumps({"a.png": 3}).encode()),
        lambda: parse_truth("t.csv", b"\x81\xff\x00\x81"),
    ],
)
def test_lab_input_problems_are_worded_in_korean_too(make):
    with pytest.raises((SweepError, TruthError)) as err:
        make()
    korean = err.value.words("ko")
    assert korean != str(err.value) and any("\uac00" <= ch <= "\ud7a3" for ch in korean)
    assert "{" not in korean and "{" not in str(err.value)  # every field filled


def test_korean_names_from_a_windows_zip_are_read_as_written():
    """Windows with a Korean locale writes names in CP949 without the UTF-8 flag; a name that is
    plain ASCII, or flagged UTF-8, is left as it is."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("AAAA.png", CARD)  # 4 bytes, as "카드" in CP949
        z.writestr("BBBBBB/AAAA.txt", b"memo")  # "사진첩" (6 bytes) / "메모" — a folder and a skipped file
        z.writestr("plain.png", OTHER)
        z.writestr("유니코드.png", CARD)  # Python flags a non-ASCII name as UTF-8
    data = (
        buf.getvalue()
        .replace(b"BBBBBB/AAAA.txt", "사진첩/메모".encode("cp949") + b".txt")
        .replace(b"AAAA.png", "카드".encode("cp949") + b".png")
    )
    found = from_zip("windows.zip", data)
    assert sorted(s.name for s in found.sources) == ["plain.png", "유니코드.png", "카드.png"]
    assert found.skipped == ["사진첩/메모.txt"]
