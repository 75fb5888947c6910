"""Matching at catalog scale: bomtrace against the fair naive pipeline, on lines drawn the way
teardowns write them, over a synthetic catalog of a million parts and tens of thousands of makers.

Run by hand (not part of the test suite), from the repository with the package installed:

    python bench/match_bench.py --json            # 1M parts, 40k synthetic makers, 100k lines
    python bench/match_bench.py --quick --json    # small sizes, a sanity run of a minute or two

The catalog is SYNTHETIC (written to a temporary folder, removed afterwards, never shipped): the
shipped catalog, plus `--makers` invented makers (synthetic names, marked "SYNTHETIC: benchmark
only" in their source column) and `--parts` invented part numbers, 60% shaped like the shipped
unambiguous families and listed under their real makers, 40% under the invented makers with
prefixes of their own. The lines and their truth come from bench/teardown_lines.py (the rule is in
bench/README.md); it does not use bomtrace's tables to decide what is a fair case.

Every bomtrace stage runs in a fresh process, so its time and peak memory are its own: `build`
(CSV to cached index), `match` (load the index, analyse every line with
bomtrace.analysis.analyze_line), `flat` (the per-line cost with a named maker, at today's shipped
catalog and at --flat-makers curated makers), and `baseline`: the fair naive pipeline (a dict
look-up of the normalised cell and its tokens, then the longest catalog prefix, then
rapidfuzz.process.extractOne over every catalog key), timed on a sample in the kinds' shares.

Scoring, per kind. A line whose truth is a part is right when the part resolved is that part, or
its base part (a shorter catalog number the truth begins with, listed under the truth's maker:
ATmega168PA for ATmega168PA-MMHR; counted apart as `right_base`); an abstention (no part:
unresolved, or a family, grammar or maker reading without a part) is not wrong. A line whose text really is another number (a digit dropped, doubled or changed; an absent
number) is right only when no part is resolved. Any other part is wrong, and wrong parts at
confirmed or probable are counted apart (`wrong_confident`). The baseline has no confidence: every
part it names is a claim, so all its wrong parts count as confident.
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
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from teardown_lines import (
    KIND_NAMES,
    KINDS,
    TRUTH,
    CatalogPart,
    Keys,
    Line,
    bench_key,
    draw_lines,
    maker_column,
    placed,
    synthetic_number,
)
from timing import Stopwatch, load_average, peak_rss_mb

SYLLABLES = ("ka", "ro", "vel", "tor", "sin", "ma", "lex", "tek", "nor", "vi", "da", "zen", "qua", "pri", "lu",
             "mon", "sa", "tri", "gon", "bel", "cor", "fin", "gar", "hol", "jun", "kes", "lam", "mir", "nev",
             "ost", "pel", "ras", "sul", "tam", "ur", "vox", "wen", "yar", "zul", "bri", "cha", "dor", "el",
             "fa", "gri", "hu", "ix", "jo", "ke", "li", "mu", "ne", "ob", "pa", "ru", "si", "tu", "ve", "xa")
SECOND_WORDS = ("Micro", "Semiconductor", "Electronics", "Technology", "Devices", "Power", "Systems",
                "Components", "Circuits", "Optics", "Precision", "Instruments", "Microelectronics", "Sensors")
LEGAL = ("Co., Ltd.", "Inc.", "GmbH", "LLC", "Corp.", "Ltd", "S.A.", "AG", "B.V.", "")
COUNTRIES = ("CN", "US", "TW", "JP", "KR", "DE", "FR", "GB", "NL", "CH", "IT", "SE", "IL", "IN", "SG", "MY")
SYNTHETIC_SOURCE = "SYNTHETIC: benchmark only"
COUNTED = ("confirmed", "probable")


# --- the synthetic catalog -----------------------------------------------------------------------

def shipped_parts() -> tuple[list[CatalogPart], list[CatalogPart], int]:
    """The shipped parts a line may be drawn from (one maker per key), every shipped part, and the
    number of shipped curated makers."""
    from bomtrace.catalogs import load_catalogs

    catalog = load_catalogs()
    every = [CatalogPart(p.part_number, p.manufacturer, catalog.manufacturers[p.manufacturer].name, p.category, "")
             for p in catalog.all_parts()]
    by_key: dict[str, list[CatalogPart]] = defaultdict(list)
    for part in every:
        by_key[bench_key(part.number)].append(part)
    pool = [p[0] for key, p in sorted(by_key.items()) if len({x.maker_id for x in p}) == 1 and len(key) >= 4]
    return pool, every, len(catalog.manufacturers)


def family_prefixes(shipped: Keys) -> list[tuple[str, str, str]]:
    """(prefix, maker id, category) of every shipped family one maker alone uses, but those whose prefix
    is already a whole part number ('SI4464-'): a number built on it would be that part plus digits."""
    from bomtrace import resources

    rows = []
    for path in sorted(resources.catalogs_dir().glob("families*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if "|" not in row["manufacturer"] and row["ambiguous"].lower() in ("no", "") \
                        and shipped.longest_prefix(bench_key(row["prefix"])) is None:
                    rows.append((row["prefix"].upper(), row["manufacturer"], row["category"]))
    return rows


def synthetic_makers(count: int, rng: random.Random) -> list[dict[str, str]]:
    """`count` invented makers with distinct names (none a shipped maker's), countries and prefixes."""
    from bomtrace.catalogs import load_catalogs
    from bomtrace.normalize import maker_key

    shipped = load_catalogs()
    keys = {maker_key(n) for m in shipped.manufacturers.values() for n in (m.name, *m.aliases)}
    makers: list[dict[str, str]] = []
    while len(makers) < count:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
        if len(word) < 5:
            continue
        second = f" {rng.choice(SECOND_WORDS)}" if rng.random() < 0.6 else ""
        legal = rng.choice(LEGAL)
        name = f"{word}{second}{', ' if legal and rng.random() < 0.5 else ' '}{legal}".strip()
        key = maker_key(name)
        if key in keys or not key:
            continue
        prefix = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(rng.randint(2, 4)))
        if shipped.family_for(prefix + "1234"):
            continue  # a shipped family's prefix: its parts would read as that family's maker's
        keys.add(key)
        makers.append({"id": f"syn-{len(makers)}-{word.lower()}", "name": name, "country": rng.choice(COUNTRIES),
                       "prefix": prefix})
    return makers


def synthetic_parts(size: int, rng: random.Random, makers: list[dict[str, str]], keys: set[str]
                    ) -> Iterator[CatalogPart]:
    """`size` invented parts whose keys no catalog part has: 60% in shipped families under their
    makers, 40% under invented makers. None fits a shipped maker's part-number grammar, and none is a
    shipped part number with more characters after it."""
    from bomtrace.catalogs import load_catalogs

    shipped = load_catalogs()
    shipped_keys = Keys(set(keys))
    names = {m.id: m.name for m in shipped.manufacturers.values()}
    families = family_prefixes(shipped_keys)
    made = 0
    while made < size:
        if rng.random() < 0.6 or not makers:
            prefix, maker_id, category = rng.choice(families)
            maker_name = names[maker_id]
        else:
            maker = rng.choice(makers)
            prefix, maker_id, maker_name, category = maker["prefix"], maker["id"], maker["name"], "other-ic"
        number = synthetic_number(rng, prefix)
        key = bench_key(number)
        if key in keys or shipped_keys.longest_prefix(key):
            continue
        if maker_id.startswith("syn-") and (shipped.rule_index.matching(key) or shipped.family_for(key)):
            continue  # a real maker's published scheme or family would claim it: not a consistent catalog
        keys.add(key)
        made += 1
        yield CatalogPart(number, maker_id, maker_name, category, prefix)


def write_makers(folder: Path, makers: list[dict[str, str]]) -> None:
    """A user catalog folder with the invented makers only."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "catalog.toml").write_text('name = "SYNTHETIC-benchmark-only"\nversion = "0"\n', "utf-8")
    with (folder / "manufacturers.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "aliases", "country", "domain", "parent", "source"])
        for m in makers:
            writer.writerow([m["id"], m["name"], "", m["country"], "", "", SYNTHETIC_SOURCE])


def write_parts(folder: Path, parts: Iterable[CatalogPart]) -> None:
    with (folder / "parts.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["part_number", "manufacturer", "category", "description", "markings", "source"])
        for p in parts:
            writer.writerow([p.number, p.maker_id, p.category, "synthetic", "", SYNTHETIC_SOURCE])


def write_lines(path: Path, lines: Iterable[Line]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for line in lines:
            handle.write(json.dumps(asdict(line), ensure_ascii=False) + "\n")


def read_lines(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(text) for text in handle]


def flat_lines(rng: random.Random, parts: list[CatalogPart], count: int, keys: Keys) -> list[Line]:
    """Lines naming their maker, each spelt differently from every other (so no name is resolved from
    memory), drawn from the shipped parts as exact numbers."""
    seen: set[str] = set()
    lines: list[Line] = []
    for _ in range(count * 50):
        if len(lines) >= count:
            break
        part = rng.choice(parts)
        style, maker = maker_column(rng, part.maker_name)
        if style == "empty" or maker in seen:
            continue
        seen.add(maker)
        placement, fields = placed(rng, part.number, part)
        fields.update(manufacturer=maker, module="", quantity="1")
        lines.append(Line("exact", fields, bench_key(part.number), part.maker_id, style, placement))
    return lines


# --- stages, each in its own process -------------------------------------------------------------

def stage_build(work: Path) -> dict[str, Any]:
    """Build the index of shipped + synthetic catalogs from the CSV files and cache it."""
    from bomtrace.catalogs import load_catalogs

    clock = Stopwatch()
    catalog = load_catalogs([work / "synthetic"])
    built = clock.lap()
    return {"index_build_s": round(built.wall, 2), "index_build_cpu_s": round(built.cpu, 2), "peak_rss_mb": peak_rss_mb(),
            "catalog_parts": catalog.by_key.rows, "catalog_curated_makers": len(catalog.manufacturers),
            "catalog_registry_makers": len(catalog.makers.registry)}


def _raw(i: int, fields: dict[str, str]) -> Any:
    from bomtrace.models import RawLine, Source

    return RawLine(Source("bench.csv", None, i + 2), dict(fields), dict(fields))


def _answer(result: Any) -> dict[str, Any]:
    from bomtrace.match import PART_METHODS

    m = result.match
    part = bench_key(m.catalog_part) if m.method in PART_METHODS and m.catalog_part else None
    return {"part": part, "confidence": m.confidence, "method": m.method, "maker": result.attribution.company_id}


def stage_match(work: Path, profile: bool = False) -> dict[str, Any]:
    """Load the cached index, analyse every line, write each answer."""
    from bomtrace.analysis import analyze_line
    from bomtrace.catalogs import load_catalogs

    clock = Stopwatch()
    catalog = load_catalogs([work / "synthetic"])
    loaded = clock.lap()
    lines = [_raw(i, d["fields"]) for i, d in enumerate(read_lines(work / "lines.jsonl"))]
    clock.lap()
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        answers = profiler.runcall(lambda: [_answer(analyze_line(line, catalog)) for line in lines])
        matched = clock.lap()
        with (work / "profile.txt").open("w", encoding="utf-8") as handle:
            pstats.Stats(profiler, stream=handle).sort_stats("cumulative").print_stats(40)
    else:
        answers = [_answer(analyze_line(line, catalog)) for line in lines]
        matched = clock.lap()
    with (work / "answers.jsonl").open("w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(a) + "\n" for a in answers)
    return {"index_load_s": round(loaded.wall, 2), "index_load_cpu_s": round(loaded.cpu, 2),
            "match_s": round(matched.wall, 2), "match_cpu_s": round(matched.cpu, 2),
            "lines_per_s": round(len(lines) / matched.wall, 1), "lines_per_cpu_s": round(len(lines) / matched.cpu, 1),
            "peak_rss_mb": peak_rss_mb()}


def stage_flat(work: Path, folder: str) -> dict[str, Any]:
    """The per-line cost of lines naming their maker (each name spelt once), and of resolving the
    names alone, over the shipped catalog with `folder` layered on it (none: shipped only)."""
    from bomtrace.analysis import analyze_line
    from bomtrace.catalogs import load_catalogs
    from bomtrace.match import resolve_maker

    catalog = load_catalogs([folder] if folder != "none" else [])
    data = read_lines(work / "flat.jsonl")
    lines = [_raw(i, d["fields"]) for i, d in enumerate(data)]
    resolve_maker("warm-up name", catalog)
    clock = Stopwatch()
    for line in lines:
        analyze_line(line, catalog)
    first = clock.lap()
    for line in lines:
        analyze_line(line, catalog)  # again: every name is now remembered, as in a teardown that repeats makers
    again = clock.lap()
    catalog = load_catalogs([folder] if folder != "none" else [])  # a fresh copy: nothing remembered
    names = [d["fields"]["manufacturer"] for d in data]
    clock.lap()
    resolved = [resolve_maker(name, catalog) for name in names]
    alone = clock.lap()
    right = sum(r is not None and r.maker == d["truth_maker"] for r, d in zip(resolved, data))
    ms = lambda seconds, count: round(seconds * 1000 / count, 3)
    return {"curated_makers": len(catalog.manufacturers), "registry_makers": len(catalog.makers.registry),
            "ms_per_line": ms(first.wall, len(lines)), "cpu_ms_per_line": ms(first.cpu, len(lines)),
            "ms_per_line_names_remembered": ms(again.wall, len(lines)),
            "maker_ms_per_name": ms(alone.wall, len(names)), "maker_cpu_ms_per_name": ms(alone.cpu, len(names)),
            "names_resolved_right": round(right / len(names), 4), "lines": len(lines)}


def naive_key(text: str) -> str:
    """The baseline's normalisation: NFKC, upper case, letters, digits and dots (no look-alike folding)."""
    import re
    import unicodedata

    return re.sub(r"[^A-Z0-9.]", "", unicodedata.normalize("NFKC", text).upper()).strip(".")


def naive_candidates(fields: dict[str, str]) -> list[str]:
    """Each number-bearing cell normalised whole, then each of its tokens with a digit in it."""
    import re

    found: list[str] = []
    for column in ("part_number", "marking", "description"):
        cell = fields.get(column, "")
        whole = naive_key(cell)
        tokens = [naive_key(t) for t in re.split(r"[\s,;()]+", cell) if t]
        for key in [whole, *tokens]:
            if len(key) >= 3 and any(c.isdigit() for c in key) and key not in found:
                found.append(key)
    return found


def stage_baseline(work: Path) -> dict[str, Any]:
    """The fair naive pipeline on the sample: dict, then longest catalog prefix, then extractOne."""
    from rapidfuzz import fuzz, process

    keys: set[str] = set()
    for folder in (work / "shipped-parts", work / "synthetic"):
        with (folder / "parts.csv").open(encoding="utf-8", newline="") as handle:
            keys.update(naive_key(row["part_number"]) for row in csv.DictReader(handle))
    choices = sorted(keys)
    lengths = sorted({len(k) for k in keys}, reverse=True)
    sample = read_lines(work / "sample.jsonl")
    clock = Stopwatch()
    answers = []
    for d in sample:
        candidates = naive_candidates(d["fields"])
        found = next((c for c in candidates if c in keys), None)
        if found is None:
            found = next((c[:n] for c in candidates for n in lengths if 4 <= n < len(c) and c[:n] in keys), None)
        if found is None:
            best = None
            for c in candidates:
                hit = process.extractOne(c, choices, scorer=fuzz.ratio, score_cutoff=85)
                if hit and (best is None or hit[1] > best[1]):
                    best = hit
            found = best[0] if best else None
        answers.append({"part": found})
    done = clock.lap()
    with (work / "baseline.jsonl").open("w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(a) + "\n" for a in answers)
    return {"baseline_s": round(done.wall, 2), "baseline_lines_per_s": round(len(sample) / done.wall, 2),
            "baseline_lines_per_cpu_s": round(len(sample) / done.cpu, 2),
            "baseline_lines": len(sample), "peak_rss_mb": peak_rss_mb()}


STAGES = {"build": stage_build, "match": stage_match, "baseline": stage_baseline}


def run_stage(name: str, work: Path, *extra: str) -> dict[str, Any]:
    """A stage in a fresh process; its last output line is its JSON."""
    env = {**os.environ, "BOMTRACE_CACHE_DIR": str(work / "cache")}
    done = subprocess.run([sys.executable, __file__, "--stage", name, "--work", str(work), *extra],
                          check=True, capture_output=True, text=True, env=env)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


# --- scoring -------------------------------------------------------------------------------------

def base_candidates(pairs: Iterable[tuple[dict[str, Any], dict[str, Any]]]) -> set[str]:
    """Answers that are a shorter catalog number the truth begins with (ATmega168PA for ATmega168PA-MMHR)."""
    return {a["part"] for line, a in pairs if a["part"] and line["truth_key"] and a["part"] != line["truth_key"]
            and line["truth_key"].startswith(a["part"])}


def makers_of(work: Path, keys: set[str]) -> dict[str, set[str]]:
    """The makers the catalog lists each of these part keys under."""
    found: dict[str, set[str]] = defaultdict(set)
    for folder in (work / "shipped-parts", work / "synthetic"):
        with (folder / "parts.csv").open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                key = bench_key(row["part_number"])
                if key in keys:
                    found[key].add(row["manufacturer"])
    return found


def score(lines: list[dict[str, Any]], answers: list[dict[str, Any]], bases: dict[str, set[str]],
          confident_always: bool = False) -> dict[str, Any]:
    """Right (the truth, or its base part listed under the truth's maker), abstained and wrong (and
    wrong at confirmed/probable) per kind; maker right and wrong at confirmed/probable."""
    by_kind: dict[str, Counter[str]] = defaultdict(Counter)
    for line, answer in zip(lines, answers):
        counts = by_kind[line["kind"]]
        counts["lines"] += 1
        part, truth = answer["part"], line["truth_key"]
        confident = confident_always or answer.get("confidence") in COUNTED
        if part is None:
            counts["abstained"] += 1
            counts["right"] += truth is None
        elif part == truth:
            counts["right"] += 1
        elif truth and truth.startswith(part) and line["truth_maker"] in bases.get(part, ()):
            counts["right"] += 1
            counts["right_base"] += 1
        else:
            counts["wrong"] += 1
            counts["wrong_confident"] += confident
        maker = answer.get("maker")
        if maker is not None and answer.get("confidence") in COUNTED:
            counts["maker_right" if maker == line["truth_maker"] else "maker_wrong_confident"] += 1
    total = Counter[str]()
    for counts in by_kind.values():
        total.update(counts)
    share = lambda c, name: round(c[name] / c["lines"], 4) if c["lines"] else 0.0
    names = ("right", "right_base", "abstained", "wrong", "wrong_confident")
    if not confident_always:  # the baseline names no maker
        names += ("maker_right", "maker_wrong_confident")
    return {
        "accuracy": share(total, "right"),
        "wrong": share(total, "wrong"),
        "wrong_confident": share(total, "wrong_confident"),
        "maker_right_confident": share(total, "maker_right"),
        "maker_wrong_confident": share(total, "maker_wrong_confident"),
        "by_kind": {kind: {name: share(by_kind[kind], name) for name in names}
                    for kind in KIND_NAMES if by_kind[kind]["lines"]},
    }


def stratified(lines: list[dict[str, Any]], n: int, rng: random.Random) -> list[dict[str, Any]]:
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in lines:
        by_kind[line["kind"]].append(line)
    return [line for kind, share, _ in KINDS for line in rng.sample(by_kind[kind], min(len(by_kind[kind]),
                                                                                      max(1, round(n * share))))]


# --- the run -------------------------------------------------------------------------------------

QUICK = {"parts": 50_000, "makers": 2_000, "lines": 5_000, "baseline_sample": 150, "flat_makers": 10_000,
         "flat_lines": 500}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", type=int, default=1_000_000, help="synthetic parts added to the catalog")
    parser.add_argument("--makers", type=int, default=40_000, help="synthetic makers added to the catalog")
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--baseline-sample", type=int, default=600)
    parser.add_argument("--flat-makers", type=int, default=100_000,
                        help="curated makers at the large point of the named-maker cost")
    parser.add_argument("--flat-lines", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="small sizes: " + json.dumps(QUICK))
    parser.add_argument("--examples", type=int, default=3, help="wrong parts at confirmed/probable shown per kind")
    parser.add_argument("--profile", action="store_true", help="profile the match stage (cProfile, top 40)")
    parser.add_argument("--keep", type=Path, help="keep the generated catalog, lines and answers in this folder")
    parser.add_argument("--json", action="store_true", help="end with one JSON object on a line")
    parser.add_argument("--stage", choices=[*STAGES, "flat"], help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--folder", default="none", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        if args.stage == "flat":
            figures = stage_flat(args.work, args.folder)
        elif args.stage == "match":
            figures = stage_match(args.work, args.profile)
        else:
            figures = STAGES[args.stage](args.work)
        print(json.dumps(figures))
        return 0
    if args.quick:
        for name, value in QUICK.items():
            setattr(args, name, value)
    work = Path(tempfile.mkdtemp(prefix="bomtrace-match-bench-"))
    try:
        figures = run(args, work)
        if args.profile:
            print((work / "profile.txt").read_text(encoding="utf-8"))
    finally:
        if args.keep:
            shutil.copytree(work, args.keep, dirs_exist_ok=True)
        shutil.rmtree(work, ignore_errors=True)
    report(figures)
    if args.json:
        print(json.dumps(figures))
    return 0


def wrong_examples(lines: list[dict[str, Any]], answers: list[dict[str, Any]], bases: dict[str, set[str]],
                   per_kind: int) -> dict[str, list[dict[str, Any]]]:
    """The first wrong parts at confirmed or probable of each kind: what the line said, and what was read."""
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line, answer in zip(lines, answers):
        part, truth = answer["part"], line["truth_key"]
        if part is None or part == truth or answer["confidence"] not in COUNTED:
            continue
        if truth and truth.startswith(part) and line["truth_maker"] in bases.get(part, ()):
            continue
        if len(found[line["kind"]]) < per_kind:
            text = {k: v for k, v in line["fields"].items() if k in ("part_number", "marking", "description",
                                                                    "manufacturer") and v}
            found[line["kind"]].append({"line": text, "truth": line["truth_key"], "read": part,
                                        "method": answer["method"], "confidence": answer["confidence"]})
    return dict(found)


def run(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    rng = random.Random(args.seed)
    load_before = load_average()
    clock = Stopwatch()
    shipped, every_shipped, curated = shipped_parts()
    all_keys = {bench_key(p.number) for p in every_shipped}
    flat_count = max(0, args.flat_makers - curated)
    makers = synthetic_makers(max(args.makers, flat_count), rng)
    parts = list(synthetic_parts(args.parts, rng, makers[:args.makers], all_keys))
    (work / "synthetic").mkdir()
    write_makers(work / "synthetic", makers[:args.makers])
    write_parts(work / "synthetic", parts)
    (work / "shipped-parts").mkdir()
    write_parts(work / "shipped-parts", every_shipped)
    write_makers(work / "flat", makers[:flat_count])
    keys = Keys(all_keys)
    pool = shipped + rng.sample(parts, min(len(parts), 3 * len(shipped)))
    drawn = draw_lines(rng, args.lines, pool, keys)
    write_lines(work / "lines.jsonl", drawn.lines)
    lines = read_lines(work / "lines.jsonl")
    sample = stratified(lines, args.baseline_sample, rng)
    write_lines(work / "sample.jsonl", (Line(**d) for d in sample))
    write_lines(work / "flat.jsonl", flat_lines(rng, shipped, args.flat_lines, keys))
    generated = clock.lap()
    del parts, all_keys, keys

    build = run_stage("build", work)
    match = run_stage("match", work, *(["--profile"] if args.profile else []))
    baseline = run_stage("baseline", work)
    flat_small = run_stage("flat", work, "--folder", "none")
    flat_large = run_stage("flat", work, "--folder", str(work / "flat"))
    answers = read_lines(work / "answers.jsonl")
    theirs_answers = read_lines(work / "baseline.jsonl")
    bases = makers_of(work, base_candidates([*zip(lines, answers), *zip(sample, theirs_answers)]))
    ours = score(lines, answers, bases)
    theirs = score(sample, theirs_answers, bases, confident_always=True)
    distinct = len({json.dumps(d["fields"], sort_keys=True) for d in lines}) / len(lines)
    return {
        "catalog_parts": build["catalog_parts"],
        "catalog_makers": build["catalog_curated_makers"] + build["catalog_registry_makers"],
        "catalog_curated_makers": build["catalog_curated_makers"],
        "catalog_registry_makers": build["catalog_registry_makers"],
        "synthetic_makers": args.makers, "synthetic_parts": args.parts,
        "lines": len(lines), "distinct_lines": round(distinct, 4), "seed": args.seed,
        "generate_s": round(generated.wall, 1),
        "index_build_s": build["index_build_s"], "index_build_cpu_s": build["index_build_cpu_s"],
        "index_build_peak_rss_mb": build["peak_rss_mb"],
        "index_load_s": match["index_load_s"], "index_load_cpu_s": match["index_load_cpu_s"],
        "match_s": match["match_s"], "match_cpu_s": match["match_cpu_s"],
        "lines_per_s": match["lines_per_s"], "lines_per_cpu_s": match["lines_per_cpu_s"],
        "peak_rss_mb": match["peak_rss_mb"],
        "baseline_lines": baseline["baseline_lines"], "baseline_lines_per_s": baseline["baseline_lines_per_s"],
        "baseline_lines_per_cpu_s": baseline["baseline_lines_per_cpu_s"],
        "baseline_peak_rss_mb": baseline["peak_rss_mb"],
        "ratio": round(match["lines_per_s"] / baseline["baseline_lines_per_s"], 1),
        "ratio_cpu": round(match["lines_per_cpu_s"] / baseline["baseline_lines_per_cpu_s"], 1),
        "accuracy": ours["accuracy"], "baseline_accuracy": theirs["accuracy"],
        "wrong": ours["wrong"], "wrong_confident": ours["wrong_confident"],
        "baseline_wrong_confident": theirs["wrong_confident"],
        "maker_right_confident": ours["maker_right_confident"],
        "maker_wrong_confident": ours["maker_wrong_confident"],
        "accuracy_by_kind": {k: v["right"] for k, v in ours["by_kind"].items()},
        "baseline_accuracy_by_kind": {k: v["right"] for k, v in theirs["by_kind"].items()},
        "by_kind": ours["by_kind"], "baseline_by_kind": theirs["by_kind"],
        "wrong_confident_examples": wrong_examples(lines, answers, bases, args.examples),
        "kind_shares": {k: s for k, s, _ in KINDS}, "kind_truth": TRUTH,
        "thrown_by_kind": dict(drawn.thrown), "unusable_by_kind": dict(drawn.unusable),
        "named_maker": {"shipped": flat_small, "large": flat_large,
                        "ratio": round(flat_large["ms_per_line"] / flat_small["ms_per_line"], 2),
                        "ratio_cpu": round(flat_large["cpu_ms_per_line"] / flat_small["cpu_ms_per_line"], 2),
                        "maker_ratio": round(flat_large["maker_ms_per_name"] / flat_small["maker_ms_per_name"], 2)},
        "load_average": [load_before, load_average()],
        "python": sys.version.split()[0], "cpus": os.cpu_count(),
    }


def report(f: dict[str, Any]) -> None:
    print(f"catalog: {f['catalog_parts']:,} parts, {f['catalog_makers']:,} makers "
          f"({f['catalog_curated_makers']:,} curated of which {f['synthetic_makers']:,} synthetic, "
          f"{f['catalog_registry_makers']:,} registry); {f['lines']:,} lines ({f['distinct_lines']:.0%} distinct); "
          f"load average {f['load_average'][0]} -> {f['load_average'][1]} on {f['cpus']} CPUs")
    print(f"generate {f['generate_s']} s | index build {f['index_build_s']} s (CPU {f['index_build_cpu_s']} s, "
          f"peak {f['index_build_peak_rss_mb']:,.0f} MB) | index load {f['index_load_s']} s (CPU "
          f"{f['index_load_cpu_s']} s) | match {f['match_s']} s (CPU {f['match_cpu_s']} s, peak "
          f"{f['peak_rss_mb']:,.0f} MB)")
    print(f"bomtrace {f['lines_per_s']:,.0f} lines/s ({f['lines_per_cpu_s']:,.0f} per CPU second); fair baseline "
          f"{f['baseline_lines_per_s']:,.2f} lines/s ({f['baseline_lines_per_cpu_s']:,.2f}) on {f['baseline_lines']} "
          f"lines; ratio {f['ratio']:,}x (by CPU time {f['ratio_cpu']:,}x)")
    print(f"accuracy {f['accuracy']:.1%} (baseline {f['baseline_accuracy']:.1%}); wrong part at confirmed/"
          f"probable {f['wrong_confident']:.2%} (baseline, every answer a claim: {f['baseline_wrong_confident']:.2%})")
    print(f"maker at confirmed/probable: right {f['maker_right_confident']:.1%}, wrong {f['maker_wrong_confident']:.2%}")
    print(f"  {'kind':16s} {'right':>7s} {'(base)':>7s} {'abstain':>8s} {'wrong':>7s} {'wr.conf':>8s}   "
          "baseline right, wrong")
    for kind, row in f["by_kind"].items():
        base = f["baseline_by_kind"].get(kind, {})
        print(f"  {kind:16s} {row['right']:7.1%} {row['right_base']:7.1%} {row['abstained']:8.1%} {row['wrong']:7.1%} "
              f"{row['wrong_confident']:8.1%}   {base.get('right', 0):7.1%} {base.get('wrong', 0):7.1%}")
    for kind, examples in f["wrong_confident_examples"].items():
        for e in examples:
            print(f"  wrong {kind}: {e['line']} truth {e['truth']} read {e['read']} ({e['method']}, {e['confidence']})")
    small, large = f["named_maker"]["shipped"], f["named_maker"]["large"]
    print(f"named maker, per line: {small['ms_per_line']} ms at {small['curated_makers']:,} curated + "
          f"{small['registry_makers']:,} registry makers; {large['ms_per_line']} ms at {large['curated_makers']:,}"
          f" + {large['registry_makers']:,}: {f['named_maker']['ratio']}x (by CPU time {f['named_maker']['ratio_cpu']}x;"
          f" target <= 1.5x); names alone {small['maker_ms_per_name']} -> {large['maker_ms_per_name']} ms "
          f"({f['named_maker']['maker_ratio']}x)")
    print(f"the same lines again, every name remembered: {small['ms_per_line_names_remembered']} -> "
          f"{large['ms_per_line_names_remembered']} ms per line")
    print(f"distinct names resolved right: {small['names_resolved_right']:.1%} -> {large['names_resolved_right']:.1%}")


if __name__ == "__main__":
    raise SystemExit(main())
