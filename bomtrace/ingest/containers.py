"""What a file is, by its bytes rather than its name, and whether a container is safe to open: a zip
(xlsx, xlsm, ods, or a zip under any other name) is checked for its members, its expanded size and its
compression ratio from its directory alone, before any reader opens it; an OLE2 file (legacy .xls, or
an encrypted workbook) for its header and an encryption stream."""

from __future__ import annotations

import io
import struct
import zipfile
from typing import Literal

from bomtrace.config import MB, Limits
from bomtrace.errors import InputTooLarge, UnreadableInput

Kind = Literal["xlsx", "ods", "ole", "text"]
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
BOMB_FIX = "This looks like a zip bomb; if it is a real teardown, split it, or raise the limit ({option})."
#: a container must expand past this before its compression ratio is held against it
RATIO_FLOOR = 1 * MB
#: the most bytes one member's entry may take in a zip's central directory, on average
DIRECTORY_ENTRY_BYTES = 400
_EOCD = b"PK\x05\x06"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def file_kind(name: str, data: bytes, limits: Limits) -> Kind:
    """What the bytes are: a workbook in a zip (checked against the limits first), an OLE2 workbook,
    or text. Raises InputError for a zip bomb, an encrypted or corrupt workbook, or another archive."""
    if data.startswith((b"PK\x03\x04", _EOCD)) or _eocd_offset(data) is not None:
        check_zip(name, data, limits)
        return _zip_kind(name, data)
    if data.startswith(OLE_MAGIC[:4]):
        return _ole_kind(name, data)
    if name.lower().endswith((".xlsx", ".xlsm")):
        raise corrupt(name)
    return "text"


def corrupt(name: str) -> UnreadableInput:
    """The error for a workbook that cannot be taken apart, in the words of its type."""
    if name.lower().endswith((".xlsx", ".xlsm")):
        return UnreadableInput("Workbook is corrupt (not a valid .xlsx)", name, "Open and save it again in Excel.")
    return UnreadableInput("Workbook is corrupt", name, "Open and save it again, or save it as .xlsx.")


def check_zip(name: str, data: bytes, limits: Limits) -> None:
    """Refuse a zip whose directory says bomb: too many members, too big expanded, too high a ratio."""
    members, directory = _directory_size(name, data)
    if members > limits.max_members or directory > limits.max_members * DIRECTORY_ENTRY_BYTES:
        raise InputTooLarge(f"Archive lists {members:,} members ({directory // 1024:,} KB of directory), over "
                            f"the {limits.max_members:,}-member limit", name,
                            BOMB_FIX.format(option="Limits.max_members"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise corrupt(name) from error
    expanded = sum(info.file_size for info in infos)
    packed = max(1, sum(info.compress_size for info in infos))
    if expanded > limits.max_expanded_bytes:
        raise InputTooLarge(f"Workbook expands to {expanded / MB:,.0f} MB, over the "
                            f"{limits.max_expanded_bytes / MB:,.0f} MB limit", name,
                            BOMB_FIX.format(option="--max-expanded-mb"))
    if expanded > RATIO_FLOOR and expanded / packed > limits.max_ratio:
        raise InputTooLarge(f"Workbook expands {expanded / packed:,.0f} times its packed size (to "
                            f"{expanded / MB:,.0f} MB), over the {limits.max_ratio:,.0f}:1 ratio limit", name,
                            BOMB_FIX.format(option="--max-ratio"))


def _eocd_offset(data: bytes) -> int | None:
    """Where a zip's end-of-central-directory record starts, or None when there is none."""
    offset = data.rfind(_EOCD, max(0, len(data) - 65_557))
    return offset if offset >= 0 and len(data) - offset >= 22 else None


def _directory_size(name: str, data: bytes) -> tuple[int, int]:
    """Members and central-directory bytes a zip declares (ZIP64 too), read before any member is."""
    offset = _eocd_offset(data)
    if offset is None:
        raise corrupt(name)
    members, directory = struct.unpack_from("<HI", data, offset + 10)
    locator = offset - 20
    if (members == 0xFFFF or directory == 0xFFFFFFFF) and locator >= 0 and data[locator:locator + 4] == b"PK\x06\x07":
        record = struct.unpack_from("<Q", data, locator + 8)[0]
        if data[record:record + 4] == b"PK\x06\x06":
            members, directory = struct.unpack_from("<QQ", data, record + 32)
    return int(members), int(directory)


def _zip_kind(name: str, data: bytes) -> Kind:
    """xlsx/xlsm (xl/workbook.xml) or ods (content.xml); any other zip is refused."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "content.xml" in names:
            return "ods"
    if name.lower().endswith((".xlsx", ".xlsm")):
        raise corrupt(name)
    raise UnreadableInput("File is a zip archive, not a spreadsheet", name, "Unpack it and give the spreadsheet "
                          "inside.")


def _ole_kind(name: str, data: bytes) -> Kind:
    """A legacy .xls (read whatever its name); an encrypted workbook or a broken OLE2 header is refused."""
    if not data.startswith(OLE_MAGIC) or data[28:30] != b"\xfe\xff":
        raise corrupt(name)
    if _ENCRYPTED in data:
        raise UnreadableInput("Workbook is encrypted (password-protected)", name,
                              "Remove the password, then save it again.")
    return "ole"
