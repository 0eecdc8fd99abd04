"""A run's images from a folder or a ZIP: the one reader for the command line and the lab page.

JPEG and PNG files are taken by name, in path order; other files are listed as skipped, so nobody
wonders where an image went. The litter of archivers and file browsers (``__MACOSX/``, the ``._*``
AppleDouble files a Mac puts beside every image, hidden files, ``Thumbs.db``) is not an image anyone
meant to send and is dropped silently. A ZIP member that cannot or may not be extracted is named with
why (a reason code, ``lab.zip_why.<code>``); the rest of the ZIP still runs.

Every input is bounded before it costs (a ZIP is the easiest way to make a small upload expensive):

- a ZIP: at most :data:`ZIP_MAX_MEMBERS` entries and a central directory of :data:`ZIP_MAX_DIRECTORY`
  bytes, read from its end record before Python's ``zipfile`` parses a single entry; at most
  :data:`ZIP_MAX_FILES` images and :data:`ZIP_MAX_MB` MB by the sizes it declares, checked before
  anything is extracted, and by the bytes actually inflated, counted while extracting;
- a member: refused unextracted when it declares more than the API takes (:data:`MEMBER_MAX_BYTES`,
  ``ocr_core``'s 20 MB), or when its compressed size shows its declared size is a lie (a deflated
  stream cannot be much larger than what it inflates to); else streamed in
  :data:`CHUNK_BYTES` chunks, never ``read()`` whole (Python's ``ZipExtFile.read()`` inflates up to
  2 GiB in one call before cutting to the declared size), and stopped at the cap;
- a member whose path climbs out (``..``) or is absolute (``/etc/x.png``, ``C:\\x.png``) is never
  extracted and is named with why; nothing here writes to disk either way;
- a folder: each file's size is read from the file system before it is read (a file over 20 MB is named,
  not read), and the folder's total is bounded like a ZIP's, by :data:`FOLDER_MAX_FILES` and
  :data:`FOLDER_MAX_MB`.

Names: see ``qa.names`` (text that is valid, visible, composed and bounded, whatever bytes a file
system or ZIP held). Two images of one folder or ZIP with the same file name are named by their path in
it (``set1/a.png``, ``set2/a.png``); :func:`distinct_sources` does the same across the folders, ZIPs
and files of one run (``b.zip/a.png``).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import IO, BinaryIO, Final

from ocr_core.constants import MAX_IMAGE_BYTES
from qa.errors import LabInputError
from qa.names import distinct, from_bytes, from_os, safe_name
from qa.runner import Source

IMAGE_SUFFIXES = (
    ".png",
    ".jpg",
    ".jpeg",
    ".heic",
    ".heif",
    ".pdf",
    ".tif",
    ".tiff",
)  # the last five converted on loading
ZIP_MAX_FILES = 500
ZIP_MAX_MB = 200
ZIP_MAX_MEMBERS: Final = 5000
"""Entries of any kind (folders, litter, other files) a ZIP may list: ten per image allowed."""
ZIP_MAX_DIRECTORY: Final = 4 * 1024 * 1024
"""Bytes of central directory a ZIP may have (5,000 entries with 300-character names and extras fit)."""
MEMBER_MAX_BYTES: Final = MAX_IMAGE_BYTES
"""The API's upload limit: a bigger member could never be sent, so it is never extracted."""
CHUNK_BYTES: Final = 64 * 1024
FOLDER_MAX_FILES: Final = 5000
FOLDER_MAX_MB: Final = 1024
_LITTER_NAMES = {"thumbs.db", "desktop.ini"}
_MB: Final = 1024 * 1024


class CollectError(LabInputError):
    """A folder or ZIP that gives no run (``lab.in.folder_*``, ``lab.in.zip_*``)."""


@dataclass
class Collected:
    sources: list[Source] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # not JPEG or PNG by name
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (member or file, reason code)
    paths: list[str] = field(default_factory=list)
    """Parallel to ``sources``: each image's path in its folder or ZIP (names it apart from a namesake)."""


def is_litter(relative: PurePosixPath) -> bool:
    return (
        any(part.startswith(".") or part == "__MACOSX" for part in relative.parts)
        or relative.name.lower() in _LITTER_NAMES
    )


def is_image_name(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() in IMAGE_SUFFIXES


def _named_apart(found: Collected) -> Collected:
    """Two images of one folder or ZIP with the same file name: each named by its path in it."""
    pairs = distinct(
        list(zip(found.sources, found.paths, strict=True)),
        lambda p: p[0].name,
        found.paths,
        lambda p, n: (replace(p[0], name=n), p[1]),
    )
    found.sources = [s for s, _ in pairs]
    return found


def distinct_sources(groups: list[tuple[str, list[Source], list[str]]]) -> list[Source]:
    """The sources of one run, from several folders, ZIPs or files, with distinct names.

    The sources of one run, from several folders, ZIPs or files (``(label, sources, paths)`` each: the
    ZIP's or folder's name, its images and their paths in it; a single file is its own group with an
    empty label), with names no two share: a name still shared across groups becomes
    ``label/path`` (``b.zip/a.png``), then a number."""
    sources = [s for _, group, _ in groups for s in group]
    paths = [
        f"{label}/{path}" if label else path
        for label, group, group_paths in groups
        for path in (group_paths or [s.name for s in group])
    ]
    return distinct(sources, lambda s: s.name, paths, lambda s, n: replace(s, name=n))


# ------------------------------------------------------------------------------------------ folder


def from_folder(folder: Path) -> Collected:
    """Every JPEG and PNG under ``folder`` (sub-folders included), as command-line sources."""
    found = Collected()
    files: list[tuple[Path, PurePosixPath, int]] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = PurePosixPath(from_os(path.relative_to(folder).as_posix()))
        if is_litter(relative):
            continue
        if not is_image_name(path.name):
            found.skipped.append(str(relative))
            continue
        try:
            size = path.stat().st_size
        except OSError:
            found.unreadable.append((str(relative), "unreadable"))
            continue
        if size > MEMBER_MAX_BYTES:
            found.unreadable.append((str(relative), "too_big"))
            continue
        files.append((path, relative, size))
    if len(files) > FOLDER_MAX_FILES or sum(size for *_, size in files) > FOLDER_MAX_MB * _MB:
        raise CollectError("folder_too_big", path=from_os(str(folder)), n=FOLDER_MAX_FILES, mb=FOLDER_MAX_MB)
    for path, relative, _ in files:
        data = read_capped(path)
        if data is None:
            found.unreadable.append((str(relative), "too_big" if path.exists() else "unreadable"))
            continue
        found.sources.append(file_source(path, data))
        found.paths.append(str(relative))
    if not found.sources:
        raise CollectError("folder_empty", path=from_os(str(folder)))
    return _named_apart(found)


def file_source(path: Path, data: bytes) -> Source:
    """A file named on the command line (or found in a folder) as a source.

    A file named on the command line (or found in a folder) as a source: its name as safe text, and
    its absolute path — to find it again when its item is shown — only when that path is plain text
    (a path that is not UTF-8 cannot be opened again from its escaped form, nor stored as given)."""
    resolved = str(path.resolve())
    plain = from_os(resolved) == resolved and len(resolved) <= 1000
    return Source(from_os(path.name), data, kind="file", path=resolved if plain else None)


def read_capped(path: Path) -> bytes | None:
    """A file's bytes, read in chunks and never more than :data:`MEMBER_MAX_BYTES`.

    The file's bytes, read in chunks and never more than :data:`MEMBER_MAX_BYTES` (a file can grow
    between ``stat`` and ``read``); None when it is larger or cannot be read."""
    try:
        with path.open("rb") as f:
            return _capped(f, MEMBER_MAX_BYTES)
    except OSError:
        return None


def _capped(stream: IO[bytes], cap: int) -> bytes | None:
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = stream.read(CHUNK_BYTES)
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > cap:
            return None
        chunks.append(chunk)


# --------------------------------------------------------------------------------------------- ZIP


def from_zip(name: str, data: bytes | Path) -> Collected:
    """Every JPEG and PNG in the ZIP ``name`` (in its folders too), as uploads.

    ``data`` is the ZIP's bytes (an upload) or its path (the command line). Bounds: see the module's
    docstring."""
    found = Collected()
    try:
        with _opened(data) as handle:
            _check_directory(name, handle)
        try:
            archive = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
        except UnicodeDecodeError:  # a name flagged UTF-8 that is not: read it as unflagged instead
            whole = data if isinstance(data, bytes) else data.read_bytes()
            archive = zipfile.ZipFile(io.BytesIO(_unflag_bad_utf8(whole)))
        with archive:
            _collect_members(name, archive, found)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        OSError,
        NotImplementedError,
        ValueError,
        struct.error,
    ) as err:
        if isinstance(err, CollectError):
            raise
        raise CollectError("zip_bad", name=name) from None
    return _named_apart(found)


def _opened(data: bytes | Path) -> BinaryIO:
    return io.BytesIO(data) if isinstance(data, bytes) else Path(data).open("rb")


def _end_record(handle: BinaryIO) -> tuple[int, int, int] | None:
    """(entries, central directory size, its offset) from the ZIP's end record; None without one."""
    handle.seek(0, io.SEEK_END)
    size = handle.tell()
    start = max(0, size - (22 + 65535))
    handle.seek(start)
    tail = handle.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return None
    _, _, _, entries, cd_size, cd_offset, _ = struct.unpack("<4H2LH", tail[at + 4 : at + 22])
    return entries, cd_size, cd_offset


def _check_directory(name: str, handle: BinaryIO) -> None:
    """Refuses, from the end record alone, a ZIP whose directory alone would cost too much to parse.

    A ZIP64 end record (its fields saturated) is only needed past 65,535 entries or 4 GB: past our limits."""
    end = _end_record(handle)
    if end is None:
        raise CollectError("zip_bad", name=name)
    entries, cd_size, cd_offset = end
    if (
        entries > ZIP_MAX_MEMBERS
        or cd_size > ZIP_MAX_DIRECTORY
        or entries == 0xFFFF
        or cd_size == 0xFFFFFFFF
        or cd_offset == 0xFFFFFFFF
    ):
        raise CollectError("zip_too_many", name=name, n=ZIP_MAX_MEMBERS)


def _unflag_bad_utf8(data: bytes) -> bytes:
    """A ZIP with the UTF-8 flag cleared on entries whose names are not UTF-8.

    ``data`` with the UTF-8 flag (bit 11) cleared on every entry whose name is not UTF-8, in the central
    directory and the local header alike, so ``zipfile`` reads such names as unflagged bytes instead of
    refusing the whole ZIP. Anything malformed on the way raises ``BadZipFile``."""
    out = bytearray(data)
    end = _end_record(io.BytesIO(data))
    if end is None:
        raise zipfile.BadZipFile("no end record")
    entries, _, pos = end
    for _ in range(entries):
        if out[pos : pos + 4] != b"PK\x01\x02":
            raise zipfile.BadZipFile("bad central directory")
        (flags,) = struct.unpack("<H", out[pos + 8 : pos + 10])
        n, m, k = struct.unpack("<3H", out[pos + 28 : pos + 34])
        (local,) = struct.unpack("<L", out[pos + 42 : pos + 46])
        try:
            bytes(out[pos + 46 : pos + 46 + n]).decode("utf-8")
        except UnicodeDecodeError:
            if out[local : local + 4] != b"PK\x03\x04":
                raise zipfile.BadZipFile("bad local header") from None
            struct.pack_into("<H", out, pos + 8, flags & ~0x800)
            (local_flags,) = struct.unpack("<H", out[local + 6 : local + 8])
            struct.pack_into("<H", out, local + 6, local_flags & ~0x800)
        pos += 46 + n + m + k
    return bytes(out)


def unsafe_path(raw: str) -> bool:
    """Whether a ZIP member's path would leave the folder it is extracted to.

    A member path that would leave the folder it is extracted to: absolute (``/x``, ``\\x``, ``C:x``)
    or with a ``..`` part (``/`` and ``\\`` both count as separators: Windows archivers write either)."""
    path = raw.replace("\\", "/")
    return (
        path.startswith("/")
        or (len(path) >= 2 and path[1] == ":" and path[0].isalpha())
        or ".." in path.split("/")
    )


def _collect_members(name: str, archive: zipfile.ZipFile, found: Collected) -> None:
    infos = archive.infolist()
    if len(infos) > ZIP_MAX_MEMBERS:  # the end record may undercount: zipfile reads by directory size
        raise CollectError("zip_too_many", name=name, n=ZIP_MAX_MEMBERS)
    images: list[tuple[str, zipfile.ZipInfo]] = []
    for info in infos:
        if info.is_dir():
            continue
        shown = member_name(info)
        if unsafe_path(info.orig_filename):
            found.unreadable.append((shown, "unsafe_path"))
            continue
        if is_litter(PurePosixPath(shown)):
            continue
        if is_image_name(shown):
            images.append((shown, info))
        else:
            found.skipped.append(shown)
    found.skipped.sort()
    if not images:
        raise CollectError("zip_empty", name=name)
    if len(images) > ZIP_MAX_FILES or sum(i.file_size for _, i in images) > ZIP_MAX_MB * _MB:
        raise CollectError("zip_too_big", name=name, n=ZIP_MAX_FILES, mb=ZIP_MAX_MB)
    budget = ZIP_MAX_MB * _MB
    for shown, info in sorted(images, key=lambda pair: pair[0]):
        data, reason = _extract(archive, info, min(MEMBER_MAX_BYTES, budget))
        if data is None:
            if reason == "over_budget":  # what it inflated to passed what the ZIP declared in total
                raise CollectError("zip_too_big", name=name, n=ZIP_MAX_FILES, mb=ZIP_MAX_MB)
            found.unreadable.append((shown, reason or "damaged"))
            continue
        budget -= len(data)
        found.sources.append(Source(PurePosixPath(shown).name, data))
        found.paths.append(shown)


def _deflate_bound(size: int) -> int:
    """The most bytes deflate writes for ``size`` bytes of input.

    The most bytes zlib's deflate writes for ``size`` bytes of input (``compressBound``), plus room for
    another writer's block overhead."""
    return size + (size >> 12) + (size >> 14) + (size >> 25) + 13 + 1024


def _extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> tuple[bytes | None, str | None]:
    """The member's bytes, or None and the reason code it was not extracted."""
    if info.flag_bits & 0x1:
        return None, "encrypted"
    if info.file_size > MEMBER_MAX_BYTES:
        return None, "too_big"
    lying = (
        info.compress_type == zipfile.ZIP_DEFLATED and info.compress_size > _deflate_bound(info.file_size)
    ) or (info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size)
    if lying:  # holds more than it declares: the declared size cannot be trusted for any bound
        return None, "size_lies"
    try:
        with archive.open(info) as stream:
            data = _capped(stream, cap)
    except NotImplementedError:  # a compression method Python's zipfile does not have (deflate64, ...)
        return None, "compression"
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError):  # a bad CRC or a damaged stream
        return None, "damaged"
    if data is None:
        return None, "too_big" if cap == MEMBER_MAX_BYTES else "over_budget"
    return data, None


def member_name(member: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it, as safe text (``qa.names``).

    A ZIP that does not flag its names as UTF-8 (bit 11) holds them in the writer's code page, which Python
    reads as CP437; Windows with a Korean locale writes CP949, so "카드.png" came out as "─½╡σ.png" and
    matched no truth file name. Unflagged names are read as UTF-8 when they are (tools that forget the flag;
    CP949 Hangul is almost never valid UTF-8), else as CP949, else kept with each byte that is neither
    written ``\\xNN``. Python cuts a name at a NUL; the name shown does not (``a.png\\x00.exe``)."""
    if member.flag_bits & 0x800:
        return safe_name(member.orig_filename)
    try:
        raw = member.orig_filename.encode("cp437")
    except UnicodeEncodeError:  # not read by zipfile as CP437 after all: keep its reading
        return safe_name(member.orig_filename)
    return from_bytes(raw, ("utf-8", "cp949"))
