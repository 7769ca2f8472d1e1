"""A real headless Chromium (Debian's, which `make test` installs) for the page tests."""

from __future__ import annotations

import shutil

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# No background requests of the browser's own: the pages are tested offline.
QUIET = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def launch(playwright, *extra: str):
    """Chromium through Playwright, headless, with the flags above and any `extra` ones."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[*QUIET, *extra])
