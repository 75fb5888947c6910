"""report.html (and compare.html): one self-contained page from the jinja2 templates in templates/.

Autoescape is on for every template, so every string from an input is escaped; charts are inline
SVG built (and escaped) by bomtrace.report.charts; no script, no fonts, no request leaves the page.
The web app reuses `environment()` and base.html (`{% block content %}`) for its own pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from bomtrace import __version__, resources, review
from bomtrace.aggregate import percent
from bomtrace.config import DEFAULT, Thresholds
from bomtrace.countries import bare_name, country_name
from bomtrace.models import Restriction, Result
from bomtrace.report import views
from bomtrace.report.charts import (
    OTHER_COLOUR,
    POSSIBLE,
    Bar,
    bar_chart,
    country_colours,
    segment_name,
    stacked_chart,
)
from bomtrace.report.datecodes import day_text, shipped_restrictions
from bomtrace.report.files import atomic_write_bytes
from bomtrace.report.jsonout import line_dict

if TYPE_CHECKING:
    from bomtrace.compare import Comparison

#: How many companies the company chart shows before grouping the rest.
TOP_COMPANIES = 15
#: Past this many lines report.html lists only the first SHOWN_ROWS rows of each per-line table (all
#: lines, the review queue, dated lines): every figure, chart and breakdown still counts every line, and
#: the full tables are in report.xlsx, lines.csv and result.json. A 100,000-line page would be ~90 MB.
LARGE_TEARDOWN = 2_000
SHOWN_ROWS = 1_000


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The jinja2 environment over templates/: autoescape on, undefined names are errors."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(resources.templates_dir()),
        bytecode_cache=_bytecode_cache(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(country=bare_name, country_sentence=country_name, day=day_text, pct=_pct,
                       num=_num)
    env.globals.update(version=__version__)
    return env


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept beside the index cache, so a fresh process does not recompile them
    (jinja2 checks each template's modification time); none when caching is off or impossible."""
    from bomtrace.catalog_cache import cache_dir

    folder = cache_dir()
    if folder is None:
        return None
    try:
        (folder / "templates").mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder / "templates"))


def _pct(part: int, whole: int) -> str:
    """A share as '41%', rounded half up like the headline."""
    return f"{percent(part, whole)}%"


def _num(value: float) -> str:
    """A score without a needless '.0'."""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def report_charts(result: Result) -> dict[str, Markup]:
    """The report's charts by name: country, company, module x country, and sample dates if any."""
    rows = result.breakdown.by_country
    colours = country_colours([r.country for r in rows])
    total = result.summary.lines
    bars = [Bar(segment_name(r.country), r.lines, colours.get(r.country, OTHER_COLOUR),
                f"{r.lines} \u00b7 {_pct(r.lines, total)}") for r in rows if r.lines]
    possible = result.summary.possible
    if possible:
        bars.insert(-1 if rows and rows[-1].country is None and rows[-1].lines else len(bars),
                    Bar(segment_name(POSSIBLE), possible, colours[POSSIBLE], f"{possible} \u00b7 {_pct(possible, total)}"))
    charts = {
        "country": bar_chart(bars, "Lines by country"),
        "company": bar_chart(_company_bars(result, colours), "Lines by company"),
    }
    modules = views.module_country(result)
    if len(modules) > 1 or (modules and modules[0][0] != "(none)"):
        charts["module"] = stacked_chart([(m, _in_colour_order(parts, colours)) for m, parts in modules],
                                         colours, "Lines by module and country")
    dated = views.dated_samples(result)
    if dated:
        stacks = [(name, _in_colour_order([(r.country, r.lines) for r in b.by_country if r.lines]
                                          + ([(POSSIBLE, b.summary.possible)] if b.summary.possible else []),
                                          colours)) for _, name, b in dated]
        charts["samples"] = stacked_chart(stacks, colours, "Share by country over sample date")
    return charts


def _in_colour_order(parts: Sequence[tuple[str | None, int]], colours: dict[str | None, str]
                     ) -> list[tuple[str | None, int]]:
    """Segments in the legend's order (leading country first), unresolved last."""
    order = {code: i for i, code in enumerate(colours)}
    return sorted(parts, key=lambda p: (p[0] is None, p[0] == POSSIBLE, order.get(p[0], len(order)), p[0] or ""))


def _company_bars(result: Result, colours: dict[str | None, str]) -> list[Bar]:
    """The leading companies, then the rest as one bar, then the unresolved lines."""
    total = result.summary.lines
    named = [r for r in result.breakdown.by_company if r.company and r.lines]
    bars = [Bar(r.company or "", r.lines, colours.get(r.country, OTHER_COLOUR),
                f"{r.lines} \u00b7 {bare_name(r.country)}") for r in named[:TOP_COMPANIES]]
    rest = named[TOP_COMPANIES:]
    if rest:
        lines = sum(r.lines for r in rest)
        bars.append(Bar(f"{len(rest)} other companies", lines, OTHER_COLOUR, f"{lines} \u00b7 {_pct(lines, total)}"))
    possible = result.summary.possible
    if possible:
        bars.append(Bar(segment_name(POSSIBLE), possible, colours[POSSIBLE], f"{possible} \u00b7 {_pct(possible, total)}"))
    unresolved = result.summary.unresolved
    if unresolved:
        bars.append(Bar("Unresolved", unresolved, colours[None], f"{unresolved} \u00b7 {_pct(unresolved, total)}"))
    return bars


def report_context(result: Result, measures: Sequence[Restriction], thresholds: Thresholds = DEFAULT
                   ) -> dict[str, Any]:
    """Everything report.html shows, computed from the result and the dated measures; past
    LARGE_TEARDOWN lines the per-line tables hold their first SHOWN_ROWS rows (`cut`), with the full
    counts beside them."""
    dated = views.dated_lines(result, measures)
    review_lines = views.review_lines(result)
    undated = views.undated_codes(result)
    cut = len(result.lines) > LARGE_TEARDOWN
    shown = SHOWN_ROWS if cut else None
    return {
        "cut": cut,
        "shown_rows": SHOWN_ROWS,
        "review_total": len(review_lines),
        "dated_total": len(dated),
        "undated_total": len(undated),
        "result": result,
        "summary": result.summary,
        "title": ", ".join(i.path for i in result.inputs) or "no input",
        "caveat": views.CAVEAT,
        "basis_text": views.BASIS_TEXT[result.basis],
        "charts": report_charts(result),
        "companies": sorted(result.breakdown.by_company, key=lambda r: r.company is None),
        "review": [(line_dict(r), review.review_reason(r)) for r in review_lines[:shown]],
        "modules": views.by_module(result),
        "categories": views.by_category(result),
        "tiers": views.by_tier(result),
        "dated": [(line_dict(d.line), d) for d in dated[:shown]],
        "undated": [line_dict(r) for r in undated[:shown]],
        "measures": views.measure_rows(measures, dated),
        "lines": [line_dict(r) for r in result.lines[:shown]],
        "overrides": [(line_dict(r), review.decision_of(r)) for r in views.override_lines(result)],
        "parties": views.named_parties(result),
        "task_force": views.task_force_view(result),
        "list_dates": views.list_dates(result.sanctions_lists),
        "thresholds": thresholds.as_dict(),
    }


def render_report(result: Result, measures: Sequence[Restriction] | None = None,
                  thresholds: Thresholds = DEFAULT, review_url: str | None = None) -> str:
    """report.html as text, with the measures and thresholds the run recorded (else those given, else
    the shipped catalog's measures and the default thresholds). With `review_url` (the web app's review
    page) the lines to review link there instead of telling a CLI user to run again with --overrides."""
    if measures is None:
        measures = result.restrictions or shipped_restrictions(c.name for c in result.catalogs)
    if result.thresholds:
        thresholds = Thresholds(**result.thresholds)  # type: ignore[arg-type]
    context = {**report_context(result, measures, thresholds), "review_url": review_url}
    return environment().get_template("report.html").render(context)


def render_compare(comparison: Comparison, nav: bool = False) -> str:
    """compare.html as text; with `nav`, the web app's navigation on top."""
    colours = country_colours(comparison.countries)
    stacks = [(t.name, _in_colour_order(list(t.by_country.items()), colours)) for t in comparison.teardowns]
    chart = stacked_chart(stacks, colours, "Share by country per teardown")
    page = environment().get_template("compare.html")
    return page.render(comparison=comparison, chart=chart, caveat=views.CAVEAT, nav=nav)


def write_html(result: Result, out: Path, review_url: str | None = None) -> Path:
    """DIR/report.html, UTF-8 (see render_report for `review_url`)."""
    return atomic_write_bytes(out / "report.html", render_report(result, review_url=review_url).encode("utf-8"))
