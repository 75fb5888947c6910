"""CSV/TSV text: the encoding decided the way spreadsheets in the region write it, the delimiter
sniffed, and the records read through the TableBuilder's limits.

A file that is not UTF-8 (or UTF-16 with its byte-order mark) is tried in the encodings Excel and
office suites in Ukraine and Russia save text in: cp1251, cp1252, koi8-r, koi8-u and cp866. The one
chosen is the one under which the header row is recognised (most fields), then whose non-ASCII text
reads least like mojibake (charset-normalizer's mess ratio over the lines holding non-ASCII bytes, so
a body of Latin markings under a Cyrillic header does not drown the signal); ties go to the order
above. Only when none of them recognises a header and reads cleanly does detection over every
encoding (charset-normalizer) decide.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from itertools import islice

from bomtrace.config import Limits
from bomtrace.errors import UnreadableInput
from bomtrace.ingest.headers import HEADER_SEARCH_ROWS, find_header
from bomtrace.ingest.tables import Budget, Table, TableBuilder

#: Encodings tried, in the order that breaks ties.
REGIONAL = ("cp1251", "cp1252", "koi8-r", "koi8-u", "cp866")
#: Bytes of the file's start searched for the header; bytes of non-ASCII lines judged for mojibake.
SAMPLE_BYTES = 64 * 1024
#: A mess ratio (0 clean .. 1 garbage) at or above this does not read cleanly.
MESS_LIMIT = 0.2
DELIMITERS = (",", ";", "\t", "|")
_NON_ASCII_LINE = re.compile(rb"[^\n]*[\x80-\xff][^\n]*")


def decode_text(name: str, data: bytes) -> tuple[str, str]:
    """CSV bytes as text and the encoding used: UTF-8 (BOM or not), UTF-16 with a BOM, else the best
    reading among the regional encodings (see the module's docstring)."""
    encoding = text_encoding(name, data)
    return "".join(text_lines(data, encoding)), encoding


def text_encoding(name: str, data: bytes) -> str:
    """The encoding the whole of `data` decodes in, decided as the module's docstring says."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _checked(name, data, "utf-16", "Broken UTF-16 text")
    if b"\x00" in data[:4096]:
        raise UnreadableInput("File is binary, not text", name, "Save it as CSV (UTF-8).")
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    encoding = regional_encoding(data) or _detected(name, data)
    return _checked(name, data, encoding, f"Unknown text encoding (guessed {encoding})")


def _checked(name: str, data: bytes, encoding: str, what: str) -> str:
    """`encoding` when all of `data` decodes in it; else UnreadableInput saying `what`."""
    try:
        data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        raise UnreadableInput(what, name, "Save it as CSV (UTF-8).") from error
    return encoding


_LINE = re.compile(rb"[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+$")


def text_lines(data: bytes, encoding: str) -> Iterator[str]:
    """The text's lines with their endings (\\r\\n, \\n or \\r), decoded one at a time so a large file is
    never held as text whole; a UTF-8 byte-order mark is dropped. (In every encoding read here but
    UTF-16 a line break is a byte of its own.)"""
    if encoding == "utf-16":
        yield from io.StringIO(data.decode(encoding), newline="")
        return
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    for match in _LINE.finditer(data, start):
        yield match.group().decode(encoding)


def regional_encoding(data: bytes) -> str | None:
    """The regional encoding the text reads best in, or None when none recognises a header and reads
    cleanly."""
    from charset_normalizer.md import mess_ratio

    head = _head(data, "")
    letters = b"\n".join(m.group() for m in islice(_NON_ASCII_LINE.finditer(data), 2000))[:SAMPLE_BYTES]
    scored = []
    for order, encoding in enumerate(REGIONAL):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        fields = header_fields(head.decode(encoding))
        scored.append((-fields, mess_ratio(letters.decode(encoding), maximum_threshold=1.0), order, encoding))
    if not scored:
        return None
    fields, mess, _, encoding = min(scored)
    return encoding if fields < 0 or mess < MESS_LIMIT else None


def _head(data: bytes, encoding: str) -> bytes:
    """The start of the file to sniff: SAMPLE_BYTES cut after a line break (all of it for UTF-16, or
    when the first line is longer)."""
    head, newline, _ = data[:SAMPLE_BYTES].rpartition(b"\n")
    return head + newline if newline and encoding != "utf-16" else data


def _detected(name: str, data: bytes) -> str:
    """charset-normalizer's best guess over every encoding it knows."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None:
        raise UnreadableInput("Unknown text encoding", name, "Save it as CSV (UTF-8).")
    return str(best.encoding)


def header_fields(text: str) -> int:
    """How many fields the best header row in the start of `text` names (0 when none is found)."""
    rows = _first_rows(text, sniff_delimiter(text))
    found = find_header(rows)
    return len(found[1]) if found else 0


def _first_rows(text: str, delimiter: str, lines: int = 2 * HEADER_SEARCH_ROWS) -> list[tuple[int, list[str]]]:
    """The first records of `text` split at `delimiter`, numbered from 1."""
    try:
        return [(i, [" ".join(c.split()) for c in record]) for i, record in
                enumerate(csv.reader(text.splitlines()[:lines], delimiter=delimiter), start=1)]
    except csv.Error:
        return []


def sniff_delimiter(text: str) -> str:
    """The delimiter (, ; tab |) under which a header row is recognised best, then that splits the most
    of the first lines into the same number of cells (title lines above the header do not count)."""
    def score(order: int, delimiter: str) -> tuple[int, int, int]:
        rows = _first_rows(text, delimiter)
        found = find_header(rows)
        widths = [len(cells) for _, cells in rows if len(cells) > 1]
        common = max((widths.count(w) for w in set(widths)), default=0)
        return (len(found[1]) if found else 0, common, -order)

    best = max(enumerate(DELIMITERS), key=lambda item: score(*item))
    return best[1] if score(*best)[:2] != (0, 0) else ","


def text_table(name: str, data: bytes, limits: Limits, budget: Budget, head: int | None = None) -> Table:
    """A CSV/TSV/TXT file as one Table, each record numbered by the line it starts on."""
    encoding = text_encoding(name, data)
    csv.field_size_limit(max(csv.field_size_limit(), limits.max_file_bytes))  # a cell may be the whole file
    start_text = "".join(islice(text_lines(_head(data, encoding), encoding), 2 * HEADER_SEARCH_ROWS))
    delimiter = "\t" if name.lower().endswith(".tsv") else sniff_delimiter(start_text)
    reader = csv.reader(text_lines(data, encoding), delimiter=delimiter)
    builder = TableBuilder(name, None, limits, budget, gaps_are_rows=False)
    start = 1
    try:
        for record in reader:
            builder.add(start, record)
            start = reader.line_num + 1
            if head is not None and builder.filled >= head:
                break
    except csv.Error as error:
        raise UnreadableInput(f"Broken CSV ({error})", name, "Check the quoting.", row=start) from error
    return builder.build(encoding)
