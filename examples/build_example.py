"""Rebuild examples/illustrative-teardown.xlsx: python examples/build_example.py

ILLUSTRATIVE DATA. The workbook shows the messy shape investigators' spreadsheets take (title rows,
Ukrainian headers, merged sample and module cells, markings instead of clean part numbers). Every part
number in it is a real catalog part; the samples, modules, quantities, date codes and the country mark
are invented to show the format, and the combinations are illustrative, not records.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font

TITLE = ("ILLUSTRATIVE EXAMPLE - not a real teardown. The part numbers are real; the samples, modules "
         "and quantities are invented to show the format.")
SUBTITLE = "Перелік компонентів, виявлених у БпЛА (приклад для демонстрації)"
HEADER = ["№", "Зразок", "Модуль", "Найменування та маркування", "Виробник", "Кількість"]
SAMPLES = {
    "Зразок А (ілюстративний)": [
        ("Автопілот", "Мікроконтролер STM32F405RGT6 #2131 CHN", "STMicroelectronics", 1),
        ("Автопілот", "CAN transceiver VP230 27M", "Texas Instruments", 2),
        ("Автопілот", "RS-232 transceiver MAXIM MAX3232EUE+ 2104", "", 1),
        ("Автопілот", "Операційний підсилювач LM358", "", 1),
        ("Автопілот", "Flash W25Q128JVSIQ", "Winbond", 1),
        ("Навігація", "GNSS module NEO-M8N-0-10", "u-blox", 1),
        ("Навігація", "Microprocessor XILINX ZYNQ XC7Z020-1CLG400C", "", 1),
        ("Живлення", "DC-DC converter TPS54331DR", "Texas Instruments", 2),
        ("Живлення", "MOSFET IRF540NPBF", "International Rectifier (Infineon Technologies)", 4),
        ("Живлення", "Tantalum capacitor TAJB106K016RNJ", "KYOCERA AVX", 6),
    ],
    "Зразок Б (ілюстративний)": [
        ("Автопілот", "MCU STM32F1O3C8T6", "STMicroelectronics", 1),
        ("Автопілот", "USB-UART CH340G", "WCH", 1),
        ("Автопілот", "Memory GD25Q64CSIG", "GigaDevice", 1),
        ("Навігація", "NEO-M9N", "u-blox", 1),
        ("Відеомодуль", "Ethernet PHY DP83848IVV", "Texas Instruments", 1),
        ("Живлення", "Schottky diode SS34", "", 2),
        ("Живлення", "Capacitor", "", 3),
        ("Радіомодуль", "RF transceiver AD 9364BBCZ #2116", "Analog Devices", 1),
    ],
}


def build(path: Path) -> Path:
    """Write the illustrative workbook to `path`."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Компоненти"
    sheet.append([TITLE])
    sheet.append([SUBTITLE])
    sheet.append([])
    sheet.append(HEADER)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    number = 0
    for sample, lines in SAMPLES.items():
        first = sheet.max_row + 1
        for module, marking, maker, quantity in lines:
            number += 1
            sheet.append([number, sample, module, marking, maker, quantity])
        sheet.merge_cells(start_row=first, start_column=2, end_row=sheet.max_row, end_column=2)
        sheet.cell(first, 2).alignment = Alignment(vertical="top")
        _merge_runs(sheet, first, sheet.max_row, column=3)
    sheet.merge_cells("A1:F1")
    sheet.merge_cells("A2:F2")
    for column, width in zip("ABCDEF", (5, 26, 14, 48, 44, 10)):
        sheet.column_dimensions[column].width = width
    book.save(path)
    return path


def _merge_runs(sheet, first: int, last: int, column: int) -> None:
    """Merge runs of equal values in a column, as investigators do for a module spanning rows."""
    start = first
    for row in range(first + 1, last + 2):
        if row > last or sheet.cell(row, column).value != sheet.cell(start, column).value:
            if row - 1 > start:
                sheet.merge_cells(start_row=start, start_column=column, end_row=row - 1, end_column=column)
            start = row


if __name__ == "__main__":
    print(build(Path(__file__).with_name("illustrative-teardown.xlsx")))
