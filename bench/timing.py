"""Wall and CPU time side by side, the machine's load, and a process's peak memory, for the benches.

This machine is shared: when other work runs on its two cores, wall time grows while the CPU time a
process spends stays close to what it needs. The benches print both, and the load average beside
them, so a figure taken on a busy machine can be told from one taken on a quiet machine.
"""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Lap:
    """Seconds of wall time and of this process's CPU time (user and system)."""

    wall: float
    cpu: float


class Stopwatch:
    """Laps of wall and CPU time, each from the end of the last."""

    def __init__(self) -> None:
        self._wall = time.perf_counter()
        self._cpu = time.process_time()

    def lap(self) -> Lap:
        wall, cpu = time.perf_counter(), time.process_time()
        done = Lap(wall - self._wall, cpu - self._cpu)
        self._wall, self._cpu = wall, cpu
        return done


def load_average() -> float:
    """The one-minute load average (runnable processes; 2 means both cores busy here)."""
    return round(os.getloadavg()[0], 2)


def peak_rss_mb() -> float:
    """This process's peak resident memory, in MB."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
