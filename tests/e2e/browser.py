"""A real browser for the end-to-end tests: Debian's chromium, headless, driven by
selenium through Debian's chromedriver. `make test` installs both when missing; where
they cannot be installed a test is skipped saying so, except in CI (CI=true), where it
fails: a browser test must never silently not run there."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import pytest

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"

# Captures the page's xterm.js Terminal when textual-serve's page assigns it
# (`this.terminal = new Terminal(...)`), so a test reads the screen as text from
# xterm's own buffer; the page itself is not changed.
CAPTURE_TERMINAL = """
Object.defineProperty(Object.prototype, 'terminal', {configurable: true, set(value) {
  window.__floormanTerminal = value;
  Object.defineProperty(this, 'terminal', {value, writable: true, configurable: true,
                                           enumerable: true});
}});
"""
READ_SCREEN = """
const term = window.__floormanTerminal;
if (!term) { return ''; }
const lines = [];
for (let y = 0; y < term.rows; y++) {
  const line = term.buffer.active.getLine(y);
  lines.push(line ? line.translateToString(true) : '');
}
return lines.join('\\n');
"""


def require_chromium() -> None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.path.exists(p)]
    if not missing:
        return
    reason = (
        f"{', '.join(missing)} not installed (`make test` installs Debian's chromium and "
        "chromium-driver; run it as root, or apt-get install chromium chromium-driver)"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI must run the browser tests: {reason}")
    pytest.skip(reason)


class Browser:
    """One headless chromium window showing one textual-serve page."""

    def __init__(self, url: str, width: int = 1400, height: int = 900) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for argument in (
            "--headless=new",
            "--no-sandbox",  # root in a container
            "--disable-gpu",
            "--disable-dev-shm-usage",
            f"--window-size={width},{height}",
        ):
            options.add_argument(argument)
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        self.driver.execute_cdp_cmd(
            "Page.addScriptToEvaluateOnNewDocument", {"source": CAPTURE_TERMINAL}
        )
        self.driver.get(url)

    def screen(self) -> str:
        return str(self.driver.execute_script(READ_SCREEN) or "")

    def wait_for(self, predicate: Callable[[str], bool], timeout: float = 60.0) -> str:
        """Poll the page's terminal until it shows what we expect."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if predicate(screen):
                return screen
            time.sleep(0.05)
        raise AssertionError(f"the browser never showed it; last screen:\n{screen}")

    def type(self, text: str) -> None:
        """Keys as a person types them into the page's terminal ("\n" is the Enter key)."""
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys

        self.driver.execute_script("document.querySelector('.xterm-helper-textarea').focus()")
        keys = ActionChains(self.driver)
        for n, part in enumerate(text.split("\n")):
            if n:
                keys.send_keys(Keys.ENTER)
            if part:
                keys.send_keys(part)
        keys.perform()

    def close(self) -> None:
        self.driver.quit()
