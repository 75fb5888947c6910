"""Atomic file writes: a temporary file in the same folder, renamed over the target."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path


def _read_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


#: The process's umask, read once at import (reading it means setting it, which threads must not race).
_UMASK = _read_umask()


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write `data` to `path` so a reader sees the old file or the new one, never half of one; the
    file is readable as the umask allows (a temporary file alone would be private, 0600)."""
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(temp, 0o666 & ~_UMASK)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_chunks(path: Path, chunks: Iterable[bytes]) -> Path:
    """atomic_write_bytes for data made as it is written (a large output is never held whole)."""
    with replaced_when_done(path) as temp, temp.open("wb") as out:
        for chunk in chunks:
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return path


@contextmanager
def replaced_when_done(path: Path) -> Iterator[Path]:
    """A temporary file beside `path` to write to (readable as the umask allows), renamed over `path`
    when the block ends without an error and removed when it raises."""
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        os.chmod(temp, 0o666 & ~_UMASK)
        yield Path(temp)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
