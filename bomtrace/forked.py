"""Work shared with forked processes, for a command line on a machine with more than one core.

The caller runs the first task itself; each other task runs in a child forked from it, which inherits
the loaded catalog and the lines (nothing is sent to it) and sends back its progress and its result
through a pipe. A child that fails or dies leaves its task to the caller, so the answer is always the
one a single process gives. Only a process with no other threads may fork safely: one that has them
(the web server, whose runs keep one worker anyway) runs every task itself.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from bomtrace.catalog_cache import gc_paused

log = logging.getLogger(__name__)

T = TypeVar("T")
#: A task: called with `tick(done)`, which it calls as its count of work done grows; returns its result.
Task = Callable[[Callable[[int], None]], T]
#: The fewest lines worth sharing among processes: below it, starting them costs more than it saves.
#: Each process gets at least half as many.
SHARED_FROM = 4_000
#: Most workers by default: each copies the pages of the catalog and lines it touches (about 150 MB
#: at 100,000 lines), so a many-core machine would spend memory for little more speed.
DEFAULT_MOST = 4
#: How many items of a list a child sends back at a time.
SEND_BATCH = 2_000
#: How often (in units of work) a child reports its progress.
TICK_EVERY = 500


def cores() -> int:
    """The cores this process may run on."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else (os.cpu_count() or 1)


def default_workers() -> int:
    """One worker per core, at most DEFAULT_MOST."""
    return min(cores(), DEFAULT_MOST)


def can_fork() -> bool:
    """This system forks safely (Linux: macOS's system libraries are not fork-safe, Windows cannot
    fork), and this process has no other thread a child could inherit mid-step (a lock it held would
    stay locked in the child forever)."""
    return sys.platform == "linux" and threading.active_count() == 1


class _Child(Generic[T]):
    """A forked child running one task: its progress so far and, once sent, its outcome."""

    def __init__(self, task: Task[T]) -> None:
        context = multiprocessing.get_context("fork")
        self.task = task
        self.done = 0
        self.items: list[Any] = []
        self.outcome: tuple[str, Any] | None = None
        self.receiver, sender = context.Pipe(duplex=False)
        self.process = context.Process(target=_child_main, args=(task, sender), daemon=True)
        self.process.start()
        sender.close()

    def read_ready(self) -> None:
        """Take in what the child has sent so far, without waiting."""
        while self.outcome is None and self.receiver.poll():
            self._receive()

    def wait(self) -> tuple[str, Any]:
        while self.outcome is None:
            self._receive()
        self.process.join()
        self.receiver.close()
        return self.outcome

    def _receive(self) -> None:
        try:
            with gc_paused():
                kind, value = self.receiver.recv()
        except (EOFError, OSError):
            self.outcome = ("error", f"the child process ended with code {self.process.exitcode}")
            return
        if kind == "tick":
            self.done = value
        elif kind == "items":
            self.items.extend(value)
        elif kind == "all items":
            self.outcome = ("done", self.items)
        else:
            self.outcome = (kind, value)


def _child_main(task: Task[Any], sender: Any) -> None:
    reported = 0

    def tick(done: int) -> None:
        nonlocal reported
        if done - reported >= TICK_EVERY:
            sender.send(("tick", done))
            reported = done

    try:
        result = task(tick)
    except BaseException as error:  # noqa: BLE001 - the parent redoes the task and meets the error itself
        sender.send(("error", f"{type(error).__name__}: {error}"))
        sender.close()
        return
    with gc_paused():
        if isinstance(result, list):  # in batches, so neither side holds the whole list pickled at once
            for start in range(0, len(result), SEND_BATCH):
                sender.send(("items", result[start:start + SEND_BATCH]))
            sender.send(("all items", None))
        else:
            sender.send(("done", result))
    sender.close()


def run_tasks(tasks: Sequence[Task[T]], progress: Callable[[int], None] | None = None) -> list[T]:
    """Each task's result, in order: the first run here, the others each in a forked child (all here,
    one after the other, where this process cannot fork safely). `progress(done)` gets the work done by all
    of them together, as the tasks tick it (the caller knows when all is done)."""
    if len(tasks) < 2 or not can_fork():
        return _in_turn(tasks, progress)
    # what is alive now (the catalog, the lines) lives to the end of the run: the children's collector
    # leaves it alone, so its pages stay shared instead of being copied as the collector touches them
    gc.freeze()
    children = [_Child(task) for task in tasks[1:]]
    own = 0

    def tick(done: int) -> None:
        nonlocal own
        own = done
        for child in children:
            child.read_ready()
        if progress:
            progress(own + sum(child.done for child in children))

    results = [tasks[0](tick)]
    for child in children:
        kind, value = child.wait()
        if kind == "done":
            results.append(value)
            continue
        log.warning("A forked task failed (%s); running it here.", value)
        results.append(child.task(lambda _: None))
    return results


def _in_turn(tasks: Sequence[Task[T]], progress: Callable[[int], None] | None) -> list[T]:
    results: list[T] = []
    before = 0
    for task in tasks:
        last = [0]

        def tick(done: int, last: list[int] = last, before: int = before) -> None:
            last[0] = done
            if progress:
                progress(before + done)

        results.append(task(tick))
        before += last[0]
    return results
