"""Truth files and scoring.

A truth file maps an image's file name to its expected values under the API's own field names
(``totalCardNum``, ``validThru``, ``name``, ``residentNumber``, … and ``idType``), as JSON
(``{"card.png": {"totalCardNum": "…"}}``) or CSV (a ``file`` column, one column per field).
The specimens' own truth files (``samples/**/x.json``) are understood too. Scoring compares
normalised values — spaces, dashes, dots and slashes ignored, case folded — before anything is masked.
"""
from __future__ import annotations

import csv
import difflib
import hashlib
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from l10n import message, name_list
from ocr_core.fields import DOCUMENT_FIELDS, FIELDS
from qa.errors import LabInputError

Truth = dict[str, dict[str, str]]
"""image file name → field name → expected value (plain, never stored)."""

_IGNORED = re.compile(r"[\s\-./]+")


class TruthError(LabInputError):
    """A truth file that cannot be read (``lab.in.truth_*``)."""


@dataclass(frozen=True)
class TruthFile:
    name: str
    sha256: str
    entries: Truth


def normalise(value: object) -> str:
    return _IGNORED.sub("", str(value)).casefold()


def matches(expected: object, read: object) -> bool:
    return read is not None and normalise(expected) == normalise(read)


def specimen_fields(doc: Mapping[str, object]) -> dict[str, str]:
    """The API-named expected values of a specimen truth file (``samples/…/x.json``)."""
    doc_type = str(doc.get("docType"))
    fields = doc.get("fields") or {}
    assert isinstance(fields, Mapping)
    out: dict[str, str] = {}
    if doc_type == "credit-card":
        if fields.get("cardNumber"):
            out["totalCardNum"] = str(fields["cardNumber"])
        if fields.get("validThru"):
            out["validThru"] = str(fields["validThru"])
        return out
    out["idType"] = doc_type
    for key in DOCUMENT_FIELDS.get(doc_type, ()):
        value = fields.get(key)
        if value not in (None, "", "none"):
            out[key] = str(value)
    return out


def parse_truth(name: str, data: bytes) -> TruthFile:
    """A truth file's entries; ``name`` decides JSON or CSV (by suffix, else by content)."""
    digest = hashlib.sha256(data).hexdigest()
    text = _decoded(name, data)
    if name.lower().endswith(".csv") or not text.lstrip().startswith(("{", "[")):
        return TruthFile(name, digest, _known_fields(name, _parse_csv(name, text)))
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise TruthError("truth_bad_json", name=name, line=err.lineno, detail=err.msg) from None
    if isinstance(doc, Mapping) and "docType" in doc and "fields" in doc:  # one specimen truth file
        image = Path(str(doc.get("image") or name)).name
        return TruthFile(name, digest, {image: specimen_fields(doc)})
    if not isinstance(doc, Mapping):
        raise TruthError("truth_not_mapping", name=name)
    entries: Truth = {}
    for image, values in doc.items():
        if not isinstance(values, Mapping):
            raise TruthError("truth_bad_entry", name=name, image=image)
        if "docType" in values and "fields" in values:
            entries[Path(image).name] = specimen_fields(values)
        else:
            entries[Path(image).name] = {str(k): str(v) for k, v in values.items() if v not in (None, "")}
    return TruthFile(name, digest, _known_fields(name, entries))


TRUTH_FIELDS = (frozenset(FIELDS) - {"cardNums"}) | {"idType"}
"""What a truth file may name: the fields the API returns (``ocr_core.fields``; a card number whole, as
``totalCardNum``, not its groups), and the ID type."""
_CARD_NUMBER_NAMES = {"cardnumber", "cardno", "cardnum", "cardnums", "number", "pan"}


def _suggestion(key: str) -> str | None:
    """The field a misnamed truth column most likely means (spelling, case, ``_``/``-`` aside)."""
    plain = re.sub(r"[\s_\-]", "", key).casefold()
    if plain in _CARD_NUMBER_NAMES:  # by spelling alone "cardNumber" is nearest to "residentNumber"
        return "totalCardNum"
    same_name = [k for k in TRUTH_FIELDS if k.casefold() == plain]
    close = same_name or difflib.get_close_matches(key, TRUTH_FIELDS, n=1, cutoff=0.6)
    return close[0] if close else None


def _known_fields(name: str, entries: Truth) -> Truth:
    """Refuses a field the API never returns: a misspelt or invented name would be scored wrong on every
    image, and read as the service failing."""
    for image, values in entries.items():
        for key in values:
            if key not in TRUTH_FIELDS:
                suggestion = _suggestion(key)
                if suggestion:
                    raise TruthError("truth_unknown_field_hint", name=name, field=key, image=image,
                                     suggestion=suggestion)
                raise TruthError("truth_unknown_field", name=name, field=key, image=image,
                                 known=", ".join(sorted(TRUTH_FIELDS, key=str.casefold)))
    return entries


def _decoded(name: str, data: bytes) -> str:
    """UTF-8 (with or without a BOM), UTF-16 with its BOM (Excel's "Unicode text"), else CP949: what
    Korean Excel writes when it saves a CSV."""
    encodings = ("utf-16",) if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig", "cp949")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TruthError("truth_not_text", name=name)


def _parse_csv(name: str, text: str) -> Truth:
    try:  # Excel writes ";" where "," is the decimal mark, and some export tab-separated values
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    if not reader.fieldnames:
        raise TruthError("truth_empty_csv", name=name)
    key = next((f for f in reader.fieldnames if f.strip().lower() in ("file", "image", "filename")), None)
    if key is None:
        raise TruthError("truth_no_file_column", name=name)
    entries: Truth = {}
    for row in reader:
        image = (row.get(key) or "").strip()
        if image:
            entries[Path(image).name] = {k.strip(): v.strip() for k, v in row.items()
                                         if k and k != key and v and v.strip()}
    return entries


def specimen_truth(root: Path) -> Truth:
    """Truth of every specimen in ``samples/`` (by image file name)."""
    index = json.loads((root / "index.json").read_text("utf-8"))
    entries: Truth = {}
    for spec in index["specimens"]:
        doc = json.loads((root / spec["truth"]).read_text("utf-8"))
        entries[Path(spec["image"]).name] = specimen_fields(doc)
    return entries


def score(expected: Mapping[str, str] | None, read: Mapping[str, str | None]) -> dict[str, bool | None]:
    """Per field read or expected: True/False against truth, None where truth says nothing."""
    out: dict[str, bool | None] = {}
    for key in read:
        out[key] = None if not expected or key not in expected else matches(expected[key], read[key])
    for key in (expected or {}):
        if key not in out:
            out[key] = False  # expected but not read at all
    return out


@dataclass(frozen=True)
class Coverage:
    """How a truth file meets a run's images: by exact file name, as scoring looks them up."""

    without_truth: list[str]     # images of the run the truth file does not name
    unused: list[str]            # names in the truth file that are no image of the run


def coverage(truth: TruthFile, image_names: list[str]) -> Coverage:
    names = set(image_names)
    return Coverage(without_truth=sorted(names - set(truth.entries)),
                    unused=sorted(set(truth.entries) - names))


def truth_notes(truth: TruthFile, image_names: list[str], lang: str) -> list[str]:
    """What a QA engineer should know before starting: images the truth file does not name, and names
    in it that match no image (a file-name mismatch scores nothing)."""
    found = coverage(truth, image_names)
    notes = []
    if found.without_truth:
        notes.append(message("lab.truth_missing", lang, n=len(found.without_truth), names=name_list(found.without_truth)))
    if found.unused:
        notes.append(message("lab.truth_unused", lang, n=len(found.unused), names=name_list(found.unused)))
    return notes
