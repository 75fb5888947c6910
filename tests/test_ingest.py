"""Ingest: headers in three languages under title rows, merged cells, CSV encodings, bad files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from bomtrace.config import Limits
from bomtrace.errors import InputTooLarge, NoPartColumn, UnreadableInput
from bomtrace.ingest import field_for_header, parse_mapping, read_input, read_inputs
from tests.crafted import ENCRYPTED

HEADERS = [
    ("Part Number", "part_number"),
    ("Mfr P/N", "part_number"),
    ("Manufacturer Part Number", "part_number"),
    ("MPN", "part_number"),
    ("Marking", "marking"),
    ("Name and marking", "marking"),
    ("Найменування та маркування", "marking"),
    ("Маркування", "marking"),
    ("Маркировка", "marking"),
    ("Наименование и маркировка", "marking"),
    ("Виробник", "manufacturer"),
    ("Производитель", "manufacturer"),
    ("Manufacturer", "manufacturer"),
    ("Mfr", "manufacturer"),
    ("Наименование", "description"),
    ("Найменування", "description"),
    ("Description", "description"),
    ("Кількість", "quantity"),
    ("Количество", "quantity"),
    ("Qty", "quantity"),
    ("Зразок", "sample"),
    ("Модуль", "module"),
    ("Країна", "country"),
    ("Страна производителя", "country"),
    ("Date code", "date_code"),
    ("Примітки", "notes"),
    ("Reference designator", "refdes"),
    ("  MARKING  ", "marking"),
    ("Manufacturer (as reported)", "manufacturer"),
    ("Colour", None),
    ("", None),
    # teardown tables and GOST-style component lists (перелік елементів / перечень элементов)
    ("Тип (позначення)", "part_number"),
    ("Позначення", "part_number"),
    ("Тип", "part_number"),
    ("Тип мікросхеми", "part_number"),
    ("Марка", "part_number"),
    ("Обозначение", "part_number"),
    ("Тип (обозначение)", "part_number"),
    ("Тип элемента", "part_number"),
    ("Маркування на корпусі", "marking"),
    ("Маркировка на корпусе", "marking"),
    ("Виробник/країна", "manufacturer"),
    ("Виробник / країна", "manufacturer"),
    ("Виробник (країна)", "manufacturer"),
    ("Производитель/страна", "manufacturer"),
    ("Фирма-производитель", "manufacturer"),
    ("Поз. позначення", "refdes"),
    ("Позиційне позначення", "refdes"),
    ("Поз. обозначение", "refdes"),
    ("Позиционное обозначение", "refdes"),
    ("Кільк.", "quantity"),
    ("Кількість, шт.", "quantity"),
    ("Кол.", "quantity"),
    ("Кол., шт.", "quantity"),
    ("Кол-во (шт)", "quantity"),
    ("К-во", "quantity"),
    ("Примітка", "notes"),
    ("Примеч.", "notes"),
    ("№", None),  # row numbers: known, left unread (see the next table)
]


@pytest.mark.parametrize("header,field", HEADERS, ids=[h or "(blank)" for h, _ in HEADERS])
def test_header_synonyms_map_to_fields(header: str, field: str | None) -> None:
    assert field_for_header(header) == field


#: Columns known to hold nothing to read (row and position numbers): not read, and not warned about.
IGNORED = ["№", "№ п/п", "п/п", "Поз.", "#", "No."]


@pytest.mark.parametrize("header", IGNORED)
def test_row_number_columns_are_known_and_left_unread(header: str) -> None:
    from bomtrace.ingest.headers import header_field

    assert (header_field(header), field_for_header(header)) == ("ignore", None)


def test_header_found_under_title_rows_with_merged_sample(make_xlsx) -> None:
    path = make_xlsx({"Розбір": [
        ["ILLUSTRATIVE: not a real teardown"],
        ["Звіт про компоненти"],
        [],
        ["Зразок", "Модуль", "Найменування та маркування", "Виробник", "Кількість"],
        ["Зразок 1", "Автопілот", "CAN transceiver VP230", "Texas Instruments", 2],
        [None, "Автопілот", "MCU STM32F405RGT6", "STMicroelectronics", None],
        [None, "GNSS", "NEO-M8N", "u-blox", 1],
    ]}, merged={"Розбір": ["A5:A7"]})
    info, lines, issues = read_input(path)
    assert issues == []
    assert info.sheets[0].header_row == 4
    assert [line.source.row for line in lines] == [5, 6, 7]
    assert [line.get("sample") for line in lines] == ["Зразок 1"] * 3
    assert lines[0].get("marking") == "CAN transceiver VP230"
    assert lines[0].get("quantity") == "2"
    assert lines[0].source.id == "t.xlsx:Розбір:5"


def test_blank_repeated_header_and_total_rows_are_skipped(make_xlsx) -> None:
    path = make_xlsx({"S": [
        ["Part Number", "Manufacturer", "Qty"],
        ["TPS54331", "Texas Instruments", 1],
        [],
        ["Part Number", "Manufacturer", "Qty"],
        ["LM358", "", 2],
        ["Total", "", 3],
    ]})
    _, lines, _ = read_input(path)
    assert [line.get("part_number") for line in lines] == ["TPS54331", "LM358"]


def test_sheet_without_part_column_is_skipped_with_an_issue(make_xlsx) -> None:
    path = make_xlsx({"Notes": [["Photo", "Comment"], ["1.jpg", "board"]],
                      "Parts": [["Marking", "Maker"], ["VP230", "TI"]]})
    info, lines, issues = read_input(path)
    assert len(lines) == 1
    assert [(i.source, i.message) for i in issues] == [
        ("t.xlsx/Notes", ("Sheet skipped: no part number, marking or manufacturer column in its first rows in "
                         "t.xlsx/Notes. Name the column with --map \"HEADER=part_number\" if it is there under "
                         "another name."))]
    assert info.sheets[0].skipped


def test_no_usable_sheet_is_an_error(make_xlsx) -> None:
    path = make_xlsx({"Notes": [["Photo", "Comment"], ["1.jpg", "board"]]})
    with pytest.raises(NoPartColumn) as caught:
        read_input(path)
    assert caught.value.message == ("No sheet with a part number, marking or manufacturer column in t.xlsx. "
                                    "Give the header row with --header-row N, or name the columns with --map "
                                    "\"HEADER=part_number\".")


def test_map_overrides_a_header(make_xlsx) -> None:
    path = make_xlsx({"S": [["Позначка", "Хто"], ["VP230", "TI"]]})
    _, lines, _ = read_input(path, mapping={"Позначка": "marking", "Хто": "manufacturer"})
    assert lines[0].fields == {"marking": "VP230", "manufacturer": "TI"}


def test_map_ignore_leaves_a_detected_column_unread(make_xlsx) -> None:
    path = make_xlsx({"S": [["Маркування", "Виробник", "Країна"], ["VP230", "TI", "США"]]})
    info, lines, _ = read_input(path, mapping={"Країна": "ignore"})
    assert lines[0].fields == {"marking": "VP230", "manufacturer": "TI"}
    assert info.sheets[0].mapping == {"Маркування": "marking", "Виробник": "manufacturer"}


def test_map_names_the_fields_and_ignore_when_a_field_is_unknown() -> None:
    with pytest.raises(ValueError, match="unknown field 'maker' in --map .*importer, or ignore to leave"):
        parse_mapping({"Хто": "maker"})


SUMMARY_ABOVE_THE_PARTS = [
    ["Module", "Manufacturer", "Quantity", "Notes"],
    ["FC", "Texas Instruments", "1", "summary, not parts"],
    [],
    ["Маркування", "Виробник"],
    ["VP230", "TI"],
]


def test_header_row_can_be_given_where_detection_picks_the_wrong_one(make_xlsx) -> None:
    path = make_xlsx({"Board": SUMMARY_ABOVE_THE_PARTS})
    detected, _, _ = read_input(path)
    assert detected.sheets[0].header_row == 1
    info, lines, issues = read_input(path, header_rows={"Board": 4})
    assert (info.sheets[0].header_row, issues) == (4, [])
    assert [(line.source.row, line.fields) for line in lines] == [(5, {"marking": "VP230", "manufacturer": "TI"})]
    assert read_input(path, header_rows={"*": 4})[0].sheets[0].header_row == 4


def test_a_given_header_row_without_a_part_column_skips_the_sheet_with_a_reason(make_xlsx) -> None:
    path = make_xlsx({"Board": SUMMARY_ABOVE_THE_PARTS, "Other": [["Marking"], ["VP230"]]})
    info, lines, issues = read_input(path, header_rows={"Board": 3})
    assert [line.source.id for line in lines] == ["t.xlsx:Other:2"]
    assert info.sheets[0].skipped.startswith("skipped: row 3, given as its header, names no part number")
    assert issues[0].message.startswith("Sheet skipped: row 3, given as its header")
    assert "in t.xlsx/Board." in issues[0].message


def test_formulas_are_read_as_text_never_evaluated(make_xlsx) -> None:
    path = make_xlsx({"S": [["Marking", "Manufacturer"], ['=HYPERLINK("http://x.invalid","VP230")', "TI"]]})
    _, lines, _ = read_input(path)
    assert lines[0].get("marking") == '=HYPERLINK("http://x.invalid","VP230")'


def test_csv_cp1251_semicolon_with_line_numbers(tmp_path: Path) -> None:
    text = "Маркування;Виробник\r\nVP230;Texas Instruments\r\n\"MCU\nSTM32F405RGT6\";ST\r\n"
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode("cp1251"))
    info, lines, _ = read_input(path)
    assert [line.source.row for line in lines] == [2, 3]
    assert lines[1].get("marking") == "MCU STM32F405RGT6"
    assert lines[0].source.sheet is None
    assert info.sheets[0].mapping == {"Маркування": "marking", "Виробник": "manufacturer"}


def test_csv_utf8_bom(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes("Part Number,Manufacturer\nTPS54331,TI\n".encode("utf-8-sig"))
    _, lines, _ = read_input(path)
    assert lines[0].fields == {"part_number": "TPS54331", "manufacturer": "TI"}


def test_tsv(tmp_path: Path) -> None:
    path = tmp_path / "t.tsv"
    path.write_text("Marking\tManufacturer\nVP230\tTI\n", encoding="utf-8")
    _, lines, _ = read_input(path)
    assert lines[0].get("marking") == "VP230"


@pytest.mark.parametrize("name,data,error,message", [
    ("t.xlsx", b"not a zip at all", UnreadableInput,
     "Workbook is corrupt (not a valid .xlsx) in t.xlsx. Open and save it again in Excel."),
    ("t.xlsx", b"\xd0\xcf\x11\xe0" + b"\0" * 100, UnreadableInput,
     "Workbook is corrupt (not a valid .xlsx) in t.xlsx. Open and save it again in Excel."),
    ("t.xlsx", ENCRYPTED, UnreadableInput,
     "Workbook is encrypted (password-protected) in t.xlsx. Remove the password, then save it again."),
    ("t.xls", b"PK\x03\x04 a zip named .xls, cut short", UnreadableInput,
     "Workbook is corrupt in t.xls. Open and save it again, or save it as .xlsx."),
    ("t.pdf", b"%PDF-1.4", UnreadableInput,
     "Unsupported file type '.pdf' in t.pdf. Save it as .xlsx, .xls, .ods, .csv or .tsv."),
    ("t.csv", b"\x00\x01\x02binary", UnreadableInput,
     "File is binary, not text in t.csv. Save it as CSV (UTF-8)."),
])
def test_bad_files_raise_one_line_errors(tmp_path: Path, name: str, data: bytes, error: type,
                                          message: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(error) as caught:
        read_input(path)
    assert caught.value.message == message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UnreadableInput) as caught:
        read_input(tmp_path / "gone.xlsx")
    assert caught.value.message == "File not found in gone.xlsx. Check the path."


def test_zip_bomb_is_refused_before_opening(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 30_000_000)
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(InputTooLarge) as caught:
        read_input(path)
    assert caught.value.message.startswith("Workbook expands 1,028 times its packed size (to 29 MB), over "
                                           "the 100:1 ratio limit in bomb.xlsx. This looks like a zip bomb")


def test_file_over_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"Marking\n" + b"VP230\n" * 1000)
    with pytest.raises(InputTooLarge):
        read_input(path, limits=Limits(max_file_bytes=1000))


def test_a_bad_file_does_not_stop_the_good_ones(tmp_path: Path, make_xlsx) -> None:
    good = make_xlsx({"S": [["Marking"], ["VP230"]]})
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"garbage")
    result = read_inputs([bad, good])
    assert len(result.lines) == 1
    assert result.failed == [str(bad)]
    assert result.issues[0].source == "bad.xlsx"


def test_a_huge_crafted_cell_is_read_and_analysed_without_blowing_up(tmp_path: Path) -> None:
    from bomtrace.catalogs import load_catalogs
    from bomtrace.pipeline import run

    path = tmp_path / "t.csv"
    huge = "S0I1B8Z2" * 50_000
    path.write_text(f"Part Number,Marking,Manufacturer\n{huge},{huge} <script>x</script>,TI\n", encoding="utf-8")
    result = run([path], catalog=load_catalogs([Path(__file__).parent / "fixtures" / "catalog-mini"],
                                               shipped=False))
    [line] = result.lines
    assert line.line.get("part_number") == huge
    assert line.parsed.candidates == ()
    assert (line.match.confidence, line.attribution.company) == ("probable", "Texas Instruments")


ODS_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet><table:table table:name="Компоненти">
<table:table-row><table:table-cell office:value-type="string"><text:p>Звіт</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell office:value-type="string"><text:p>Маркування</text:p></table:table-cell>
<table:table-cell office:value-type="string"><text:p>Виробник</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell office:value-type="string"><text:p>VP230</text:p></table:table-cell>
<table:table-cell office:value-type="string"><text:p>TI</text:p></table:table-cell></table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>"""


ODS_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""


def test_ods_is_read_with_its_sheet_and_rows(tmp_path: Path) -> None:
    """A minimal OpenDocument spreadsheet, written without whitespace between cells as office suites do."""
    path = tmp_path / "t.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", ODS_CONTENT.replace("\n", " ").replace("> <", "><"))
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST)
    info, lines, _ = read_input(path)
    assert info.sheets[0].header_row == 2
    assert [(line.source.id, line.fields) for line in lines] == [
        ("t.ods:Компоненти:3", {"marking": "VP230", "manufacturer": "TI"})]


def test_legacy_xls_is_read_with_its_sheet_rows_and_numbers() -> None:
    """A BIFF8 .xls as older office suites save it (tests/fixtures/xls/build.py): title row, Ukrainian
    headers, quantities stored as numbers."""
    info, lines, issues = read_input(Path(__file__).parent / "fixtures" / "xls" / "legacy-teardown.xls")
    assert issues == []
    assert (info.sheets[0].name, info.sheets[0].header_row) == ("Компоненти", 3)
    assert [(line.source.id, line.fields) for line in lines] == [
        ("legacy-teardown.xls:Компоненти:4",
         {"marking": "CAN transceiver VP230", "manufacturer": "Texas Instruments", "quantity": "2"}),
        ("legacy-teardown.xls:Компоненти:5",
         {"marking": "RF transceiver AD 9364BBCZ #2116", "manufacturer": "Analog Devices", "quantity": "1"}),
    ]
