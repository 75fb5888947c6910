"""The files beside the database: originals stored unchanged by content hash, analysis outputs by
case and version, and a scratch folder. Every file appears whole or not at all (write, fsync, rename).

    DATA_DIR/blobs/ab/abcdef...      an uploaded file, named by its SHA-256
    DATA_DIR/analyses/CASE/vN/       result.json, lines.csv, report.* of analysis version N
    DATA_DIR/tmp/                    uploads being checked and analyses being written; emptied at start
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

_HASH = re.compile(r"^[0-9a-f]{64}$")
_CASE_ID = re.compile(r"^[0-9a-f]{16}$")


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries (a rename inside it) to disk where the platform allows."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class FileStore:
    """The data folder's files; paths are built only from hashes and ids checked here, never from input."""

    def __init__(self, root: Path) -> None:
        """The folders under `root`, made if missing."""
        self.root = root
        self.blobs = root / "blobs"
        self.analyses = root / "analyses"
        self.tmp = root / "tmp"
        for folder in (self.blobs, self.analyses, self.tmp):
            folder.mkdir(parents=True, exist_ok=True)

    def scratch(self, prefix: str) -> Path:
        """A new empty folder under tmp/."""
        return Path(tempfile.mkdtemp(prefix=prefix, dir=self.tmp))

    def discard(self, scratch: Path) -> None:
        """Remove a scratch folder and whatever is left in it."""
        if scratch.parent == self.tmp:
            shutil.rmtree(scratch, ignore_errors=True)

    def blob(self, sha256: str) -> Path:
        """Where the file with this hash is (or would be) stored."""
        if not _HASH.match(sha256):
            raise ValueError(f"not a SHA-256: {sha256!r}")
        return self.blobs / sha256[:2] / sha256

    def put_blob(self, source: Path, sha256: str) -> Path:
        """Move a checked upload into the store under its hash; an identical stored file is kept."""
        target = self.blob(sha256)
        if target.exists():
            source.unlink(missing_ok=True)
            return target
        target.parent.mkdir(exist_ok=True)
        with source.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(source, target)
        fsync_dir(target.parent)
        return target

    def remove_blob(self, sha256: str) -> None:
        """Delete a stored file (when no case refers to it any more)."""
        self.blob(sha256).unlink(missing_ok=True)

    def analysis_dir(self, case_id: str, version: int) -> Path:
        """The folder of one analysis version's outputs."""
        if not _CASE_ID.match(case_id):
            raise ValueError(f"not a case id: {case_id!r}")
        return self.analyses / case_id / f"v{int(version)}"

    def publish(self, scratch: Path, case_id: str, version: int) -> Path:
        """Rename a finished scratch folder into place; a leftover of a crashed run of it is replaced."""
        target = self.analysis_dir(case_id, version)
        target.parent.mkdir(exist_ok=True)
        for path in scratch.iterdir():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
        if target.exists():
            shutil.rmtree(target)
        os.replace(scratch, target)
        fsync_dir(target.parent)
        return target

    def remove_case(self, case_id: str) -> None:
        """Delete every output of a case."""
        if _CASE_ID.match(case_id):
            shutil.rmtree(self.analyses / case_id, ignore_errors=True)

    def collect(self, hashes: Iterable[str], case_ids: Iterable[str]) -> list[Path]:
        """Remove scratch files and whatever no case refers to (left by a crash); returns what went."""
        keep_blobs, keep_cases = set(hashes), set(case_ids)
        removed = [path for path in self.tmp.iterdir()]
        for path in removed:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        for path in self.blobs.glob("*/*"):
            if path.name not in keep_blobs:
                path.unlink()
                removed.append(path)
        for path in self.analyses.iterdir():
            if path.name not in keep_cases:
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
        return removed
