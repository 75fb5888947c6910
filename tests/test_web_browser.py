"""End to end in a real browser (Debian's chromium driven by Playwright) against a real server:
drop an example on the upload form, correct one column, read the headline, record a review
decision, see it in the report, download the xlsx; and the review flow from a file whose header is not
recognised to a maker the catalog lacks. Screenshots go to tests/artifacts/ (not kept); the README's
are refreshed into docs/ only when asked:

    BOMTRACE_DOCS_SCREENSHOTS=1 python -m pytest tests/test_web_browser.py
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from bomtrace.config import Limits
from bomtrace.web import library
from tests.web_support import MAPPING_ROWS, mini_catalog, real_server, xlsx_bytes

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]
ARTIFACTS = Path(__file__).parent / "artifacts"
#: Where the README's screenshots live; written only with BOMTRACE_DOCS_SCREENSHOTS=1.
DOCS = Path(__file__).parent.parent / "docs" / "screenshots"


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


def doc_shot(page: Page, name: str) -> None:
    """A screenshot for tests/artifacts/, and for docs/ when the README's screenshots are refreshed."""
    shot(page, name)
    if os.environ.get("BOMTRACE_DOCS_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS / f"{name}.png"), full_page=True)


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


#: Illustrative rows (real part numbers, invented boards) under headers no synonym names.
UNRECOGNISED = "Board,Chip,Firm\nFC,LM358,\nPWR,GRM188R71H104KA93D,Murata\nGNSS,NEO-M8N,\nRF,AD9364,\n"


def line_row(page: Page, line_id: str) -> Locator:
    """The review queue's row of a line."""
    return page.locator("tr", has=page.locator(f"input[name=line_id][value='{line_id}']"))


def test_map_an_unrecognised_header_review_by_candidate_and_by_a_new_maker(browser: Browser, tmp_path: Path
                                                                         ) -> None:
    teardown = tmp_path / "board-notes.csv"
    teardown.write_text(UNRECOGNISED, encoding="utf-8")
    with real_server(tmp_path / "data", tmp_path / "server.log") as (_, url):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(url)
        page.set_input_files("#file", str(teardown))
        page.fill("input[name=name]", "Recon drone board (illustrative)")
        page.fill("input[name=uploader]", "Ann")
        page.click("#upload-form button[type=submit]")

        expect(page.locator("#nothing-recognised")).to_be_visible(timeout=30_000)
        expect(page.get_by_label("first rows of CSV")).to_contain_text("GRM188R71H104KA93D")
        doc_shot(page, "review-1-unrecognised-header")
        page.select_option("select[aria-label='field for Board']", "module")
        page.select_option("select[aria-label='field for Chip']", "part_number")
        page.select_option("select[aria-label='field for Firm']", "manufacturer")
        page.click("#rerun")
        expect(page.locator("#headline")).to_have_text(
            "1 of 4 components (25%) was made by 1 company based in Switzerland.", timeout=30_000)

        page.click("#open-review")
        expect(page.locator("#queue h2")).to_have_text("Needs review (2)")
        lm358 = line_row(page, "board-notes.csv::2")
        lm358.locator("select[name=decision]").select_option("set_maker")
        expect(lm358.locator("select[name=maker_option] option")).to_have_text(
            ["(or type one below)", "onsemi (US)", "STMicroelectronics (CH)", "Texas Instruments (US)"])
        lm358.locator("select[name=maker_option]").select_option("texas-instruments")
        lm358.locator("input[name=note]").fill("TI logo on the package (illustrative)")
        doc_shot(page, "review-2-pick-a-candidate")
        lm358.locator("button[type=submit]").click()
        expect(page.locator("#decisions")).to_contain_text("Texas Instruments (US)", timeout=30_000)

        form = page.locator("#add-maker-form")
        form.locator("input[name=name]").fill("Murata Manufacturing")
        form.locator("input[name=country]").fill("JP")
        form.locator("input[name=source]").fill("https://corporate.murata.com/en-global/")
        form.locator("input[name=aliases]").fill("Murata")
        doc_shot(page, "review-3-add-a-maker")
        page.click("#add-maker-button")
        expect(page.locator("#makers option[value='u-murata-manufacturing']")).to_have_count(1)

        murata_row = line_row(page, "board-notes.csv::3")
        murata_row.locator("select[name=decision]").select_option("set_maker")
        typed = murata_row.locator("input[name=value]")
        typed.press_sequentially("Mura")
        expect(page.locator("#makers option")).to_have_count(1, timeout=10_000)  # the type-ahead's answer
        expect(page.locator("#makers option")).to_have_attribute("value", "u-murata-manufacturing")
        typed.fill("u-murata-manufacturing")
        murata_row.locator("button[type=submit]").click()
        expect(page.locator("#queue h2")).to_have_text("Needs review (0)", timeout=30_000)
        expect(page.locator("#decisions")).to_contain_text("Murata Manufacturing (JP)")
        doc_shot(page, "review-4-decided")

        page.click("#back-to-case")
        expect(page.locator("#headline")).to_have_text(
            "2 of 4 components (50%) were made by 2 companies based in the United States.")
        expect(page.locator("#before-after")).to_have_text(
            "Before v4 (decisions): the same headline, 3 attributed, 1 unresolved → now: 4 attributed, 0 unresolved.")
        expect(page.locator("#versions")).to_contain_text("1 of 4 components (25%) was made by 1 company based in")
        audit = page.locator("#audit")
        expect(audit).to_contain_text("decision #1 on board-notes.csv::2: set maker texas-instruments")
        expect(audit).to_contain_text("decision #2 on board-notes.csv::3: set maker u-murata-manufacturing")
        doc_shot(page, "review-5-case-after")
        assert errors == []
        context.close()
