"""A run's images from a folder (the command line) or a ZIP (the lab page).

JPEG and PNG files are taken by name, in path order; other files are listed as skipped, so nobody
wonders where an image went. The litter of archivers and file browsers (``__MACOSX/``, the ``._*``
AppleDouble files a Mac puts beside every image, hidden files, ``Thumbs.db``) is not an image anyone
meant to send and is dropped silently. A ZIP member that cannot be extracted (encrypted, damaged,
an unsupported compression) is named with why; the rest of the ZIP still runs.
"""
from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from qa.errors import LabInputError
from qa.runner import Source

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
ZIP_MAX_FILES = 500
ZIP_MAX_MB = 200
_LITTER_NAMES = {"thumbs.db", "desktop.ini"}


class CollectError(LabInputError):
    """A folder or ZIP that gives no run (``lab.in.folder_*``, ``lab.in.zip_*``)."""


@dataclass
class Collected:
    sources: list[Source] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)       # not JPEG or PNG by name
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (ZIP member, reason code)


def is_litter(relative: PurePosixPath) -> bool:
    return (any(part.startswith(".") or part == "__MACOSX" for part in relative.parts)
            or relative.name.lower() in _LITTER_NAMES)


def is_image_name(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() in IMAGE_SUFFIXES


def from_folder(folder: Path) -> Collected:
    """Every JPEG and PNG under ``folder`` (sub-folders included), as command-line sources."""
    found = Collected()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = PurePosixPath(path.relative_to(folder).as_posix())
        if is_litter(relative):
            continue
        if is_image_name(path.name):
            found.sources.append(Source(path.name, path.read_bytes(), kind="file", path=str(path.resolve())))
        else:
            found.skipped.append(str(relative))
    if not found.sources:
        raise CollectError("folder_empty", path=str(folder))
    return found


def from_zip(name: str, data: bytes) -> Collected:
    """Every JPEG and PNG in the ZIP ``name`` (in its folders too), as uploads. The sizes the ZIP
    declares are checked before anything is extracted, and extraction never yields more than them."""
    found = Collected()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = sorted((m for m in archive.infolist()
                              if not m.is_dir() and not is_litter(PurePosixPath(member_name(m)))),
                             key=member_name)
            images = [m for m in members if is_image_name(m.filename)]
            found.skipped = [member_name(m) for m in members if not is_image_name(m.filename)]
            if not images:
                raise CollectError("zip_empty", name=name)
            if len(images) > ZIP_MAX_FILES or sum(m.file_size for m in images) > ZIP_MAX_MB * 1024 * 1024:
                raise CollectError("zip_too_big", name=name, n=ZIP_MAX_FILES, mb=ZIP_MAX_MB)
            for member in images:
                reason = _extract(archive, member, found)
                if reason:
                    found.unreadable.append((member_name(member), reason))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError):
        raise CollectError("zip_bad", name=name) from None
    return found


def _extract(archive: zipfile.ZipFile, member: zipfile.ZipInfo, found: Collected) -> str | None:
    """Adds the member as a source; else the reason code it could not be read."""
    if member.flag_bits & 0x1:
        return "encrypted"
    try:
        data = archive.read(member)
    except NotImplementedError:  # a compression method Python's zipfile does not have (deflate64, ...)
        return "compression"
    except (zipfile.BadZipFile, zlib.error, EOFError):  # a bad CRC or a damaged stream
        return "damaged"
    found.sources.append(Source(PurePosixPath(member_name(member)).name, data))
    return None


def member_name(member: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it. A ZIP that does not flag its names as UTF-8 (bit 11)
    holds them in the writer's code page, which Python reads as CP437; Windows with a Korean locale
    writes CP949, so "카드.png" came out as "─½╡σ.png" and matched no truth file name."""
    if member.flag_bits & 0x800:
        return member.filename
    try:
        return member.filename.encode("cp437").decode("cp949")
    except (UnicodeEncodeError, UnicodeDecodeError):  # not CP949 after all: keep Python's reading
        return member.filename
