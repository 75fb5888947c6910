"""Legacy .xls and .ods, read by calamine in a child process. calamine parses a whole sheet natively
and aborts the process when an allocation fails (an .ods cell repeated across a thousand columns and
a hundred thousand rows asks for gigabytes), so it cannot be bounded from outside: the child gets an
address-space limit (RLIMIT_AS: what it starts with, plus 20 times the file's expanded size, at least
Limits.reader_memory_floor and at most Limits.reader_memory_bytes) and a time limit, builds its tables
through the same TableBuilder limits, and sends them back as JSON. A crafted file costs an error, never
the process that asked (nor a web server)."""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import zipfile
from multiprocessing.connection import Connection
from typing import Any

from bomtrace.config import MB, Limits
from bomtrace.errors import InputError, InputTooLarge, NoPartColumn, UnreadableInput
from bomtrace.ingest.tables import Budget, Table, TableBuilder

_ERRORS: dict[str, type[InputError]] = {cls.__name__: cls for cls in (UnreadableInput, InputTooLarge, NoPartColumn)}


#: how many times its expanded size a file's reader may use
MEMORY_PER_BYTE = 20


def reader_allowance(data: bytes, limits: Limits) -> int:
    """The memory the reader of `data` may add: MEMORY_PER_BYTE times its expanded size (members of
    a zip, else the file), within Limits.reader_memory_floor and reader_memory_bytes."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        expanded = len(data)
    return min(limits.reader_memory_bytes, max(limits.reader_memory_floor, MEMORY_PER_BYTE * expanded))


def calamine_tables(name: str, data: bytes, limits: Limits, head: int | None = None) -> list[Table]:
    """Every sheet of an .xls or .ods as a Table, read in a child process within the limits."""
    if "forkserver" in multiprocessing.get_all_start_methods():  # a clean process to fork from, even in a server
        context: Any = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
    else:
        context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    allowance = reader_allowance(data, limits)
    child = context.Process(target=_child, args=(sender, name, data, limits, head, allowance), daemon=True,
                            name="bomtrace-calamine")
    child.start()
    sender.close()
    try:
        payload = _receive(receiver, child, name, limits, allowance)
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(5)
    return _tables(name, payload)


def _receive(receiver: Connection, child: Any, name: str, limits: Limits, allowance: int) -> bytes:
    """The child's answer; an error naming the limit when it ran out of memory or time."""
    if not receiver.poll(limits.reader_seconds):
        child.kill()
        raise InputTooLarge(f"Workbook took over {limits.reader_seconds:,.0f} s to read, over the time limit", name,
                            "If it is a real teardown, save it as .xlsx or CSV (read in a stream), or raise "
                            "Limits.reader_seconds.")
    try:
        return receiver.recv_bytes(_most_bytes(limits))
    except (EOFError, OSError):
        child.join(5)
    if child.exitcode is not None and child.exitcode < 0:  # killed by a signal: calamine's abort, the OOM killer
        raise _too_big(name, allowance, f" (the reader was stopped by signal {-child.exitcode})")
    raise UnreadableInput(f"Workbook cannot be read (the reader ended with exit code {child.exitcode})", name,
                          "Save it as .xlsx and try again.")


def _too_big(name: str, allowance: int, how: str = "") -> InputTooLarge:
    """The error for a workbook whose reader ran out of the memory it may use."""
    return InputTooLarge(f"Workbook needs more than the {allowance // MB:,} MB its reader may use{how}", name,
                         "If it is a real teardown, save it as .xlsx or CSV (read in a stream), or raise "
                         "Limits.reader_memory_floor and reader_memory_bytes.")


def _most_bytes(limits: Limits) -> int:
    """The largest answer the child may send: its text budget in UTF-8 with JSON's quoting, and more."""
    return 8 * limits.max_text_chars + 16 * limits.max_cells + MB


def _tables(name: str, payload: bytes) -> list[Table]:
    """Tables (or the child's error) from its JSON answer."""
    answer = json.loads(payload)
    if "error" in answer:
        error = answer["error"]
        cls = _ERRORS.get(error["type"], UnreadableInput)
        raise cls(error["what"], name, error["fix"], error["sheet"], error["row"])
    return [Table(t["name"], [(number, cells) for number, cells in t["rows"]],
                  {int(k): v for k, v in t["cleaned"].items()}, {int(k): v for k, v in t["beyond"].items()},
                  frozenset(t["titles"]), None, tuple(t["name_cleaned"]), tuple(t["unfilled_merges"]))
            for t in answer["tables"]]


def _child(sender: Connection, name: str, data: bytes, limits: Limits, head: int | None, allowance: int) -> None:
    """In the child: limit the address space, read, answer with the tables or the error as JSON."""
    _limit_memory(allowance)
    try:
        tables = _read(name, data, limits, head)
        answer: dict[str, Any] = {"tables": [
            {"name": t.name, "rows": t.rows, "cleaned": t.cleaned, "beyond": t.beyond, "titles": sorted(t.titles),
             "name_cleaned": list(t.name_cleaned), "unfilled_merges": list(t.unfilled_merges)} for t in tables]}
    except InputError as error:
        answer = {"error": {"type": type(error).__name__, "what": error.what.removesuffix(f" in {error.place}"),
                            "fix": error.fix,
                            "sheet": error.sheet, "row": error.row}}
    except MemoryError:
        too_big = _too_big(name, allowance)
        answer = {"error": {"type": "InputTooLarge", "what": too_big.what.removesuffix(f" in {too_big.place}"),
                            "fix": too_big.fix, "sheet": None, "row": None}}
    sender.send_bytes(json.dumps(answer, ensure_ascii=False).encode("utf-8"))
    sender.close()


def _limit_memory(allowance: int) -> None:
    """Cap this process's address space at what it uses now plus `allowance` (where the OS allows)."""
    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as handle:
            in_use = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (in_use + allowance, resource.getrlimit(resource.RLIMIT_AS)[1]))
    except (ImportError, OSError, ValueError):  # not Linux: the time limit still holds
        pass


def _read(name: str, data: bytes, limits: Limits, head: int | None) -> list[Table]:
    """calamine's sheets through the TableBuilder (rows numbered from 1, columns from A)."""
    from python_calamine import CalamineWorkbook

    budget = Budget(name, limits)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as error:  # calamine's error for a broken file, or for one it has no memory to open
        detail = " ".join(str(error).split())[:80]
        raise UnreadableInput(f"Workbook cannot be opened ({type(error).__name__}: {detail})", name,
                              "Save it as .xlsx and try again.") from error
    tables = []
    for sheet_name in book.sheet_names:
        builder = TableBuilder(name, sheet_name, limits, budget)
        try:
            sheet = book.get_sheet_by_name(sheet_name)
            pad: list[object] = [None] * sheet.start[1] if sheet.start else []
            for index, row in enumerate(sheet.iter_rows()):
                builder.add(index + 1, pad + row)
                if head is not None and builder.filled >= head:
                    break
            for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []:
                builder.merge(r0 + 1, c0 + 1, r1 + 1, c1 + 1)
        except InputError:
            raise
        except Exception as error:
            raise UnreadableInput(f"Sheet cannot be read ({type(error).__name__})", name,
                                  "Save it as .xlsx and try again.", builder.name) from error
        tables.append(builder.build())
    return tables
