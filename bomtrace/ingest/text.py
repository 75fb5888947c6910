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
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as error:
            raise UnreadableInput("Broken UTF-16 text", name, "Save it as CSV (UTF-8).") from error
    if b"\x00" in data[:4096]:
        raise UnreadableInput("File is binary, not text", name, "Save it as CSV (UTF-8).")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    encoding = regional_encoding(data) or _detected(name, data)
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError) as error:
        raise UnreadableInput(f"Unknown text encoding (guessed {encoding})", name, "Save it as CSV (UTF-8).") from error


def regional_encoding(data: bytes) -> str | None:
    """The regional encoding the text reads best in, or None when none recognises a header and reads
    cleanly."""
    from charset_normalizer.md import mess_ratio

    head = data[:SAMPLE_BYTES].rpartition(b"\n")[0] or data[:SAMPLE_BYTES]
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
    text, encoding = decode_text(name, data)
    csv.field_size_limit(max(csv.field_size_limit(), limits.max_file_bytes))  # a cell may be the whole file
    delimiter = "\t" if name.lower().endswith(".tsv") else sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
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
