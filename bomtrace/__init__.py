"""bomtrace: where did the parts of a downed drone come from?

    >>> import bomtrace
    >>> result = bomtrace.run(["teardown.xlsx"])
    >>> result.summary.headline
"""

__version__ = "0.1.0"

from bomtrace.config import Options
from bomtrace.pipeline import run

__all__ = ["Options", "__version__", "run"]
