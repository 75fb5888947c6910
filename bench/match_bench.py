"""Matching at catalog scale: bomtrace's matcher against the approach a user would write first.

Run by hand (not part of the test suite):

    python bench/match_bench.py [--catalog-size 1000000] [--lines 100000] [--seed 7] [--json]

It generates a SYNTHETIC catalog (never shipped, never used as a catalog outside this run) from the
shipped catalog's real family prefixes and realistic ordering suffixes, writes it as a user catalog
folder, builds bomtrace's index (stage "index build"), loads it again from the cache ("index load"),
and matches query lines of four kinds whose truth is kept:
  exact    ~40%  a catalog part number as written
  suffix   ~30%  the part number plus an ordering/packing suffix, or split by a space
  misread  ~20%  one or two look-alike misreads (0/O, 1/I, 5/S, 8/B, 2/Z) that collide with nothing
  absent   ~10%  a part number of the same shape that is not in the catalog
The baseline is rapidfuzz.process.extractOne(line, catalog, scorer=fuzz.ratio,
processor=utils.default_process, score_cutoff=85), timed on a sample of lines across the kinds; below
the cutoff counts as "not found", which is right for absent lines.

A line is right for bomtrace when the part it resolves is the truth (absent: no part resolved).
Family matches name a maker, not a part: an absent line reaching only its family counts as "not
found" for the part, and is reported separately.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from rapidfuzz import fuzz, process, utils

from bomtrace import resources
from bomtrace.catalogs import load_catalogs
from bomtrace.match import MISREADS, PART_METHODS, match_line, misread_variants
from bomtrace.models import RawLine, Source
from bomtrace.normalize import parse_line, part_key

SUFFIXES = ["DR", "DBVR", "IDR", "DGKR", "PWR", "BCPZ", "ARZ", "BRZ-REEL7", "#PBF", "#TRPBF", "+T",
            "EUA+", "T6", "TR", "G4", "/NOPB", ",118", "-1CLG400C", "CSG324", "JVSIQ", "ESE+T", "CPZ"]
KINDS = (("exact", 0.4), ("suffix", 0.3), ("misread", 0.2), ("absent", 0.1))


def family_prefixes() -> list[tuple[str, str]]:
    """(prefix, maker) for every unambiguous shipped family: the shapes the synthetic parts take."""
    rows = []
    for path in sorted(resources.catalogs_dir().glob("families*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if "|" not in row["manufacturer"] and row["ambiguous"].lower() not in ("yes", "true"):
                    rows.append((row["prefix"].upper(), row["manufacturer"]))
    return rows


def synthetic_number(rng: random.Random, prefix: str) -> str:
    """A part number shaped like a real one: prefix, digits, an optional grade letter."""
    digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(2, 5)))
    grade = rng.choice(["", "", "A", "B", "C", "E", "L", "H"])
    return f"{prefix}{digits}{grade}"


def generate(size: int, rng: random.Random) -> tuple[list[tuple[str, str]], set[str]]:
    """`size` distinct (part number, maker) rows not in the shipped catalog, and the set of every key
    the benchmark catalog holds (shipped and synthetic), for the collision checks."""
    prefixes = family_prefixes()
    rows: list[tuple[str, str]] = []
    keys: set[str] = set(load_catalogs().by_key)
    shipped = len(keys)
    while len(keys) - shipped < size:
        prefix, maker = rng.choice(prefixes)
        number = synthetic_number(rng, prefix)
        key = part_key(number)
        if key not in keys:
            keys.add(key)
            rows.append((number, maker))
    return rows, keys


def near_keys(key: str, keys: set[str]) -> set[str]:
    """Catalog keys within two look-alike misreads of `key`, whole or as the base of a longer key."""
    found = set()
    for variant, _ in [(key, []), *misread_variants(key, 2)]:
        found.update(variant[:n] for n in range(4, len(variant) + 1) if variant[:n] in keys)
    return found


def misread(rng: random.Random, number: str, keys: set[str]) -> str | None:
    """The number with one or two look-alike swaps that reaches no catalog entry but its own, or None."""
    positions = [i for i, c in enumerate(number) if c in MISREADS and i >= 2]
    if not positions:
        return None
    chars = list(number)
    for i in rng.sample(positions, min(len(positions), rng.choice([1, 2]))):
        chars[i] = rng.choice(MISREADS[chars[i]])
    text = "".join(chars)
    key = part_key(text)
    return None if key in keys or near_keys(key, keys) != {part_key(number)} else text


def queries(rows: list[tuple[str, str]], keys: set[str], count: int, rng: random.Random
            ) -> list[tuple[str, str, str | None]]:
    """(kind, text, truth key or None) lines in the kind proportions."""
    prefixes = family_prefixes()
    out: list[tuple[str, str, str | None]] = []
    for kind, share in KINDS:
        made = 0
        while made < int(count * share):
            number, _ = rng.choice(rows)
            if kind == "exact":
                out.append((kind, number, part_key(number)))
            elif kind == "suffix":
                suffix = rng.choice(SUFFIXES)
                text = number + suffix if rng.random() < 0.7 else f"{number[:2]} {number[2:]}{suffix}"
                key = part_key(text)
                longest = max((key[:n] for n in range(4, len(key) + 1) if key[:n] in keys), key=len)
                if longest != part_key(number):
                    continue  # the suffix makes another catalog part: no single truth
                out.append((kind, text, part_key(number)))
            elif kind == "misread":
                text = misread(rng, number, keys)
                if text is None:
                    continue
                out.append((kind, text, part_key(number)))
            else:
                text = synthetic_number(rng, rng.choice(prefixes)[0])
                if near_keys(part_key(text), keys):
                    continue  # within two misreads of a catalog part: not "absent"
                out.append((kind, text, None))
            made += 1
    rng.shuffle(out)
    return out


def write_catalog(folder: Path, rows: list[tuple[str, str]]) -> None:
    """A user catalog folder: the synthetic parts plus the shipped makers and categories."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "catalog.toml").write_text('name = "SYNTHETIC-benchmark-only"\nversion = "0"\n', "utf-8")
    with (folder / "parts.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["part_number", "manufacturer", "category", "description", "markings", "source"])
        for number, maker in rows:
            writer.writerow([number, maker, "other-ic", "synthetic", "", "SYNTHETIC: benchmark only"])


def bomtrace_pick(catalog, text: str) -> tuple[str | None, str, str]:
    """The part key bomtrace's matcher resolves for a line given as a part number (None when it
    resolves no single part), the method and the confidence."""
    line = RawLine(Source("bench", None, 0), {"part_number": text}, {})
    match = match_line(parse_line(line), "", catalog)
    if match.method not in PART_METHODS or not match.catalog_part:
        return None, match.method, match.confidence
    return part_key(match.catalog_part), match.method, match.confidence


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--catalog-size", type=int, default=1_000_000)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--baseline-sample", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="end with one JSON object on a line")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="bomtrace-bench-"))
    os.environ["BOMTRACE_CACHE_DIR"] = str(work / "cache")
    try:
        t0 = time.perf_counter()
        rows, keys = generate(args.catalog_size, rng)
        lines = queries(rows, keys, args.lines, rng)
        write_catalog(work / "synthetic", rows)
        t1 = time.perf_counter()
        load_catalogs([work / "synthetic"])
        t2 = time.perf_counter()
        catalog = load_catalogs([work / "synthetic"])
        t3 = time.perf_counter()
        ours: Counter[str] = Counter()
        absent_family = absent_part = absent_sure = 0
        for kind, text, truth in lines:
            picked, method, confidence = bomtrace_pick(catalog, text)
            ours[kind] += picked == truth
            if kind == "absent":
                absent_part += picked is not None
                absent_sure += picked is not None and confidence in ("confirmed", "probable")
                absent_family += method == "family"
        t4 = time.perf_counter()
        sample = stratified(lines, args.baseline_sample, rng)
        choices = [number for number, _ in rows]
        base: Counter[str] = Counter()
        t5 = time.perf_counter()
        for kind, text, truth in sample:
            found = process.extractOne(text, choices, scorer=fuzz.ratio, processor=utils.default_process,
                                       score_cutoff=85)
            base[kind] += (part_key(found[0]) if found else None) == truth
        t6 = time.perf_counter()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(args, lines, sample, ours, base, (absent_part, absent_sure, absent_family),
           (t0, t1, t2, t3, t4, t5, t6))
    return 0


def stratified(lines, n, rng):
    by_kind: dict[str, list] = {}
    for line in lines:
        by_kind.setdefault(line[0], []).append(line)
    return [line for kind, share in KINDS for line in rng.sample(by_kind[kind], max(1, round(n * share)))]


def report(args, lines, sample, ours, base, absent, t) -> None:
    absent_part, absent_sure, absent_family = absent
    t0, t1, t2, t3, t4, t5, t6 = t
    total = Counter(kind for kind, _, _ in lines)
    sampled = Counter(kind for kind, _, _ in sample)
    lps = len(lines) / (t4 - t3)
    base_lps = len(sample) / (t6 - t5)
    figures = {
        "catalog_size": args.catalog_size, "lines": len(lines), "seed": args.seed,
        "generate_s": round(t1 - t0, 2), "index_build_s": round(t2 - t1, 2), "index_load_s": round(t3 - t2, 2),
        "match_s": round(t4 - t3, 2), "lines_per_s": round(lps, 1),
        "baseline_lines": len(sample), "baseline_s": round(t6 - t5, 2), "baseline_lines_per_s": round(base_lps, 2),
        "ratio": round(lps / base_lps, 1),
        "accuracy": round(sum(ours.values()) / len(lines), 4),
        "baseline_accuracy": round(sum(base.values()) / len(sample), 4),
        "accuracy_by_kind": {k: round(ours[k] / total[k], 4) for k, _ in KINDS},
        "baseline_accuracy_by_kind": {k: round(base[k] / sampled[k], 4) for k, _ in KINDS},
        "absent_matched_to_a_part": absent_part, "absent_matched_confirmed_or_probable": absent_sure,
        "absent_reaching_only_a_family": absent_family,
        "peak_rss_mb": round(peak_rss_mb(), 1), "python": sys.version.split()[0],
    }
    print(f"catalog {args.catalog_size:,} synthetic parts; {len(lines):,} lines; seed {args.seed}")
    print(f"generate {figures['generate_s']} s | index build {figures['index_build_s']} s | "
          f"index load {figures['index_load_s']} s | match {figures['match_s']} s")
    print(f"bomtrace {lps:,.0f} lines/s; baseline {base_lps:,.2f} lines/s on {len(sample)} lines; "
          f"ratio {figures['ratio']:,}x")
    for kind, _ in KINDS:
        print(f"  {kind:8s} bomtrace {figures['accuracy_by_kind'][kind]:.1%}  "
              f"baseline {figures['baseline_accuracy_by_kind'][kind]:.1%}")
    print(f"absent lines matched to a part: {absent_part} ({absent_sure} at confirmed or probable); "
          f"reaching only a family, a maker-level reading: {absent_family}")
    print(f"peak RSS {figures['peak_rss_mb']:,.0f} MB")
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    raise SystemExit(main())
