"""Every page of a running console, opened in real headless Chromium (Debian's, driven by
Playwright): key text present, no exception box, and a screenshot per page in tests/artifacts/.

CI installs chromium (apt-get install chromium); a machine without it FAILS here on purpose,
with the command to fix it, rather than skipping silently.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from collector.process import free_port, wait_until_up
from tests.ui.conftest import Console
from ui.launch import ui_command, ui_env

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
NO_SKELETON = ("() => !document.querySelector('[data-testid=\"stSkeleton\"], "
               "[data-testid=\"stSkeletonElement\"]')")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
# url path -> text that proves the page drew its data, not just its title
PAGES = {
    "": ["Overview", "Throughput (tasks)", "Firing alerts", "Latest findings"],
    "costs": ["Costs", "Saved by prompt caching", "Unit economics", "Top sessions by cost"],
    "latency": ["Latency", "P95 model call", "Tool calls", "Slowest traces"],
    "traces": ["Traces", "invoke_agent support-agent", "select a row or click open"],
    "security": ["Security", "Prompt injection", "ignore all previous instructions",
                 "Invalid tool calls", "401 / 403 from the model API"],
    "alerts": ["Alerts", "Firing now", "Model API answered 401/403", "History"],
    "audit": ["Audit", "Tool calls", "Chain verification", "Export"],
}  # fmt: skip


@pytest.fixture(scope="module")
def console_url(console: Console) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(ui_command(port), env=ui_env(console.url, console.read_key),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        wait_until_up(f"http://127.0.0.1:{port}/_stcore/health", timeout=60, proc=proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(15)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail("Debian chromium is missing: run `apt-get update && apt-get install -y "
                    "chromium` (CI installs it); this test never skips.", pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is missing: pip install playwright (no browser download "
                    "needed; it drives /usr/bin/chromium)", pytrace=False)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def open_page(browser, url: str, texts: list[str], shot: Path) -> str:
    page = browser.new_page(viewport={"width": 1440, "height": 2200})  # the app scrolls inside
    try:
        page.goto(url)
        for text in texts:
            page.get_by_text(text, exact=False).first.wait_for(state="attached", timeout=30_000)
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                               timeout=30_000)  # fmt: skip
        # elements load their code lazily and show skeletons until then
        page.wait_for_function(NO_SKELETON, timeout=30_000)
        page.wait_for_timeout(800)  # let Vega draw the charts before the screenshot
        assert page.locator('[data-testid="stException"]').count() == 0
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(shot), full_page=True)
        return page.inner_text("body")
    finally:
        page.close()


@pytest.mark.parametrize("path", list(PAGES))
def test_page_renders_in_chromium(browser, console_url: str, path: str) -> None:
    shot = ARTIFACTS / f"console-{path or 'overview'}.png"
    body = open_page(browser, f"{console_url}/{path}", PAGES[path], shot)
    assert "Traceback" not in body
    assert shot.stat().st_size > 20_000  # a real page, not a blank one


def test_trace_view_renders_in_chromium(browser, console: Console, console_url: str
                                        ) -> None:  # fmt: skip
    trace = console.api("/api/traces", tool="fetch_url", **console.window())["traces"][0]
    texts = ["← All traces", "prompt_injection", "Conversation", "execute_tool fetch_url"]
    open_page(browser, f"{console_url}/traces?trace={trace['trace_id']}", texts,
              ARTIFACTS / "console-trace.png")
