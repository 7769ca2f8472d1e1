"""Running a query with a time limit and a row limit, streaming its rows, and stoppable by Ctrl-C.

Oxigraph evaluates in native code that releases the GIL but cannot be interrupted, so the
rows are produced in a thread of their own and handed over through a small queue. The
caller's thread only waits on that queue, a little at a time, so it notices the deadline
and Ctrl-C at once. A query left running when the caller gives up is abandoned; the
command line then ends the process (see `cli.main`).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from .errors import QueryError
from .results import cell_text

_DONE = object()


class QueryTimeout(QueryError):
    """The query ran longer than its time limit."""


class RowLimitExceeded(QueryError):
    """The answer has more rows than the row limit."""


@dataclass
class Bounds:
    timeout: float | None = 60.0  # seconds; None or 0 for none
    max_rows: int | None = 100_000  # None or 0 for none


class Abandoned:
    """Threads still running a query nobody waits for; the process must not wait for them either."""

    threads: list[threading.Thread] = []

    @classmethod
    def any_alive(cls) -> bool:
        return any(t.is_alive() for t in cls.threads)


def stream_rows(
    start: Callable[[], ox.QuerySolutions], bounds: Bounds, cell: Callable[[ox.Term | None], object] = cell_text
) -> tuple[list[str], Iterator[list]]:
    """Start the query; return its column names and an iterator over its rows, each cell made by
    `cell` (its text by default; `results.cell_value` gives numbers as numbers).

    The iterator raises QueryTimeout or RowLimitExceeded when a limit is passed, and a
    QueryError for a failure while evaluating (for example an allowed SERVICE that is down).
    """
    handoff: queue.Queue = queue.Queue(maxsize=256)
    stop = threading.Event()
    deadline = time.monotonic() + bounds.timeout if bounds.timeout else None

    def produce() -> None:
        try:
            solutions = start()
            if not isinstance(solutions, ox.QuerySolutions):
                handoff.put(QueryError("the query is not a SELECT query", hint="named queries return tables"))
                return
            columns = [v.value for v in solutions.variables]
            handoff.put(columns)
            for solution in solutions:
                if stop.is_set():
                    return
                handoff.put([cell(solution[c]) for c in columns])
            handoff.put(_DONE)
        except QueryError as e:
            handoff.put(e)
        except (OSError, RuntimeError, ValueError) as e:
            handoff.put(QueryError(f"the query failed while running: {e}"))

    worker = threading.Thread(target=produce, name="migkg-query", daemon=True)
    worker.start()

    def take():
        while True:
            wait = 0.1 if deadline is None else min(0.1, deadline - time.monotonic())
            if wait <= 0:
                stop.set()
                Abandoned.threads.append(worker)
                raise QueryTimeout(
                    f"time limit exceeded: the query ran longer than {bounds.timeout:g} s",
                    hint="narrow the query or add LIMIT, or raise --timeout (0 for no limit)",
                )
            try:
                item = handoff.get(timeout=wait)
            except queue.Empty:
                continue
            except BaseException:  # Ctrl-C while waiting: leave the query behind
                stop.set()
                Abandoned.threads.append(worker)
                raise
            if isinstance(item, BaseException):
                raise item
            return item

    columns = take()

    def rows() -> Iterator[list[str]]:
        n = 0
        try:
            while True:
                item = take()
                if item is _DONE:
                    return
                n += 1
                if bounds.max_rows and n > bounds.max_rows:
                    raise RowLimitExceeded(
                        f"result limit exceeded: the answer has more than {bounds.max_rows:,} rows; "
                        "the rows above are incomplete",
                        hint="add LIMIT or narrow the query, or raise --max-rows (0 for no limit)",
                    )
                yield item
        finally:
            stop.set()
            if worker.is_alive():
                Abandoned.threads.append(worker)

    return columns, rows()
