"""Case table for bomtrace.supply_chain: the maker split from the suppliers, importers and involved
companies that records copied from public databases put in the maker cell.

tests/cases/supply_chain.csv: party names are real companies of the OFAC SDN list and makers are
rows of the shipped catalog; most cells are composed from them (the note column says so).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bomtrace.supply_chain import Party, split_supply_chain

CASES = Path(__file__).parent / "cases"
DATA = Path(__file__).parent.parent / "bomtrace" / "data"


def _table(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


CELLS = _table(CASES / "supply_chain.csv")


def _parties(text: str) -> tuple[Party, ...]:
    parties = []
    for item in filter(None, text.split("|")):
        role, name = item.split(":", 1)
        assert role in ("supplier", "importer", "involved")
        parties.append(Party(role, name))
    return tuple(parties)


def test_the_case_table_covers_three_languages() -> None:
    assert len(CELLS) >= 20
    for words in (("Suppliers", "Importers", "Involved"), ("Постачальн", "Імпортер", "Причетн"),
                  ("Поставщик", "Импорт", "Причастн")):
        assert any(word in row["cell"] for row in CELLS for word in words)
    assert all(row["source"] and row["note"] for row in CELLS)


@pytest.mark.parametrize("row", CELLS, ids=[row["cell"][:60] for row in CELLS])
def test_split_supply_chain(row: dict[str, str]) -> None:
    chain = split_supply_chain(row["cell"])
    assert chain.maker == row["maker"]
    assert chain.parties == _parties(row["parties"])


def test_every_clause_word_opens_a_clause() -> None:
    words = [row for row in _table(DATA / "supply_chain_words.csv") if row["role"] != "legal_form"]
    assert {row["language"] for row in words} == {"en", "uk", "ru"}
    for row in words:
        chain = split_supply_chain(f"Analog Devices {row['word']} TACO LLC")
        assert chain.parties == (Party(row["role"], "TACO LLC"),), row["word"]
        assert chain.maker == "Analog Devices"


def test_clause_words_are_matched_in_any_case() -> None:
    chain = split_supply_chain("Analog Devices IMPORTERS TACO LLC")
    assert chain.parties == (Party("importer", "TACO LLC"),)


def test_an_empty_cell_is_an_empty_maker() -> None:
    assert split_supply_chain("") == split_supply_chain("   ")
    assert split_supply_chain("").maker == "" and split_supply_chain("").parties == ()
