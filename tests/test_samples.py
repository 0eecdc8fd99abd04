"""The committed specimen set is internally consistent: files exist, numbers pass their checksums."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from stdnum import luhn
from stdnum.kr import rrn

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
INDEX = json.loads((SAMPLES / "index.json").read_text(encoding="utf-8"))["specimens"]
KEYS = {
    "credit-card": ["cardNumber", "groups", "validThru"],
    "resident": ["name", "residentNumber", "issueDate", "issuer"],
    "driver": [
        "driverLicenseNumber",
        "licenseType",
        "name",
        "residentNumber",
        "condition",
        "serialNum",
        "issueDate",
        "issuer",
    ],
    "passport": [
        "passportType",
        "countryCode",
        "passportNo",
        "surName",
        "givenName",
        "nationality",
        "dateOfBirth",
        "dateOfBirthYMD",
        "sex",
        "dateOfIssue",
        "dateOfIssueYMD",
        "dateOfExpiry",
        "dateOfExpiryYMD",
        "koreanName",
        "personalNo",
        "MRZ1",
        "MRZ2",
    ],
}


def icao_check(data: str) -> str:
    """ICAO 9303 check digit, written independently of the generator and the engine."""
    values = [int(c) if c.isdigit() else (ord(c) - ord("A") + 10 if c.isalpha() else 0) for c in data]
    weights = [7, 3, 1] * 15  # the cycle, longer than any field: not strict
    return str(sum(v * w for v, w in zip(values, weights, strict=False)) % 10)


def truth(entry: dict) -> dict:
    return json.loads((SAMPLES / entry["truth"]).read_text(encoding="utf-8"))


def test_index_covers_every_type_clean_and_photographed() -> None:
    kinds = {(e["docType"], e["kind"]) for e in INDEX}
    for doc in KEYS:
        assert (doc, "clean") in kinds and (doc, "photo") in kinds, doc
    on_disk = {
        str(p.relative_to(SAMPLES))
        for p in SAMPLES.glob("*/*")
        if p.suffix in {".png", ".jpg"} and p.parent.name != "hard"
    }  # hard/ has its own index
    assert on_disk == {e["image"] for e in INDEX}


def test_set_stays_small() -> None:
    total = sum((SAMPLES / e["image"]).stat().st_size for e in INDEX)
    assert total < 15_000_000
    hard = sum(p.stat().st_size for p in (SAMPLES / "hard").glob("*.png"))
    assert hard < 2_000_000, "the hard set's committed subset stays a few documents"


@pytest.mark.parametrize("entry", INDEX, ids=lambda e: e["image"])
def test_truth_is_consistent(entry: dict) -> None:
    t = truth(entry)
    image = SAMPLES / entry["image"]
    assert image.exists() and image.stat().st_size > 0
    assert t["docType"] == entry["docType"] and t["image"] == entry["image"]
    assert list(t["fields"]) == KEYS[t["docType"]]
    if t["photo"]:
        assert (SAMPLES / t["photo"]["of"]).exists() and t["photo"]["effects"]
        original = next(e for e in INDEX if e["image"] == t["photo"]["of"])
        assert truth(original)["fields"] == t["fields"]
    f = t["fields"]
    if t["docType"] == "credit-card":
        assert luhn.is_valid(f["cardNumber"]) and "".join(f["groups"]) == f["cardNumber"]
        assert [len(g) for g in f["groups"]] in ([4, 4, 4, 4], [4, 6, 5])
        assert re.fullmatch(r"(0[1-9]|1[0-2])/\d\d", f["validThru"])
    elif t["docType"] in ("resident", "driver"):
        assert re.fullmatch(r"\d{6}-\d{7}", f["residentNumber"]) and rrn.is_valid(f["residentNumber"])
        assert re.fullmatch(r"20\d{6}", f["issueDate"])
        assert re.fullmatch(r"[가-힣]{2,4}", f["name"])
        if t["docType"] == "driver":
            assert re.fullmatch(r"\d{2}-\d{2}-\d{6}-\d{2}", f["driverLicenseNumber"])
            assert re.fullmatch(r"[A-Z0-9]{5,6}", f["serialNum"])
    else:
        l1, l2 = f["MRZ1"], f["MRZ2"]
        assert len(l1) == len(l2) == 44 and l1.startswith("P")
        assert l2[9] == icao_check(l2[0:9]) and l2[19] == icao_check(l2[13:19])
        assert l2[27] == icao_check(l2[21:27]) and l2[42] == icao_check(l2[28:42])
        assert l2[43] == icao_check(l2[0:10] + l2[13:20] + l2[21:43])
        assert l2[0:9] == f["passportNo"] and l2[13:19] == f["dateOfBirthYMD"][2:]
        assert l2[21:27] == f["dateOfExpiryYMD"][2:] and l2[20] == f["sex"]
        assert l1[2:5] == f["countryCode"] and l1[5:].startswith(f"{f['surName']}<<{f['givenName']}<")


HANGUL = re.compile(r"[가-힣]")


def test_every_specimen_has_a_human_title_in_both_languages() -> None:
    """Issue 18, item 6: the gallery names specimens as people would, not by file slug."""
    for lang in ("en", "ko"):
        titles = [e["title"][lang] for e in INDEX]
        assert len(set(titles)) == len(titles), f"two specimens share a {lang} title"
    for e in INDEX:
        en, ko = e["title"]["en"], e["title"]["ko"]
        slug = Path(e["image"]).stem
        assert en != slug.replace("_", " ") and "_" not in en, e["image"]
        assert not HANGUL.search(en) and HANGUL.search(ko), e["image"]
        assert not re.search(r"[a-z]{3,}", ko), f"English words in the Korean title of {e['image']}: {ko}"
        fields = truth(e)["fields"]
        holder = [str(fields[k]) for k in ("name", "surName", "givenName", "koreanName") if fields.get(k)]
        said = f"{en} {ko}".upper()
        assert not [h for h in holder if any(part in said for part in h.upper().split())], (
            f"{e['image']}: a title names the holder, whose name is masked on screen"
        )


def test_the_generator_writes_the_titles_the_index_holds(monkeypatch) -> None:
    """``samples/generate.py`` rewrites index.json: its table must give the committed titles back."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("samples_generate", SAMPLES / "generate.py")
    assert spec and spec.loader
    generate = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, generate)  # its dataclasses look their module up
    spec.loader.exec_module(generate)
    assert {Path(e["image"]).stem: (e["title"]["en"], e["title"]["ko"]) for e in INDEX} == generate.TITLES
