"""Cell values as the text a person reads, cleaned once where text enters bomtrace: C0 control
characters (NUL and the rest; tab and newline become spaces like any whitespace) and the Unicode
direction overrides and isolates (U+202A-U+202E, U+2066-U+2069), which can make a marking display in
another order than it is stored, are removed, so no output (HTML, CSV, xlsx, JSON, a file name) carries
them."""

from __future__ import annotations

import datetime as dt
import re

#: What is removed from text read from an input (after whitespace is collapsed).
UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def cell_text(value: object) -> str:
    """A cell as the text a person reads: whole numbers without '.0', dates as ISO, whitespace and
    line breaks collapsed to single spaces. Unsafe characters are left for `clean` to find."""
    if value is None:
        return ""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return " ".join(str(value).split())


def clean(text: str) -> str:
    """Text without control characters and direction overrides (see the module's docstring)."""
    return UNSAFE.sub("", text)


def clean_name(text: str) -> str:
    """A file or sheet name as outputs show it: cleaned, whitespace collapsed."""
    return " ".join(clean(text).split())


def removed(text: str) -> list[str]:
    """The unsafe characters in `text`, as code points ('U+0000'), each once, in order of first use."""
    return list(dict.fromkeys(f"U+{ord(c):04X}" for c in UNSAFE.findall(text)))
