"""A compiled catalog index cached on disk, keyed by the hash of every catalog file it was built from.

A second run loads the pickled index instead of re-reading and re-indexing the CSV tables. Any change
to a catalog file changes the key, so a stale index is never used. The cache lives in the user's
cache folder (BOMTRACE_CACHE_DIR overrides it; BOMTRACE_NO_CACHE=1 turns it off): it is our own
output, never a file from elsewhere, which is why unpickling it is safe.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import pickle
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
#: The modules whose code shapes the index: a change to any of them (a new key rule, a new layout)
#: must not load an index built by the old code.
_SHAPING_MODULES = ("catalogs/*.py", "partindex.py", "normalize.py", "models.py", "grammar.py", "catalog_cache.py")


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off while an index is built or unpickled: it would walk the
    millions of new objects again and again as they pile up (about a third of loading an index of a
    million parts) and free nothing, as they are all still in use. It runs again afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def kept(catalog: T) -> T:
    """`catalog`, its objects (and all others alive now) left out of the cyclic collector's walks from
    now on (gc.freeze): a catalog of a million parts is millions of objects the collector would walk
    at its next collections (90 ms for the first alone) and in every full one while lines are analysed,
    and never free, holding no reference cycles (a dropped catalog is freed by reference counting; a
    test checks). Forked workers then share its pages instead of copying them as the collector
    touches them."""
    gc.freeze()
    return catalog


def cache_dir() -> Path | None:
    """Where indexes are cached, or None when caching is off."""
    if os.environ.get("BOMTRACE_NO_CACHE"):
        return None
    if os.environ.get("BOMTRACE_CACHE_DIR"):
        return Path(os.environ["BOMTRACE_CACHE_DIR"])
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("bomtrace"))


def code_fingerprint() -> bytes:
    """A hash over the source of the modules that build the index."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for pattern in _SHAPING_MODULES:
        for path in sorted(package.glob(pattern)):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.digest()


def cache_key(version: str, folder_hashes: list[str]) -> str:
    """One key for a tool version, the code that builds the index and the ordered folder hashes."""
    digest = hashlib.sha256(version.encode() + b"\0" + code_fingerprint())
    for value in folder_hashes:
        digest.update(value.encode() + b"\0")
    return digest.hexdigest()[:32]


def load(key: str) -> Any | None:
    """The cached object for `key`, or None if absent or unreadable (then it is rebuilt)."""
    folder = cache_dir()
    path = folder / f"index-{key}.pickle" if folder else None
    if path is None or not path.exists():
        return None
    try:
        with path.open("rb") as handle, gc_paused():
            return pickle.load(handle)
    except Exception as error:  # noqa: BLE001 - a truncated or old file of any kind: rebuild, never fail
        log.info("ignoring unreadable index cache %s (%s)", path, error)
        return None


def save(key: str, value: Any) -> None:
    """Store `value` under `key` atomically; a read-only or full disk only costs the cache."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, folder / f"index-{key}.pickle")
    except OSError as error:
        log.info("could not write index cache in %s (%s)", folder, error)
