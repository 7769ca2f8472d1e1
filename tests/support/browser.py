"""A real headless Chromium (Debian's, which `make test` installs) for the page tests."""

from __future__ import annotations

import shutil

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# No background requests of the browser's own: the pages are tested offline.
QUIET = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def launch(playwright, *extra: str):
    """Chromium through Playwright, headless, with the flags above and any `extra` ones."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[*QUIET, *extra])


class LoadedPage:
    """A page opened from a file, with every request and console message it produced.

    `ready` is the page's own ready flag (a JavaScript expression), or "" for a page with no script.
    """

    def __init__(self, browser, path, ready: str = "window.migkgReady === true", full_page: bool = False):
        from .paths import ROOT

        self.artifacts = ROOT / "test-artifacts"
        self.full_page = full_page
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.requests, self.errors = [], []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: m.type in ("error", "warning") and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(path.as_uri())
        if ready:
            self.page.wait_for_function(ready, timeout=30000)

    def js(self, expr: str, arg=None):
        return self.page.evaluate(expr, arg)

    def count(self, selector: str) -> int:
        return self.page.locator(selector).count()

    def shot(self, name: str) -> None:
        """A screenshot into test-artifacts/, for a person to look at."""
        self.artifacts.mkdir(exist_ok=True)
        self.page.screenshot(path=str(self.artifacts / f"{name}.png"), full_page=self.full_page)

    def offline_and_clean(self) -> None:
        """No console error or warning, and no request but for the page's own file (or data: URIs)."""
        assert self.errors == []
        assert all(u.startswith(("file://", "data:")) for u in self.requests), self.requests
