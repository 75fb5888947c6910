"""Review: decisions applied to analysed lines, and the queue of lines a reviewer should look at.

A decision names a line by `id`, or every line with a `part_number`; an id decision wins over a
part-number one for the same line. accept keeps the match, confirmed; reject leaves the line
unresolved; set_maker names the maker (resolved against the catalog); set_part re-matches the line
with the reviewer's part number. A decided line has method `override` and its detail says who decided
and why. Decisions that match no line, or cannot be applied, become issues, never dropped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from bomtrace.analysis import analyze_line, attributed
from bomtrace.catalogs import Catalog
from bomtrace.config import DEFAULT, Thresholds
from bomtrace.match import MakerEvidence, resolve_maker
from bomtrace.models import Basis, Decision, Issue, LineResult, Match, RawLine
from bomtrace.normalize import part_key
from bomtrace.vocabulary import OVERRIDE, REVIEW_FLAG

# --- the queue -----------------------------------------------------------------------------------

#: The flag of a line decided among the makers of one designation (clones): reviewed last.
SHARED_FAMILY = "shared_family"


def needs_review(r: LineResult) -> bool:
    """A line needs review when no reviewer decided it and it is unresolved, possible or flagged
    (a probable line decided among clones of one designation carries the `shared_family` flag)."""
    if r.match.method == OVERRIDE:
        return False
    return r.match.confidence in ("unresolved", "possible") or bool(r.flags)


def review_reason(r: LineResult) -> str:
    """Why a line is up for review: its confidence when low, then its flags."""
    reasons = [r.match.confidence] if r.match.confidence in ("unresolved", "possible") else []
    return ", ".join(reasons + [f.replace("_", " ") for f in r.flags])


def review_group(r: LineResult) -> int:
    """0 unresolved, 1 possible, 2 flagged, 3 probable among clones of one designation, 4 not for review."""
    if not needs_review(r):
        return 4
    if r.match.confidence == "unresolved":
        return 0
    if r.match.confidence == "possible":
        return 1
    return 3 if set(r.flags) <= {SHARED_FAMILY} else 2


def review_order(lines: Sequence[LineResult]) -> list[LineResult]:
    """Lines by how much they need a reviewer (review_group), then the most pieces first, then by place."""
    def key(r: LineResult) -> tuple[int, int, str, int]:
        s = r.line.source
        return (review_group(r), -r.quantity, f"{s.file}\0{s.sheet or ''}", s.row)

    return sorted(lines, key=key)


def queue(lines: Sequence[LineResult]) -> list[LineResult]:
    """The lines that need review, most doubtful first."""
    return [r for r in review_order(lines) if needs_review(r)]


def decision_of(r: LineResult) -> str:
    """The review decision recorded on a decided line (its `review:` flag), else ''."""
    return next((f.removeprefix(REVIEW_FLAG) for f in r.match.flags if f.startswith(REVIEW_FLAG)), "")


# --- applying ------------------------------------------------------------------------------------

def _part_key_of(r: LineResult) -> str:
    return part_key(r.line.get("part_number") or r.match.matched_text or "")


def targets(lines: Sequence[LineResult], decisions: Sequence[Decision]) -> tuple[dict[int, Decision], list[Issue]]:
    """Which line each decision decides (index -> decision); id decisions are applied last and win."""
    by_id = {r.id: i for i, r in enumerate(lines)}
    by_part: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(lines):
        if key := _part_key_of(r):
            by_part[key].append(i)
    chosen: dict[int, Decision] = {}
    issues = []
    for d in sorted(decisions, key=lambda d: bool(d.id)):
        hits = ([by_id[d.id]] if d.id in by_id else []) if d.id else by_part.get(part_key(d.part_number), [])
        if not hits:
            issues.append(Issue(d.place, f"Decision {d.decision} for {d.target} matches no line in "
                                f"{d.place}. Check it against this run's Review sheet."))
        for i in hits:
            if i in chosen:
                issues.append(Issue(d.place, f"Line {lines[i].id} is decided in {chosen[i].place} and "
                                    f"again in {d.place}. The decision in {d.place} applies."))
            chosen[i] = d
    return chosen, issues


def apply_decisions(lines: Sequence[LineResult], decisions: Sequence[Decision], catalog: Catalog,
                    basis: Basis = "brand", thresholds: Thresholds = DEFAULT
                    ) -> tuple[list[LineResult], list[Issue]]:
    """The lines with each decision applied, and the decisions that could not apply as issues."""
    chosen, issues = targets(lines, decisions)
    decided_lines = list(lines)
    for i, d in sorted(chosen.items()):
        decided, problem = decide(decided_lines[i], d, catalog, basis, thresholds)
        if problem:
            issues.append(Issue(d.place, problem))
        if decided is not None:
            decided_lines[i] = decided
    return decided_lines, issues


def _by(d: Decision) -> str:
    """'by NAME (note)' for a detail."""
    return f"by {d.reviewer or 'an unnamed reviewer'} in {d.place}" + (f" ({d.note})" if d.note else "")


def _was(m: Match) -> str:
    return f"was {m.method} {m.score:.0f}, {m.confidence}: {m.detail}"


def decide(r: LineResult, d: Decision, catalog: Catalog, basis: Basis = "brand", thresholds: Thresholds = DEFAULT
           ) -> tuple[LineResult | None, str | None]:
    """One decision applied to one line: the decided line (None if it cannot apply) and any problem."""
    old = r.match
    flag = f"{REVIEW_FLAG}{d.decision}"
    if d.decision == "accept":
        kept = "confirmed" if old.manufacturer and old.confidence != "unresolved" else old.confidence
        what = "accepted" if kept == "confirmed" else "accepted as unresolved"
        match = replace(old, method=OVERRIDE, confidence=kept, detail=f"{what} {_by(d)}; {_was(old)}",
                        flags=(*old.flags, flag))
        return attributed(r.line, r.parsed, match, catalog, basis), None
    if d.decision == "reject":
        match = Match(OVERRIDE, 0.0, "unresolved", None, detail=f"rejected {_by(d)}; {_was(old)}",
                      flags=(flag,), matched_text=old.matched_text)
        return attributed(r.line, r.parsed, match, catalog, basis), None
    if d.decision == "set_maker":
        found = _maker_by_id(d.value, catalog) or resolve_maker(d.value, catalog, thresholds)
        if found is None:
            return None, (f"Unknown maker {d.value!r} for set_maker in {d.place}. Use a maker name or alias "
                          "from the catalog, or add the maker with --catalog.")
        maker = catalog.maker(found.maker)
        read = "" if found.how in ("name", "id") else f" ({d.value!r} read as {maker.name})"
        match = Match(OVERRIDE, 100.0, "confirmed", maker.id,
                      catalog_part=old.catalog_part if old.manufacturer == maker.id else None,
                      category=old.category, detail=f"maker set to {maker.name}{read} {_by(d)}; {_was(old)}",
                      source=maker.source, flags=(flag,), matched_text=old.matched_text,
                      evidence=found.evidence)
        return attributed(r.line, r.parsed, match, catalog, basis), None
    return _set_part(r, d, catalog, basis, thresholds)


def _maker_by_id(value: str, catalog: Catalog) -> MakerEvidence | None:
    """The maker a decision names by its catalog id (the web app stores ids, not typed names)."""
    if value in catalog.manufacturers or value in catalog.registry:
        maker = catalog.maker(value)
        return MakerEvidence(maker.id, "id", 100.0, value, maker.evidence)
    return None


def _set_part(r: LineResult, d: Decision, catalog: Catalog, basis: Basis, thresholds: Thresholds
              ) -> tuple[LineResult, str | None]:
    """Re-match the line on the reviewer's part number (the marking and description set aside)."""
    kept = {k: v for k, v in r.line.fields.items() if k not in ("marking", "description", "notes")}
    probe = RawLine(r.line.source, {**kept, "part_number": d.value}, r.line.raw)
    m = analyze_line(probe, catalog, basis, thresholds).match
    match = replace(m, method=OVERRIDE, detail=f"part number set to {d.value} {_by(d)}, then {m.method}: "
                    f"{m.detail}; {_was(r.match)}", flags=(*m.flags, f"{REVIEW_FLAG}{d.decision}"))
    shown = RawLine(r.line.source, {**r.line.fields, "part_number": d.value}, r.line.raw)
    problem = None
    if match.manufacturer is None:
        problem = (f"Part number {d.value!r} set in {d.place} finds no maker; the line stays unresolved. "
                   "Check the part number, or use set_maker.")
    return attributed(shown, r.parsed, match, catalog, basis), problem
