"""The command line: a thin skin over the library. Each command makes one library call and turns
BomtraceError into one line on stderr: `Error: <what>. <how to fix>`.

Modules are imported inside the commands that use them, so `bomtrace --version` and `--help` load
typer and little else (bench/cli_bench.py times them). No `from __future__ import annotations` here:
typer would evaluate every command's annotations from strings on each start (a third of the time
`bomtrace --version` spends past importing typer).
"""

import sys
from dataclasses import replace
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from bomtrace import __version__
from bomtrace.config import MB, Limits
from bomtrace.errors import BomtraceError, CatalogError

app = typer.Typer(
    help="Where did the parts of a downed drone come from? Teardown spreadsheet in, explained origin "
    "breakdown out.\n\nStart with `bomtrace demo`, then `bomtrace analyze YOUR.xlsx`.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help: rendering it with rich costs more than the rest of `bomtrace --help` (issue 17).
    rich_markup_mode=None,
)
catalog_app = typer.Typer(help="Inspect, validate and import catalogs.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(catalog_app, name="catalog")
sanctions_app = typer.Typer(help="The sanctions lists named parties are screened against.", no_args_is_help=True,
                            rich_markup_mode=None)
app.add_typer(sanctions_app, name="sanctions")

state = {"verbose": False}
DEFAULT_LIMITS = Limits()


def fail(error: BaseException, code: int = 1) -> NoReturn:
    """Print `Error: ...` (the traceback too with --verbose) and exit."""
    if state["verbose"]:
        import traceback

        traceback.print_exception(error, file=sys.stderr)
    message = error.message if isinstance(error, BomtraceError) else str(error)
    typer.echo(f"Error: {message}", err=True)
    if isinstance(error, CatalogError) and error.problems and state["verbose"]:
        for problem in error.problems[:20]:
            typer.echo(f"  {problem}", err=True)
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"bomtrace {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool | None, typer.Option("--version", callback=_version, is_eager=True,
                                                    help="Show the version and exit.")] = None,
) -> None:
    """bomtrace."""


def _parse_header_rows(items: list[str]) -> dict[str, int]:
    """--header-row "N" (every sheet) or "SHEET=N" (a sheet name may hold '=': split at the last)."""
    from bomtrace.ingest import ALL_SHEETS

    rows = {}
    for item in items:
        sheet, _, number = item.rpartition("=")
        if not number.strip().isdigit() or int(number) < 1:
            raise typer.BadParameter(f"{item!r} is not N or SHEET=N with N a row number from 1",
                                     param_hint="--header-row")
        rows[sheet.strip() or ALL_SHEETS] = int(number)
    return rows


def _parse_maps(maps: list[str]) -> dict[str, str]:
    from bomtrace.ingest import parse_mapping
    from bomtrace.vocabulary import split_assignment

    mapping = {}
    for item in maps:
        pair = split_assignment(item)
        if pair is None:
            raise typer.BadParameter(f"{item!r} is not HEADER=FIELD", param_hint="--map")
        mapping[pair[0]] = pair[1]

    try:
        parse_mapping(mapping)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--map") from None
    return mapping


def _parse_formats(text: str | None) -> list[str]:
    from bomtrace.report import FORMATS

    if not text:
        return list(FORMATS)
    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise typer.BadParameter(f"unknown format(s) {', '.join(unknown)}; choose from {', '.join(FORMATS)}",
                                 param_hint="--format")
    return formats


@app.command()
def analyze(
    inputs: Annotated[list[Path], typer.Argument(help="Teardown spreadsheets: .xlsx .xlsm .xls .ods .csv "
                                                 ".tsv", show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the outputs.")] = Path("bomtrace-out"),
    catalog: Annotated[list[Path], typer.Option("--catalog", help="A catalog folder laid out like the "
                                                "shipped catalogs/; repeatable; its rows win.")] = [],
    basis: Annotated[str, typer.Option(help="brand: the country of the company named on the part (how "
                                       "public reports count); owner: its ultimate parent's country.")
                     ] = "brand",
    sheet: Annotated[list[str], typer.Option("--sheet", help="Read only this sheet; repeatable.")] = [],
    map_: Annotated[list[str], typer.Option("--map", help="Map a column: \"HEADER=FIELD\", e.g. "
                                            "\"Позначка=marking\"; repeatable. Fields: part_number, marking, "
                                            "manufacturer, description, sample, module, quantity, refdes, "
                                            "country, date_code, notes; \"HEADER=ignore\" leaves a column unread.")] = [],
    header_row: Annotated[list[str], typer.Option("--header-row", help="The header row, numbered as the "
                                                  "spreadsheet shows it, where detection picks the wrong one: "
                                                  "\"N\" for every sheet or \"SHEET=N\"; repeatable.")] = [],
    format_: Annotated[str | None, typer.Option("--format", help="Comma-separated outputs to write: json, csv, html, xlsx "
                                                   "(default: all).")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log each step; tracebacks on error."
                                          )] = False,
    overrides: Annotated[Path | None, typer.Option("--overrides", help="Review decisions to apply: the "
                                                      "filled Review sheet of report.xlsx, or a CSV/YAML with "
                                                      "id or part_number, decision, value, note, reviewer.")
                         ] = None,
    open_: Annotated[bool, typer.Option("--open", help="Open report.html in the web browser when done."
                                        )] = False,
    max_rows: Annotated[int, typer.Option("--max-rows", min=1, help="Refuse a sheet with text below this row."
                                          )] = DEFAULT_LIMITS.max_rows,
    max_columns: Annotated[int, typer.Option("--max-columns", min=1, help="Columns read; text further right "
                                             "is reported, not read.")] = DEFAULT_LIMITS.max_columns,
    max_file_mb: Annotated[int, typer.Option("--max-file-mb", min=1, help="Refuse a file larger than this on "
                                             "disk.")] = DEFAULT_LIMITS.max_file_bytes // MB,
    max_expanded_mb: Annotated[int, typer.Option("--max-expanded-mb", min=1, help="Refuse a workbook (or any "
                                                 "zip) that expands to more than this.")
                               ] = DEFAULT_LIMITS.max_expanded_bytes // MB,
    max_ratio: Annotated[float, typer.Option("--max-ratio", min=1, help="Refuse a workbook (or any zip) that "
                                             "expands more than this many times its size.")
                         ] = DEFAULT_LIMITS.max_ratio,
    workers: Annotated[int, typer.Option("--workers", min=0, help="Processes that analyse a large teardown "
                                         "(4,000 lines or more) and write its reports side by side; 0: one "
                                         "per core, at most 4. The results are the same with any number.")] = 0,
) -> None:
    """Analyse teardown spreadsheets and write result.json, lines.csv and the reports.

    Example: bomtrace analyze teardown.xlsx --out report/
    """
    import logging

    from bomtrace import cli_output
    from bomtrace.config import Options
    from bomtrace.decisions import read_decisions
    from bomtrace.forked import default_workers
    from bomtrace.ingest import UnknownHeader
    from bomtrace.models import BASES
    from bomtrace.pipeline import run
    from bomtrace.report import write_outputs

    state["verbose"] = verbose
    logging.basicConfig(level=logging.INFO if verbose else logging.ERROR, format="%(message)s")
    if basis not in BASES:
        raise typer.BadParameter("choose brand or owner", param_hint="--basis")
    formats = _parse_formats(format_)
    limits = replace(DEFAULT_LIMITS, max_rows=max_rows, max_columns=max_columns, max_file_bytes=max_file_mb * MB,
                     max_expanded_bytes=max_expanded_mb * MB, max_ratio=max_ratio)
    options = Options(catalogs=tuple(str(c) for c in catalog), basis=basis,
                      sheets=tuple(sheet), mapping=_parse_maps(map_),
                      header_rows=_parse_header_rows(header_row), limits=limits,
                      workers=workers or default_workers())
    try:
        decisions = read_decisions(overrides, limits) if overrides else []
        with cli_output.progress_bar() as progress:
            result = run(inputs, options, decisions, progress=progress)
    except UnknownHeader as error:
        raise typer.BadParameter(error.message, param_hint="--map") from None
    except BomtraceError as error:
        fail(error)
    cli_output.print_issues(result)
    if not result.inputs:
        typer.echo("Error: no input could be read; nothing written.", err=True)
        raise typer.Exit(1)
    written = write_outputs(result, out, formats, options.workers)
    cli_output.print_summary(result, written)
    if open_:
        _open_report(written)
    if result.failed_inputs:
        raise typer.Exit(1)


def _open_report(written: list[Path]) -> None:
    """Open the report.html just written in the default web browser."""
    import webbrowser

    for path in written:
        if path.name == "report.html":
            webbrowser.open(path.resolve().as_uri())


@app.command()
def compare(
    inputs: Annotated[list[Path], typer.Argument(help="Teardown spreadsheets to analyse, or result.json "
                                                 "files written by `bomtrace analyze`.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for compare.html and compare.xlsx.")
                   ] = Path("bomtrace-out"),
    catalog: Annotated[list[Path], typer.Option("--catalog", help="A catalog folder to layer over the "
                                                "shipped one; repeatable.")] = [],
    basis: Annotated[str, typer.Option(help="brand or owner, as for analyze.")] = "brand",
) -> None:
    """Set teardowns side by side: shares by country and company, and the makers common to all.

    Example: bomtrace compare shahed-a/result.json shahed-b.xlsx --out compare/
    """
    from bomtrace.compare import compare as compare_teardowns
    from bomtrace.compare import write_compare
    from bomtrace.config import Options
    from bomtrace.models import BASES

    if basis not in BASES:
        raise typer.BadParameter("choose brand or owner", param_hint="--basis")
    options = Options(catalogs=tuple(map(str, catalog)), basis=basis)
    try:
        result = compare_teardowns(inputs, options)
    except BomtraceError as error:
        fail(error)
    for issue in result.issues:
        typer.echo(f"Error: {issue.message}", err=True)
    if not result.teardowns:
        typer.echo("Error: no input could be read; nothing written.", err=True)
        raise typer.Exit(1)
    for path in write_compare(result, out):
        typer.echo(f"wrote {path}")
    if result.failed:
        raise typer.Exit(1)


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the outputs.")] = Path("bomtrace-demo"),
) -> None:
    """Analyse the illustrative teardown shipped with bomtrace and write every output."""
    from bomtrace import resources

    examples = sorted(resources.examples_dir().glob("*.xlsx"))
    analyze(examples, out=out, catalog=[], basis="brand", sheet=[], map_=[], header_row=[], format_=None,
            verbose=False)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on; other than loopback needs --token.")
                    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    data_dir: Annotated[Path | None, typer.Option("--data-dir", help="Folder for the case database and "
                                                     "files (default: your user data folder).")] = None,
    token: Annotated[str | None, typer.Option(envvar="BOMTRACE_TOKEN", help="Access token every request "
                                                 "must carry (16+ characters); or set BOMTRACE_TOKEN.")] = None,
    catalog: Annotated[list[Path], typer.Option("--catalog", help="A catalog folder to layer over the "
                                                "shipped one; repeatable.")] = [],
    max_upload_mb: Annotated[int, typer.Option(help="Largest upload accepted, in MB.")] = 25,
    demo: Annotated[bool, typer.Option("--demo", help="Start with the shipped illustrative teardown as a "
                                       "case (when the data folder has no cases yet).")] = False,
) -> None:
    """Run the web app: upload teardowns, review lines, compare cases; a JSON API beside it.

    Example: bomtrace serve --data-dir ~/bomtrace-cases  (then open http://127.0.0.1:8000)
    """
    try:
        from bomtrace.web.server import serve as run_server
        from bomtrace.web.settings import Settings, default_data_dir, shipped_catalogs
    except ImportError as error:
        fail(BomtraceError(f"The web app needs packages that are not installed ({error.name})",
                           "Install them with: pip install 'bomtrace[web]'."))
    settings = Settings(data_dir=data_dir or default_data_dir(), token=token or None,
                        max_upload_bytes=max_upload_mb * 1024 * 1024, catalogs=shipped_catalogs(catalog),
                        demo=demo)
    try:
        run_server(settings, host, port)
    except BomtraceError as error:
        fail(error)


@catalog_app.command("stats")
def catalog_stats(
    catalog: Annotated[list[Path], typer.Option("--catalog", help="Layer this catalog folder too.")] = [],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Count manufacturers, families, parts and more in the shipped (and given) catalogs."""
    import json

    from bomtrace.catalogs import load_catalogs, stats

    try:
        counts = stats(load_catalogs(catalog))
    except BomtraceError as error:
        fail(error)
    if as_json:
        typer.echo(json.dumps(counts, sort_keys=True, ensure_ascii=False))
        return
    for name, value in counts.items():
        if isinstance(value, dict):
            shown = list(value.items())
            more = f", … {len(shown) - 10} more" if len(shown) > 10 else ""
            value = ", ".join(f"{k} {v}" for k, v in shown[:10]) + more
        typer.echo(f"{name:>38}  {value}")


@catalog_app.command("build")
def catalog_build(
    catalogs: Annotated[Path | None, typer.Argument(help="The catalogs folder of a bomtrace checkout (default: "
                                                    "this checkout's), with its sources/ folder.")] = None,
) -> None:
    """Rebuild the tables made from open datasets (catalogs/registry.csv and the others) from the
    extracts under catalogs/sources/; curated rows always win.

    Example: bomtrace catalog build   (in a checkout; then review `git diff catalogs/`)
    """
    from bomtrace import resources
    from bomtrace.build import build_all

    folder = catalogs or resources.catalogs_dir()
    if not (folder / "sources").is_dir():
        fail(BomtraceError(f"No sources folder in {folder}", "Run it in a checkout of bomtrace (the wheel ships "
                           "the built tables, not the extracts), or name the checkout's catalogs folder."))
    for line in build_all(folder):
        typer.echo(line)


@catalog_app.command("validate")
def catalog_validate(
    path: Annotated[Path, typer.Argument(help="A catalog folder.")],
) -> None:
    """List every problem in a catalog folder with its file, line and column; exit 1 if any."""
    from bomtrace.catalogs import validate_folder

    if not path.is_dir():
        fail(BomtraceError(f"Catalog folder not found: {path}", "Give a folder of catalog CSV files."))
    problems = validate_folder(path, with_shipped=not path.resolve().samefile(_shipped_catalogs()))
    for problem in problems:
        typer.echo(problem)
    if problems:
        typer.echo(f"{len(problems)} problem(s) in {path}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{path}: valid")


@catalog_app.command("import")
def catalog_import(
    source: Annotated[Path, typer.Argument(help="A csv/tsv/xlsx/xls/ods file: a distributor export, a "
                                           "database dump.")],
    map_: Annotated[list[str], typer.Option("--map", help="COLUMN=FIELD, e.g. \"Mfr Part #=part_number\"; "
                                            "repeatable.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The catalog folder to write.")],
    table: Annotated[str, typer.Option(help="The table the rows belong to.")] = "parts",
    default: Annotated[list[str], typer.Option("--default", help="FIELD=VALUE for fields no column gives, "
                                               "e.g. \"source=Distributor export 2026-11\"; repeatable.")] = [],
    name: Annotated[str, typer.Option(help="The catalog's name in result.json.")] = "",
    version: Annotated[str, typer.Option(help="The catalog's version.")] = "1",
) -> None:
    """Bring your own parts list into the catalog schema, for `analyze --catalog OUT`.

    Example: bomtrace catalog import export.xlsx --map "Mfr Part #=part_number" --map
    "Manufacturer=manufacturer" --default category=other-ic --default "source=Distributor export
    2026-11" --out our-catalog/
    """
    from bomtrace.catalog_import import import_table, write_folder
    from bomtrace.catalogs import load_catalogs

    try:
        imported = import_table(source, _pairs(map_, "--map"), load_catalogs(), table,
                                _pairs(default, "--default"))
    except BomtraceError as error:
        fail(error)
    for problem in imported.problems:
        typer.echo(f"skipped: {problem}", err=True)
    problems = write_folder(imported, out, name or out.name, version)
    for problem in problems:
        typer.echo(problem)
    typer.echo(f"wrote {len(imported.rows)} row(s) to {out / (table + '.csv')}; "
               f"{len(imported.problems)} skipped; {'valid' if not problems else 'NOT valid'}")
    if problems or not imported.rows:
        raise typer.Exit(1)


def _pairs(items: list[str], option: str) -> dict[str, str]:
    """A=B items as a dict: --map splits at the last '=' (a header may hold one), --default at the
    first (a value may)."""
    from bomtrace.vocabulary import split_assignment

    pairs = {}
    for item in items:
        pair = split_assignment(item, at_last=option == "--map")
        if pair is None:
            raise typer.BadParameter(f"{item!r} is not A=B", param_hint=option)
        pairs[pair[0]] = pair[1]
    return pairs


@sanctions_app.command("update")
def sanctions_update(
    files: Annotated[list[Path], typer.Argument(help="An official download: OFAC's sdn.xml, or its sdn.csv with "
                                                "add.csv and alt.csv.", show_default=False)],
    published: Annotated[str | None, typer.Option("--published", help="The list's publication date, YYYY-MM-DD "
                                                  "(OFAC's CSV files carry none; default: the files' date).")
                         ] = None,
) -> None:
    """Load a newer sanctions list into your data folder; it then replaces the shipped one.

    Example: bomtrace sanctions update sdn.csv add.csv alt.csv --published 2026-11-30
    """
    from bomtrace.sanctions.lists import update

    try:
        path, described = update(files, published)
    except BomtraceError as error:
        fail(error)
    typer.echo(f"{described.list}: {described.entries} entities of {described.published} written to {path}")


@sanctions_app.command("show")
def sanctions_show() -> None:
    """The lists named parties are screened against: entries, dates and the file each field came from."""
    from bomtrace.sanctions.lists import current

    try:
        lists = current()
    except BomtraceError as error:
        fail(error)
    for s in lists.infos:
        typer.echo(f"{s.list}: {s.entries} entities, {s.origin}")
        for name, date, fields in s.files:
            typer.echo(f"  {fields}: {name} of {date}")


def _shipped_catalogs() -> Path:
    from bomtrace import resources

    return resources.catalogs_dir()


if __name__ == "__main__":  # pragma: no cover
    app()
