"""Crafted inputs, generated (never committed as binaries): each is small on disk and built to make a
reader spend far more than it should. Used by tests/test_crafted.py, the web tests and
bench/ingest_bench.py. Part numbers are real parts of the mini catalog; the rest is filler."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import openpyxl

#: An OLE2 compound file's start (magic, byte-order mark) with the stream name a password-protected
#: workbook carries, as Excel writes an encrypted .xlsx.
ENCRYPTED = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 20 + b"\xfe\xff" + b"\0" * 98
             + "EncryptedPackage".encode("utf-16-le") + b"\0" * 64)
TABLE = [["Marking", "Manufacturer", "Qty"], ["VP230", "Texas Instruments", "2"], ["AD9364", "Analog Devices", "1"]]
ODS_MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                'opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path='
                '"/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
                'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
ODS_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:'
            'opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
            '<office:spreadsheet><table:table table:name="S">')
ODS_TAIL = "</table:table></office:spreadsheet></office:body></office:document-content>"


def workbook(rows: list[list[object]] = TABLE, sheet: str = "S") -> bytes:
    """An ordinary xlsx of these rows."""
    book = openpyxl.Workbook()
    book.active.title = sheet
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def patch_sheet(data: bytes, change: Callable[[str], str], member: str = "xl/worksheets/sheet1.xml") -> bytes:
    """The xlsx with one member's XML changed by `change`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == member:
                content = change(content.decode("utf-8")).encode("utf-8")
            target.writestr(info, content)
    return out.getvalue()


def zip_bomb(expanded: int = 30 * 1024 * 1024, kind: str = "xlsx") -> bytes:
    """A zip of an xlsx's (or ods's) parts whose sheet expands to `expanded` bytes of one repeated row,
    hundreds of times its packed size (written in chunks: a bomb of gigabytes needs no gigabytes here)."""
    row = b'<row><c t="inlineStr"><is><t>VP230</t></is></c></row>'
    chunk = row * (1024 * 1024 // len(row))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if kind == "ods":
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                             compress_type=zipfile.ZIP_STORED)
            archive.writestr("META-INF/manifest.xml", ODS_MANIFEST)
        else:
            archive.writestr("xl/workbook.xml", b"<workbook/>")
        with archive.open("content.xml" if kind == "ods" else "xl/worksheets/sheet1.xml", "w",
                          force_zip64=expanded > 2**31) as member:
            for _ in range(expanded // len(chunk)):
                member.write(chunk)
    return buffer.getvalue()


def far_cell() -> bytes:
    """A parts table of 500 rows with one more cell in the last column Excel has (XFD, 16,384)."""
    rows = [TABLE[0]] + [TABLE[1 + i % 2] for i in range(500)]
    return patch_sheet(workbook(rows), lambda xml: xml.replace(
        '<c r="A1" t="inlineStr">', '<c r="XFD1" t="inlineStr"><is><t>far</t></is></c><c r="A1" t="inlineStr">', 1)
        if '<c r="A1" t="inlineStr">' in xml else _far_cell_shared(xml))


def _far_cell_shared(xml: str) -> str:
    """The far cell appended to row 2 (when the writer keeps strings shared)."""
    return xml.replace('</row><row r="3"', '<c r="XFD2" t="inlineStr"><is><t>far</t></is></c></row><row r="3"', 1)


def huge_merge() -> bytes:
    """A parts table with one merged range over the whole sheet (A1:XFD1048576)."""
    return patch_sheet(workbook(), lambda xml: xml.replace(
        "</sheetData>", '</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>', 1))


def repeated_columns_ods() -> bytes:
    """An .ods under a kilobyte whose one text cell repeats across 1,000 columns and 100,000 rows: calamine
    expands it to 100 million cells and aborts its process when the allocation fails (a million rows
    by 16,384 columns it refuses politely, as too large to be a sheet)."""
    content = (ODS_HEAD + '<table:table-row table:number-rows-repeated="100000"><table:table-cell '
               'table:number-columns-repeated="1000" office:value-type="string"><text:p>VP230</text:p>'
               "</table:table-cell></table:table-row>" + ODS_TAIL)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST)
        archive.writestr("content.xml", content)
    return buffer.getvalue()


def alias_bomb() -> bytes:
    """A YAML decision whose id is an alias that expands to 10^9 strings (half a kilobyte on disk)."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [{', '.join(['*' + previous] * 10)}]")
    lines.append("decisions: [{id: *i, decision: accept}]")
    return ("\n".join(lines) + "\n").encode("utf-8")


def nul_and_rtl() -> bytes:
    """A UTF-8 CSV with a NUL byte after its first 4 KB and a right-to-left override in a marking."""
    filler = "".join(f"LM358,Texas Instruments,row {n}\n" for n in range(200))
    return ("Marking,Manufacturer,Notes\n" + filler + "VP2\x0030,Texas Instruments,nul\n"
            "AD\u202e4639,Analog Devices,rtl\n").encode("utf-8")


def million_rows_csv(rows: int = 1_048_576) -> bytes:
    """A CSV of a header and a million rows of one part."""
    return b"Marking\n" + b"VP230\n" * rows


def million_rows_xlsx(rows: int = 1_048_576) -> bytes:
    """An xlsx sheet of a header and a million rows of one number each (written as XML, not by openpyxl)."""
    body = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(2, rows + 1))
    return patch_sheet(workbook([["Marking"]]), lambda xml: xml.replace("</row></sheetData>",
                                                                       "</row>" + body + "</sheetData>", 1))


#: name -> (file name, bytes maker): every crafted input, for the tests and the benchmark
CRAFTED: dict[str, tuple[str, Callable[[], bytes]]] = {
    "zip bomb .xlsx": ("bomb.xlsx", zip_bomb),
    "zip bomb .xlsm": ("bomb.xlsm", zip_bomb),
    "zip bomb .xls": ("bomb.xls", zip_bomb),
    "zip bomb .ods": ("bomb.ods", lambda: zip_bomb(kind="ods")),
    "zip bomb .csv": ("bomb.csv", zip_bomb),
    "far cell (XFD)": ("far.xlsx", far_cell),
    "huge merge A1:XFD1048576": ("merge.xlsx", huge_merge),
    "repeated columns .ods": ("repeated.ods", repeated_columns_ods),
    "NUL and RTL text": ("nul-rtl.csv", nul_and_rtl),
    "1M-row sheet .xlsx": ("million.xlsx", million_rows_xlsx),
    "1M-row sheet .csv": ("million.csv", million_rows_csv),
}
