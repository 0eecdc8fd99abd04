"""Issue 17's audit, kept: every door of the lab given what an attacker or a careless tool hands over —
ZIPs whose headers lie, names that are not text, truth files built to crash a parser — and what each
costs (memory, calls at the sandbox) and says. Every refusal is a plain message, never a traceback."""

from __future__ import annotations

import io
import json
import os
import zipfile

import pytest

from ocr_core.imaging import ImageRejected
from ocr_core.pipeline import prepare
from qa.collect import (
    MEMBER_MAX_BYTES,
    ZIP_MAX_MEMBERS,
    CollectError,
    distinct_sources,
    from_folder,
    from_zip,
)
from qa.names import MAX_CHARS, safe_name
from qa.runner import Source
from qa.truth import MAX_DEPTH, TruthError, coverage, parse_truth
from tests.support.apptest import SAMPLES
from tests.support.hostile import MB, Member, crafted_zip, peak_memory, zeros_deflated

CARD = (SAMPLES / "cards" / "visa_blue_flat.png").read_bytes()
OTHER = (SAMPLES / "cards" / "bc_red_flat.png").read_bytes()
MEMORY_CAP = 16 * MB
"""What reading a hostile ZIP of 1–2 MB may cost at the peak: a few chunks and the images it holds (the
ZIP's own bytes are allocated before the measure starts, as an upload's are)."""


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


# ----------------------------------------------------------------------------------- D5: memory


@pytest.fixture(scope="module")
def inflating() -> tuple[bytes, int]:
    """256 MB of zeros as a 1.1 MB deflate stream (the audit's were 1–3 GB in 1–3 MB; the same code path)."""
    return zeros_deflated(256 * MB)


def test_a_member_declaring_1000_bytes_that_inflates_to_256_mb_costs_no_memory(inflating):
    """D5: Python's ZipExtFile.read() inflated up to 2 GiB before cutting to the declared size
    (the page went 428 → 2,371 MB). Its compressed size gives the lie away: refused unextracted."""
    payload, crc = inflating
    data = crafted_zip(
        [Member(b"liar.png", payload, crc=crc, declared=1000), Member.deflated("good.png", CARD)]
    )
    assert len(data) < 2 * MB
    with peak_memory() as peak:
        found = from_zip("liar.zip", data)
    assert peak() < MEMORY_CAP, f"{peak() / MB:.0f} MB"
    assert [s.name for s in found.sources] == ["good.png"]
    assert found.unreadable == [("liar.png", "size_lies")]


def test_a_member_lying_about_both_sizes_is_streamed_and_stopped(inflating):
    """Declared 1000 bytes and 1000 compressed bytes, but its stream goes on: zipfile is given only what
    is declared, so what comes out is 1000 bytes whose CRC does not match — damaged, and cheap."""
    payload, crc = inflating
    data = crafted_zip(
        [
            Member(b"liar.png", payload, crc=crc, declared=1000, compressed=1000),
            Member.deflated("good.png", CARD),
        ]
    )
    with peak_memory() as peak:
        found = from_zip("liar.zip", data)
    assert peak() < MEMORY_CAP
    assert found.unreadable == [("liar.png", "damaged")] and [s.name for s in found.sources] == ["good.png"]


def test_an_honest_190_mb_member_is_refused_by_its_declared_size_before_extraction():
    """D5: it was extracted whole (190 MB in memory) before being refused as over 20 MB."""
    payload, crc = zeros_deflated(190 * MB)
    data = crafted_zip(
        [Member(b"huge.png", payload, crc=crc, declared=190 * MB), Member.deflated("a.png", CARD)]
    )
    with peak_memory() as peak:
        found = from_zip("big.zip", data)
    assert peak() < MEMORY_CAP, f"{peak() / MB:.0f} MB"
    assert found.unreadable == [("huge.png", "too_big")] and [s.name for s in found.sources] == ["a.png"]


def test_a_member_lying_upward_is_refused_by_what_it_declares():
    data = crafted_zip([Member.deflated("tiny.png", CARD[:100]), Member.deflated("a.png", CARD)])
    fat = crafted_zip(
        [
            Member(
                m.name,
                m.payload,
                m.method,
                m.crc,
                MEMBER_MAX_BYTES + 1 if m.name == b"tiny.png" else m.declared,
            )
            for m in (Member.deflated("tiny.png", CARD[:100]), Member.deflated("a.png", CARD))
        ]
    )
    assert [s.name for s in from_zip("ok.zip", data).sources] == ["a.png", "tiny.png"]
    found = from_zip("fat.zip", fat)
    assert found.unreadable == [("tiny.png", "too_big")] and [s.name for s in found.sources] == ["a.png"]


def test_the_total_of_a_zip_is_bounded_by_what_its_members_declare():
    members = [Member(f"{i}.png".encode(), b"", 8, 0, 19 * MB, compressed=0) for i in range(11)]  # 209 MB
    with pytest.raises(CollectError) as err:
        from_zip("many.zip", crafted_zip(members))
    assert err.value.code == "zip_too_big"


def test_ten_thousand_tiny_members_are_refused_from_the_end_record_before_zipfile_parses_them():
    members = [Member.deflated(f"{i:05}.png", b"x") for i in range(10_000)]
    data = crafted_zip(members)
    with pytest.raises(CollectError) as err:
        from_zip("swarm.zip", data)
    assert err.value.code == "zip_too_many" and str(ZIP_MAX_MEMBERS) in str(err.value)
    with pytest.raises(CollectError) as lied:  # an end record that undercounts: zipfile reads them all
        from_zip("swarm.zip", crafted_zip(members[: ZIP_MAX_MEMBERS + 1], entries=3))
    assert lied.value.code == "zip_too_many"
    korean = lied.value.words("ko")
    assert "swarm.zip" in korean and korean != str(lied.value)


def test_a_zip_inside_a_zip_is_not_opened():
    """An inner ZIP is not an image: it is named as skipped, never opened (no recursion to bound). A ZIP
    named ``.png`` is read by content like any upload and refused before anything is sent."""
    inner = _zip({"deep.png": CARD})
    found = from_zip("outer.zip", _zip({"inner.zip": inner, "fake.png": inner, "card.png": CARD}))
    assert found.skipped == ["inner.zip"]
    fake = next(s for s in found.sources if s.name == "fake.png")
    with pytest.raises(ImageRejected) as err:
        prepare(fake.data)
    assert err.value.code == "unsupported_type" and err.value.params["type_name"] == "ZIP"


# ----------------------------------------------------------------------------------- names


def test_dot_dot_and_absolute_members_are_named_as_skipped_with_why():
    data = crafted_zip(
        [
            Member.deflated(name, CARD)
            for name in (
                "../../etc/cron.png",
                "/abs/root.png",
                "C:\\win\\x.png",
                "ok/../../up.png",
                "fine.png",
            )
        ]
    )
    found = from_zip("paths.zip", data)
    assert [s.name for s in found.sources] == ["fine.png"]
    assert sorted(found.unreadable) == sorted(
        [
            ("../../etc/cron.png", "unsafe_path"),
            ("/abs/root.png", "unsafe_path"),
            ("C:\\win\\x.png", "unsafe_path"),
            ("ok/../../up.png", "unsafe_path"),
        ]
    )


def test_two_images_with_one_name_in_different_folders_are_told_apart_and_scored_apart():
    found = from_zip("sets.zip", _zip({"set1/a.png": CARD, "set2/a.png": OTHER, "set2/b.png": CARD}))
    assert [(s.name, s.data) for s in found.sources] == [
        ("set1/a.png", CARD),
        ("set2/a.png", OTHER),
        ("b.png", CARD),
    ]
    truth = parse_truth(
        "truth.json",
        json.dumps(
            {
                "set1/a.png": {"totalCardNum": "1"},
                "set2\\a.png": {"totalCardNum": "2"},
                "x/b.png": {"totalCardNum": "3"},
            }
        ).encode(),
    )
    assert truth.entries == {
        "set1/a.png": {"totalCardNum": "1"},
        "set2/a.png": {"totalCardNum": "2"},
        "b.png": {"totalCardNum": "3"},
    }
    assert coverage(truth, [s.name for s in found.sources]).without_truth == []
    bare = parse_truth("truth.json", b'{"a.png": {"totalCardNum": "1"}}')  # which a.png? neither
    assert coverage(bare, [s.name for s in found.sources]).without_truth == [
        "b.png",
        "set1/a.png",
        "set2/a.png",
    ]


def test_the_same_name_across_zips_and_uploads_gets_the_zips_name_in_front():
    a = from_zip("a.zip", _zip({"card.png": CARD}))
    b = from_zip("b.zip", _zip({"card.png": OTHER}))
    upload = Source("card.png", CARD)
    names = [
        s.name
        for s in distinct_sources(
            [
                ("a.zip", a.sources, a.paths),
                ("b.zip", b.sources, b.paths),
                ("", [upload], ["card.png"]),
                ("", [upload], ["card.png"]),
            ]
        )
    ]
    assert names == ["a.zip/card.png", "b.zip/card.png", "card.png", "card (2).png"]


@pytest.mark.parametrize(
    "raw, flags, shown",
    [
        (b"a\x1b[2Jb.png", 0, "a\\x1b[2Jb.png"),  # a terminal escape
        (
            "photo\u202egnp.exe".encode(),
            0x800,
            "photo\\u202egnp.exe",
        ),  # right-to-left override: looks like .png
        (b"a.png\x00.exe", 0, "a.png\\x00.exe"),  # Python cut the name at the NUL: "a.png"
        (b"caf\xe9\xff.png", 0, "caf\\xe9\\xff.png"),  # neither UTF-8 nor CP949: bytes escaped
        (b"\xff\xfe.png", 0x800, "\\xff\\xfe.png"),  # flagged UTF-8 and is not: zipfile refused the ZIP
        ("카드".encode("cp949") + b".png", 0, "카드.png"),  # Korean Windows, unflagged
        ("카드".encode() + b".png", 0, "카드.png"),  # UTF-8 without the flag
        (b"\xe1\x84\x8f\xe1\x85\xa1.png", 0x800, "카.png"),  # a Mac's decomposed Hangul, composed
    ],
)
def test_names_are_kept_as_visible_safe_text(raw, flags, shown):
    data = crafted_zip([Member.deflated(raw, CARD, flags=flags), Member.deflated("z.png", OTHER)])
    found = from_zip("names.zip", data)
    names = [s.name for s in found.sources] + found.skipped
    assert shown in names and "z.png" in names
    assert all(n.isprintable() for n in names)


def test_a_name_of_5000_characters_is_shortened_keeping_its_suffix():
    long = "x" * 5000 + ".png"
    found = from_zip("long.zip", _zip({long: CARD}))
    name = found.sources[0].name
    assert len(name) == MAX_CHARS and name.endswith("xxx.png") and "…" in name
    assert safe_name(long) == name


def test_a_folder_with_names_that_are_not_utf8(tmp_path):
    """D1 at the collector: a CP949 tool or an SMB share writes bytes; os.fsdecode gives surrogates."""
    root = os.fsencode(tmp_path)
    for raw, data in ((b"\xc4\xab\xb5\xe5.png", CARD), (b"\xff\xfe.png", OTHER), (b"plain.png", CARD)):
        with open(os.path.join(root, raw), "wb") as f:
            f.write(data)
    found = from_folder(tmp_path)
    assert [s.name for s in found.sources] == ["plain.png", "카드.png", "\\xff\\xfe.png"]
    for s in found.sources:
        s.name.encode("utf-8")  # storable
    plain = found.sources[0]
    assert plain.path == str((tmp_path / "plain.png").resolve())  # found again when shown
    assert found.sources[1].path is None and found.sources[2].path is None  # not the path's real bytes


def test_a_file_over_the_api_limit_in_a_folder_is_named_not_read(tmp_path):
    (tmp_path / "a.png").write_bytes(CARD)
    with (tmp_path / "huge.png").open("wb") as f:
        f.truncate(MEMBER_MAX_BYTES + 1)  # sparse: costs no disk
    with peak_memory() as peak:
        found = from_folder(tmp_path)
    assert peak() < MEMORY_CAP
    assert [s.name for s in found.sources] == ["a.png"] and found.unreadable == [("huge.png", "too_big")]


# ----------------------------------------------------------------------------------- D6 / D4: truth


def test_a_truth_json_nested_100000_deep_is_refused_with_a_plain_message():
    """D6: 100,000 ``[`` (200 KB) made json.loads raise RecursionError."""
    with pytest.raises(TruthError) as err:
        parse_truth("deep.json", b"[" * 100_000)
    assert err.value.code == "truth_too_deep" and err.value.params["depth"] == 100_000
    assert "deep.json" in str(err.value) and str(MAX_DEPTH) in str(err.value)
    assert "deep.json" in err.value.words("ko") and err.value.words("ko") != str(err.value)
    brackets_in_strings = json.dumps({"a.png": {"name": '[[[[[[[[[[{{{{{{{{{{\\"['}}).encode()
    assert parse_truth("ok.json", brackets_in_strings).entries["a.png"]["name"].startswith("[[[")


def test_a_truth_json_with_huge_strings_or_numbers():
    with pytest.raises(TruthError) as big:
        parse_truth("big.json", json.dumps({"a.png": {"name": "x" * (6 * MB)}}).encode())
    assert big.value.code == "truth_too_big"
    fits = parse_truth("fits.json", json.dumps({"a.png": {"name": "x" * (4 * MB)}}).encode())
    assert len(fits.entries["a.png"]["name"]) == 4 * MB
    with pytest.raises(TruthError) as digits:  # Python refuses to convert more than 4,300 digits
        parse_truth("digits.json", b'{"a.png": {"name": ' + b"9" * 10_000 + b"}}")
    assert digits.value.code == "truth_bad_json"
    # a key that is no field is a tag (issue 19): its name made safe text and bounded like any name
    tagged = parse_truth("f.json", json.dumps({"a.png": {"\u202e" + "y" * 10_000: "1" * 10_000}}).encode())
    ((name, value),) = tagged.tags["a.png"].items()
    assert len(name) <= MAX_CHARS and name.startswith("\\u202e") and len(value) <= MAX_CHARS


def test_a_truth_csv_quoted_as_rfc_4180_says():
    """D4: the dialect was sniffed from the header line alone, so doubled quotes were mis-split."""
    data = b'file,name\r\nhong.png,"=HYPERLINK(""http://x/?""&A1,""Hong, Gildong"")"\r\n'
    assert parse_truth("t.csv", data).entries == {
        "hong.png": {"name": '=HYPERLINK("http://x/?"&A1,"Hong, Gildong")'}
    }


def test_a_truth_csv_with_a_bom_semicolons_and_quoted_line_breaks():
    text = (
        "\ufefffile;name;issuer\r\n"
        '"a.png";"홍길동";"서울특별시\n종로구청장; 2019"\r\n'
        'b.png;"Kim ""K"" Lee";x\r\n'
    )
    assert parse_truth("t.csv", text.encode("utf-8")).entries == {
        "a.png": {"name": "홍길동", "issuer": "서울특별시\n종로구청장; 2019"},
        "b.png": {"name": 'Kim "K" Lee', "issuer": "x"},
    }
    assert parse_truth("t.csv", text.encode("utf-16")).entries["b.png"]["name"] == 'Kim "K" Lee'


def test_a_truth_csv_cell_past_the_csv_modules_limit_is_a_plain_refusal():
    with pytest.raises(TruthError) as err:
        parse_truth("t.csv", b"file,name\na.png," + b"x" * 200_000 + b"\n")
    assert err.value.code == "truth_bad_csv" and "t.csv" in str(err.value)


def test_truth_names_match_images_as_the_run_names_them():
    decomposed = "\u110f\u1161\u1103\u1173.png"  # "카드.png" as a Mac writes it
    truth = parse_truth(
        "t.json",
        json.dumps({decomposed: {"totalCardNum": "1"}, "evil\u202egnp.png": {"totalCardNum": "2"}}).encode(),
    )
    assert set(truth.entries) == {"카드.png", "evil\\u202egnp.png"}


@pytest.mark.slow  # times parsing at two sizes
def test_a_truth_file_of_many_small_entries_is_read_in_linear_time():
    import time

    doc = {f"{i}.png": {"name": "x"} for i in range(150_000)}  # 4.3 MB: under the size limit
    data = json.dumps(doc).encode()
    # This thread's CPU time, not the wall clock: on a machine shared with other work the same 1.4 s of
    # computing took 31 s of wall time (a random-order run failed so); the quadratic version took hours.
    started = time.thread_time()
    assert len(parse_truth("many.json", data).entries) == 150_000
    assert time.thread_time() - started < 10  # 1.4 s here; counting each name among all of them took hours


def test_members_are_read_in_chunks_never_whole(monkeypatch):
    """The audit's root cause: ``ZipExtFile.read()`` with no size inflates up to 2 GiB in one call."""
    from qa.collect import CHUNK_BYTES

    asked: list[int] = []
    original = zipfile.ZipExtFile.read

    def read(self, n=-1):
        asked.append(n)
        return original(self, n)

    monkeypatch.setattr(zipfile.ZipExtFile, "read", read)
    found = from_zip("set.zip", _zip({"a.png": CARD, "b.png": OTHER}))
    assert [s.data for s in found.sources] == [CARD, OTHER]
    assert asked and all(0 < n <= CHUNK_BYTES for n in asked)


def test_a_folder_is_bounded_in_images_and_bytes_before_any_is_read(tmp_path, monkeypatch):
    import qa.collect

    for name in ("a.png", "b.png", "c.png"):
        (tmp_path / name).write_bytes(CARD)
    monkeypatch.setattr(qa.collect, "FOLDER_MAX_FILES", 2)
    with pytest.raises(CollectError) as err:
        from_folder(tmp_path)
    assert err.value.code == "folder_too_big" and "more than 2 images" in str(err.value)
    assert err.value.words("ko") != str(err.value)


def test_a_zip_needing_a_newer_zip_version_is_refused_plainly():
    """zipfile raises NotImplementedError while opening such a ZIP: it escaped as a traceback."""
    data = bytearray(crafted_zip([Member.deflated("a.png", CARD)]))
    central = data.index(b"PK\x01\x02")
    data[central + 6] = 99  # "version needed to extract": 9.9
    with pytest.raises(CollectError) as err:
        from_zip("new.zip", bytes(data))
    assert err.value.code == "zip_bad"
