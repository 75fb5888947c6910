"""report.html: the golden page, escaping, no network, the review list, date codes against measures."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bomtrace.cli import app
from bomtrace.report import views
from bomtrace.report.datecodes import read_date_code, restrictions_in, standing
from bomtrace.report.html import environment, render_report
from tests import reportdata
from tests.conftest import MINI

GOLDEN = Path(__file__).parent / "golden"


def check_golden(name: str, text: str, update: bool) -> None:
    """Compare with tests/golden/NAME, or rewrite it under --update-golden (review the diff)."""
    path = GOLDEN / name
    if update:
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True), str(path),
                                            "rendered", n=1))
        pytest.fail(f"{name} differs from the golden file (run pytest --update-golden and review):\n"
                    f"{diff[:4000]}")


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text inside each element with an id."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


@pytest.fixture(scope="module")
def page() -> str:
    return render_report(reportdata.result(), reportdata.MEASURES)


def test_report_matches_golden(page: str, update_golden: bool) -> None:
    check_golden("report.html", page, update_golden)


def test_rendering_is_deterministic() -> None:
    result = reportdata.result()
    assert render_report(result, reportdata.MEASURES) == render_report(result, reportdata.MEASURES)


def test_hostile_cells_are_escaped_text(page: str) -> None:
    assert "<script" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "=HYPERLINK(&#34;http://evil.example/x&#34;,&#34;click me&#34;)" in page
    assert "+cmd|&#39; /C calc&#39;!A0" in page and "@SUM(A1:A9)" in page
    assert not [t for t, _ in tags(page) if t in ("script", "iframe", "object", "embed", "form")]


def test_no_request_leaves_the_page(page: str) -> None:
    """Self-contained: no external stylesheet, script, image, font or link target; CSP forbids them."""
    for tag, attrs in tags(page):
        assert "src" not in attrs, tag
        assert tag != "link", attrs
        assert not (attrs.get("href") or "#").split("#")[0], (tag, attrs)
    assert "url(" not in page and "@import" not in page
    csp = next(a["content"] for t, a in tags(page) if a.get("http-equiv") == "Content-Security-Policy")
    assert csp is not None and csp.startswith("default-src 'none'")


def test_headline_figures_and_caveat(page: str) -> None:
    assert '<p class="headline" id="headline">3 of 8 components (38%) were made by 3 companies based in the ' \
           "United States; 1 more line possibly.</p>" in page
    assert views.CAVEAT in page


def test_review_section_comes_first_and_lists_exactly_the_doubtful_lines(page: str) -> None:
    assert page.index('id="review"') < page.index('id="charts"') < page.index('id="lines"')
    review = page[page.index('id="review"'):page.index('id="charts"')]
    rows = re.findall(r"shahed-136\.xlsx<br><span class=\"muted\">Parts, row (\d+)", review)
    assert rows == ["5", "7", "6"]  # unresolved (by row), then possible


def test_every_chart_is_inline_svg(page: str) -> None:
    charts = [a["aria-label"] for t, a in tags(page) if t == "svg"]
    assert charts == ["Lines by country", "Lines by company", "Lines by module and country",
                      "Share by country over sample date"]


def test_sample_date_chart_only_when_two_samples_carry_dates() -> None:
    undated = [r for r in reportdata.lines()]
    for r in undated:
        r.line.fields["sample"] = ""
    html = render_report(reportdata.result(undated), reportdata.MEASURES)
    assert 'aria-label="Share by country over sample date"' not in html
    assert 'aria-label="Lines by country"' in html


def test_dated_parts_are_worded_neutrally_with_their_reading_rule(page: str) -> None:
    dates = page[page.index('id="dates"'):page.index('id="lines"')]
    assert "made after the measure of 24 Feb 2023 (US) took effect, and after 2 earlier ones" in dates
    assert "made in the week the measures of 24 Feb 2022 (US) and 25 Feb 2022 (EU) took effect" in dates
    assert "WWYY: week 45 of 2021 (ISO 8601 week)" in dates
    assert "YYWW: week 1 of 2022 (maker&#39;s rule: week 01 holds 1 January)" in dates
    assert not re.search(r"violat|illegal|breached|in breach", dates, re.IGNORECASE)


@pytest.mark.parametrize("code,maker,order,year,week,start,alternative", [
    ("2116", None, "YYWW", 2021, 16, "2021-04-19", "as WWYY it would be week 21 of 2016"),
    ("#2116", None, "YYWW", 2021, 16, "2021-04-19", "as WWYY it would be week 21 of 2016"),
    ("4521", None, "WWYY", 2021, 45, "2021-11-08", ""),  # 2045 is past the year range: week first
    ("2153", None, None, None, None, None, None),  # 2021 has no ISO week 53; year 2053 is out of range
    ("2053", None, "YYWW", 2020, 53, "2020-12-28", ""),  # 2020 has an ISO week 53
    ("2201", "microchip", "YYWW", 2022, 1, "2021-12-27", "as WWYY it would be week 22 of 2001"),
    ("2201", None, "YYWW", 2022, 1, "2022-01-03", "as WWYY it would be week 22 of 2001"),
    ("9999", None, None, None, None, None, None),
    ("21W16", None, None, None, None, None, None),
    ("", None, None, None, None, None, None),
])
def test_date_code_reading_rules(code: str, maker: str | None, order: str | None, year: int | None,
                                 week: int | None, start: str | None, alternative: str | None) -> None:
    reading = read_date_code(code, maker)
    if order is None:
        assert reading is None
        return
    assert reading is not None
    assert (reading.order, reading.year, reading.week, reading.start.isoformat(), reading.alternative) == (
        order, year, week, start, alternative)
    assert reading.end - reading.start == dt.timedelta(days=6)


@pytest.mark.parametrize("code,wording", [
    ("2207", "made before the first measure listed took effect"),  # 14-20 Feb 2022
    ("2208", "made in the week the measures of 24 Feb 2022 (US) and 25 Feb 2022 (EU) took effect"),
    ("2209", "made after the measure of 25 Feb 2022 (EU) took effect, and after 1 earlier one"),
    ("2407", "made after the measure of 24 Feb 2023 (US) took effect, and after 2 earlier ones"),
    ("2408", "made in the week the measure of 23 Feb 2024 (US/EU/UK/JP) took effect"),
    ("2409", "made after the measure of 23 Feb 2024 (US/EU/UK/JP) took effect, and after 3 earlier ones"),
])
def test_standing_against_the_measures(code: str, wording: str) -> None:
    reading = read_date_code(code)
    assert reading is not None
    assert standing(reading, reportdata.MEASURES).wording == wording


def test_shipped_restrictions_table_reads(tmp_path: Path) -> None:
    (tmp_path / "restrictions.csv").write_text(
        "date,jurisdiction,measure,targets,source\n"
        "2023-02-24,US,BIS Iran UAV rule,IR;RU;BY,https://www.federalregister.gov/d/2023-03927\n"
        "2022-02-24,US,BIS Russia rule,RU,https://www.federalregister.gov/d/2022-04300\n"
        "2022-13-01,US,bad date,RU,x\n", encoding="utf-8")
    measures = restrictions_in(tmp_path)
    assert [(m.date, m.targets) for m in measures] == [("2022-02-24", ("RU",)),
                                                       ("2023-02-24", ("IR", "RU", "BY"))]


def test_base_template_is_a_layout_for_other_pages() -> None:
    page = environment().from_string('{% extends "base.html" %}{% block content %}<p>{{ x }}</p>'
                                     "{% endblock %}").render(x="<b>")
    assert "<p>&lt;b&gt;</p>" in page and "<style>" in page


def test_analyze_writes_every_format_and_opens_the_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url))
    source = tmp_path / "t.csv"
    source.write_text("Marking,Manufacturer,Date code\nVP230,Texas Instruments,2116\n"
                      "\"=HYPERLINK(\"\"http://x\"\")\",<b>bold</b>,\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["analyze", str(source), "--out", str(out), "--catalog", str(MINI),
                                      "--open"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["lines.csv", "report.html", "report.xlsx", "result.json"]
    assert opened == [(out / "report.html").resolve().as_uri()]
    html = (out / "report.html").read_text(encoding="utf-8")
    headline = json.loads((out / "result.json").read_text(encoding="utf-8"))["summary"]["headline"]
    assert f'id="headline">{headline}.</p>' in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "<b>bold</b>" not in html


def test_a_run_with_no_lines_still_renders() -> None:
    html = render_report(reportdata.result([]), reportdata.MEASURES)
    assert 'id="headline">No components were read.</p>' in html
    assert "No line needs review" in html and "No line carries a date code" in html


def test_outputs_are_readable_as_the_umask_allows(tmp_path: Path) -> None:
    from bomtrace.report import write_outputs
    from bomtrace.report.files import _UMASK

    for path in write_outputs(reportdata.result(), tmp_path):
        assert path.stat().st_mode & 0o777 == 0o666 & ~_UMASK, path.name


def test_a_country_has_one_colour_in_every_chart() -> None:
    from bomtrace.report.charts import colour_of, country_colours

    assert country_colours(["US", "CN"])["CN"] == country_colours(["CN", "US", "JP"])["CN"] == colour_of("CN")
    assert colour_of("US") != colour_of("CN")
    assert colour_of("ZW") == colour_of("ZW")  # a country without its own entry still always gets one colour


def test_categories_are_shown_by_their_label() -> None:
    result = reportdata.result()
    result.category_labels = {"mcu": "Microcontroller (MCU)"}
    assert "Microcontroller (MCU) (HS 854231)" in [g.label for g in views.by_category(result)]
