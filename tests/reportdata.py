"""A small teardown Result built by hand for the report tests: real parts and makers, real measures,
hostile cells, two dated samples; independent of the matcher and of the shipped catalogs."""

from __future__ import annotations

from bomtrace import aggregate
from bomtrace.models import (
    Attribution,
    CatalogInfo,
    Confidence,
    InputInfo,
    LineResult,
    Match,
    ParsedLine,
    RawLine,
    Restriction,
    Result,
    SheetInfo,
    Source,
    UnreadColumn,
)

GENERATED_AT = "2026-01-15T09:30:00+00:00"
FILE = "shahed-136.xlsx"
HOSTILE = {
    "marking": '=HYPERLINK("http://evil.example/x","click me")',
    "manufacturer": "<script>alert('x')</script>",
    "part_number": "+cmd|' /C calc'!A0",
    "module": "@SUM(A1:A9)",
}

#: Real measures (shared/reference/restrictions-timeline.csv), enough to place the dated parts.
MEASURES = (
    Restriction("2022-02-24", "US", "BIS Russia sanctions rule takes effect (87 FR 12226)", ("RU",),
                "https://regulations.justia.com/regulations/fedreg/2023/05/23/2023-10774.html"),
    Restriction("2022-02-25", "EU", "Reg 2022/328: ban on dual-use goods and Annex VII goods to Russia", ("RU",),
                "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32022R0328"),
    Restriction("2023-02-24", "US", "BIS Iran UAV rule (88 FR 12150)", ("IR", "RU", "BY"),
                "https://www.federalregister.gov/d/2023-03927"),
    Restriction("2024-02-23", "US/EU/UK/JP", "Common High Priority List", ("RU",),
                "https://www.bis.gov/licensing/country-guidance/common-high-priority-items-list-chpl"),
)

TI = ("Texas Instruments", "texas-instruments", "Texas Instruments", "US")
ST = ("STMicroelectronics", "stmicroelectronics", "STMicroelectronics", "CH")
UBLOX = ("u-blox", "u-blox", "u-blox", "CH")
IR = ("International Rectifier", "international-rectifier", "Infineon Technologies", "US")
XILINX = ("Xilinx", "xilinx", "AMD", "US")
MICROCHIP = ("Microchip Technology", "microchip", "Microchip Technology", "US")
CATEGORY = {"interface": ("854239", "1"), "mcu": ("854231", "1"), "gnss-module": ("852691", "2"),
            "power-transistor": ("854129", "3.A"), "fpga": ("854231", "1"), "amplifier": ("854233", "1")}


def line(row: int, fields: dict[str, str], method: str, score: float, confidence: Confidence,
         maker: tuple[str, str, str, str] | None, category: str | None, detail: str,
         date_code: str | None = None, flags: tuple[str, ...] = (), source: str | None = None,
         sheet: str = "Parts") -> LineResult:
    """One analysed line, as the pipeline would have produced it."""
    hs6, tier = CATEGORY.get(category or "", (None, None))
    company, company_id, owner, country = maker or (None, None, None, None)
    match = Match(method, score, confidence, company_id, catalog_part=fields.get("part_number") or None,
                  category=category, detail=detail, source=source, flags=flags,
                  matched_text=fields.get("part_number") or (fields.get("marking") or "").split(" ")[0] or None)
    attribution = Attribution(company, company_id, owner, country, category, hs6, tier)
    parsed = ParsedLine((), (), date_code, (), ())
    return LineResult(RawLine(Source(FILE, sheet, row), fields, dict(fields)), parsed, match, attribution,
                      flags)


def lines() -> list[LineResult]:
    """Eight lines: five confirmed or probable, an ambiguous LM358, a maker conflict, a hostile row."""
    a, b = "Shahed-136 2023-05-12", "Shahed-136 2024-01-20"
    return [
        line(2, {"module": "Flight controller", "marking": "VP230 2116", "manufacturer": "Texas Instruments",
                 "sample": a}, "marking-code", 95, "confirmed", TI, "interface",
             "'VP230' is the top marking of SN65HVD230; maker Texas Instruments agrees", "2116",
             source="https://www.ti.com/product/SN65HVD230"),
        line(3, {"module": "Flight controller", "part_number": "STM32F405RGT6", "sample": a}, "exact", 100,
             "confirmed", ST, "mcu", "'STM32F405RGT6' is catalog part STM32F405RGT6", "1845",
             source="https://www.st.com/en/microcontrollers-microprocessors/stm32f405rg.html"),
        line(4, {"module": "GNSS", "part_number": "NEO-M8N", "manufacturer": "u-blox", "sample": a}, "exact",
             100, "confirmed", UBLOX, "gnss-module", "'NEO-M8N' is catalog part NEO-M8N; maker u-blox agrees",
             "2310", source="https://www.u-blox.com/en/product/neo-m8-series"),
        line(5, {"module": "Power", "marking": "LM358", "sample": b}, "exact", 100, "unresolved", None,
             "amplifier", "'LM358' is catalog part LM358; made by several makers (Texas Instruments, onsemi, "
             "STMicroelectronics) and no maker is named", flags=("ambiguous_part",)),
        line(6, {"module": "Power", "part_number": "IRF540N", "manufacturer": "Vishay", "sample": b},
             "maker-name", 90, "possible", IR, "power-transistor",
             "'IRF540N' is catalog part IRF540N, made by International Rectifier, but the source names "
             "Vishay: kept, for review", "4521", flags=("maker_conflict",)),
        line(7, {**HOSTILE, "sample": b}, "none", 0, "unresolved", None, None,
             "no part number found and no maker named", flags=("unknown_maker",)),
        line(8, {"module": "Video", "part_number": "XC7Z020", "sample": b}, "exact", 100, "confirmed", XILINX,
             "fpga", "'XC7Z020' is catalog part XC7Z020", "2208"),
        line(9, {"module": "Flight controller", "part_number": "ATMEGA328P", "manufacturer": "Microchip",
                 "sample": b}, "exact", 100, "confirmed", MICROCHIP, "mcu",
             "'ATMEGA328P' is catalog part ATMEGA328P; maker Microchip Technology agrees", "#2201"),
    ]


def result(results: list[LineResult] | None = None) -> Result:
    """The Result the report tests render."""
    results = lines() if results is None else results
    return Result(
        inputs=[InputInfo(FILE, "9f" * 32, [
            SheetInfo("Parts", 1, {"Marking": "marking"}, len(results), rows_read=len(results) + 3,
                      skipped_rows={"blank": 1, "title": 1, "total": 1},
                      unread=(UnreadColumn(5, "Фото", 2, "IMG_0412.jpg", "not recognised"),)),
            SheetInfo("Photos", None, {}, 0, "skipped: no part number, marking or manufacturer column in its first "
                      "rows", rows_read=4, skipped_rows={"sheet skipped": 4})])],
        catalogs=[CatalogInfo("test-report", "1", 42, "ab" * 32, "2026-11-25")],
        basis="brand",
        generated_at=GENERATED_AT,
        lines=results,
        breakdown=aggregate.breakdown(results),
        by_sample=aggregate.by_sample(results),
        issues=[],
        as_of="2026-11-25",
    )
