"""Time `bomtrace analyze` on a 52-line teardown as a fresh process, against importing the libraries
it stands on. Run by hand:

    python bench/cli_bench.py [--runs 15]

The teardown is SYNTHETIC: 52 lines drawn from the shipped catalog's parts (seeded), written as a CSV
in a temporary folder. The index cache is built once before timing, as it is on any second run.
Target (issue 6): analyze <= 2x the time of `python -c "import pandas, rapidfuzz, openpyxl, jinja2"`.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bomtrace.catalogs import load_catalogs


def teardown(path: Path, lines: int = 52, seed: int = 3) -> Path:
    """A 52-line CSV of real catalog parts with their makers: synthetic, for timing only."""
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


def interleaved(first: list[str], second: list[str], runs: int, env: dict[str, str]
                ) -> tuple[list[float], list[float]]:
    """Both commands timed in turns, so a change in the machine's load hits both alike."""
    a, b = [], []
    for _ in range(runs):
        a.append(once(first, env))
        b.append(once(second, env))
    return a, b


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bomtrace-cli-bench-"))
    env = {**os.environ, "BOMTRACE_CACHE_DIR": str(work / "cache")}
    source = teardown(work / "teardown-52.csv")
    analyze = [sys.executable, "-m", "bomtrace", "analyze", str(source), "--out", str(work / "out")]
    subprocess.run(analyze, check=True, stdout=subprocess.DEVNULL, env=env)  # builds the index cache
    imports = [sys.executable, "-c", "import pandas, rapidfuzz, openpyxl, jinja2"]
    base, ours = interleaved(imports, analyze, args.runs, env)
    ratio = statistics.median(ours) / statistics.median(base)
    print(f"import pandas, rapidfuzz, openpyxl, jinja2: median {statistics.median(base):.3f} s "
          f"(min {min(base):.3f}) over {args.runs} runs")
    print(f"bomtrace analyze (52 lines, all outputs):   median {statistics.median(ours):.3f} s "
          f"(min {min(ours):.3f}) over {args.runs} runs")
    print(f"ratio {ratio:.2f}x (target <= 2x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
