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


class TreeMemory:
    """The peak memory of a process and every process it forks, summed: each one's proportional set
    size (shared pages split among the processes sharing them, so forked children that share the
    parent's catalog are not counted twice), sampled every `interval` seconds from /proc while it runs.
    A fork's own peak RSS (from wait4) is only the largest single process's."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        import threading

        self.pid, self.interval, self.peak_kb = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def stop_mb(self) -> float:
        self._stop.set()
        self._thread.join()
        return round(self.peak_kb / 1024, 1)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(pid) for pid in _tree(self.pid)))
            self._stop.wait(self.interval)


def _tree(root: int) -> list[int]:
    """`root` and its descendants, from each process's parent in /proc/PID/stat."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as handle:
                    parents[int(entry.name)] = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        found += frontier
    return found


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            return next((int(line.split()[1]) for line in handle if line.startswith("Pss:")), 0)
    except (OSError, ValueError):
        return 0
