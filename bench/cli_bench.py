"""Start-up of the command line, each command a fresh process, timed in turns with what it stands on.
Run by hand:

    python bench/cli_bench.py [--runs 15] [--json]

- `bomtrace --version` and `bomtrace --help` against `python -c "import typer"` (Python's own start-up
  plus typer: what any typer command line pays). Target (issue 17): <= 1.2x. `--help` is also timed
  with TYPER_USE_RICH=0, typer's plain help without rich, to show what rich's help formatting costs.
- `bomtrace analyze` of a SYNTHETIC 52-line teardown (drawn from the shipped catalog's parts, seeded,
  written as a CSV in a temporary folder; every output written; the index cache built once before
  timing, as on any second run) against `python -c "import rapidfuzz, openpyxl, jinja2, xlsxwriter"`,
  the libraries it reads and writes with. Target (issue 6): <= 2x. (Until issue 17 the baseline also
  imported pandas, about 0.4 s, which bomtrace no longer uses.)
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LIBRARIES = "import rapidfuzz, openpyxl, jinja2, xlsxwriter"


def teardown(path: Path, lines: int = 52, seed: int = 3) -> Path:
    """A 52-line CSV of real catalog parts with their makers: synthetic, for timing only."""
    from bomtrace.catalogs import load_catalogs

    catalog = load_catalogs()
    rng = random.Random(seed)
    parts = rng.sample(list(catalog.all_parts()), lines)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Marking", "Manufacturer", "Qty"])
        for part in parts:
            writer.writerow([part.part_number, catalog.manufacturers[part.manufacturer].name, 1])
    return path


def once(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def in_turns(commands: dict[str, tuple[list[str], dict[str, str]]], runs: int) -> dict[str, list[float]]:
    """Every command timed once per round, in turns, so a change in the machine's load hits all alike."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, (command, env) in commands.items():
            times[name].append(once(command, env))
    return times


def bomtrace_command() -> list[str]:
    """The `bomtrace` console script beside this Python, else `python -m bomtrace`."""
    script = Path(sys.executable).parent / "bomtrace"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bomtrace"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", action="store_true", help="end with one JSON object on a line")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bomtrace-cli-bench-"))
    try:
        figures = run(args.runs, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for name, value in figures["median_s"].items():
        print(f"{name:28s} median {value:.3f} s  (min {figures['min_s'][name]:.3f})")
    print(f"--version {figures['version_ratio']}x, --help {figures['help_ratio']}x, plain --help "
          f"{figures['plain_help_ratio']}x the typer import (target <= 1.2x); analyze {figures['analyze_ratio']}x "
          f"its libraries' import (target <= 2x); {args.runs} runs, load average {figures['load_average']}")
    if args.json:
        print(json.dumps(figures))
    return 0


def compile_package() -> None:
    """Bytecode for every bomtrace module, as pip writes it when it installs the wheel: from a
    checkout (an editable install) or with PYTHONDONTWRITEBYTECODE=1, as on this machine, each start
    would compile bomtrace's modules from source (about 8 ms) while typer's were compiled when pip
    installed it."""
    import importlib.util

    spec = importlib.util.find_spec("bomtrace")
    folders = list(spec.submodule_search_locations or []) if spec else []
    subprocess.run([sys.executable, "-m", "compileall", "-q", *folders], check=True, stdout=subprocess.DEVNULL)


def run(runs: int, work: Path) -> dict[str, object]:
    compile_package()
    env = {**os.environ, "BOMTRACE_CACHE_DIR": str(work / "cache")}
    plain = {**env, "TYPER_USE_RICH": "0"}
    source = teardown(work / "teardown-52.csv")
    bomtrace = bomtrace_command()
    analyze = [*bomtrace, "analyze", str(source), "--out", str(work / "out")]
    subprocess.run(analyze, check=True, stdout=subprocess.DEVNULL, env=env)  # builds the index cache
    commands = {
        "python -c pass": ([sys.executable, "-c", "pass"], env),
        "python -c 'import typer'": ([sys.executable, "-c", "import typer"], env),
        "bomtrace --version": ([*bomtrace, "--version"], env),
        "bomtrace --help": ([*bomtrace, "--help"], env),
        "bomtrace --help (plain)": ([*bomtrace, "--help"], plain),
        "import its libraries": ([sys.executable, "-c", LIBRARIES], env),
        "bomtrace analyze (52 lines)": (analyze, env),
    }
    times = in_turns(commands, runs)
    median = {name: statistics.median(values) for name, values in times.items()}
    typer = median["python -c 'import typer'"]
    return {
        "median_s": {k: round(v, 3) for k, v in median.items()},
        "min_s": {k: round(min(v), 3) for k, v in times.items()},
        "version_ratio": round(median["bomtrace --version"] / typer, 2),
        "help_ratio": round(median["bomtrace --help"] / typer, 2),
        "plain_help_ratio": round(median["bomtrace --help (plain)"] / typer, 2),
        "analyze_ratio": round(median["bomtrace analyze (52 lines)"] / median["import its libraries"], 2),
        "runs": runs, "load_average": round(os.getloadavg()[0], 2), "python": sys.version.split()[0],
    }


if __name__ == "__main__":
    raise SystemExit(main())
