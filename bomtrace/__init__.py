"""bomtrace: where did the parts of a downed drone come from?

    >>> import bomtrace
    >>> result = bomtrace.run(["teardown.xlsx"])
    >>> result.summary.headline
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from bomtrace.config import Options
    from bomtrace.pipeline import run

__all__ = ["Options", "__version__", "run"]


def __getattr__(name: str) -> object:
    """`run` and `Options`, imported when first asked for: `bomtrace --version` and `--help` need
    neither the matcher nor the catalogs."""
    if name == "run":
        from bomtrace.pipeline import run

        return run
    if name == "Options":
        from bomtrace.config import Options

        return Options
    raise AttributeError(f"module 'bomtrace' has no attribute {name!r}")
