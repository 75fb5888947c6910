"""Time loading and indexing the shipped catalogs (issue 3: under 1 s). Run by hand:

    python bench/catalog_bench.py [--runs 5]

Prints the median of a cold build (read every CSV, validate, index; no cache) and of a load from
the on-disk index cache, each in a fresh process so imports and caches do not carry over.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile

COLD = ("import time; from bomtrace.catalogs import load_catalogs; t = time.perf_counter(); "
        "load_catalogs(cache=False); print(time.perf_counter() - t)")
WARM = ("import time; from bomtrace.catalogs import load_catalogs; t = time.perf_counter(); "
        "load_catalogs(); print(time.perf_counter() - t)")


def timed(code: str, runs: int, env: dict[str, str]) -> list[float]:
    return [float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                                 env=env).stdout) for _ in range(runs)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = {**os.environ, "BOMTRACE_CACHE_DIR": tempfile.mkdtemp(prefix="bomtrace-catalog-bench-")}
    cold = timed(COLD, args.runs, env)
    timed(WARM, 1, env)  # builds the cache
    warm = timed(WARM, args.runs, env)
    print(f"cold build (read, validate, index): median {statistics.median(cold):.3f} s over {args.runs} runs")
    print(f"load from the index cache:          median {statistics.median(warm):.3f} s over {args.runs} runs")
    print(f"target: under 1 s; ratio cold/cached {statistics.median(cold) / statistics.median(warm):.0f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
