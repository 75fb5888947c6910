"""run(): the one entry the CLI and the web app call. Files, options and review decisions in, a Result
out; nothing printed. The CLI reads decisions from an overrides file, the web app from its store."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from pathlib import Path

from bomtrace import aggregate, review
from bomtrace.analysis import Progress, analyze_lines, row_issues
from bomtrace.catalogs import Catalog, load_catalogs
from bomtrace.config import Options
from bomtrace.ingest import read_inputs
from bomtrace.models import Decision, Result
from bomtrace.sanctions.lists import current as sanctions_lists

log = logging.getLogger(__name__)

__all__ = ["Options", "Progress", "now_iso", "run"]


def now_iso() -> str:
    """The time now, UTC, to the second, as ISO 8601."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def run(inputs: Sequence[str | Path], options: Options = Options(), decisions: Sequence[Decision] = (), *,
        catalog: Catalog | None = None, progress: Progress | None = None) -> Result:
    """Ingest every input, analyse every line, apply the review decisions and aggregate; failed inputs
    are listed, not raised. Raises CatalogError for an invalid catalog (nothing can be trusted then)."""
    catalog = catalog or load_catalogs(options.catalogs)
    lists = sanctions_lists()
    ingested = read_inputs(inputs, mapping=options.mapping, sheets=options.sheets, limits=options.limits,
                           header_rows=options.header_rows)
    lines = analyze_lines(ingested.lines, catalog, options.basis, options.thresholds, progress, lists.index,
                          options.workers)
    issues = ingested.issues + row_issues(lines)
    if decisions:
        lines, problems = review.apply_decisions(lines, decisions, catalog, options.basis, options.thresholds)
        issues += problems
    return Result(
        inputs=ingested.inputs,
        catalogs=catalog.infos,
        basis=options.basis,
        generated_at=options.generated_at or now_iso(),
        lines=lines,
        breakdown=aggregate.breakdown(lines),
        by_sample=aggregate.by_sample(lines),
        issues=issues,
        as_of=catalog.as_of,
        failed_inputs=ingested.failed,
        restrictions=list(catalog.restrictions),
        thresholds=options.thresholds.as_dict(),
        review_queue=[r.id for r in review.queue(lines)],
        category_labels={c.category: c.label for c in catalog.categories.values() if c.label},
        sanctions_lists=lists.infos,
    )
