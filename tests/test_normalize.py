"""Case tables for bomtrace.normalize: part keys, markings, maker names, date codes.

The CSV tables under tests/cases hold real part numbers and realistic markings with the value each
documented rule gives; they are written by hand from the rules, never from the function's output.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bomtrace.models import RawLine, Source
from bomtrace.normalize import (
    fold_lookalikes,
    is_part_like,
    looks_like_date_code,
    maker_key,
    parse_line,
    part_key,
    split_maker_name,
)

CASES = Path(__file__).parent / "cases"


def _table(name: str) -> list[dict[str, str]]:
    with (CASES / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _params(name: str, *columns: str) -> list:
    rows = _table(name)
    ids = [row["rule"] for row in rows]
    assert len(ids) == len(set(ids)), f"{name}: every rule must be unique to serve as a test id"
    return [pytest.param(*(row[c] for c in columns), id=row["rule"]) for row in rows]


# --- part keys -----------------------------------------------------------------------------------


def test_part_key_table_is_large_enough() -> None:
    assert len(_table("part_keys.csv")) >= 60


@pytest.mark.parametrize(("text", "key"), _params("part_keys.csv", "text", "key"))
def test_part_key(text: str, key: str) -> None:
    assert part_key(text) == key


@pytest.mark.parametrize(("text", "key"), _params("part_keys.csv", "text", "key"))
def test_part_key_is_idempotent(text: str, key: str) -> None:
    assert part_key(key) == key


# --- markings ------------------------------------------------------------------------------------


def _line(marking: str) -> RawLine:
    return RawLine(Source("cases.csv", None, 2), {"marking": marking}, {"Marking": marking})


def test_marking_table_is_large_enough() -> None:
    assert len(_table("markings.csv")) >= 25


@pytest.mark.parametrize(
    ("marking", "candidates", "date_code", "last_resort"),
    _params("markings.csv", "marking", "candidates", "date_code", "last_resort"),
)
def test_parse_marking(marking: str, candidates: str, date_code: str, last_resort: str) -> None:
    parsed = parse_line(_line(marking))
    expected = [c for c in candidates.split("|") if c] + [c for c in last_resort.split("|") if c]
    assert [c.key for c in parsed.candidates] == expected
    assert [c.key for c in parsed.candidates if c.last_resort] == [c for c in last_resort.split("|") if c]
    assert all(c.origin == "marking" for c in parsed.candidates)
    assert parsed.date_code == (date_code or None)


def test_part_number_field_comes_first() -> None:
    line = RawLine(
        Source("cases.csv", None, 2),
        {"part_number": "AD9364BBCZ-REEL7", "marking": "AD 9364BBCZ #2116"},
        {},
    )
    parsed = parse_line(line)
    assert [c.key for c in parsed.candidates] == ["AD9364BBCZ", "9364BBCZ"]
    assert parsed.candidates[0].origin == "part_number"
    assert parsed.date_code == "2116"


def test_date_code_field_wins_over_marking() -> None:
    line = RawLine(Source("cases.csv", None, 2), {"marking": "LM358 #2116", "date_code": "1952"}, {})
    assert parse_line(line).date_code == "1952"


def test_lot_codes_collected() -> None:
    parsed = parse_line(_line("High Performance RF Agile Transceiver AD 9364BBCZ #2116 5311566"))
    assert parsed.lot_codes == ("5311566",)


# --- maker names ---------------------------------------------------------------------------------

MAKER_KEYS = [
    ("Texas Instruments Incorporated", "texas instruments", "Incorporated dropped"),
    ("Texas Instruments, Inc.", "texas instruments", "comma Inc. dropped"),
    ("TEXAS INSTRUMENTS", "texas instruments", "upper case lowered"),
    ("Murata Manufacturing Co., Ltd.", "murata manufacturing", "Co., Ltd. dropped"),
    ("Analog Devices, Inc.", "analog devices", "ADI Inc."),
    ("Microchip Technology Inc.", "microchip technology", "Microchip Inc."),
    ("Infineon Technologies AG", "infineon technologies", "German AG"),
    ("STMicroelectronics N.V.", "stmicroelectronics", "Dutch N.V. with dots"),
    ("NXP Semiconductors N.V.", "nxp semiconductors", "NXP N.V."),
    ("Nexperia B.V.", "nexperia", "Dutch B.V. with dots"),
    ("Winbond Electronics Corporation", "winbond electronics", "Corporation dropped"),
    ("Micron Technology, Inc.", "micron technology", "Micron Inc."),
    ("Xilinx, Inc.", "xilinx", "Xilinx Inc."),
    ("Altera Corporation", "altera", "Altera Corporation"),
    ("Linear Technology Corp.", "linear technology", "Corp. dropped"),
    ("Maxim Integrated Products, Inc.", "maxim integrated products", "Maxim Inc."),
    ("Semiconductor Components Industries, LLC", "semiconductor components industries", "onsemi LLC"),
    ("Bosch Sensortec GmbH", "bosch sensortec", "German GmbH"),
    ("Würth Elektronik GmbH & Co. KG", "wurth elektronik", "GmbH & Co. KG and umlaut"),
    ("Taiyo Yuden Co., Ltd.", "taiyo yuden", "Japanese Co., Ltd."),
    ("ROHM Co., Ltd.", "rohm", "ROHM Co., Ltd."),
    ("GigaDevice Semiconductor Inc.", "gigadevice semiconductor", "GigaDevice Inc."),
    ("Микрон", "mikron", "Cyrillic transliterated"),
    ("ПАО «Микрон»", "mikron", "Russian PAO and guillemets"),
    ("АО «Ангстрем»", "angstrem", "Russian AO and guillemets"),
    ("АО «ПКК Миландр»", "pkk milandr", "Russian AO multiword"),
]


@pytest.mark.parametrize(("name", "key"), [pytest.param(n, k, id=r) for n, k, r in MAKER_KEYS])
def test_maker_key(name: str, key: str) -> None:
    assert maker_key(name) == key


MAKER_SAME = [
    ("Texas Instruments Incorporated", "texas instruments"),
    ("Analog Devices Inc", "Analog Devices, Inc."),
    ("u-blox AG", "u-blox"),
    ("U-BLOX", "u-blox"),
    ("STMicroelectronics", "STMicroelectronics N.V."),
    ("Микрон", "Mikron"),
    ("ПАО «Микрон»", "Mikron"),
    ("Infineon Technologies AG", "INFINEON TECHNOLOGIES"),
]


@pytest.mark.parametrize(("left", "right"), MAKER_SAME)
def test_maker_key_same(left: str, right: str) -> None:
    assert maker_key(left) == maker_key(right)


def test_maker_key_keeps_different_makers_apart() -> None:
    assert maker_key("Analog Devices") != maker_key("Texas Instruments")
    assert maker_key("Maxim Integrated") != maker_key("Microchip Technology")


SPLITS = [
    ("International Rectifier (Infineon Technologies)", "International Rectifier", ("Infineon Technologies",)),
    ("Linear Technology (Analog Devices)", "Linear Technology", ("Analog Devices",)),
    ("Altera (Intel)", "Altera", ("Intel",)),
    ("Freescale (NXP) (Motorola)", "Freescale", ("NXP", "Motorola")),
    ("  Spansion  (Cypress)  ", "Spansion", ("Cypress",)),
    ("Atmel (Microchip) -", "Atmel", ("Microchip",)),
    ("Winbond ( )", "Winbond", ()),
    ("STMicroelectronics", "STMicroelectronics", ()),
]


@pytest.mark.parametrize(("text", "primary", "bracketed"), SPLITS)
def test_split_maker_name(text: str, primary: str, bracketed: tuple[str, ...]) -> None:
    parts = split_maker_name(text)
    assert parts.text == text
    assert parts.primary == primary
    assert parts.bracketed == bracketed


# --- date codes, part-like tokens, look-alikes ---------------------------------------------------

DATE_CODES = [
    ("#2116", "2116"),
    ("2116", "2116"),
    ("1652", "1652"),
    ("2153", "2153"),
    ("4521", "4521"),  # week 45 of 2021, WWYY
    ("5340", "5340"),  # week 53 of 2040, WWYY
    ("#1835", "1835"),
    ("2154", None),  # week 54 does not exist, and 54 is no year
    ("9912", None),
    ("0000", None),
    ("#21", None),
    ("21161", None),
    ("2116A", None),
    ("AB12", None),
    ("", None),
    ("# 2116", None),
]


@pytest.mark.parametrize(("token", "code"), DATE_CODES)
def test_looks_like_date_code(token: str, code: str | None) -> None:
    assert looks_like_date_code(token) == code


PART_LIKE = [
    ("LM358", True),
    ("STM32F405RGT6", True),
    ("AD9364BBCZ", True),
    ("1N4148", True),
    ("2N7002", True),
    ("74HC595", True),
    ("MAX3232ESE+T", True),
    ("1.5SMC6.8CA", True),
    ("ATMEGA328P-AU", True),
    ("3.3V", False),
    ("560uF", False),
    ("6W", False),
    ("12V", False),
    ("1000mAh", False),
    ("16MHz", False),
    ("2.4GHz", False),
    ("10uH", False),
    ("470µF", False),
    ("I2C", False),
    ("RS-485", False),
    ("USB2.0", False),
    ("QFN48", False),
    ("X7R", False),
    ("Cortex-M4", False),
    ("Transceiver", False),
    ("5311566", False),
    ("AB", False),
    ("A1", False),
]


@pytest.mark.parametrize(("token", "expected"), PART_LIKE)
def test_is_part_like(token: str, expected: bool) -> None:
    assert is_part_like(token) is expected


LOOKALIKES = [
    ("\u0410\u0422\u041c\u0415G\u0410", "ATMEGA"),  # Cyrillic А Т М Е + Latin G
    ("\u0425\u04217Z020", "XC7Z020"),  # Cyrillic Х С
    ("\u0406RF3205", "IRF3205"),  # Ukrainian І
    ("\u0455tm32", "STM32"),  # Cyrillic ѕ, lower case
    ("\u0391\u0392\u0395\u0397", "ABEH"),  # Greek capitals
    ("lm358dr", "LM358DR"),
    ("ad-9364", "AD-9364"),  # punctuation is not its business
    ("\u0414", "\u0414"),  # Д looks like no Latin letter
]


@pytest.mark.parametrize(("text", "folded"), LOOKALIKES)
def test_fold_lookalikes(text: str, folded: str) -> None:
    assert fold_lookalikes(text) == folded
