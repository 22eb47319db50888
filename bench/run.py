"""`make bench`: the aid served the production way and loaded with wrk, page by page.

For SQLite (a throwaway database) and, when DATABASE_URL names one, PostgreSQL: migrate, load the
bundled content, start gunicorn as `make serve` does (debug off, 2 sync workers) on a free loopback
port, walk a heavy journey over HTTP as a browser would, then drive each page with
`wrk -t2 -c20` after a warm-up. Prints one table per database (requests/s, p50, p99, and the ratio
to `/healthz` measured in the same run) and writes them to bench/results.md with the machine and
versions. Only ever sends load to 127.0.0.1.

Then the same on SQLite with the content made ten times larger (`manage.py scale_content`: every
option copied with all its parts, marked as load-test copies): each table also gives the
database queries a warm page costs (counted in-process with the same cookies) and the resident
memory of each gunicorn worker once warm.

Environment: BENCH_SECONDS (default 8) per page; DATABASE_URL (postgres://...) for a third run.
That database is migrated and gets the bundled content if it has none: use a throwaway one.
BENCH_SCALE (default 10) sets how many times the content the larger run has; 1 leaves it out.
"""

import http.client
import importlib.metadata
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

PROJECT = Path(__file__).resolve().parent.parent
RESULTS = PROJECT / "bench" / "results.md"
GUNICORN = Path(sys.executable).parent / "gunicorn"
HOST = "127.0.0.1"

THREADS = 2
CONNECTIONS = 20
WARMUP_SECONDS = 2
WORKERS = 2
# Targets from the design: every patient page at half the floor's requests per second or better,
# and p99 under 50 ms, at 20 connections.
TARGET_RATIO = 0.5
TARGET_P99_MS = 50.0
REQUEST_TIMEOUT = 30  # seconds, as gunicorn's own worker timeout
FEW_REQUESTS = 100  # fewer finished requests than this make a p99 of one or two of them

# The heavy journey, step by step, as the flow asks it (decisionaid/flow.py).
STEPS = ["about", "health", "practical", "values", "considering", "questions", "sure"]
MAX_VALUES = 3
OWN_QUESTIONS = (
    "How long does the benefit last for people like me? Can I stop if it does not suit me? "
) * 5


class BenchError(Exception):
    """Something the person running the bench has to fix; said plainly, without a traceback."""


def scale_from_env() -> int:
    raw = os.environ.get("BENCH_SCALE", "10").strip()
    if not raw.isdigit() or not 1 <= int(raw) <= 50:
        raise BenchError(f"BENCH_SCALE must be a whole number from 1 to 50; got {raw!r}")
    return int(raw)


def seconds_from_env() -> int:
    raw = os.environ.get("BENCH_SECONDS", "8").strip()
    if not raw.isdigit() or not 1 <= int(raw) <= 600:
        raise BenchError(
            f"BENCH_SECONDS must be a whole number of seconds from 1 to 600; got {raw!r}"
        )
    return int(raw)


# Talking to the server as a browser does: cookies kept by hand, because the server's cookies
# are Secure and __Host- prefixed (debug off) and a cookie jar would not send them over plain HTTP.


class Browser:
    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def cookie_header(self, *names: str) -> str:
        chosen = names or tuple(self.cookies)
        return "; ".join(f"{name}={self.cookies[name]}" for name in chosen if name in self.cookies)

    def request(self, method: str, path: str, body: str | None = None, headers=None):
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            headers = {"Accept-Encoding": "identity", **(headers or {})}
            if "Cookie" not in headers:
                headers["Cookie"] = self.cookie_header()
            headers = {name: value for name, value in headers.items() if value}
            if body is not None:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response.status, response.headers, content

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)


class PostForm(HTMLParser):
    """The fields of the first form on a page that posts back to it, as a browser sees them."""

    def __init__(self, html: str):
        super().__init__()
        self.state = "before"  # "in", then "after" the form
        self.fields: dict[str, tuple[str, list[str]]] = {}  # name -> (type, values offered)
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.state == "before" and attrs.get("method", "").lower() == "post":
            self.state = "in"
        elif self.state == "in" and tag in ("input", "textarea") and attrs.get("name"):
            kind = "textarea" if tag == "textarea" else (attrs.get("type") or "text").lower()
            self.fields.setdefault(attrs["name"], (kind, []))[1].append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form" and self.state == "in":
            self.state = "after"


def heavy_answers(step: str, html: str) -> list[tuple[str, str]]:
    """A full, heavy answer to a step's form: every health answer ticked, every option and
    suggested question, the most values allowed, own questions written out, unsure on SURE."""
    fields = PostForm(html).fields
    if not fields:
        raise BenchError(f"/questions/{step}/ shows no form to post")
    data = []
    for name, (kind, values) in fields.items():
        if kind == "hidden":
            data.append((name, values[0]))
        elif kind == "radio":
            wanted = "no" if step == "sure" else "yes"
            data.append((name, wanted if wanted in values else values[0]))
        elif kind == "checkbox":
            if name == "values":
                chosen = values[:MAX_VALUES]
            elif name in ("considering", "suggested"):
                chosen = values
            else:  # every answer but "none of these" (last) and "I'm not sure"
                chosen = [v for v in values[:-1] if v not in ("none", "not-sure")] or values
            data.extend((name, value) for value in chosen)
        elif kind == "textarea":
            data.append((name, OWN_QUESTIONS[:500].strip()))
    return data


def walk_heavy_journey(browser: Browser) -> str:
    """Answer every step over HTTP, as a browser would; the body of the last valid health post."""
    health_body = ""
    for step in STEPS:
        path = f"/questions/{step}/"
        status, _, html = browser.get(path)
        if status != 200:
            raise BenchError(f"GET {path} answered {status}, not 200")
        body = urlencode(heavy_answers(step, html))
        status, headers, html = browser.request("POST", path, body=body)
        if status not in (302, 303):
            errors = re.findall(r'class="field-error"[^>]*>(.*?)</p>', html, re.S)
            detail = "; ".join(re.sub(r"<[^>]+>", "", error) for error in errors)
            raise BenchError(f"POST {path} answered {status}, not a redirect. {detail}")
        if step == "health":
            health_body = body
    return health_body


class Links(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.hrefs: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("a", "link") and attrs.get("href"):
            self.hrefs.append((tag, attrs))


# What is measured.


@dataclass
class Target:
    name: str
    path: str
    patient: bool = True  # patient pages are held to the targets; the floor and static are not
    method: str = "GET"
    cookie: str = ""
    body: str = ""
    expect: tuple[int, ...] = (200,)


@dataclass
class Result:
    target: Target
    requests: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    ratio: float = 0.0
    queries: int | None = None  # database queries a warm request makes

    @property
    def meets_target(self) -> bool:
        fast = self.ratio >= TARGET_RATIO and self.p99_ms < TARGET_P99_MS
        return fast and self.requests > 0 and not self.errors


def choose_targets(browser: Browser, health_body: str) -> list[Target]:
    heavy = browser.cookies.get("__Host-answers")
    csrf = browser.cookies.get("__Host-csrftoken")
    if not heavy or not csrf:
        raise BenchError("the journey left no __Host-answers or __Host-csrftoken cookie")
    # What a browser sends after the journey: its CSRF cookie and its answers.
    both = f"__Host-csrftoken={csrf}; __Host-answers={heavy}"

    anonymous = Browser(browser.port)  # a first visit: no cookies
    _, _, home = anonymous.get("/")
    stylesheets = [
        attrs["href"]
        for tag, attrs in Links(home).hrefs
        if tag == "link" and attrs.get("rel") == "stylesheet" and attrs.get("media") == "screen"
    ]
    if not stylesheets:
        raise BenchError("the home page links no screen stylesheet")

    # The heaviest and the lightest option page: the range, whatever the content is.
    _, _, overview = anonymous.get("/options/")
    option_paths = sorted(
        {
            attrs["href"]
            for tag, attrs in Links(overview).hrefs
            if tag == "a" and re.fullmatch(r"/options/[-\w]+/", attrs["href"])
        }
    )
    sizes = {path: len(Browser(browser.port).get(path)[2]) for path in option_paths}
    if len(option_paths) < 2:
        raise BenchError("the options page links fewer than two option pages")
    by_size = sorted(option_paths, key=lambda path: sizes[path])

    return [
        Target("floor: /healthz", "/healthz", patient=False),
        Target("static: screen CSS", stylesheets[0], patient=False),
        Target("home", "/"),
        Target("question step (GET, with answers)", "/questions/health/", cookie=both),
        Target(
            "question step (POST, valid)",
            "/questions/health/",
            method="POST",
            cookie=both,
            body=health_body,
            expect=(302, 303),
        ),
        Target("options, no answers", "/options/"),
        Target("options, completed journey", "/options/", cookie=both),
        Target("option page, heaviest", by_size[-1]),
        Target("option page, lightest", by_size[0]),
        Target("sources", "/sources/"),
        Target("check page, heavy journey", "/check/", cookie=both),
        Target("summary, heavy journey", "/summary/", cookie=both),
    ]


def check_target(port: int, target: Target) -> None:
    """One request first, exactly as wrk will send it: the load must measure the real answer."""
    status, _, html = Browser(port).request(
        target.method,
        target.path,
        body=target.body or None,
        headers={"Cookie": target.cookie, "Accept-Encoding": "gzip"},
    )
    if status not in target.expect:
        raise BenchError(
            f"{target.method} {target.path} answered {status}, not {target.expect[0]}: "
            f"nothing would be measured. {html[:300]}"
        )


def lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def wrk_command(target: Target, url: str, seconds: int, scratch: Path) -> list[str]:
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    # wrk's own timeout (2 s) would drop the slowest requests from the latencies: keep them all.
    command += ["--timeout", f"{REQUEST_TIMEOUT}s"]
    # Browsers ask for compressed files; whitenoise then sends the gzipped copy.
    command += ["-H", "Accept-Encoding: gzip"]
    if target.method == "POST":
        script = scratch / "post.lua"
        script.write_text(
            'wrk.method = "POST"\n'
            f"wrk.body = {lua_string(target.body)}\n"
            'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
            f'wrk.headers["Cookie"] = {lua_string(target.cookie)}\n'
        )
        command += ["-s", str(script)]
    elif target.cookie:
        command += ["-H", f"Cookie: {target.cookie}"]
    return [*command, url + target.path]


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def parse_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS_MS[unit]


def parse_wrk(output: str) -> tuple[int, float, float, float, int]:
    """Requests, requests/s, p50 and p99 in ms, and failures (errors and unexpected statuses)."""
    try:
        requests = int(re.search(r"^\s+(\d+) requests in ", output, re.M)[1])
        rps = float(re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)[1])
        p50 = parse_ms(re.search(r"^\s+50%\s+(\S+)", output, re.M)[1])
        p99 = parse_ms(re.search(r"^\s+99%\s+(\S+)", output, re.M)[1])
    except TypeError:
        raise BenchError(f"could not read wrk's output:\n{output}") from None
    errors = 0
    if found := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        errors += sum(int(n) for n in found.groups())
    if found := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(found[1])
    return requests, rps, p50, p99, errors


def run_wrk(command: list[str], seconds: int) -> str:
    try:
        finished = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + 30, check=False
        )
    except subprocess.TimeoutExpired:
        raise BenchError(
            f"wrk did not finish within {seconds + 30} s: {' '.join(command)}"
        ) from None
    if finished.returncode != 0:
        raise BenchError(f"wrk failed: {finished.stderr or finished.stdout}")
    return finished.stdout


def settle(port: int) -> None:
    """Wait until the server has worked through requests left queued when wrk stopped (gunicorn
    still answers them), so that no run pays for the one before it."""
    quick = 0
    deadline = time.monotonic() + 120
    while quick < 3 and time.monotonic() < deadline:
        start = time.monotonic()
        Browser(port).get("/healthz")
        quick = quick + 1 if time.monotonic() - start < 0.05 else 0
        time.sleep(0.05)


def measure(targets: list[Target], port: int, seconds: int, scratch: Path) -> list[Result]:
    url = f"http://{HOST}:{port}"
    results = []
    for target in targets:
        run_wrk(wrk_command(target, url, WARMUP_SECONDS, scratch), WARMUP_SECONDS)
        settle(port)
        output = run_wrk(wrk_command(target, url, seconds, scratch), seconds)
        settle(port)
        result = Result(target, *parse_wrk(output))
        results.append(result)
        print(
            f"  {target.name:36} {result.requests_per_second:8.0f}/s  "
            f"p50 {result.p50_ms:7.1f} ms  p99 {result.p99_ms:7.1f} ms  "
            f"{result.requests} requests" + (f", {result.errors} errors" if result.errors else ""),
            flush=True,
        )
    floor = results[0].requests_per_second
    for result in results:
        result.ratio = result.requests_per_second / floor if floor else 0.0
    return results


# The server, set up and started the production way.


def server_env(database_url: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("DJANGO_")}
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "decisionaid.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT), env.get("PYTHONPATH")])),
    }


def manage(env: dict, *args: str, timeout: int = 900, stdin: str | None = None) -> str:
    try:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT,
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BenchError(f"manage.py {args[0]} took longer than {timeout} s") from None
    if done.returncode != 0:
        raise BenchError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


# Queries a warm request makes: each target asked twice through Django's test client, with the
# same cookies and body as wrk sends, the second counted. Reads JSON targets on stdin.
COUNT_QUERIES = """
import json, sys
from urllib.parse import parse_qsl
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
counts = []
for target in json.load(sys.stdin):
    client = Client(HTTP_HOST="127.0.0.1")
    for pair in filter(None, target["cookie"].split("; ")):
        name, value = pair.split("=", 1)
        client.cookies[name] = value
    def ask():
        if target["method"] == "POST":
            data = {}
            for name, value in parse_qsl(target["body"]):
                data.setdefault(name, []).append(value)
            return client.post(target["path"], data)
        return client.get(target["path"])
    ask()
    with CaptureQueriesContext(connection) as queries:
        ask()
    counts.append(len(queries))
print(json.dumps(counts))
"""

DATABASE_VERSION = """
from django.db import connection
connection.ensure_connection()
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        print("PostgreSQL", cursor.fetchone()[0].split()[0])
else:
    print(connection.display_name, connection.Database.sqlite_version)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """gunicorn as `make serve` runs it, stopped (with its workers) however the bench ends."""

    def __init__(self, env: dict, log: Path):
        self.env = env
        self.log = log
        self.port = free_port()
        self.process = None

    def __enter__(self) -> "Server":
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [
                    str(GUNICORN),
                    "decisionaid.wsgi",
                    "--bind",
                    f"{HOST}:{self.port}",
                    "--workers",
                    str(WORKERS),
                    "--no-control-socket",
                ],
                cwd=PROJECT,
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=log,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if Browser(self.port).get("/healthz")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise BenchError("gunicorn did not start:\n" + self.log.read_text()[-2000:])

    def __exit__(self, *exc) -> None:
        self.stop()

    def worker_memory_mib(self) -> list[float]:
        """Each worker's resident memory, from /proc (Linux)."""
        pid = self.process.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return []
        sizes = []
        for child in children:
            kib = read_first(f"/proc/{child}/status", r"^VmRSS:\s+(\d+) kB")
            if kib:
                sizes.append(int(kib) / 1024)
        return sizes

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@dataclass
class Run:
    database: str
    scale: int = 1
    options: int = 0
    results: list[Result] = field(default_factory=list)
    worker_mib: list[float] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.database.split()[0]}, {self.scale}x content ({self.options} options)"


def count_queries(env: dict, targets: list[Target], results: list[Result]) -> None:
    asked = [
        {"path": t.path, "method": t.method, "cookie": t.cookie, "body": t.body}
        for t in targets
        if t.patient
    ]
    counts = iter(
        json.loads(manage(env, "shell", "-v0", "-c", COUNT_QUERIES, stdin=json.dumps(asked)))
    )
    for result in results:
        if result.target.patient:
            result.queries = next(counts)


OPTION_COUNT = "from treatments.models import Option; print(Option.objects.ready().count())"


def bench_database(
    label: str, database_url: str, seconds: int, scratch: Path, scale: int = 1
) -> Run:
    env = server_env(database_url)
    print(f"== {label}: migrate and load the bundled content", flush=True)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_content", "-v0")
    if scale > 1:
        print(f"== {label}: {scale} times the content (scale_content)", flush=True)
        manage(env, "scale_content", str(scale), "--throwaway-database", "-v0")
    run = Run(manage(env, "shell", "-v0", "-c", DATABASE_VERSION).strip().splitlines()[-1], scale)
    run.options = int(manage(env, "shell", "-v0", "-c", OPTION_COUNT).split()[-1])
    with Server(env, scratch / f"gunicorn-{label}.log") as server:
        print(f"== {label}: gunicorn on {HOST}:{server.port}, walking a heavy journey", flush=True)
        browser = Browser(server.port)
        health_body = walk_heavy_journey(browser)
        targets = choose_targets(browser, health_body)
        for target in targets:
            check_target(server.port, target)
        print(
            f"== {label}: {len(targets)} targets, {seconds} s each after {WARMUP_SECONDS} s warm-up"
        )
        run.results = measure(targets, server.port, seconds, scratch)
        run.worker_mib = server.worker_memory_mib()
    count_queries(env, targets, run.results)
    return run


# Reporting.


def latency(ms: float, result: Result) -> str:
    return f"{ms:.1f}" if result.requests else "none finished"


def table(run: Run) -> str:
    lines = [
        "| page | path | requests/s | p50 ms | p99 ms | ratio to floor | queries | requests "
        "| errors | meets target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for result in run.results:
        target = result.target
        verdict = ("yes" if result.meets_target else "**no**") if target.patient else "–"
        method = "POST " if target.method == "POST" else ""
        lines.append(
            f"| {target.name} | `{method}{target.path}` | {result.requests_per_second:,.0f} | "
            f"{latency(result.p50_ms, result)} | {latency(result.p99_ms, result)} | "
            f"{result.ratio:.2f} | {'–' if result.queries is None else result.queries} | "
            f"{result.requests:,} | {result.errors} | {verdict} |"
        )
    memory = ", ".join(f"{mib:.0f} MiB" for mib in run.worker_mib) or "not measured"
    lines += ["", f"Resident memory of each gunicorn worker, warm: {memory}."]
    return "\n".join(lines)


def read_first(path: str, pattern: str) -> str | None:
    """The first group of the first line of a system file matching pattern, if there is one."""
    try:
        found = re.search(pattern, Path(path).read_text(), re.M)
    except OSError:
        return None
    return found[1].strip() if found else None


def load_average() -> str:
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


def machine() -> dict[str, str]:
    cpu = read_first("/proc/cpuinfo", r"^model name\s*:\s*(.+)$") or platform.machine()
    kib = read_first("/proc/meminfo", r"^MemTotal:\s+(\d+) kB")
    ram = f"{int(kib) / 1024 / 1024:.1f} GiB" if kib else "unknown"
    os_name = read_first("/etc/os-release", r'^PRETTY_NAME="(.+)"') or platform.platform()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False).stdout
    return {
        "CPU": f"{cpu}, {cores} cores usable",
        "RAM": ram,
        "OS": f"{os_name}, Linux {platform.release()}",
        "Python": platform.python_version(),
        "Django": importlib.metadata.version("django"),
        "gunicorn": importlib.metadata.version("gunicorn"),
        "whitenoise": importlib.metadata.version("whitenoise"),
        "wrk": wrk.split()[1] if len(wrk.split()) > 1 else "unknown",
    }


def report(runs: list[Run], seconds: int, facts: dict[str, str], skipped: str) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Speed: `make bench`",
        "",
        f"Measured {when}. The aid served the production way (gunicorn, {WORKERS} sync workers, "
        "whitenoise, debug off) on 127.0.0.1, loaded by wrk on the same machine with "
        f"{THREADS} threads and {CONNECTIONS} connections for {seconds} s per page after a "
        f"{WARMUP_SECONDS} s warm-up. Every request asks for gzip. The floor is `/healthz` "
        "(Django with no database and no template) in the same run. Target for patient pages: "
        f"at least {TARGET_RATIO} of the floor's requests per second and p99 under "
        f"{TARGET_P99_MS:.0f} ms, with no errors.",
        "",
        'Cookies: "with answers", "completed journey" and "heavy journey" send the CSRF cookie '
        "and the answers of a journey walked over HTTP beforehand (every health answer ticked, "
        "three values, every option and suggested question, own questions written out, unsure "
        "on every SURE item). The POST is a valid health step with its CSRF cookie and token; "
        "it answers a redirect. The option pages are the heaviest and the lightest (by HTML "
        "size). One visitor asks for the same page again and again, so a page for someone with "
        "answers is, after the first request, the one kept for that browser alone "
        "(decisionaid/caching.py): these rows measure a person coming back to a page, not "
        "the first time it is drawn for them.",
        "",
        "## Machine and versions",
        "",
        *(f"- {name}: {value}" for name, value in facts.items()),
        *(f"- Database ({run.title}): {run.database}" for run in runs),
        "",
    ]
    for run in runs:
        lines += [f"## {run.title}", "", table(run), ""]
    if skipped:
        lines += [skipped, ""]
    if any(result.requests < FEW_REQUESTS for run in runs for result in run.results):
        lines += [
            f"Where fewer than {FEW_REQUESTS} requests finished, p99 is the slowest one or two, "
            "and requests slower than the run did not finish and are not counted: set "
            "BENCH_SECONDS higher for steadier numbers.",
            "",
        ]
    return "\n".join(lines)


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    if os.geteuid() != 0:
        raise BenchError("make bench needs wrk: run 'sudo apt-get install wrk', then 'make bench'.")
    print("== Installing wrk (Debian package)", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=False, timeout=300)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, check=False, timeout=600)
    if not shutil.which("wrk"):
        raise BenchError("could not install wrk: run 'apt-get install wrk', then 'make bench'.")


def main() -> int:
    try:
        seconds = seconds_from_env()
        scale = scale_from_env()
        ensure_wrk()
        postgres = os.environ.get("DATABASE_URL", "").strip()
        if postgres and urlsplit(postgres).scheme not in ("postgres", "postgresql", "pgsql"):
            raise BenchError(
                "DATABASE_URL must name a PostgreSQL database (postgres://...) for the second run; "
                "unset it to measure SQLite alone."
            )
        facts = machine()
        load_before = load_average()
        with tempfile.TemporaryDirectory(prefix="decisionaid-bench-") as scratch:
            scratch = Path(scratch)
            sqlite = f"sqlite:///{scratch / 'bench.sqlite3'}"
            # Into staticfiles/, as `make serve` does: hashed, compressed files for whitenoise.
            print("== collectstatic", flush=True)
            manage(server_env(sqlite), "collectstatic", "--noinput", "-v0")
            runs = [bench_database("SQLite", sqlite, seconds, scratch)]
            if scale > 1:
                larger = f"sqlite:///{scratch / 'bench-larger.sqlite3'}"
                runs.append(bench_database(f"SQLite {scale}x", larger, seconds, scratch, scale))
            skipped = "PostgreSQL: not measured (set DATABASE_URL=postgres://... to add it)."
            if postgres:
                runs.append(bench_database("PostgreSQL", postgres, seconds, scratch))
                skipped = ""
    except BenchError as error:
        print(f"make bench: {error}", file=sys.stderr)
        return 1
    facts["Load average (1, 5, 15 min)"] = f"{load_before} before, {load_average()} after"
    text = report(runs, seconds, facts, skipped)
    RESULTS.write_text(text)
    print()
    for run in runs:
        print(f"{run.title}\n\n{table(run)}\n")
    print(f"Written to {RESULTS.relative_to(PROJECT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
