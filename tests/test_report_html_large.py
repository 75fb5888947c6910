"""report.html of a large teardown: past LARGE_TEARDOWN lines the page keeps every figure, chart and
breakdown but lists only the first SHOWN_ROWS rows of each per-line table, and says so."""

from __future__ import annotations

import dataclasses
import re

import pytest

from bomtrace.models import LineResult, Source
from bomtrace.report import views
from bomtrace.report.html import LARGE_TEARDOWN, SHOWN_ROWS, render_report
from tests import reportdata


def teardown(count: int) -> list[LineResult]:
    """`count` lines: the report test lines over and over, each on its own row."""
    base = reportdata.lines()
    return [dataclasses.replace(r, line=dataclasses.replace(r.line, source=Source(reportdata.FILE, "Parts", i + 2)))
            for i, r in enumerate(base[i % len(base)] for i in range(count))]


def table_rows(page: str, section: str) -> int:
    """The body rows of the first table in a section."""
    body = page.split(f'<section id="{section}">', 1)[1].split("</section>", 1)[0]
    return body.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr")


@pytest.mark.parametrize(("count", "cut"), [(LARGE_TEARDOWN, False), (LARGE_TEARDOWN + 1, True)])
def test_the_page_is_cut_only_past_the_threshold(count: int, cut: bool) -> None:
    result = reportdata.result(teardown(count))
    page = render_report(result, reportdata.MEASURES)
    queue = len(views.review_lines(result))
    dated = len(views.dated_lines(result, reportdata.MEASURES))
    assert ('id="large-teardown"' in page) is cut
    assert table_rows(page, "lines") == (SHOWN_ROWS if cut else count)
    assert table_rows(page, "review") == (min(SHOWN_ROWS, queue) if cut else queue)
    assert table_rows(page, "dates") == (min(SHOWN_ROWS, dated) if cut else dated)
    assert f"{queue} of {count} lines are unresolved, only possibly matched, or flagged." in page
    assert f"Needs review ({queue})" in page
    assert result.summary.headline in page


def test_a_cut_page_says_what_it_leaves_out_and_where_it_is() -> None:
    count = 4 * LARGE_TEARDOWN
    result = reportdata.result(teardown(count))
    page = render_report(result, reportdata.MEASURES)
    queue = len(views.review_lines(result))
    dated = len(views.dated_lines(result, reportdata.MEASURES))
    note = re.sub(r"\s+", " ", page.split('id="large-teardown">', 1)[1].split("</p>", 1)[0])
    assert note == (f"This teardown has {count} lines. Every figure, chart and breakdown on this page counts all of "
                    f"them, but to keep the page small enough to open, its tables list only the first {SHOWN_ROWS} "
                    f"lines, the {SHOWN_ROWS} most doubtful of the {queue} lines needing review and the earliest "
                    f"{SHOWN_ROWS} of the {dated} dated lines. Every line is in report.xlsx (the Lines and Review "
                    "sheets), lines.csv and result.json.")
    assert f"<h2>The first {SHOWN_ROWS} of {count} lines</h2>" in page
    assert f"The other {count - SHOWN_ROWS} lines are in report.xlsx (the Lines sheet)" in page
    assert f"This page lists the {SHOWN_ROWS} most doubtful; the Review sheet holds all {queue}." in page
    assert f"This page lists the earliest {SHOWN_ROWS} of the {dated} lines with a readable date code" in page
    assert queue > SHOWN_ROWS and dated > SHOWN_ROWS
    review = page.split('<section id="review">', 1)[1]
    first_row = review.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    most_doubtful = views.review_lines(result)[0].line.source
    assert f"row {most_doubtful.row}</span>" in first_row


def test_a_cut_page_does_not_grow_with_the_teardown() -> None:
    """Once every per-line table is full, four times the lines make no longer a page."""
    small = render_report(reportdata.result(teardown(3 * LARGE_TEARDOWN)), reportdata.MEASURES)
    large = render_report(reportdata.result(teardown(12 * LARGE_TEARDOWN)), reportdata.MEASURES)
    assert len(large) < 1.01 * len(small)


def test_when_every_line_needing_review_fits_the_note_says_all() -> None:
    count = LARGE_TEARDOWN + 1
    result = reportdata.result(teardown(count))
    queue = len(views.review_lines(result))
    page = render_report(result, reportdata.MEASURES)
    assert queue < SHOWN_ROWS and f"all {queue} lines needing review" in page
    assert "most doubtful" not in page
