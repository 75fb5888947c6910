"""`bomtrace analyze` end to end on large generated teardowns, every output written.

Run by hand (not part of the test suite), from the repository with the package installed:

    python bench/e2e_bench.py --json                 # 10,000 and 100,000 lines, CSV and xlsx inputs
    python bench/e2e_bench.py --quick --json         # 2,000 lines, a sanity run

The teardowns are SYNTHETIC, drawn from the shipped catalog's parts by bench/teardown_lines.py (the
rule is in bench/README.md: markings with date and lot codes, descriptions, maker columns spelt in
several ways, misreads and other numbers), written as CSV and as xlsx in a temporary folder. The
index cache is built once before anything is timed, as on any second run.

For each teardown two fresh processes run:
- `bomtrace analyze FILE --out DIR` exactly as a user types it (one worker per core): its wall time
  (imports, catalog load, ingest, matching, result.json, lines.csv, report.html, report.xlsx) gives
  `lines_per_s_all_outputs`; its own peak RSS (from wait4) `peak_rss_mb`, and the peak of all its
  processes together (proportional set sizes summed, sampled from /proc) `peak_pss_all_processes_mb`;
- the same command run in-process with `--workers 1` and each phase wrapped in a CPU-time timer: imports, catalog load,
  ingest, match (analysing the lines), the rest of the run (review queue, breakdowns), each writer.
Wall and CPU time are both printed with the load average: on a shared machine CPU time is the steadier.
The share of distinct lines is printed: at least half must be distinct, so that remembering repeated
lines cannot carry the figure.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from teardown_lines import CatalogPart, Keys, Line, bench_key, draw_lines
from timing import TreeMemory, load_average

HEADER = ("Module", "Part number", "Marking", "Description", "Manufacturer", "Qty")
COLUMNS = ("module", "part_number", "marking", "description", "manufacturer", "quantity")
FORMATS = ("csv", "xlsx")


def shipped_pool() -> tuple[list[CatalogPart], Keys]:
    """The shipped parts lines are drawn from (one maker per key) and every shipped key."""
    from bomtrace.catalogs import load_catalogs

    catalog = load_catalogs()
    makers: dict[str, set[str]] = {}
    parts: dict[str, Any] = {}
    for part in catalog.all_parts():
        key = bench_key(part.part_number)
        makers.setdefault(key, set()).add(part.manufacturer)
        parts.setdefault(key, part)
    pool = [CatalogPart(p.part_number, p.manufacturer, catalog.manufacturers[p.manufacturer].name, p.category, "")
            for key, p in sorted(parts.items()) if len(makers[key]) == 1 and len(key) >= 4]
    return pool, Keys(set(parts))


def write_csv(path: Path, lines: list[Line]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for line in lines:
            writer.writerow([line.fields.get(c, "") for c in COLUMNS])


def write_xlsx(path: Path, lines: list[Line]) -> None:
    """The teardown as one sheet, written by openpyxl in write-only mode (every cell text but Qty)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Parts")
    sheet.append(HEADER)
    for line in lines:
        row: list[object] = [line.fields.get(c, "") for c in COLUMNS]
        row[-1] = int(line.fields.get("quantity") or 1)
        sheet.append(row)
    book.save(path)


def distinct_shares(lines: list[Line]) -> dict[str, float]:
    """Distinct whole lines, and distinct number-bearing text (part number, marking, description)."""
    whole = {tuple(line.fields.get(c, "") for c in COLUMNS) for line in lines}
    texts = {(line.fields.get("part_number"), line.fields.get("marking"), line.fields.get("description"))
             for line in lines}
    return {"distinct_lines": round(len(whole) / len(lines), 4), "distinct_texts": round(len(texts) / len(lines), 4)}


# --- timing ----------------------------------------------------------------------------------------

def plain_run(path: Path, out: Path, env: dict[str, str]) -> dict[str, float]:
    """`bomtrace analyze` as a user runs it: wall seconds, CPU seconds and the process's own peak RSS."""
    command = [sys.executable, "-m", "bomtrace", "analyze", str(path), "--out", str(out)]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    memory = TreeMemory(process.pid)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    tree_mb = memory.stop_mb()
    process.returncode = os.waitstatus_to_exitcode(status)
    errors = process.stderr.read().decode() if process.stderr else ""
    if process.returncode not in (0, 1):
        raise RuntimeError(f"bomtrace analyze failed ({process.returncode}): {errors[-2000:]}")
    return {"seconds": round(seconds, 2), "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1), "peak_pss_all_processes_mb": tree_mb}


def stage_phases(path: Path, out: Path) -> dict[str, Any]:
    """`bomtrace analyze` in this process with each phase timed, in CPU seconds (the wall time of a
    phase on a shared machine says more about the machine): run where the CLI runs it."""
    start = time.process_time()
    from bomtrace import pipeline, report
    from bomtrace.cli import app

    imported = time.process_time()
    seconds: dict[str, float] = {}

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            begin = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                seconds[name] = seconds.get(name, 0.0) + time.process_time() - begin
        return wrapper

    for name, attribute in (("catalog_load", "load_catalogs"), ("ingest", "read_inputs"),
                            ("match", "analyze_lines"), ("run", "run")):
        if hasattr(pipeline, attribute):
            setattr(pipeline, attribute, timed(name, getattr(pipeline, attribute)))
    for name, writer in list(report.WRITERS.items()):
        report.WRITERS[name] = timed(f"write_{name}", writer)
    begin = time.process_time()
    try:
        app(["analyze", str(path), "--out", str(out), "--workers", "1"], standalone_mode=False)
    except SystemExit:
        pass
    total = time.process_time() - begin
    run = seconds.pop("run", 0.0)
    phases = {"imports": imported - start, **seconds}
    phases["review_and_breakdowns"] = run - sum(seconds.get(k, 0.0) for k in ("catalog_load", "ingest", "match"))
    phases["other"] = total - run - sum(v for k, v in seconds.items() if k.startswith("write_"))
    sizes = {p.name: round(p.stat().st_size / 1e6, 2) for p in sorted(out.iterdir()) if p.is_file()}
    return {"phases_cpu_s": {k: round(v, 2) for k, v in phases.items()}, "outputs_mb": sizes}


def run_one(path: Path, work: Path, env: dict[str, str]) -> dict[str, Any]:
    plain = plain_run(path, work / f"out-{path.name}", env)
    done = subprocess.run([sys.executable, __file__, "--stage", "phases", "--input", str(path), "--out",
                           str(work / f"phases-{path.name}")], check=True, capture_output=True, text=True, env=env)
    return {**plain, **json.loads(done.stdout.strip().splitlines()[-1])}


QUICK = {"sizes": "2000", "formats": "csv,xlsx"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000", help="teardown sizes in lines, comma-separated")
    parser.add_argument("--formats", default="csv,xlsx", help="input formats: csv, xlsx")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--quick", action="store_true", help="small sizes: " + json.dumps(QUICK))
    parser.add_argument("--json", action="store_true", help="end with one JSON object on a line")
    parser.add_argument("--stage", choices=["phases"], help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        print(json.dumps(stage_phases(args.input, args.out)))
        return 0
    if args.quick:
        for name, value in QUICK.items():
            setattr(args, name, value)
    work = Path(tempfile.mkdtemp(prefix="bomtrace-e2e-bench-"))
    env = {**os.environ, "BOMTRACE_CACHE_DIR": str(work / "cache")}
    try:
        figures = run(args, work, env)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(figures)
    if args.json:
        print(json.dumps(figures))
    return 0


def run(args: argparse.Namespace, work: Path, env: dict[str, str]) -> dict[str, Any]:
    rng = random.Random(args.seed)
    pool, keys = shipped_pool()
    warm = work / "warm.csv"
    write_csv(warm, draw_lines(rng, 20, pool, keys).lines)
    plain_run(warm, work / "out-warm", env)  # builds the index cache and the compiled templates
    runs = []
    for size in (int(s) for s in args.sizes.split(",")):
        lines = draw_lines(rng, size, pool, keys).lines
        shares = distinct_shares(lines)
        for fmt in args.formats.split(","):
            path = work / f"teardown-{size}.{fmt}"
            (write_csv if fmt == "csv" else write_xlsx)(path, lines)
            figures = run_one(path, work, env)
            runs.append({"lines": len(lines), "input": fmt, "input_mb": round(path.stat().st_size / 1e6, 2),
                         **shares, **figures, "load_average": load_average(),
                         "lines_per_s_all_outputs": round(len(lines) / figures["seconds"], 1),
                         "lines_per_cpu_s_all_outputs": round(len(lines) / figures["cpu_s"], 1)})
            shutil.rmtree(work / f"out-{path.name}", ignore_errors=True)
            shutil.rmtree(work / f"phases-{path.name}", ignore_errors=True)
    largest = max(r["lines"] for r in runs)
    at_largest = [r for r in runs if r["lines"] == largest]
    return {
        "lines_per_s_all_outputs": min(r["lines_per_s_all_outputs"] for r in at_largest),
        "lines_per_cpu_s_all_outputs": min(r["lines_per_cpu_s_all_outputs"] for r in at_largest),
        "lines": largest,
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "peak_pss_all_processes_mb": max(r["peak_pss_all_processes_mb"] for r in runs),
        "workers": len(os.sched_getaffinity(0)),
        "distinct_lines": min(r["distinct_lines"] for r in runs),
        "runs": runs, "seed": args.seed, "python": sys.version.split()[0], "cpus": os.cpu_count(),
    }


def report(f: dict[str, Any]) -> None:
    for r in f["runs"]:
        phases = ", ".join(f"{k} {v}" for k, v in r["phases_cpu_s"].items())
        print(f"{r['lines']:>7,} lines {r['input']:4s} ({r['input_mb']} MB, {r['distinct_lines']:.0%} distinct lines, "
              f"{r['distinct_texts']:.0%} distinct texts): {r['seconds']} s ({r['lines_per_s_all_outputs']:,.0f} "
              f"lines/s), CPU {r['cpu_s']} s ({r['lines_per_cpu_s_all_outputs']:,.0f} lines per CPU second), "
              f"peak {r['peak_rss_mb']:,.0f} MB (all processes together {r['peak_pss_all_processes_mb']:,.0f} MB "
              f"PSS), load average {r['load_average']}")
        print(f"        phases (CPU s): {phases}")
        print(f"        outputs (MB): {', '.join(f'{k} {v}' for k, v in r['outputs_mb'].items())}")
    print(f"at {f['lines']:,} lines: {f['lines_per_s_all_outputs']:,.0f} lines/s with all outputs (slowest input; "
          f"{f['lines_per_cpu_s_all_outputs']:,.0f} per CPU second; {f['workers']} workers); peak RSS "
          f"{f['peak_rss_mb']:,.0f} MB, all processes together {f['peak_pss_all_processes_mb']:,.0f} MB")


if __name__ == "__main__":
    raise SystemExit(main())
