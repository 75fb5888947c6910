"""Time and peak memory of ingest (issue 14), each case a fresh process: wall time, CPU time and peak
RSS (from GNU time). Run by hand from the repository, the package installed:

    python bench/ingest_bench.py [--rows 199000] [--before DIR] [--only big|crafted] [--timeout 900]

`big`: a SYNTHETIC 46 MB / 199,000-row teardown CSV (UTF-8, Ukrainian header, rows drawn from the
shipped catalog's parts with their makers, seeded; notes pad each row to the size of the issue's
file), written to a temporary folder, then: ingest alone, `bomtrace.run` without outputs,
`bomtrace analyze --format json,csv`, and `bomtrace analyze` with every output.

`crafted`: every input of tests/crafted.py (the same files the tests use) through `bomtrace analyze
FILE --format json`, the YAML alias bomb through `--overrides`, two bombs built to hurt more (a valid
workbook whose sheet expands to 2 GB, named .xls and .xlsx), and the .xls/.ods reader of the
repeated-columns file alone, in a process with the reader's address-space limit (the child process
`bomtrace analyze` starts for it is not counted in its parent's peak).

`--before DIR` runs every case again with DIR first on PYTHONPATH (a checkout of older code, e.g.
`git archive be6e162 | tar -x -C DIR`), under an 8 GB address-space cap and the timeout, so a case
that blew up before is reported rather than taking the machine down.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.crafted: the crafted inputs the tests use

from tests import crafted

HEADER = ["№", "Зразок", "Модуль", "Найменування та маркування", "Виробник", "Кількість", "Країна", "Примітки"]
NOTE = "Знайдено на платі керування, маркування читається частково "
BEFORE_CAP = 8 * 1024**3
TIME = "/usr/bin/time"  # GNU time: the peak RSS of the command alone
#: a case that calls code only this version has (skipped for --before)
READER_ALONE = "the reader alone, address space capped as in its child"


@dataclass
class Figure:
    case: str
    seconds: float
    cpu_seconds: float
    peak_mb: float
    outcome: str


def big_csv(path: Path, rows: int, seed: int = 5) -> Path:
    """The synthetic teardown: real catalog parts and makers, invented samples, modules and notes."""
    from bomtrace.catalogs import load_catalogs

    catalog = load_catalogs()
    parts = list(catalog.all_parts())
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n in range(rows):
            part = rng.choice(parts)
            writer.writerow([n + 1, f"Зразок {n // 5000 + 1}", f"Плата {n % 37}",
                             f"{part.description} {part.part_number}", catalog.manufacturers[part.manufacturer].name,
                             rng.randint(1, 4), "", NOTE + "x" * rng.randint(0, 8)])
    return path


def valid_bomb(path: Path, expanded: int) -> Path:
    """A valid xlsx (a header row, then one part row repeated) whose sheet expands to `expanded` bytes."""
    base = crafted.workbook()
    row = b'<row><c t="inlineStr"><is><t>VP230</t></is></c><c t="inlineStr"><is><t>Texas Instruments</t></is></c></row>'
    chunk = row * (1024 * 1024 // len(row))
    with zipfile.ZipFile(io.BytesIO(base)) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info, source.read(info))
                continue
            xml = source.read(info)
            head, _, tail = xml.partition(b"</sheetData>")
            head = head.replace(b'<dimension ref="A1:C3"/>', b"")
            with target.open(info.filename, "w", force_zip64=True) as member:
                member.write(head)
                for _ in range(expanded // len(chunk)):
                    member.write(chunk)
                member.write(b"</sheetData>" + tail)
    return path


def measure(case: str, command: list[str], env: dict[str, str], timeout: float, cap: int | None,
            cwd: Path) -> Figure:
    """Run `command` as a fresh process: wall time, peak RSS and its first line of error (or last of output).

    The peak comes from GNU time, a small process: Linux carries a process's high-water RSS across
    fork and exec, so a child forked by this (large) script would report at least this script's size."""
    if cap:  # a launcher caps its own address space, then becomes the command
        launcher = (f"import os, resource, sys; resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap})); "
                    "os.execv(sys.argv[1], sys.argv[1:])")
        command = [sys.executable, "-c", launcher, *command]
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile("r") as peak:
        start = time.perf_counter()
        process = subprocess.Popen([TIME, "-f", "%M %U %S", "-o", peak.name, *command], stdout=out,
                                   stderr=subprocess.STDOUT, env=env, cwd=cwd)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()  # GNU time passes the kill on to the command
            process.wait()
        seconds = time.perf_counter() - start
        out.seek(0)
        lines = [line for line in out.read().decode("utf-8", "replace").splitlines() if line.strip()]
        report = peak.read().split("\n")
    figures = [line.split() for line in report if re.fullmatch(r"\d+ [\d.]+ [\d.]+", line.strip())]
    signalled = [line for line in report if line.startswith("Command terminated by signal")]
    if signalled or seconds >= timeout:
        outcome = (signalled[0] if signalled else "killed") + (" (timeout)" if seconds >= timeout else "")
    else:
        errors = [line for line in lines if line.startswith(("Error", "Traceback", "MemoryError"))]
        outcome = (errors[0] if errors else lines[-1] if lines else "") + f" [exit {process.returncode}]"
        if any("MemoryError" in line for line in lines):
            outcome = "MemoryError (traceback) " + outcome
    kilobytes, user, system = figures[-1] if figures else ("nan", "nan", "nan")
    return Figure(case, seconds, float(user) + float(system), float(kilobytes) / 1024, outcome)


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def analyze(path: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "bomtrace", "analyze", str(path), "--out", str(out), *extra]


def big_cases(work: Path, rows: int) -> list[tuple[str, list[str]]]:
    path = big_csv(work / f"teardown-{rows}.csv", rows)
    size = path.stat().st_size / 1e6
    name = f"{size:.0f} MB / {rows:,}-row CSV"
    return [
        (f"{name}: ingest (read_inputs)",
         python(f"from bomtrace.ingest import read_inputs; r = read_inputs([{str(path)!r}]); "
                "print(len(r.lines), 'lines')")),
        (f"{name}: bomtrace.run, no outputs",
         python(f"import bomtrace; r = bomtrace.run([{str(path)!r}]); print(r.summary.lines, 'lines')")),
        (f"{name}: analyze --format json,csv", analyze(path, work / "out-jc", "--format", "json,csv")),
        (f"{name}: analyze, every output", analyze(path, work / "out-all")),
    ]


def crafted_cases(work: Path) -> list[tuple[str, list[str]]]:
    cases = []
    for name, (filename, make) in crafted.CRAFTED.items():
        path = work / filename
        path.write_bytes(make())
        cases.append((f"{name} ({path.stat().st_size:,} B)", analyze(path, work / "out", "--format", "json")))
    good = work / "good.csv"
    good.write_text("Marking,Manufacturer\nVP230,Texas Instruments\n", encoding="utf-8")
    bomb = work / "bomb.yaml"
    bomb.write_bytes(crafted.alias_bomb())
    cases.append((f"YAML alias bomb ({bomb.stat().st_size:,} B)",
                  analyze(good, work / "out", "--format", "json", "--overrides", str(bomb))))
    for suffix in (".xls", ".xlsx"):
        path = valid_bomb(work / f"valid-bomb-2gb{suffix}", 2 * 1024**3)
        cases.append((f"valid xlsx expanding to 2 GB named {suffix} ({path.stat().st_size / 1e6:.1f} MB)",
                      analyze(path, work / "out", "--format", "json")))
    ods = work / crafted.CRAFTED["repeated columns .ods"][0]
    cases.append((f"repeated columns .ods: {READER_ALONE}",
                  python("from bomtrace.config import Limits\n"
                         "from bomtrace.ingest.calamine import _limit_memory, _read, reader_allowance\n"
                         f"_limit_memory(reader_allowance(open({str(ods)!r}, 'rb').read(), Limits()))\n"
                         f"try:\n  _read({ods.name!r}, open({str(ods)!r}, 'rb').read(), Limits(), None)\n"
                         "except Exception as error:\n  print('Error:', str(error)[:160])")))
    return cases


def run_all(cases: list[tuple[str, list[str]]], env: dict[str, str], timeout: float, cap: int | None,
            label: str, cwd: Path) -> list[Figure]:
    """Measure every case (from `cwd`: not the repository, whose folder would come first on sys.path and
    shadow the code on PYTHONPATH)."""
    figures = []
    for case, command in cases:
        figure = measure(case, command, env, timeout, cap, cwd)
        figures.append(figure)
        print(f"{label:6} | {figure.case:70} | {figure.seconds:8.2f} s | {figure.cpu_seconds:8.2f} s | "
              f"{figure.peak_mb:8.0f} MB | {figure.outcome[:150]}", flush=True)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=199_000)
    parser.add_argument("--before", type=Path, help="older code to run the same cases with (on PYTHONPATH)")
    parser.add_argument("--only", choices=["big", "crafted"])
    parser.add_argument("--skip-after", action="store_true", help="with --before: time the older code only")
    parser.add_argument("--timeout", type=float, default=900.0)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bomtrace-ingest-bench-"))
    env = {**os.environ, "BOMTRACE_CACHE_DIR": str(work / "cache"), "PYTHONPATH": str(ROOT)}
    makers: list[Callable[[], list[tuple[str, list[str]]]]] = []
    if args.only in (None, "big"):
        makers.append(lambda: big_cases(work, args.rows))
    if args.only in (None, "crafted"):
        makers.append(lambda: crafted_cases(work))
    cases = [case for make in makers for case in make()]
    warm = work / "warm.csv"
    warm.write_text("Marking\nVP230\n", encoding="utf-8")
    for code in [None, args.before] if args.before else [None]:  # build each index cache before timing
        subprocess.run(analyze(warm, work / "warm"), capture_output=True, check=False, cwd=work,
                       env={**env, "PYTHONPATH": f"{code}{os.pathsep}{ROOT}", "BOMTRACE_CACHE_DIR": str(
                           work / "cache-before")} if code else env)
    print(f"{'code':6} | {'case':70} | {'wall':>10} | {'CPU':>10} | {'peak RSS':>11} | outcome "
          f"(load average {os.getloadavg()[0]:.2f} at the start)")
    if not (args.before and args.skip_after):
        run_all(cases, env, args.timeout, None, "after", work)
    if args.before:
        before_env = {**env, "PYTHONPATH": f"{args.before}{os.pathsep}{ROOT}",
                      "BOMTRACE_CACHE_DIR": str(work / "cache-before")}
        run_all([case for case in cases if READER_ALONE not in case[0]], before_env, args.timeout, BEFORE_CAP,
                "before", work)
    print(f"(inputs in {work}; Python {sys.version.split()[0]}, {os.cpu_count()} CPUs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
