"""Accuracy on the reference devset (../shared/devset), when it is present. Run by hand:

    python bench/eval_reference.py [--devset PATH] [--show N]

reported: marking and manufacturer as reported (no country); over rows whose country is an ISO-2
          code, the share where bomtrace's country (brand basis) is the same.
blind:    marking text only, over rows with a marking and a named maker; coverage = share attributed
          at confirmed or probable; precision = share of those whose company or owner is the maker
          the source names (or the owner it gives in brackets), legal forms, case and punctuation
          ignored.
task force (reported mode, every row): lines whose marking prints a country of assembly; lines whose
          maker had another owner when the part was made than today (and those whose date code reads
          on both sides of an ownership event); named parties (distinct, by role) whose names match a
          sanctions-list entry. Counts only: no row of the devset is printed in this part.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

from bomtrace import aggregate
from bomtrace.analysis import analyze_line
from bomtrace.catalogs import load_catalogs
from bomtrace.models import RawLine, Source
from bomtrace.normalize import maker_key, split_maker_name

DEFAULT_DEVSET = Path(__file__).resolve().parents[1].parent / "shared" / "devset"
#: The sample close to the public figure "40 of 52 components by 13 US companies": its headline must
#: stay "41 of 51 components (80%) were made by 12 companies based in the United States".
SEED_SAMPLE = "Shahed-136 UAV № М214"


def read_devset(folder: Path) -> list[dict[str, str]]:
    rows = []
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=2):
                row["_source"] = f"{path.name}:{number}"
                rows.append(row)
    return rows


def line(row: dict[str, str], *, with_maker: bool) -> RawLine:
    fields = {"marking": row["marking_as_reported"], "part_number": row["part_number"],
              "module": row["module"]}
    if with_maker:
        fields["manufacturer"] = row["manufacturer_as_reported"]
    fields = {k: v for k, v in fields.items() if v}
    return RawLine(Source(row["_source"], None, 0), fields, dict(fields))


def names_of(reported: str) -> set[str]:
    parts = split_maker_name(reported)
    return {maker_key(n) for n in (parts.primary, *parts.bracketed) if n}


def same_maker(ours: list[str | None], theirs: set[str]) -> bool:
    """Our company or owner is the portal's maker or bracketed owner: the same name once legal forms,
    case and punctuation are gone, or one name's words inside the other's ('Bosch' in 'Robert Bosch')."""
    for name in filter(None, ours):
        key = maker_key(name)
        for other in theirs:
            if key == other or f" {other} " in f" {key} " or f" {key} " in f" {other} ":
                return True
    return False


def same_maker_by_alias(ours: list[str | None], reported: str, catalog) -> bool:
    """Also right when the portal's name is one of our catalog's names or aliases for the same company
    or its owner (e.g. 'Shanghai Xinlong Semiconductor' for XLSEMI)."""
    parts = split_maker_name(reported)
    ids = {catalog.makers.curated.get(maker_key(n)) for n in (parts.primary, *parts.bracketed) if n}
    ours_ids = {catalog.makers.curated.get(maker_key(n)) for n in ours if n}
    return bool((ids & ours_ids) - {None})


def task_force_figures(rows: list[dict[str, str]], catalog) -> None:
    """The three task-force figures over every row (marking and maker as reported): counts only."""
    from collections import Counter as _Counter

    from bomtrace.sanctions.lists import current

    lists = current().index
    results = [analyze_line(line(row, with_maker=True), catalog, lists=lists) for row in rows]
    made_in = _Counter(r.made_in.country for r in results if r.made_in)
    conflicts = sum(1 for r in results if "made_in_conflict" in r.flags)
    changed = sum(1 for r in results if r.ownership and r.ownership.changed)
    ambiguous = sum(1 for r in results if r.ownership and r.ownership.ambiguous)
    dated = sum(1 for r in results if r.ownership and r.ownership.made)
    parties = {(h.role, h.party, h.list, h.entry) for r in results for h in r.screening}
    hit_lines = sum(1 for r in results if r.screening)
    print(f"task force: {len(results)} rows; made in printed on {sum(made_in.values())} "
          f"({dict(made_in.most_common())}), {conflicts} with two countries; owner at date differs from "
          f"today's on {changed} of {dated} dated lines ({ambiguous} ambiguous, today's owner kept); "
          f"{len({(role, party) for role, party, _, _ in parties})} named parties (distinct names) with a list "
          f"hit, matching {len({(lst, entry) for _, _, lst, entry in parties})} list entries, on {hit_lines} "
          f"lines; by role {dict(_Counter(role for role, _, _, _ in parties))}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--devset", type=Path, default=DEFAULT_DEVSET)
    parser.add_argument("--show", type=int, default=15, help="disagreements to print per mode")
    parser.add_argument("--wrong", action="store_true", help="list every row given a different country at "
                        "confirmed or probable in reported mode")
    args = parser.parse_args()
    if not args.devset.is_dir():
        print(f"no devset at {args.devset}; nothing to measure", file=sys.stderr)
        return 0
    rows = read_devset(args.devset)
    catalog = load_catalogs()

    scored = [r for r in rows if len(r["manufacturer_country_as_reported"]) == 2]
    agree, misses, wrong_sure = 0, Counter(), Counter()
    for row in scored:
        result = analyze_line(line(row, with_maker=True), catalog)
        if result.attribution.country == row["manufacturer_country_as_reported"]:
            agree += 1
        else:
            misses[(row["manufacturer_as_reported"], row["manufacturer_country_as_reported"],
                    result.attribution.country, result.match.method)] += 1
            if result.attribution.country and result.match.confidence in ("confirmed", "probable"):
                wrong_sure[(row["manufacturer_as_reported"], row["manufacturer_country_as_reported"],
                            result.attribution.country, result.match.confidence)] += 1
    print(f"reported: country agreement {agree}/{len(scored)} = {agree / len(scored):.1%}; "
          f"a different country at confirmed/probable on {sum(wrong_sure.values())} rows")
    for (maker, want, got, method), n in misses.most_common(args.show):
        print(f"  {n:3d} x {maker!r}: portal {want}, bomtrace {got} ({method})")
    if args.wrong:
        for (maker, want, got, confidence), n in sorted(wrong_sure.items()):
            print(f"  different at {confidence}: {n} x {maker!r}: portal {want}, bomtrace {got}")
    seed = [r for r in rows if r["weapon"] == SEED_SAMPLE]
    if seed:
        print(f"seed sample {SEED_SAMPLE}: " + aggregate.breakdown(
            [analyze_line(line(r, with_maker=True), catalog) for r in seed]).summary.headline)
    task_force_figures(rows, catalog)

    blind = [r for r in rows if r["marking_as_reported"].strip()
             and r["manufacturer_as_reported"].strip() not in ("", "Not identified")]
    covered = correct = by_alias = 0
    by_conf: Counter[str] = Counter()
    wrong = []
    for row in blind:
        result = analyze_line(line(row, with_maker=False), catalog)
        by_conf[result.match.confidence] += 1
        if result.match.confidence not in ("confirmed", "probable"):
            continue
        covered += 1
        ours = [result.attribution.company, result.attribution.owner]
        if same_maker(ours, names_of(row["manufacturer_as_reported"])):
            correct += 1
            by_alias += 1
        elif same_maker_by_alias(ours, row["manufacturer_as_reported"], catalog):
            by_alias += 1
        else:
            wrong.append((row["marking_as_reported"][:70], row["manufacturer_as_reported"],
                          result.attribution.company, result.match.confidence, result.match.detail[:90]))
    print(f"blind: {len(blind)} rows; coverage {covered}/{len(blind)} = {covered / len(blind):.1%}; "
          f"precision {correct}/{covered} = {correct / max(covered, 1):.1%} by name, "
          f"{by_alias}/{covered} = {by_alias / max(covered, 1):.1%} counting catalog aliases; "
          f"by confidence {dict(by_conf)}")
    for item in wrong[: args.show]:
        print("  wrong:", item)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
