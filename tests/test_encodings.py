"""CSV encodings as spreadsheets in the region write them: Ukrainian in cp1251 and koi8-u, Russian in
cp1251, koi8-r and cp866, accented Latin in cp1252; semicolon and comma; title lines above the header;
and a body of Latin markings under a Cyrillic header long past the first rows. Each reads with the
right text and records the encoding it was read in. Fixtures are generated here, not committed."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from bomtrace.ingest import decode_text, read_input

#: language -> (title line, header, body rows): the notes are filler text in that language (with its
#: own letters: і ї є ґ in Ukrainian, ё ъ ы in Russian, accents in the Latin one); parts are real.
TEXTS = {
    "uk": ("Розбір зразка: плата керування",
           ["Поз.", "Зразок", "Найменування та маркування", "Виробник", "Кількість", "Примітка"],
           [["1", "Зразок 1", "Приймач GNSS NEO-M8N", "u-blox", "1 шт.", "Є сліди ґрунтовки, їх знято"],
            ["2", "Зразок 1", "Мікросхема SN65HVD230", "Texas Instruments", "2", "Знайдено під екраном"]]),
    "ru": ("Разбор образца: плата управления",
           ["Поз.", "Образец", "Наименование и маркировка", "Производитель", "Количество", "Примечание"],
           [["1", "Образец 1", "Приёмник GNSS NEO-M8N", "u-blox", "1 шт.", "Съёмный экран, следы пайки"],
            ["2", "Образец 1", "Микросхема SN65HVD230", "Texas Instruments", "2", "Обнаружено под экраном"]]),
    "latin": ("Teardown: carte mère, côté gauche",
              ["No.", "Sample", "Marking", "Manufacturer", "Qty", "Notes"],
              [["1", "Échantillon 1", "NEO-M8N", "u-blox", "1", "Lötstelle geprüft, côté soudure"],
               ["2", "Échantillon 1", "SN65HVD230", "Texas Instruments", "2", "Très endommagé, à revoir"]]),
}
CASES = [("uk", "cp1251"), ("uk", "koi8-u"), ("ru", "cp1251"), ("ru", "koi8-r"), ("ru", "cp866"),
         ("latin", "cp1252")]
#: rows of Latin markings under the header, past where a detector sampling the start gives up
LATIN_ROWS = [["", "", "ADXL326", "Analog Devices", "1", ""], ["", "", "AD9364", "Analog Devices", "1", ""]] * 60


def teardown(language: str, delimiter: str, latin_body: bool) -> tuple[str, list[list[str]]]:
    """The text of a teardown CSV (a title line, a blank line, the header, the rows) and its rows."""
    title, header, rows = TEXTS[language]
    body = rows + (LATIN_ROWS if latin_body else [])
    if latin_body:
        body = body + [rows[0]]  # the language's letters once more, far down
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([title] + [""] * (len(header) - 1))
    writer.writerow([])
    writer.writerow(header)
    writer.writerows(body)
    return out.getvalue(), body


@pytest.mark.parametrize("latin_body", [False, True], ids=["short", "latin-markings-body"])
@pytest.mark.parametrize("delimiter", [";", ","], ids=["semicolon", "comma"])
@pytest.mark.parametrize("language,encoding", CASES, ids=[f"{lang}-{enc}" for lang, enc in CASES])
def test_regional_encodings_read_with_the_right_text(tmp_path: Path, language: str, encoding: str,
                                                     delimiter: str, latin_body: bool) -> None:
    text, body = teardown(language, delimiter, latin_body)
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode(encoding))
    info, lines, _ = read_input(path)
    assert info.encoding == encoding
    assert info.sheets[0].header_row == 3
    assert info.sheets[0].headers == tuple(TEXTS[language][1])
    assert [list(line.raw.values()) for line in lines] == [[cell for cell in row if cell] for row in body]


def test_utf8_with_and_without_bom_and_utf16_are_read_as_such() -> None:
    text = "Маркування;Виробник\r\nVP230;Texas Instruments\r\n"
    assert decode_text("t.csv", text.encode("utf-8")) == (text, "utf-8")
    assert decode_text("t.csv", text.encode("utf-8-sig")) == (text, "utf-8")
    assert decode_text("t.csv", text.encode("utf-16")) == (text, "utf-16")


def test_an_ascii_header_over_cp1252_text_does_not_read_as_cyrillic() -> None:
    data = "Marking;Manufacturer;Notes\nNEO-M8N;u-blox;Lötstelle geprüft, côté soudure\n".encode("cp1252")
    text, encoding = decode_text("t.csv", data)
    assert (encoding, text.splitlines()[1]) == ("cp1252", "NEO-M8N;u-blox;Lötstelle geprüft, côté soudure")


def test_text_in_no_regional_encoding_falls_back_to_detection() -> None:
    text = "部品番号,メーカー\nSN65HVD230,テキサス・インスツルメンツ\n" * 20
    decoded, encoding = decode_text("t.csv", text.encode("shift_jis"))
    assert decoded == text
    assert encoding not in ("cp1251", "cp1252", "koi8-r", "koi8-u", "cp866", "utf-8")
