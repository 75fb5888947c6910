"""Uploads: streamed to a scratch file with a size cap, then checked before anything is stored. The
check is cheap and bounded (type, container limits, and the header row among the first rows:
`bomtrace.ingest.probe_input`), so the analysis the worker runs is the upload's one parse. A refused
upload leaves nothing behind."""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from starlette.concurrency import run_in_threadpool

from bomtrace.config import Limits
from bomtrace.errors import InputError, NoPartColumn, UnreadableInput
from bomtrace.ingest import SUPPORTED_SUFFIXES, UnknownHeader, probe_input
from bomtrace.web.problems import Problem, input_problem, too_large

CHUNK = 1024 * 1024
#: path separators, characters Windows refuses, control characters and direction overrides
_UNSAFE = re.compile("[\x00-\x1f\x7f/\\\\:*?\"<>|\u202a-\u202e\u2066-\u2069]+")


class Readable(Protocol):
    """What an upload offers: a file name and async reads (Starlette's UploadFile)."""

    filename: str | None

    async def read(self, size: int = -1) -> bytes:
        """Up to `size` bytes; b"" at the end."""


@dataclass(frozen=True)
class Checked:
    """An upload that passed every check, waiting in scratch to be stored."""

    path: Path
    filename: str
    sha256: str
    size: int


def safe_filename(name: str | None) -> str:
    """The base name of an uploaded file, without path parts, control characters or direction overrides,
    at most 120 long."""
    base = re.split(r"[/\\]", name or "")[-1]
    base = _UNSAFE.sub("_", base).strip(" ._") or "upload"
    stem, dot, suffix = base.rpartition(".")
    if dot and len(base) > 120:
        base = stem[: 119 - len(suffix)] + "." + suffix
    return base[:120]


def check_type(filename: str) -> None:
    """415 unless the name ends in a suffix the CLI reads."""
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise Problem(415, f"Unsupported file type {suffix or '(none)'!r} in {filename}. "
                           f"Upload a teardown spreadsheet: {kinds}.")


async def receive(upload: Readable, scratch: Path, max_bytes: int, limits: Limits,
                  mapping: Mapping[str, str] | None = None) -> Checked:
    """Stream an upload into `scratch`, then check it; raises Problem (and removes scratch) if refused."""
    try:
        filename = safe_filename(upload.filename)
        check_type(filename)
        path = scratch / filename
        digest, size = hashlib.sha256(), 0
        with path.open("wb") as out:
            while chunk := await upload.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise too_large(max_bytes, filename)
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise Problem(422, f"File is empty in {filename}. Pick the teardown spreadsheet again.")
        await run_in_threadpool(check_readable, path, limits, mapping)
        return Checked(path, filename, digest.hexdigest(), size)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise


def check_readable(path: Path, limits: Limits, mapping: Mapping[str, str] | None = None) -> None:
    """Refuse a zip bomb, a corrupt workbook or a mapping naming a header the file does not have; a
    file whose header names no known column is accepted (its case opens the column editor). Bounded,
    not a full parse."""
    try:
        probe_input(path, mapping=mapping, limits=limits)
    except NoPartColumn:
        return  # the case opens with the column editor and the first rows: an upload never dead-ends
    except InputError as error:
        raise input_problem(error) from None
    except UnknownHeader as error:
        raise Problem(422, error.message) from None
    except Exception as error:  # noqa: BLE001 - a reader library failing in a way ingest did not foresee
        raise input_problem(UnreadableInput(f"File cannot be read ({type(error).__name__})", path.name,
                                            "Open and save it again, or save it as .xlsx.")) from None
