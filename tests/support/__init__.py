"""Shared test helpers, one module per kind: where things are (paths), small graphs (graphs),
the real command line (cli), real servers on loopback (servers), a real browser (browser)."""

from .cli import run_cli
from .graphs import kg_with
from .paths import FIXTURES, PROJECT, ROOT

__all__ = ["FIXTURES", "PROJECT", "ROOT", "kg_with", "run_cli"]
