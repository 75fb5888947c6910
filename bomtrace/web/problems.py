"""Problems the web app answers with a status and a one-line message (JSON for the API, a page else)."""

from __future__ import annotations

from bomtrace.errors import InputError, InputTooLarge, UnreadableInput


class Problem(Exception):
    """An HTTP answer other than success: a status code and a message a person can act on."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None, field: str = "") -> None:
        """A status, a one-line message, any headers the answer needs, and the form field at fault."""
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.field = field
        super().__init__(message)


def input_problem(error: InputError) -> Problem:
    """413 for a file over the limits (zip bombs too), 415 for a type bomtrace cannot read, else 422 (a
    file with no recognised column is not a problem: its case opens with the column editor)."""
    if isinstance(error, InputTooLarge):
        return Problem(413, error.message)
    if isinstance(error, UnreadableInput) and error.what.startswith("Unsupported file type"):
        return Problem(415, error.message)
    return Problem(422, error.message)


def size_text(limit: int) -> str:
    """A byte limit as people say it: '25 MB', or '1000 bytes' under one MB."""
    return f"{limit / 1_048_576:.0f} MB" if limit >= 1_048_576 else f"{limit} bytes"


def too_large(limit: int, filename: str | None = None) -> Problem:
    """413 for an upload over the limit."""
    where = f" in {filename}" if filename else ""
    return Problem(413, f"File is over the {size_text(limit)} upload limit{where}. Split it into smaller files.")


def not_found(what: str = "No such case") -> Problem:
    """404 with a pointer back to the list."""
    return Problem(404, f"{what}. It may have been deleted; the case list is at /.")
