"""End to end in a real browser (Debian's chromium driven by Playwright) against a real server:
drop an example on the upload form, correct one column, read the headline, record a review
decision, see it in the report, download the xlsx. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from bomtrace.config import Limits
from bomtrace.web import library
from tests.web_support import MAPPING_ROWS, mini_catalog, real_server, xlsx_bytes

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]
ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "install Debian's chromium: apt-get install -y chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def shot(page: Page, name: str, full: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full)


def expected_headline(example: Path, mapping: dict[str, str]) -> str:
    """The headline the library itself gives for the example with this mapping."""
    result = library.analyze(example, mapping, mini_catalog(), Limits(), "2026-01-01T00:00:00+00:00")
    return result.summary.headline + "."


def drop_file(page: Page, path: Path) -> None:
    """Drop a file on the upload form as a person dragging it from their desktop would."""
    data = list(path.read_bytes())
    transfer = page.evaluate_handle(
        "([name, bytes]) => { const t = new DataTransfer();"
        " t.items.add(new File([new Uint8Array(bytes)], name)); return t; }", [path.name, data])
    page.dispatch_event("#drop", "dragover", {"dataTransfer": transfer})
    page.dispatch_event("#drop", "drop", {"dataTransfer": transfer})


def test_upload_correct_review_report_download(browser: Browser, tmp_path: Path) -> None:
    example = tmp_path / "board.xlsx"
    example.write_bytes(xlsx_bytes(MAPPING_ROWS))
    with real_server(tmp_path / "data", tmp_path / "server.log") as (_, url):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(url)
        drop_file(page, example)
        expect(page.locator("#drop-text")).to_have_text("board.xlsx")
        page.fill("input[name=name]", "Shahed-136 board, 2023-05")
        page.fill("input[name=uploader]", "Ann")
        shot(page, "01-upload")
        page.click("#upload-form button[type=submit]")

        expect(page.locator("#headline")).to_have_text(expected_headline(example, {}), timeout=30_000)
        expect(page.locator("#mapping")).to_contain_text("5 rows read, 3 lines, 2 skipped (2 no content in read columns).")
        expect(page.get_by_label("header row of Teardown")).to_have_value("1")
        shot(page, "02-case-v1")

        page.select_option("select[aria-label='field for Chip']", "part_number")
        page.click("#rerun")
        expect(page.locator("#mapping")).to_contain_text("5 rows read, 5 lines, 0 skipped.", timeout=30_000)
        headline = page.locator("#headline").inner_text()
        assert headline == expected_headline(example, {"Board": "module", "Chip": "part_number",
                                                       "Maker": "manufacturer"})
        shot(page, "03-case-v2-mapping-corrected")

        page.click("#open-review")
        row = page.locator("tr", has=page.locator("input[name=line_id][value='board.xlsx:Teardown:6']"))
        row.locator("select[name=decision]").select_option("set_maker")
        row.locator("input[name=value]").fill("Texas Instruments")
        row.locator("input[name=note]").fill("TI logo on the package")
        expect(row.locator("input[name=reviewer]")).to_have_value("Ann")  # remembered from the upload
        shot(page, "04-review-before")
        row.locator("button[type=submit]").click()
        expect(page.locator("#decided")).to_contain_text("TI logo on the package", timeout=30_000)
        expect(page.locator("#decisions")).to_contain_text("Ann")
        shot(page, "05-review-after")

        page.click("#back-to-case")
        page.click("#open-report")
        methodology = page.locator("#overrides + table")
        expect(methodology).to_contain_text("maker set to Texas Instruments by Ann in web review #1")
        expect(methodology).to_contain_text("(TI logo on the package)")
        shot(page, "06-report")
        page.locator("#methodology").screenshot(path=str(ARTIFACTS / "07-report-methodology.png"))

        page.go_back()
        final = page.locator("#headline").inner_text()
        assert final == "3 of 5 components (60%) were made by 2 companies based in the United States."
        with page.expect_download() as info:
            page.click("#download-xlsx")
        download = info.value
        assert download.suggested_filename == "board-v3-report.xlsx"
        saved = ARTIFACTS / download.suggested_filename
        download.save_as(saved)
        book = openpyxl.load_workbook(io.BytesIO(saved.read_bytes()))
        assert book["Summary"]["B2"].value == final.rstrip(".")
        header, *rows = book["Lines"].iter_rows(values_only=True)
        decided = dict(zip(header, next(row for row in rows if row[0] == "board.xlsx:Teardown:6")))
        assert (decided["company"], decided["method"]) == ("Texas Instruments", "override")
        assert "(TI logo on the package)" in str(decided["detail"])

        page.goto(url)
        expect(page.locator("#cases")).to_contain_text("Shahed-136 board, 2023-05")
        shot(page, "08-cases")
        assert errors == []
        context.close()


def test_sign_in_and_a_refused_upload_in_a_real_browser(browser: Browser, tmp_path: Path) -> None:
    token = "a-long-enough-token-for-tests"
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"%PDF-1.7 not a spreadsheet")
    with real_server(tmp_path / "data", tmp_path / "server.log", token=token) as (_, url):
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.goto(f"{url}/cases/0123456789abcdef")
        expect(page).to_have_url(re.compile(r"/signin\?next="))
        expect(page.locator("nav.app")).not_to_contain_text("Sign out")
        page.fill("input[name=token]", "wrong")
        page.click("form[action='/signin'] button")
        expect(page.locator("#error")).to_have_text("Wrong token. Try again.")
        shot(page, "09-sign-in-wrong")
        page.fill("input[name=token]", token)
        page.click("form[action='/signin'] button")
        expect(page.locator("#error")).to_contain_text("No such case.")  # where it was going
        page.goto(url)
        page.set_input_files("#file", str(bad))
        page.fill("input[name=name]", "Not a teardown")
        page.fill("input[name=uploader]", "Ann")
        page.click("#upload-form button[type=submit]")
        expect(page.locator("#error")).to_have_text(
            "Unsupported file type '.pdf' in scan.pdf. Upload a teardown spreadsheet: .csv, .ods, .tsv, .txt, "
            ".xls, .xlsm, .xlsx.")
        expect(page.locator("#cases")).to_contain_text("No case yet.")
        expect(page.locator("input[name=name]")).to_have_value("Not a teardown")  # kept for the retry
        shot(page, "10-refused-upload")
        page.click("nav.app button")  # sign out
        expect(page).to_have_url(re.compile(r"/signin$"))
        context.close()
