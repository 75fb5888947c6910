"""Words and small formats that several stages share, each defined once: the review decisions, the
method a decided line gets, how a place in an input is written, and `NAME=VALUE` option items."""

from __future__ import annotations

from typing import Literal

DecisionKind = Literal["accept", "reject", "set_maker", "set_part"]
#: What a reviewer can decide about a line.
DECISIONS: tuple[DecisionKind, ...] = ("accept", "reject", "set_maker", "set_part")
#: Decisions that need a value (the maker, the part number).
DECISIONS_WITH_VALUE: frozenset[str] = frozenset({"set_maker", "set_part"})
#: The match method of a line a reviewer decided.
OVERRIDE = "override"
#: The flag a decided line carries, followed by the decision: `review:accept`.
REVIEW_FLAG = "review:"


def place(file: str, sheet: str | None = None, row: int | None = None) -> str:
    """Where something is in an input, as every message writes it: `file`, `file/sheet`, `file/sheet row 4`."""
    return file + (f"/{sheet}" if sheet else "") + (f" row {row}" if row else "")


def split_assignment(item: str, *, at_last: bool = True) -> tuple[str, str] | None:
    """`NAME=VALUE` as (name, value), both trimmed; None when there is no `=` or no name. A column
    header may itself hold `=`, so mappings split at the last one; a value may, so defaults split at
    the first (`at_last=False`)."""
    name, sep, value = item.rpartition("=") if at_last else item.partition("=")
    if not sep or not name.strip():
        return None
    return name.strip(), value.strip()
