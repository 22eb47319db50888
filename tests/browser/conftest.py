"""Playwright driving Debian's Chromium. Browser tests never skip: a missing browser fails."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.database import copy_of, shared_temporary_folder
from tests.processes import PROJECT, free_port, wait_until_serving

# Playwright's sync API runs an event loop in this thread; the test database is still ours to use.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Chromium's headless shell (Debian's `chromium-headless-shell`, built from the same source as
# `chromium`): the same Blink and V8 without the desktop browser's own layer, which is what
# Playwright itself runs for headless tests since 1.49. The browser tests took about a fifth less
# time with it. CHROMIUM_PATH=/usr/bin/chromium runs them on the desktop browser; both pass.
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium-headless-shell")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(
            f"Browser tests need Chromium's headless shell at {CHROMIUM}: "
            "apt-get install chromium-headless-shell"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class BrowserPage:
    """A page that records console errors and refused requests, which tests then forbid."""

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url
        self.console_errors: list[str] = []
        self.outside_requests: list[str] = []
        # A form with mistakes is answered 422 on purpose; Chromium logs every 4xx it receives.
        self.expected_statuses = {422}
        self.blocked_scripts = False  # the test stopped the page's scripts loading, on purpose
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        page.on("request", self._request)

    def _console(self, message):
        expected = any(f"status of {code} " in message.text for code in self.expected_statuses)
        expected = expected or (self.blocked_scripts and "net::ERR_FAILED" in message.text)
        if message.type == "error" and not expected:
            self.console_errors.append(message.text)

    def _request(self, request):
        if not request.url.startswith(self.base_url) and not request.url.startswith("data:"):
            self.outside_requests.append(request.url)

    def goto(self, path: str):
        return self.page.goto(self.base_url + path)


def _make_page(browser, base_url, *, javascript: bool, viewport=None):
    context = browser.new_context(
        java_script_enabled=javascript,
        viewport=viewport or {"width": 1280, "height": 900},
    )
    wrapped = BrowserPage(context.new_page(), getattr(base_url, "url", base_url))
    return context, wrapped


@pytest.fixture(scope="session")
def debug_server(tmp_path_factory, bundled_database):
    """The aid as `make run` serves it: Django's development server with debug on, and a
    database migrated and loaded as `make run` leaves it. Debug-only code (django-htmx's error
    handler) changes what a browser sees, so the journeys run here as well as with debug off."""
    database = copy_of(bundled_database, tmp_path_factory.mktemp("debug"))
    env = {**os.environ, "DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{database}"}
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_serving(url, server, lambda: "the development server did not start")
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def app_url(request) -> str:
    """The aid with debug off (the test server, as in production) or on: tests choose with
    `every_way_in`, or by parametrizing `app_url` indirectly."""
    if request.param == "debug-on":
        return request.getfixturevalue("debug_server")
    request.getfixturevalue("content")
    return request.getfixturevalue("live_server").url


# Debug changes only what scripts do (django-htmx's error handler), so with JavaScript off both
# servers serve the same thing: a journey runs debug off with JavaScript on and off, and debug on
# with JavaScript on (as `make run` meets a newcomer).
every_way_in = pytest.mark.parametrize(
    ("app_url", "javascript"),
    [("debug-off", True), ("debug-off", False), ("debug-on", True)],
    ids=["debug-off-js-on", "debug-off-js-off", "debug-on-js-on"],
    indirect=["app_url"],
)


@pytest.fixture
def open_page(browser):
    """Open pages on any server, JavaScript on or off; each page's console errors and requests
    to other origins are checked when the test ends."""
    opened = []

    def make(base_url: str, *, javascript: bool = True, viewport=None, scripts=True) -> BrowserPage:
        """`scripts=False`: JavaScript is on but none of the page's own scripts load, as in a
        browser without it, so axe-core (which needs JavaScript) can still run."""
        context, wrapped = _make_page(browser, base_url, javascript=javascript, viewport=viewport)
        if not scripts:
            context.route("**/*.js", lambda route: route.abort())
            wrapped.blocked_scripts = True
        opened.append((context, wrapped))
        return wrapped

    yield make
    for context, wrapped in opened:
        context.close()
        assert wrapped.console_errors == [], "the browser console showed errors"
        assert wrapped.outside_requests == [], "the page asked another origin for something"


@pytest.fixture
def page(browser, live_server):
    context, wrapped = _make_page(browser, live_server, javascript=True)
    yield wrapped
    context.close()
    assert wrapped.console_errors == [], "the browser console showed errors"
    assert wrapped.outside_requests == [], "the page asked another origin for something"


@pytest.fixture
def page_without_js(browser, live_server):
    context, wrapped = _make_page(browser, live_server, javascript=False)
    yield wrapped
    context.close()
    assert wrapped.outside_requests == []


@pytest.fixture
def phone_page(browser, live_server):
    context, wrapped = _make_page(
        browser, live_server, javascript=True, viewport={"width": 360, "height": 740}
    )
    yield wrapped
    context.close()
    assert wrapped.console_errors == []


# The page as axe-core meets it: the window's size and the whole document, less what does not
# change the verdict: the CSRF token's value (new on every load) and runs of white space (a page
# swapped in by htmx has more of them between tags than the same page loaded whole).
AXE_INPUT = """() => {
  const copy = document.documentElement.cloneNode(true);
  copy.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(i => i.removeAttribute("value"));
  return `${innerWidth}x${innerHeight} ${copy.outerHTML.replace(/\\s+/g, " ")}`;
}"""


class Axe:
    """axe-core's violations on a page, as one line each.

    axe-core's verdict follows from the document, its style sheets and the window's size alone,
    so a document met before in this run (the same page with JavaScript on and off, or in two
    tests) is judged once and its verdict reused, by every test process: axe-core takes up to
    4 s on the longest pages here. The verdict is the same either way, violations included.
    """

    def __init__(self, folder: Path):
        self.folder = folder

    def __call__(self, page) -> list[str]:
        from axe_playwright_python.sync_playwright import Axe as AxeCore

        page = page.page if isinstance(page, BrowserPage) else page
        key = hashlib.sha256(page.evaluate(AXE_INPUT).encode()).hexdigest()
        verdict = self.folder / f"{key}.json"
        if verdict.exists():
            return json.loads(verdict.read_text())
        results = AxeCore().run(page)
        found = [
            f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes: "
            f"{', '.join(n['target'][0] for n in v['nodes'][:3])})"
            for v in results.response["violations"]
        ]
        written = verdict.with_name(f"{key}.{os.getpid()}")
        written.write_text(json.dumps(found))
        written.replace(verdict)
        return found


@pytest.fixture(scope="session")
def axe(tmp_path_factory, request) -> Axe:
    folder = shared_temporary_folder(tmp_path_factory, request) / "axe-verdicts"
    folder.mkdir(exist_ok=True)
    return Axe(folder)
