"""report.html in a real browser (Debian's chromium driven by Playwright): the headline and charts show,
nothing is fetched, no script runs, and the printed page fits A4 and Letter without overflowing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from bomtrace.report.html import render_report
from tests import reportdata

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]
ARTIFACTS = Path(__file__).parent / "artifacts"
#: Printable widths in CSS pixels (96 per inch) with the report's 12 mm side margins.
PRINT_WIDTHS = {"A4": round((210 - 24) / 25.4 * 96), "Letter": round((215.9 - 24) / 25.4 * 96)}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render_report(reportdata.result(), reportdata.MEASURES), encoding="utf-8")
    return path


def open_page(browser: Browser, report: Path, width: int, requests: list[str], alerts: list[str]) -> Page:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.on("request", lambda request: requests.append(request.url))
    page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    page.goto(report.as_uri())
    return page


def test_headline_and_charts_show_and_nothing_is_fetched(browser: Browser, report: Path) -> None:
    requests: list[str] = []
    alerts: list[str] = []
    page = open_page(browser, report, 1200, requests, alerts)
    headline = page.locator("#headline")
    assert headline.is_visible()
    assert headline.inner_text() == ("3 of 8 components (38%) were made by 3 companies based in the United "
                                     "States; 1 more line possibly.")
    charts = page.locator("svg.chart")
    assert charts.count() == 4
    for i in range(charts.count()):
        box = charts.nth(i).bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 40
        assert charts.nth(i).locator("rect").count() >= 3
    assert page.locator("#review tbody tr").count() == 3
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
    page.close()
    assert requests == [report.as_uri()]
    assert alerts == []


@pytest.mark.parametrize("paper", sorted(PRINT_WIDTHS))
def test_printed_page_fits_the_paper(browser: Browser, report: Path, paper: str) -> None:
    """With print styles at the paper's printable width, no element sticks out to the right."""
    page = open_page(browser, report, PRINT_WIDTHS[paper], [], [])
    page.emulate_media(media="print")
    overflow = page.evaluate("""() => {
        const limit = document.documentElement.clientWidth + 1;
        return [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > limit)
            .map(e => e.tagName + (e.id ? '#' + e.id : '') + ' ' + Math.round(e.getBoundingClientRect().right));
    }""")
    assert overflow == []
    pdf = page.pdf(format=paper)
    assert pdf.startswith(b"%PDF")
    page.close()
