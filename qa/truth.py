"""Truth files and scoring.

A truth file maps an image's file name to its expected values under the API's own field names
(``totalCardNum``, ``validThru``, ``name``, ``residentNumber``, … and ``idType``), as JSON
(``{"card.png": {"totalCardNum": "…"}}``) or CSV (a ``file`` column, one column per field).
The specimens' own truth files (``samples/**/x.json``) are understood too. Scoring compares
normalised values — spaces, dashes, dots and slashes ignored, case folded — before anything is masked.

An entry is keyed by the image's file name (``dir/a.png`` names ``a.png``, as before), made safe text as
the run's image names are (``qa.names``: NFC, control and bidirectional characters escaped). When two
entries share a file name (``set1/a.png`` and ``set2/a.png``) each keeps its path as written instead:
that is how a run names two images of the same file name from different folders of one folder or ZIP,
so they match exactly; a bare ``a.png`` then matches neither (which one would it be?), and the notes
before the run say so.

A truth file is bounded before it is parsed: at most :data:`MAX_BYTES`, JSON nested at most
:data:`MAX_DEPTH` deep (checked by a scan that recurses nowhere: 100,000 ``[`` made the parser raise
``RecursionError``). A CSV is RFC 4180: the delimiter is decided from the header line, then the whole
file is parsed by the ``csv`` module, so quoted cells keep their doubled quotes, delimiters and line
breaks.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import json
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from l10n import message, name_list
from ocr_core.fields import DOCUMENT_FIELDS, FIELDS
from qa.errors import LabInputError, ServiceNames
from qa.names import safe_name

Truth = dict[str, dict[str, str]]
"""image file name → field name → expected value (plain, never stored)."""

_IGNORED = re.compile(r"[\s\-./]+")
MAX_BYTES = 5 * 1024 * 1024
"""A truth file's size limit: 5 MB holds tens of thousands of entries."""
MAX_DEPTH = 8
"""JSON nesting allowed: the deepest legitimate truth file (a specimen entry under its image) needs 3."""
_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


class TruthError(LabInputError):
    """A truth file that cannot be read (``lab.in.truth_*``)."""


Tags = dict[str, dict[str, str]]
"""image file name → tag (a truth column that is no field: ``device``, ``lighting``) → its value."""


@dataclass(frozen=True)
class TruthFile:
    name: str
    sha256: str
    entries: Truth
    tags: Tags = field(default_factory=dict)


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


def parse_truth(name: str, data: bytes, service: str | None = None) -> TruthFile:
    """A truth file's entries and tags; ``name`` decides JSON or CSV (by suffix, else by content).

    A column (or JSON key) that is a field of ``service`` is truth; one that is a field of another
    service only (``condition`` on a credit-card run) is refused with why; one that looks like a
    misspelt field (``card_number``) is refused with the field it likely means; any other (``device``,
    ``lighting``) is a tag, which results group by. Without ``service`` any service's field is truth."""
    name = safe_name(name)
    if len(data) > MAX_BYTES:
        raise TruthError("truth_too_big", name=name, mb=MAX_BYTES // (1024 * 1024))
    digest = hashlib.sha256(data).hexdigest()
    text = _decoded(name, data)
    if name.lower().endswith(".csv") or not text.lstrip().startswith(("{", "[")):
        return _split(name, digest, _parse_csv(name, text), service)
    depth = json_depth(text)
    if depth > MAX_DEPTH:
        raise TruthError("truth_too_deep", name=name, depth=depth, limit=MAX_DEPTH)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise TruthError("truth_bad_json", name=name, line=err.lineno, detail=err.msg) from None
    except (ValueError, RecursionError) as err:  # e.g. an integer of more digits than Python converts
        raise TruthError("truth_bad_json", name=name, line=1, detail=safe_name(str(err))) from None
    if isinstance(doc, Mapping) and "docType" in doc and "fields" in doc:  # one specimen truth file
        image = safe_name(Path(str(doc.get("image") or name)).name)
        return _split(name, digest, {image: specimen_fields(doc)}, service)
    if not isinstance(doc, Mapping):
        raise TruthError("truth_not_mapping", name=name)
    entries: list[tuple[str, dict[str, str]]] = []
    for image, values in doc.items():
        if not isinstance(values, Mapping):
            raise TruthError("truth_bad_entry", name=name, image=safe_name(image))
        if "docType" in values and "fields" in values:
            entries.append((image, specimen_fields(values)))
        else:
            entries.append((image, {str(k): str(v) for k, v in values.items() if v not in (None, "")}))
    return _split(name, digest, _keyed(entries), service)


def json_depth(text: str) -> int:
    """How deep ``text``'s arrays and objects nest, counted without parsing (strings removed first)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def image_key(written: str) -> str:
    """A truth file's image name, normalised as the run's names are.

    A truth file's image name as the run's names are: ``/`` for ``\\``, no leading ``./`` or ``/``,
    safe text (``qa.names.safe_name``)."""
    parts = [p for p in written.replace("\\", "/").split("/") if p not in ("", ".")]
    return safe_name("/".join(parts))


def _keyed(entries: list[tuple[str, dict[str, str]]]) -> Truth:
    """Entries by file name; by path as written where two share a file name (see the module docstring)."""
    keys = [image_key(image) for image, _ in entries]
    names = [k.rsplit("/", 1)[-1] for k in keys]
    shared = {n for n, count in Counter(names).items() if count > 1}
    return {(k if n in shared else n): values for k, n, (_, values) in zip(keys, names, entries, strict=True)}


TRUTH_FIELDS = (frozenset(FIELDS) - {"cardNums"}) | {"idType"}
"""What a truth file may name: the fields the API returns (``ocr_core.fields``; a card number whole, as
``totalCardNum``, not its groups), and the ID type."""
_CARD_NUMBER_NAMES = {"cardnumber", "cardno", "cardnum", "cardnums", "number", "pan"}


SERVICE_FIELDS: dict[str, frozenset[str]] = {
    "credit-card": frozenset(DOCUMENT_FIELDS["credit-card"]) - {"cardNums"},
    "id-card": frozenset(k for doc in ("resident", "driver", "passport") for k in DOCUMENT_FIELDS[doc])
    | {"idType"},
}
SERVICE_FIELDS["stand-alone"] = SERVICE_FIELDS["id-card"]
"""The fields each service's answer has, that a truth file may name for a run of it."""
MAX_TAG_CHARS = 100
"""A tag's name and value are cut to this many characters (they are shown in tables and charts)."""


def _suggestion(key: str) -> str | None:
    """The field a misnamed truth column most likely means.

    The field a misnamed truth column most likely means (spelling, case, ``_``/``-`` aside); None when
    it is not near any (then it is a tag)."""
    plain = re.sub(r"[\s_\-]", "", key).casefold()
    if plain in _CARD_NUMBER_NAMES:  # by spelling alone "cardNumber" is nearest to "residentNumber"
        return "totalCardNum"
    same_name = [k for k in TRUTH_FIELDS if k.casefold() == plain]
    close = same_name or difflib.get_close_matches(key, TRUTH_FIELDS, n=1, cutoff=0.75)
    return close[0] if close else None


def _services_of(key: str) -> list[str]:
    return [s for s in ("credit-card", "id-card") if key in SERVICE_FIELDS[s]] or ["authenticity"]


def _split(name: str, digest: str, entries: Truth, service: str | None) -> TruthFile:
    """Fields of the service stay truth; other columns become tags, or are refused (see ``parse_truth``)."""
    fields = SERVICE_FIELDS.get(service or "", TRUTH_FIELDS)
    truth: Truth = {}
    tags: Tags = {}
    for image, values in entries.items():
        for key, value in values.items():
            if key in fields:
                truth.setdefault(image, {})[key] = value
            elif key in TRUTH_FIELDS:
                raise TruthError(
                    "truth_other_service",
                    name=name,
                    field=safe_name(key),
                    image=image,
                    service=ServiceNames((service or "",)),
                    services=ServiceNames(tuple(_services_of(key))),
                )
            else:
                suggestion = _suggestion(key)
                if suggestion:
                    raise TruthError(
                        "truth_unknown_field_hint",
                        name=name,
                        field=safe_name(key),
                        image=image,
                        suggestion=suggestion,
                    )
                tags.setdefault(image, {})[safe_name(key)[:MAX_TAG_CHARS]] = safe_name(value)[:MAX_TAG_CHARS]
        truth.setdefault(image, {})
    return TruthFile(name, digest, truth, tags)


def _decoded(name: str, data: bytes) -> str:
    """A CSV's text, decoded as spreadsheets save it.

    UTF-8 (with or without a BOM), UTF-16 with its BOM (Excel's "Unicode text"), else CP949: what
    Korean Excel writes when it saves a CSV."""
    encodings = ("utf-16",) if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig", "cp949")
    for encoding in encodings:
        try:
            return data.decode(encoding).removeprefix("\ufeff")  # a second BOM some exporters add
        except UnicodeDecodeError:
            continue
    raise TruthError("truth_not_text", name=name)


def csv_delimiter(text: str) -> str:
    """The delimiter of a CSV's header line.

    The header line's delimiter: the most frequent of ``,``, ``;`` (Excel where ``,`` is the decimal
    mark) and tab (Excel's "Unicode text") outside quotes; ``,`` when none appears."""
    header = _STRINGS.sub("", text.split("\n", 1)[0])
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _parse_csv(name: str, text: str) -> Truth:
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=csv.excel, delimiter=csv_delimiter(text))
    try:
        if not reader.fieldnames:
            raise TruthError("truth_empty_csv", name=name)
        key = next((f for f in reader.fieldnames if f.strip().lower() in ("file", "image", "filename")), None)
        if key is None:
            raise TruthError("truth_no_file_column", name=name)
        entries: list[tuple[str, dict[str, str]]] = []
        for row in reader:
            image = (row.get(key) or "").strip()
            if image:
                entries.append(
                    (
                        image,
                        {
                            k.strip(): v.strip()
                            for k, v in row.items()
                            if k and k != key and isinstance(v, str) and v.strip()
                        },
                    )
                )
    except csv.Error as err:  # a cell past the csv module's field limit, a quote left open at the end
        raise TruthError(
            "truth_bad_csv", name=name, line=reader.line_num, detail=safe_name(str(err))
        ) from None
    return _keyed(entries)


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
    for key in expected or {}:
        if key not in out:
            out[key] = False  # expected but not read at all
    return out


@dataclass(frozen=True)
class Coverage:
    """How a truth file meets a run's images: by exact file name, as scoring looks them up."""

    without_truth: list[str]  # images of the run the truth file does not name
    unused: list[str]  # names in the truth file that are no image of the run


def coverage(truth: TruthFile, image_names: list[str]) -> Coverage:
    names = set(image_names)
    return Coverage(
        without_truth=sorted(names - set(truth.entries)), unused=sorted(set(truth.entries) - names)
    )


def truth_notes(
    truth: TruthFile, image_names: list[str], lang: str, shown: Callable[[str], str] = str
) -> list[str]:
    """What a QA engineer should know about the truth file before starting.

    What a QA engineer should know before starting: images the truth file does not name, and names
    in it that match no image (a file-name mismatch scores nothing). ``shown`` renders each name (the
    page escapes Markdown: ``ui.plain_text.plain``)."""
    found = coverage(truth, image_names)
    notes = []
    if found.without_truth:
        notes.append(
            message(
                "lab.truth_missing",
                lang,
                n=len(found.without_truth),
                names=name_list([shown(n) for n in found.without_truth]),
            )
        )
    if found.unused:
        notes.append(
            message(
                "lab.truth_unused",
                lang,
                n=len(found.unused),
                names=name_list([shown(n) for n in found.unused]),
            )
        )
    return notes
