"""Compare teardowns side by side: shares by country and company per teardown, makers common to all.

Each input is a spreadsheet (analysed here, one teardown per file) or a result.json written by
`bomtrace analyze`. An input that cannot be read is listed in `issues`, like `run` does.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bomtrace.catalogs import Catalog, load_catalogs
from bomtrace.errors import InputError, UnreadableInput
from bomtrace.models import Issue
from bomtrace.pipeline import Options, now_iso, run
from bomtrace.report.charts import POSSIBLE
from bomtrace.report.jsonout import SCHEMA_VERSION, to_json_dict


@dataclass(frozen=True)
class Teardown:
    """One teardown's counts: lines by country (None = unresolved) and by company (with country)."""

    name: str
    lines: int
    headline: str
    by_country: dict[str | None, int]
    by_company: dict[str, tuple[str | None, int]]

    def share(self, lines: int) -> float:
        """A count as a share of this teardown's lines."""
        return lines / self.lines if self.lines else 0.0


@dataclass(frozen=True)
class Comparison:
    """Teardowns side by side, with the countries and companies seen across them, most lines first."""

    teardowns: list[Teardown]
    countries: list[str | None]
    companies: list[tuple[str, str | None]]
    common: list[str]
    generated_at: str
    issues: list[Issue] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def teardown_from_dict(name: str, data: Mapping[str, Any]) -> Teardown:
    """A teardown from a result.json object."""
    return Teardown(
        name=name,
        lines=int(data["summary"]["lines"]),
        headline=str(data["summary"]["headline"]),
        by_country={**{row["country"]: int(row["lines"]) for row in data["by_country"] if int(row["lines"])},
                    **({POSSIBLE: possible} if (possible := int(data["summary"].get("possible", 0))) else {})},
        by_company={row["company"]: (row["country"], int(row["lines"])) for row in data["by_company"]
                    if row["company"] and int(row["lines"])},
    )


def read_result_json(path: Path) -> dict[str, Any]:
    """A result.json object; raises UnreadableInput when it is not one bomtrace wrote."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UnreadableInput("File not found", path.name, "Check the path.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UnreadableInput(f"Not valid JSON ({type(error).__name__})", path.name,
                              "Give a result.json written by `bomtrace analyze`.") from error
    needed = {"summary", "by_country", "by_company"}
    if not isinstance(data, dict) or data.get("schema_version") != SCHEMA_VERSION or needed - set(data):
        raise UnreadableInput(f"Not a bomtrace result.json (schema_version {SCHEMA_VERSION})", path.name,
                              "Give a result.json written by `bomtrace analyze`, or the spreadsheet itself.")
    return data


def teardown_name(path: Path, data: Mapping[str, Any]) -> str:
    """A teardown's name: its input file names for a result.json, else the file name."""
    if path.suffix.lower() == ".json":
        names = [str(i["path"]) for i in data.get("inputs", []) if isinstance(i, dict) and "path" in i]
        return " + ".join(names) or path.name
    return path.name


def compare(paths: Sequence[str | Path], options: Options | None = None, *, catalog: Catalog | None = None
            ) -> Comparison:
    """Analyse or load each input and set them side by side; failed inputs become issues."""
    options = options or Options()
    teardowns: list[Teardown] = []
    issues: list[Issue] = []
    failed: list[str] = []
    for item in map(Path, paths):
        try:
            if item.suffix.lower() == ".json":
                data = read_result_json(item)
            else:
                catalog = catalog or load_catalogs(options.catalogs)
                result = run([item], options, catalog=catalog)
                if result.failed_inputs:
                    issues.extend(result.issues)
                    failed.append(str(item))
                    continue
                data = to_json_dict(result)
        except InputError as error:
            issues.append(Issue(error.place, error.message))
            failed.append(str(item))
            continue
        teardowns.append(teardown_from_dict(teardown_name(item, data), data))
    return comparison(_unique_names(teardowns), options.generated_at or now_iso(), issues, failed)


def _unique_names(teardowns: list[Teardown]) -> list[Teardown]:
    """Teardowns whose names repeat get ' (2)', ' (3)' ... in order."""
    seen: Counter[str] = Counter()
    renamed = []
    for t in teardowns:
        seen[t.name] += 1
        name = t.name if seen[t.name] == 1 else f"{t.name} ({seen[t.name]})"
        renamed.append(Teardown(name, t.lines, t.headline, t.by_country, t.by_company))
    return renamed


def comparison(teardowns: list[Teardown], generated_at: str, issues: Sequence[Issue] = (),
               failed: Sequence[str] = ()) -> Comparison:
    """Countries (unresolved last) and companies across teardowns, most lines first; makers in all."""
    countries: Counter[str | None] = Counter()
    companies: Counter[tuple[str, str | None]] = Counter()
    for t in teardowns:
        countries.update(t.by_country)
        for name, (country, lines) in t.by_company.items():
            companies[(name, country)] += lines
    country_order = sorted(countries, key=lambda c: (c is None, c == POSSIBLE, -countries[c], c or ""))
    company_order = sorted(companies, key=lambda c: (-companies[c], c[0]))
    common = sorted(set.intersection(*(set(t.by_company) for t in teardowns))) if teardowns else []
    return Comparison(teardowns, country_order, company_order, common, generated_at, list(issues),
                      list(failed))


def write_compare(result: Comparison, out: str | Path) -> list[Path]:
    """DIR/compare.html and DIR/compare.xlsx (DIR created if needed); returns the paths written."""
    from bomtrace.report.files import atomic_write_bytes
    from bomtrace.report.html import render_compare
    from bomtrace.report.xlsx import compare_workbook_bytes

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    return [atomic_write_bytes(folder / "compare.html", render_compare(result).encode("utf-8")),
            atomic_write_bytes(folder / "compare.xlsx", compare_workbook_bytes(result))]
