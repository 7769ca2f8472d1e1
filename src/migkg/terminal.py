"""What the command line shows in a terminal: tables, progress, errors. No library logic here."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.table import Table as RichTable

from .core.errors import MigkgError
from .core.results import Format, Table, write_stream

# emoji=False: rich would print "migkg:date:" in a message as "migkg📅".
out = Console(soft_wrap=True, emoji=False)
err = Console(stderr=True, soft_wrap=True, emoji=False)


def say(text: str, style: str | None = None) -> None:
    """A line for the person at the terminal (stderr, so stdout stays data)."""
    err.print(text, style=style, highlight=False, markup=False)


def note(text: str | None) -> None:
    if text:
        say(text, style="dim")


def listing(items) -> None:
    """What a command wrote, one path per line on stdout (for scripts)."""
    for item in items:
        out.print(str(item), highlight=False, markup=False)


@contextmanager
def progress(ws, first: str) -> Iterator[None]:
    """A spinner that shows the workspace's current step."""
    with err.status(first) as status:
        ws.step = lambda s: status.update(s)
        try:
            yield
        finally:
            ws.step = lambda s: None


def show_table(table: Table, fmt: Format, title: str, spreadsheet_safe: bool = False) -> None:
    """A whole table: a terminal table for `table`, else the text format on stdout."""
    if fmt is Format.table:
        rt = RichTable(title=title, title_justify="left")
        for c in table.columns:
            rt.add_column(c, overflow="fold")
        for r in table.rows:
            rt.add_row(*r)
        out.print(rt, markup=False, highlight=False)
        say(f"{len(table.rows)} row(s)")
    else:
        write_stream(table.columns, iter(table.rows), fmt.value, sys.stdout, spreadsheet=spreadsheet_safe)


def show_answer(answer, fmt: Format, spreadsheet_safe: bool = False) -> None:
    """A query's answer: rows streamed as they arrive, except a terminal table, which needs them all."""
    note(answer.note)
    if fmt is Format.table:
        show_table(answer.table(), fmt, answer.title)
        return
    write_stream(answer.columns, answer.rows, fmt.value, sys.stdout, spreadsheet=spreadsheet_safe)


def show_error(e: MigkgError) -> None:
    """The one way an error reaches the user: its details, the message, and what to do."""
    sys.stdout.flush()  # rows already written come before the message that ends them
    for line in e.details():
        say(line)
    err.print(f"{e.prefix}{e.message}", style="bold red", highlight=False, markup=False)
    if e.hint:
        say(f"  hint: {e.hint}")
