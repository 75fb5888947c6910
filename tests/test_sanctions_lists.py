"""The sanctions lists in use: the shipped OFAC SDN table is rebuilt from its extract byte for byte;
`bomtrace sanctions update` loads an official download into the user's folder, where it wins; a file
in an unknown format or with a missing column is a one-line error naming the file and what was
expected, and the list in use stays as it was. Every output names the lists and their dates."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from bomtrace import resources
from bomtrace.build.sanctions import build_sanctions
from bomtrace.catalogs import Catalog
from bomtrace.cli import app
from bomtrace.errors import SanctionsListError
from bomtrace.pipeline import Options, run
from bomtrace.report import write_outputs
from bomtrace.sanctions import lists as sanctions_lists
from bomtrace.sanctions import tables

FIXTURES = Path(__file__).parent / "fixtures" / "sanctions"
OFAC_CSV = [FIXTURES / "ofac-csv" / name for name in ("sdn.csv", "add.csv", "alt.csv")]
SHIPPED = resources.catalogs_dir()
runner = CliRunner()


@pytest.fixture
def user_lists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "user-sanctions"
    monkeypatch.setenv("BOMTRACE_SANCTIONS_DIR", str(folder))
    return folder


def test_a_rebuild_from_the_extract_is_the_shipped_table_byte_for_byte(tmp_path: Path) -> None:
    (written,) = build_sanctions(SHIPPED / "sources", tmp_path)
    assert written.read_bytes() == (SHIPPED / "sanctions" / "ofac-sdn.csv").read_bytes()


def test_the_shipped_table_dates_every_field_by_its_file() -> None:
    rows = list(csv.DictReader((SHIPPED / "sanctions" / "ofac-sdn.csv").open(encoding="utf-8")))
    assert len(rows) == 8073
    assert {r["name_from"] for r in rows} == {"sdn.csv 2024-05-03", ""}
    assert {r["aliases_from"] for r in rows} == {"alt.csv 2026-06-02", ""}
    assert {r["countries_from"] for r in rows} == {"add.csv 2026-06-02", ""}
    later = [r for r in rows if not r["name_from"]]
    assert len(later) == 1189 and {r["published"] for r in later} == {"2026-06-02"}
    milandr = next(r for r in rows if r["entry"] == "35199")
    assert (milandr["name"], milandr["countries"], milandr["programs"]) == ("JSC PKK MILANDR", "RU", "RUSSIA-EO14024")


def test_the_update_reader_uses_the_same_country_spellings_as_the_extract() -> None:
    assert resources.data_file("ofac_country_names.csv").read_bytes() == \
        (SHIPPED / "sources" / "country-names.csv").read_bytes()


def test_the_shipped_list_is_in_use_with_its_dates(user_lists: Path) -> None:
    (info,) = sanctions_lists.current().infos
    assert (info.list, info.published, info.entries, info.origin) == ("OFAC SDN", "2024-05-03", 8073, "shipped")
    assert info.files == (("add.csv", "2026-06-02", "address countries"), ("alt.csv", "2026-06-02", "aliases"),
                          ("sdn.csv", "2024-05-03", "names, programmes"))


def test_an_update_wins_over_the_shipped_list(user_lists: Path) -> None:
    result = runner.invoke(app, ["sanctions", "update", *map(str, OFAC_CSV), "--published", "2026-11-30"])
    assert (result.exit_code, result.stdout) == (0, (f"OFAC SDN: 8 entities of 2026-11-30 written to "
                                                    f"{user_lists / 'ofac-sdn.csv'}\n"))
    (info,) = sanctions_lists.current().infos
    assert (info.entries, info.published, info.origin) == (8, "2026-11-30", str(user_lists / "ofac-sdn.csv"))
    shown = runner.invoke(app, ["sanctions", "show"])
    assert shown.stdout == (f"OFAC SDN: 8 entities, {user_lists / 'ofac-sdn.csv'}\n"
                            "  address countries: add.csv of 2026-11-30\n  aliases: alt.csv of 2026-11-30\n"
                            "  names, programmes: sdn.csv of 2026-11-30\n")


def _bad_files(tmp_path: Path) -> list[tuple[list[Path], str]]:
    short = tmp_path / "sdn-short.csv"
    text = (FIXTURES / "ofac-csv" / "sdn.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    text[2] = text[2].rsplit(",", 1)[0] + "\r\n"  # the vessel's row loses its last column
    short.write_text("".join(text), encoding="utf-8")
    other = tmp_path / "teardown.csv"
    other.write_text("Marking,Manufacturer,Quantity\nVP230,Texas Instruments,1\n", encoding="utf-8")
    workbook = tmp_path / "list.xlsx"
    openpyxl.Workbook().save(workbook)
    foreign = tmp_path / "other.xml"
    foreign.write_text('<?xml version="1.0"?><export><sanctionEntity/></export>', encoding="utf-8")
    undated = tmp_path / "undated.xml"
    undated.write_text((FIXTURES / "ofac-xml" / "sdn.xml").read_text(encoding="utf-8")
                       .replace("<Publish_Date>05/03/2024</Publish_Date>", ""), encoding="utf-8")
    expected = ("Expected OFAC's sdn.csv (12 columns), add.csv (6) or alt.csv (5), or OFAC's sdn.xml (an sdnList "
                "with its Publish_Date).")
    return [
        ([short], (f"Error: {short}: row 3 has 11 of the 12 columns of OFAC's sdn.csv. Expected the columns "
                  "ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag, "
                  "Vess_owner, Remarks.\n")),
        ([other], f"Error: {other}: not a sanctions list bomtrace reads (a first row of 3 columns). {expected}\n"),
        ([workbook], f"Error: {workbook}: not a sanctions list bomtrace reads ("),
        ([foreign], f"Error: {foreign}: an XML file whose root is <export>, not OFAC's <sdnList>. {expected}\n"),
        ([undated], (f"Error: {undated}: no publshInformation/Publish_Date (MM/DD/YYYY) in the sdnList. Expected "
                    "OFAC's sdn.xml as downloaded.\n")),
        ([OFAC_CSV[1]], ("Error: add.csv: OFAC address or alias files without sdn.csv. Give sdn.csv with them "
                        "(add.csv and alt.csv only add to its entries).\n")),
    ]


def test_a_bad_file_is_one_line_naming_it_and_the_list_in_use_stays(tmp_path: Path, user_lists: Path) -> None:
    assert runner.invoke(app, ["sanctions", "update", *map(str, OFAC_CSV)]).exit_code == 0
    before = (user_lists / "ofac-sdn.csv").read_bytes()
    for files, message in _bad_files(tmp_path):
        result = runner.invoke(app, ["sanctions", "update", *map(str, files)])
        assert result.exit_code == 1
        assert result.stderr.startswith(message) and result.stderr.count("\n") == 1, result.stderr
        assert (user_lists / "ofac-sdn.csv").read_bytes() == before
        assert sanctions_lists.current().infos[0].entries == 8


def test_a_bad_publication_date_is_refused(user_lists: Path) -> None:
    with pytest.raises(SanctionsListError, match="'30/11/2026' is not a date"):
        sanctions_lists.update(OFAC_CSV, "30/11/2026")
    assert not user_lists.exists()


def test_a_user_table_without_its_columns_is_an_error_naming_it(user_lists: Path) -> None:
    user_lists.mkdir()
    (user_lists / "ofac-sdn.csv").write_text("entry,name\n36,AEROCARIBBEAN AIRLINES\n", encoding="utf-8")
    with pytest.raises(SanctionsListError, match="ofac-sdn.csv: not a bomtrace sanctions table"):
        sanctions_lists.current()


SUPPLIERS = [
    ("Part number", "Manufacturer", "Постачальник", "Importer"),
    ("SN65HVD230", "Texas Instruments", "Sinno Electronic Co Ltd", "ООО «Наночип»"),
    ("STM32F405RGT6", "STMicroelectronics", "SINNO ELECTRONICS TRADING", ""),
]


def test_every_output_names_the_hits_and_the_lists_dates(tmp_path: Path, mini: Catalog, user_lists: Path) -> None:
    sanctions_lists.update(OFAC_CSV, "2026-11-30")
    path = tmp_path / "t.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(SUPPLIERS)
    result = run([path], Options(generated_at="2026-12-01T00:00:00+00:00"), catalog=mini)
    out = tmp_path / "out"
    write_outputs(result, out)
    data = json.loads((out / "result.json").read_text(encoding="utf-8"))
    screening = data["screening"]
    assert [(h["entry"], h["party"], h["name_kind"], h["lines"]) for h in screening["hits"]] == [
        ("38641", "Sinno Electronic Co Ltd", "alias", ["t.csv::2"]),
        ("45933", "ООО «Наночип»", "name", ["t.csv::2"])]
    assert screening["lines_with_hits"] == 1
    assert screening["lists"][0]["files"][2] == {"file": "sdn.csv", "date": "2026-11-30",
                                                 "fields": "names, programmes"}
    assert data["lines"][1]["screening"] == []  # 'SINNO ELECTRONICS TRADING' is not the listed name
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="sanctions"' in html and "name matches list entry OFAC SDN 45933" in html
    assert "OFAC SDN (address countries: add.csv of 2026-11-30" in html
    rows = list(csv.DictReader(io.StringIO((out / "lines.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0]["screening"].startswith("name matches list entry OFAC SDN 38641: 'Sinno Electronic Co Ltd'")
    book = openpyxl.load_workbook(out / "report.xlsx")
    hits = [list(r) for r in book["Parties on sanctions lists"].iter_rows(values_only=True)]
    assert [(r[1], r[5]) for r in hits[1:]] == [("Sinno Electronic Co Ltd", "38641"), ("ООО «Наночип»", "45933")]
    dates = [list(r) for r in book["Sanctions list dates"].iter_rows(values_only=True)]
    assert dates[1][:4] == ["OFAC SDN", "add.csv", "2026-11-30", "address countries"]


def test_a_copy_of_the_shipped_table_in_the_user_folder_changes_nothing_but_its_origin(user_lists: Path) -> None:
    user_lists.mkdir()
    shutil.copy(tables.shipped_dir() / "ofac-sdn.csv", user_lists / "ofac-sdn.csv")
    (info,) = sanctions_lists.current().infos
    assert (info.entries, info.origin) == (8073, str(user_lists / "ofac-sdn.csv"))
