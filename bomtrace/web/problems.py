"""Problems the web app answers with a status and a one-line message (JSON for the API, a page else)."""

from __future__ import annotations

from bomtrace.errors import InputError, InputTooLarge, UnreadableInput


class Problem(Exception):
    """An HTTP answer other than success: a status code and a message a person can act on."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.message = message
        self.headers = headers or {}
        super().__init__(message)


def input_problem(error: InputError) -> Problem:
    """413 for a file over the limits (zip bombs too), 415 for a type bomtrace cannot read, else 422."""
    if isinstance(error, InputTooLarge):
        return Problem(413, error.message)
    if isinstance(error, UnreadableInput) and error.what.startswith("Unsupported file type"):
        return Problem(415, error.message)
    return Problem(422, error.message)


def not_found(what: str = "No such case") -> Problem:
    """404 with a pointer back to the list."""
    return Problem(404, f"{what}. It may have been deleted; the case list is at /.")
