"""Load and fault test: `make loadtest` (python -m tests.loadtest --help).

Builds a throwaway site in a temporary folder (its own database, migrated,
with the demo content and two editor accounts), serves it with gunicorn (2
workers, DEBUG off, on a free 127.0.0.1 port) and, for a fixed time:

- readers fetch the public pages (and the site's CSS) as fast as the server
  answers, each over its own keep-alive connection;
- two editors, logged in once through the real admin login form, open a
  change form, add a unique marker to its body and save it, again and again;
- `manage.py import_prices` imports generated files of a few thousand rows,
  one after another, each a new product so every import writes.

With `--database postgres` (the default) the site runs on a private
PostgreSQL cluster made for the run (initdb in the temporary folder, its own
port and socket folder; the shared server is never touched), which is stopped
for a few seconds mid-run (`pg_ctl stop -m fast`) and started again. With
`--database sqlite` it runs on a SQLite file, with no outage.

Afterwards it reads the database: every save the server confirmed (a 302
after the POST) must be there, and each import must have written all its rows
or none. Static files must be served all along. It prints the requests, their statuses and
p50/p99 latency per phase and per kind of client, and exits 1 on any error:
a 5xx other than a 503 while the database is down (or in the stated grace
after it is back), any other unexpected status or failed connection, a lost
edit, a failed import, or a dead server. Target: 0 errors. (Exit 2: the
site could not be set up; 3: the hard deadline passed.)

Loopback only; it stops by itself, under a hard deadline, and always stops
what it started (gunicorn, PostgreSQL, the import) and removes its folder,
also on Ctrl-C or failure (`--keep` keeps the folder for a look at the logs).
"""

import argparse
import csv
import dataclasses
import datetime
import glob
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

from tests.loadtest_site import IMPORT_PRODUCT
from tests.prepared_sites import copy_sqlite
from tests.serving import free_port, site_env

BASE_DIR = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


@dataclasses.dataclass
class Options:
    database: str = "postgres"
    seconds: float = 60
    readers: int = 4
    workers: int = 2
    import_rows: int = 3000
    import_at: float = 1.0  # seconds into the run
    import_pause: float = 1.0  # between one import and the next
    outage_at: float | None = None  # default: 40% into the run
    outage_seconds: float = 5
    grace_seconds: float = 5  # after the database is back, 503s are still expected
    editor_pause: float = 0.2
    deadline: float | None = None  # hard limit for the whole script, setup included
    keep: bool = False
    quiet: bool = False
    # sqlite: a migrated database file to start from, copied (the suite's, made
    # once per run: tests/prepared_sites.py); setup's migrate then has nothing to do.
    sqlite_from: str | None = None
    # A folder of static files collected with these settings to copy (the
    # suite's, collected once per run); setup's collectstatic is then skipped.
    static_from: str | None = None

    def __post_init__(self):
        if self.database not in ("postgres", "sqlite"):
            raise ValueError("--database is postgres or sqlite")
        if self.outage_at is None:
            self.outage_at = self.seconds * 0.4
        if self.with_outage and self.outage_at + self.outage_seconds >= self.seconds:
            raise ValueError("the outage must end before the run does: lower --outage-at or raise --seconds")
        if self.deadline is None:
            self.deadline = self.seconds + 240

    @property
    def with_outage(self):
        return self.database == "postgres" and self.outage_seconds > 0


# --- What the script starts, and stopping it all ---------------------------------------------


class Children:
    """Every process and folder the run made, undone in reverse order by
    close(): on success, on failure, on Ctrl-C and from the deadline watchdog.
    Once closing has begun nothing new is started: a second caller waits for
    the first to finish."""

    def __init__(self):
        self._undo = []
        self._lock = threading.RLock()
        self.closed = False

    def on_close(self, action):
        with self._lock:
            if self.closed:
                raise Stopping("the run is being stopped")
            self._undo.append(action)

    def popen(self, command, **kwargs):
        with self._lock:
            if self.closed:
                raise Stopping("the run is being stopped")
            # Its own session: a Ctrl-C in the terminal reaches only this
            # script, which then stops the children in order.
            process = subprocess.Popen(command, start_new_session=True, **kwargs)
            self._undo.append(lambda: stop_process(process))
            return process

    def close(self):
        with self._lock:
            if self.closed:
                return
            self.closed = True
            while self._undo:
                action = self._undo.pop()
                try:
                    action()
                except Exception as error:  # keep undoing the rest
                    print(f"loadtest: cleaning up: {error}", file=sys.stderr)


def stop_process(process, wait=10):
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(wait)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(5)


def run_checked(children, command, log_path, env=None, timeout=300):
    with open(log_path, "ab") as log:
        process = children.popen(command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            code = process.wait(timeout)
        except subprocess.TimeoutExpired:
            stop_process(process)
            code = "timeout"
    if code != 0:
        tail = Path(log_path).read_text(errors="replace")[-3000:]
        raise SetupError(f"{' '.join(map(str, command))} failed ({code}):\n{tail}")


class SetupError(Exception):
    pass


class Stopping(SetupError):
    pass


# --- A private PostgreSQL cluster ------------------------------------------------------------


def postgres_bin_dir():
    found = shutil.which("initdb")
    if found and Path(found).resolve().with_name("pg_ctl").exists():
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not candidates:
        raise SetupError("PostgreSQL's initdb was not found (Debian: apt-get install postgresql).")
    return Path(candidates[-1]).parent


class PrivateCluster:
    """A PostgreSQL server of the run's own: data and socket in the temporary
    folder, a free port on 127.0.0.1, trust authentication for `postgres`.
    PostgreSQL refuses to run as root, so as root it runs as the postgres
    system user."""

    def __init__(self, children, root):
        self.children = children
        self.bin = postgres_bin_dir()
        self.root = root
        self.data = root / "data"
        self.log = root / "server.log"
        self.port = free_port()
        self.as_owner = []
        if os.geteuid() == 0:
            if not shutil.which("runuser"):
                raise SetupError("Running as root needs runuser (util-linux) to start PostgreSQL as postgres.")
            self.as_owner = ["runuser", "-u", "postgres", "--"]

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/msinfo"

    def create(self):
        self.root.mkdir()
        if self.as_owner:
            shutil.chown(self.root, "postgres")
        run_checked(
            self.children,
            [*self.as_owner, self.bin / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust",
             "--encoding=UTF8", "--locale=C", "--no-sync"],
            self.root.parent / "initdb.log",
        )
        self.children.on_close(self.stop_now)
        self.start()
        run_checked(
            self.children,
            [self.bin / "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "msinfo"],
            self.root.parent / "initdb.log",
        )

    def pg_ctl(self, *args, timeout=60):
        run_checked(self.children, [*self.as_owner, self.bin / "pg_ctl", "-D", self.data, *args],
                    self.root.parent / "pg_ctl.log", timeout=timeout)

    def start(self):
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        self.pg_ctl("start", "-w", "-t", "30", "-l", self.log, "-o", options)

    def stop(self):
        self.pg_ctl("stop", "-w", "-m", "fast")

    def stop_now(self):
        if (self.data / "postmaster.pid").exists():
            subprocess.run([*self.as_owner, self.bin / "pg_ctl", "-D", self.data, "stop", "-w", "-m", "immediate"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)


# --- HTTP: a small client with a cookie jar, and form reading --------------------------------


@dataclasses.dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


class Browser:
    """One keep-alive connection and its cookies. Cookies are kept whatever
    their Secure flag says: the run speaks plain HTTP to loopback, as a TLS
    proxy in front of the site would."""

    def __init__(self, port, timeout=30):
        self.port = port
        self.timeout = timeout
        self.connection = None
        self.used = False
        self.cookies = {}

    def close(self):
        if self.connection is not None:
            self.connection.close()
        self.connection = None

    def request(self, method, path, fields=None):
        body = urlencode(fields) if fields is not None else None
        headers = {"User-Agent": "msinfo-loadtest"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
                self.used = False
            reused = self.used
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                # The server may close an idle keep-alive connection just as a
                # request goes out; a browser then retries a GET once.
                if attempt == 1 and reused and method == "GET":
                    continue
                raise
            except Exception:
                self.close()
                raise
            self.used = True
            if response.will_close:
                self.close()
            self._keep_cookies(response)
            return Response(response.status, response.headers, data)

    def _keep_cookies(self, response):
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value and morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value


class FormReader(HTMLParser):
    """The forms of a page and what a browser would submit from each:
    inputs (checked boxes only), textareas and selected options."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = None
        self._textarea = None
        self._select = None
        self._option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"action": attrs.get("action") or "", "id": attrs.get("id") or "", "fields": []}
            self.forms.append(self._form)
            return
        if self._form is None or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._form["fields"].append([name, attrs.get("value") or "on", kind])
                return
            self._form["fields"].append([name, attrs.get("value") or "", kind])
        elif tag == "textarea" and name:
            self._textarea = [name, []]
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in attrs, "options": []}
        elif tag == "option" and self._select is not None:
            self._option = [attrs.get("value"), "selected" in attrs, []]
            self._select["options"].append(self._option)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)
        elif self._option is not None:
            self._option[2].append(data)

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            name, parts = self._textarea
            value = "".join(parts)
            # Browsers drop the newline that follows <textarea>.
            value = value[1:] if value.startswith("\n") else value
            self._form["fields"].append([name, value, "textarea"])
            self._textarea = None
        elif tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            options = [(v if v is not None else "".join(text).strip(), chosen) for v, chosen, text in self._select["options"]]
            chosen = [value for value, selected in options if selected]
            if not chosen and options and not self._select["multiple"]:
                chosen = [options[0][0]]
            for value in chosen:
                self._form["fields"].append([self._select["name"], value, "select"])
            self._select = None
        elif tag == "form":
            self._form = None


def read_forms(html):
    reader = FormReader()
    reader.feed(html)
    reader.close()
    return reader.forms


def log_in(browser, username, password):
    """Through the admin's own login form, as a person would: one attempt
    with the right password (a lockout counts failures, not logins)."""
    path = "/admin/login/?next=/admin/"
    for _ in range(5):
        response = browser.request("GET", path)
        if response.status not in (301, 302):
            break
        path = urlsplit(urljoin(path, response.headers["Location"])).geturl()
    if response.status != 200:
        raise SetupError(f"The login page answered {response.status}.")
    form = next((f for f in read_forms(response.text) if any(k == "password" for _, _, k in f["fields"])), None)
    if form is None:
        raise SetupError("No login form with a password field on the login page.")
    fields = []
    for name, value, kind in form["fields"]:
        if kind == "password":
            value = password
        elif name == "username":
            value = username
        fields.append((name, value))
    response = browser.request("POST", urljoin(path, form["action"]) if form["action"] else path, fields)
    if response.status != 302:
        raise SetupError(f"Logging in {username} answered {response.status}, not a redirect:\n{response.text[:1500]}")
    response = browser.request("GET", "/admin/")
    if response.status != 200:
        raise SetupError(
            f"After logging in, /admin/ answered {response.status} (to {response.headers.get('Location')}): "
            "a second step such as a two-factor code is being asked for."
        )


# --- The run ---------------------------------------------------------------------------------


@dataclasses.dataclass
class Hit:
    role: str  # readers, static, editors
    action: str  # GET page, GET form, POST save...
    started: float  # seconds since the run began
    ended: float
    status: object  # an HTTP status, or the name of a connection error
    expected: tuple
    retry_after: bool = False
    path: str = ""

    @property
    def seconds(self):
        return self.ended - self.started


@dataclasses.dataclass
class Outage:
    stopping: float | None = None  # when `pg_ctl stop` was run
    stopped: float | None = None
    back: float | None = None  # when `pg_ctl start` returned: accepting connections
    grace: float = 0

    def overlaps(self, started, ended):
        if self.stopping is None:
            return False
        window_end = (self.back if self.back is not None else float("inf")) + self.grace
        return started < window_end and ended > self.stopping

    def phase(self, moment):
        if self.stopping is None or moment < self.stopping:
            return "before"
        if self.back is None or moment < self.back:
            return "outage"
        if moment < self.back + self.grace:
            return "recovery"
        return "after"


class Run:
    def __init__(self, options, port, site, server_env, workdir, children, cluster, say):
        self.options = options
        self.cluster = cluster  # the private PostgreSQL, or None on SQLite
        self.port = port
        self.site = site
        self.server_env = server_env
        self.workdir = workdir
        self.children = children
        self.say = say
        self.hits = []
        self.confirmed = {}  # change URL -> markers whose save got a 302
        self.refused = []  # (editor, target, moment, message) of saves shown again as a form
        self.outage = Outage(grace=options.grace_seconds if options.with_outage else 0)
        self.imports = []
        self.importing = None
        self.began = None
        self.stop_event = threading.Event()
        self.static = []

    def now(self):
        return time.monotonic() - self.began

    def timed(self, browser, role, action, method, path, expected, fields=None):
        started = self.now()
        try:
            response = browser.request(method, path, fields)
            status = response.status
        except (OSError, http.client.HTTPException) as error:
            response, status = None, type(error).__name__
        hit = Hit(role, action, started, self.now(), status, expected, path=path)
        if response is not None and status == 503:
            hit.retry_after = "Retry-After" in response.headers
        self.hits.append(hit)
        return response, hit

    # Readers: the public pages and the site's CSS, round and round.
    def reader(self, number):
        browser = Browser(self.port)
        paths = self.site["pages"] + self.static
        index = number * 7
        while not self.stop_event.is_set():
            path = paths[index % len(paths)]
            index += 1
            role = "static" if path.startswith("/static/") else "readers"
            self.timed(browser, role, "GET", "GET", path, (200,))
        browser.close()

    # Editors: open the form, add a marker, save; over and over.
    def editor(self, number, editor, browser):
        targets = editor["targets"]
        saves = 0
        while not self.stop_event.is_set():
            item = targets[saves % len(targets)]
            url = item["change_url"]
            response, hit = self.timed(browser, "editors", "GET form", "GET", url, (200,))
            if response is None or response.status != 200:
                if response is not None and response.status == 302 and "/login/" in response.headers.get("Location", ""):
                    self.relogin(browser, editor)
                self.stop_event.wait(0.5)
                continue
            form = next((f for f in read_forms(response.text) if any(n == item["field"] for n, _, _ in f["fields"])), None)
            if form is None:
                hit.status = "no form"
                self.stop_event.wait(0.5)
                continue
            saves += 1
            marker = f"loadtest-edit-{number}-{saves:05d}"
            fields = [
                (name, f"{value.rstrip()}\n\n{marker}" if name == item["field"] else value)
                for name, value, _ in form["fields"]
            ] + [("_save", "Save")]
            action = urljoin(url, form["action"]) if form["action"] else url
            response, _ = self.timed(browser, "editors", "POST save", "POST", action, (302,), fields)
            if response is not None and response.status == 302:
                self.confirmed.setdefault(url, []).append(marker)
            elif response is not None and response.status == 200:
                self.refused.append((editor["username"], item["name"], self.now(), page_message(response.text)))
            self.stop_event.wait(self.options.editor_pause)

    def relogin(self, browser, editor):
        try:
            browser.cookies.clear()
            log_in(browser, editor["username"], editor["password"])
        except (SetupError, OSError, http.client.HTTPException) as error:
            self.refused.append((editor["username"], "log in again", self.now(), str(error)[:200]))

    def importer(self):
        """Price imports one after another until the run ends, each a new
        file of its own product, so the importer's write transaction keeps
        meeting the editors' saves."""
        number = 0
        while not self.stop_event.is_set() and self.now() < self.options.seconds - 3:
            number += 1
            product = f"{IMPORT_PRODUCT} {number}"
            path = self.workdir / f"prices-{number}.csv"
            write_price_file(path, self.site["price_subjects"], self.options.import_rows, product)
            command = [sys.executable, "manage.py", "import_prices", str(path), "--accept-large-changes"]
            log = self.workdir / f"import-{number}.log"
            record = {"product": product, "rows": self.options.import_rows, "started": self.now()}
            with open(log, "wb") as out:
                self.importing = self.children.popen(
                    command, cwd=BASE_DIR, env=self.server_env, stdout=out, stderr=subprocess.STDOUT
                )
                record["code"] = self.importing.wait()
            record.update(ended=self.now(), output=log.read_text(errors="replace")[-2000:])
            self.imports.append(record)
            self.stop_event.wait(self.options.import_pause)

    def database_outage(self):
        cluster = self.cluster
        self.outage.stopping = self.now()
        self.say(f"  {self.outage.stopping:5.1f} s  stopping PostgreSQL (pg_ctl stop -m fast)")
        cluster.stop()
        self.outage.stopped = self.now()
        self.stop_event.wait(self.options.outage_seconds)
        cluster.start()
        self.outage.back = self.now()
        self.say(f"  {self.outage.back:5.1f} s  PostgreSQL is back (down {self.outage.back - self.outage.stopped:.1f} s)")

    def go(self, editors):
        options = self.options
        first = Browser(self.port).request("GET", "/")
        self.static = sorted(set(find_stylesheets(first.text)))[:1]
        threads = [threading.Thread(target=self.reader, args=(n,), daemon=True) for n in range(options.readers)]
        threads += [
            threading.Thread(target=self.editor, args=(n + 1, editor, browser), daemon=True)
            for n, (editor, browser) in enumerate(editors)
        ]
        self.began = time.monotonic()
        for thread in threads:
            thread.start()
        import_thread = threading.Thread(target=self.importer, daemon=True)
        try:
            self.wait_until(options.import_at)
            import_thread.start()
            if options.with_outage:
                self.wait_until(options.outage_at)
                self.database_outage()
            self.wait_until(options.seconds)
        finally:
            self.stop_event.set()
        for thread in threads:
            thread.join(40)
        self.duration = self.now()
        # The last import may still be running: it ends by itself, or is
        # stopped (and then counted as failed).
        import_thread.join(60)
        if import_thread.is_alive():
            stop_process(self.importing)
            import_thread.join(10)

    def wait_until(self, moment):
        while self.now() < moment and not self.stop_event.is_set():
            time.sleep(min(0.2, max(0.01, moment - self.now())))


def page_message(html):
    """The error note of an admin form shown again, for the report."""
    for marker in ('class="errornote"', 'class="errorlist', 'class="conflict'):
        at = html.find(marker)
        if at != -1:
            text = html[at: at + 400]
            return " ".join(text.split(">", 1)[-1].replace("<", " <").split())[:200]
    return "(the form again, no error note)"


def find_stylesheets(html):
    found = []

    class Links(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "link" and attrs.get("rel") == "stylesheet" and (attrs.get("href") or "").startswith("/static/"):
                found.append(attrs["href"])

    Links().feed(html)
    return found


def write_price_file(path, subjects, rows, product):
    """A valid price file: every row a new estimate of its own product, so
    neither the demo's estimates nor another import's are in conflict with it."""
    newest = datetime.date(2024, 12, 31)
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["kind", "slug", "low", "high", "currency", "as_of", "source", "source_url", "note", "product"])
        for row in range(rows):
            kind, slug = subjects[row % len(subjects)]
            as_of = newest - datetime.timedelta(days=row // len(subjects))
            low = 20000 + (row * 37) % 40000
            writer.writerow([kind, slug, low, low + 5000, "USD", as_of.isoformat(), "Load test price survey", "", "", product])


# --- Judging and reporting -------------------------------------------------------------------


def percentile(values, share):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def milliseconds(value):
    return "-" if value is None else f"{value * 1000:.0f}"


@dataclasses.dataclass
class Result:
    options: Options
    hits: list
    outage: Outage
    confirmed: dict
    found: dict
    refused: list
    imports: list  # one dict per import run: product, rows, started, ended, code, output
    imported: dict  # product -> estimates of it in the database
    server: dict
    duration: float
    server_log: str = ""
    failures: list = dataclasses.field(default_factory=list)

    def unexpected(self, hit):
        return hit.status not in hit.expected

    def tolerated(self, hit):
        """A 503 while the database is down (or in the grace after), or, for
        an editor in that window, a form shown again instead of saved. Static
        files need no database: they must be served all along."""
        if hit.role == "static" or not self.outage.overlaps(hit.started, hit.ended):
            return False
        return hit.status == 503 or (hit.role == "editors" and isinstance(hit.status, int) and hit.status < 500)

    @property
    def errors(self):
        return [hit for hit in self.hits if self.unexpected(hit) and not self.tolerated(hit)]

    @property
    def lost(self):
        return {url: [m for m in markers if m not in self.found.get(url, "")] for url, markers in self.confirmed.items()
                if any(m not in self.found.get(url, "") for m in markers)}

    def judge(self):
        failures = []
        errors = self.errors
        if errors:
            counts = count_by(errors, lambda h: f"{h.status} on {h.role} {h.action}")
            failures.append(f"{len(errors)} errors: " + ", ".join(f"{n} × {k}" for k, n in counts.items()))
        lost = self.lost
        if lost:
            failures.append(f"{sum(map(len, lost.values()))} confirmed edits lost: {lost}")
        if sum(map(len, self.confirmed.values())) == 0:
            failures.append("no edit was saved at all")
        if not self.server["alive"]:
            failures.append("the server died: " + self.server["why"])
        if self.server["locked"]:
            failures.append(f"'database is locked' appears {self.server['locked']} times in the server's log")
        if not self.imports:
            failures.append("no import ran")
        for record in self.imports:
            written = self.imported.get(record["product"], 0)
            if record["code"] == 0 and written != record["rows"]:
                failures.append(f"import of {record['product']} succeeded, but {written} of {record['rows']} rows are in the database")
            elif record["code"] != 0 and written:
                failures.append(f"import of {record['product']} failed, yet wrote {written} rows: not all or nothing")
            elif record["code"] != 0 and not self.outage.overlaps(record["started"], record["ended"]):
                failures.append(f"import of {record['product']} failed (exit {record['code']}): {record['output'][-500:]}")
        if self.options.with_outage:
            after = [h for h in self.hits if self.outage.phase(h.started) == "after"]
            if not any(h.status == 200 and h.role == "readers" for h in after):
                failures.append("no reader got a page after the database came back")
            if not any(h.status == 302 and h.role == "editors" for h in after):
                failures.append("no editor's save succeeded after the database came back")
        self.failures = failures
        return failures


def count_by(items, key):
    counts = {}
    for item in items:
        counts[key(item)] = counts.get(key(item), 0) + 1
    return dict(sorted(counts.items(), key=lambda pair: -pair[1]))


def status_summary(hits):
    counts = count_by(hits, lambda h: str(h.status))
    return " ".join(f"{status}:{n}" for status, n in sorted(counts.items()))


def report(result):
    options, outage = result.options, result.outage
    lines = []
    setting = f"{options.database}, {result.duration:.0f} s, {options.readers} readers + 2 editors + imports of {options.import_rows} rows, gunicorn {options.workers} workers"
    lines.append(f"Load test: {setting}")
    if outage.stopping is not None:
        lines.append(
            f"Database stopped at {outage.stopping:.1f} s, back at {outage.back:.1f} s "
            f"(down {outage.back - outage.stopped:.1f} s); 503s are expected until {outage.back + outage.grace:.1f} s "
            f"(a {outage.grace:.0f} s grace after restart)."
        )
    phases = ["before", "outage", "recovery", "after"] if outage.stopping is not None else ["run"]
    phase_of = outage.phase if outage.stopping is not None else (lambda moment: "run")
    header = f"{'phase':<9}{'client':<9}{'requests':>9}{'req/s':>7}{'errors':>7}{'p50 ms':>8}{'p99 ms':>8}  statuses"
    lines += ["", header, "-" * len(header)]
    errors = set(map(id, result.errors))
    for phase in phases + (["all"] if len(phases) > 1 else []):
        in_phase = [h for h in result.hits if phase == "all" or phase_of(h.started) == phase]
        span = phase_span(phase, outage, result.duration)
        for role in ("readers", "static", "editors"):
            hits = [h for h in in_phase if h.role == role]
            if not hits:
                continue
            times = [h.seconds for h in hits]
            rate = f"{len(hits) / span:.0f}" if span > 0 else "-"
            lines.append(
                f"{phase:<9}{role:<9}{len(hits):>9}{rate:>7}{sum(id(h) in errors for h in hits):>7}"
                f"{milliseconds(percentile(times, 0.5)):>8}{milliseconds(percentile(times, 0.99)):>8}  {status_summary(hits)}"
            )
    if len(phases) > 1:
        lines.append("(A request counts in the phase it began in: one that began just before the stop may get a 503.)")
    lines.append("")
    all_hits = result.hits
    five_oh_three = [h for h in all_hits if h.status == 503]
    lines.append(
        f"Requests: {len(all_hits)} ({status_summary(all_hits)}); 503s: {len(five_oh_three)}, "
        f"{sum(h.retry_after for h in five_oh_three)} with Retry-After"
    )
    bad = result.errors
    lines.append("Errors: " + (", ".join(f"{n} × {k}" for k, n in count_by(bad, lambda h: f"{h.status} ({h.role} {h.action})").items()) if bad else "none"))
    for hit in bad[:5]:
        lines.append(f"  e.g. {hit.status} at {hit.started:.1f} s: {hit.role} {hit.action} {hit.path}")
    confirmed = sum(map(len, result.confirmed.values()))
    found = sum(sum(m in result.found.get(url, "") for m in markers) for url, markers in result.confirmed.items())
    lines.append(f"Edits: {confirmed} saves confirmed (302), {found} found in the database, {confirmed - found} lost; "
                 f"{len(result.refused)} shown again as a form")
    for who, what, moment, message in result.refused[:3]:
        lines.append(f"  e.g. at {moment:.1f} s, {who} on {what}: {message}")
    imports = result.imports
    if imports:
        succeeded = [r for r in imports if r["code"] == 0]
        times = [r["ended"] - r["started"] for r in imports]
        lines.append(
            f"Imports: {len(imports)} of {imports[0]['rows']} rows each, one after another, "
            f"{min(times):.1f}–{max(times):.1f} s each; {len(succeeded)} succeeded, "
            f"{sum(result.imported.get(r['product'], 0) for r in succeeded)} rows of them in the database"
        )
        for record in imports:
            if record["code"] != 0:
                written = result.imported.get(record["product"], 0)
                lines.append(f"  failed at {record['started']:.1f}–{record['ended']:.1f} s (exit {record['code']}), {written} rows written: "
                             + " ".join(record["output"].strip().splitlines()[-1:])[:200])
    server = result.server
    lines.append(
        f"Server: {'alive' if server['alive'] else 'DEAD'}; 'database is locked' in its log: {server['locked']}; "
        f"500s logged: {server['server_errors']}; worker timeouts: {server['timeouts']}"
    )
    if server["page_cache"]:
        lines.append("Page cache (access log): " + ", ".join(f"{v} {n}" for v, n in server["page_cache"].items()))
    lines.append("Result: " + ("PASS (0 errors, no lost edit)" if not result.failures else "FAIL\n  - " + "\n  - ".join(result.failures)))
    return "\n".join(lines)


def phase_span(phase, outage, duration):
    if phase in ("run", "all"):
        return duration
    edges = {
        "before": (0, outage.stopping),
        "outage": (outage.stopping, outage.back),
        "recovery": (outage.back, outage.back + outage.grace),
        "after": (outage.back + outage.grace, duration),
    }
    start, end = edges[phase]
    return max(0.0, min(end, duration) - start)


def read_server_log(path):
    text = Path(path).read_text(errors="replace") if Path(path).exists() else ""
    return {
        "locked": text.count("database is locked"),
        # Django logs each 500 under this heading, with its traceback.
        "server_errors": text.count("Internal Server Error:"),
        "timeouts": text.count("WORKER TIMEOUT"),
        # The access log's page-cache verdict (gunicorn.conf.py's format).
        "page_cache": count_by(re.findall(r" cache=(\w+)", text), lambda verdict: verdict),
        "text": text,
    }


# --- Putting it together ---------------------------------------------------------------------


def server_environment(workdir, database_url):
    # The shared production-like environment (tests/serving.py: nothing of the
    # developer's own settings, the run's files in its folder), with what this
    # run needs on top.
    return site_env(
        workdir,
        database_url,
        # The client keeps cookies itself whatever their Secure flag says, so
        # the production cookie settings stay on.
        DJANGO_SECURE_COOKIES="1",
        DJANGO_LOG_LEVEL="INFO",
        # Two-factor login is tested elsewhere; here the editors log in with
        # their password only.
        MSINFO_TWO_FACTOR_REQUIRED_FOR="",
        MSINFO_PRICE_UPLOAD_DIR=str(workdir / "uploads"),
    )


def start_gunicorn(children, options, env, port, log_path):
    command = [str(VENV_BIN / "gunicorn"), "msinfo.wsgi"]
    if (BASE_DIR / "gunicorn.conf.py").exists():
        command += ["-c", str(BASE_DIR / "gunicorn.conf.py")]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(options.workers)]
    log = open(log_path, "ab")
    children.on_close(log.close)
    process = children.popen(command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    give_up = time.monotonic() + 60
    while time.monotonic() < give_up:
        if process.poll() is not None:
            raise SetupError(f"gunicorn exited ({process.returncode}):\n{Path(log_path).read_text(errors='replace')[-3000:]}")
        try:
            if Browser(port, timeout=5).request("GET", "/").status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.3)
    raise SetupError("gunicorn did not serve the home page within 60 s.")


def run(options, say=print):
    """Set up, run and judge one load test; returns its Result (and always
    stops everything it started)."""
    children = Children()
    workdir = Path(tempfile.mkdtemp(prefix="msinfo-loadtest-"))
    if not options.keep:
        children.on_close(lambda: remove_folder(workdir))
    else:
        children.on_close(lambda: say(f"Kept the run's folder: {workdir}"))
    watchdog = threading.Timer(options.deadline, hard_stop, args=(children, options.deadline))
    watchdog.daemon = True
    watchdog.start()
    try:
        return run_in(workdir, options, children, say)
    finally:
        watchdog.cancel()
        children.close()


def remove_folder(path):
    # A second pass catches a file a thread was still writing during the first.
    shutil.rmtree(path, ignore_errors=True)
    if path.exists():
        time.sleep(0.5)
        shutil.rmtree(path, ignore_errors=True)


def hard_stop(children, deadline):
    print(f"loadtest: the hard deadline ({deadline:.0f} s) has passed: stopping everything.", file=sys.stderr, flush=True)
    children.close()
    os._exit(3)


def run_in(workdir, options, children, say):
    workdir.chmod(0o711)  # the private PostgreSQL's owner must reach its folder inside
    (workdir / "uploads").mkdir()
    cluster = None
    clock = time.monotonic()
    if options.database == "postgres":
        cluster = PrivateCluster(children, workdir / "postgres")
        say(f"Starting a private PostgreSQL cluster (port {cluster.port}, in {workdir})...")
        cluster.create()
        database_url = cluster.url
    else:
        database_url = f"sqlite:///{workdir / 'db.sqlite3'}"
        if options.sqlite_from:
            copy_sqlite(options.sqlite_from, workdir / "db.sqlite3")
    if options.static_from:
        shutil.copytree(options.static_from, workdir / "static")  # site_env's STATIC_ROOT
    env = server_environment(workdir, database_url)
    say("Migrating, loading the demo content, collecting static files...")
    run_checked(children, [sys.executable, "-m", "tests.loadtest_site", "setup", str(workdir)], workdir / "setup.log", env=env)
    site = json.loads((workdir / "site.json").read_text())
    port = free_port()
    server_log = workdir / "gunicorn.log"
    server = start_gunicorn(children, options, env, port, server_log)
    editors = []
    for editor in site["editors"]:
        browser = Browser(port)
        log_in(browser, editor["username"], editor["password"])
        editors.append((editor, browser))
    say(f"Set up in {time.monotonic() - clock:.0f} s. Running for {options.seconds:.0f} s on http://127.0.0.1:{port}/ ...")

    the_run = Run(options, port, site, env, workdir, children, cluster, say)
    # Undone first (the list runs backwards): the run's threads stop starting
    # new work before its server and folder go.
    children.on_close(the_run.stop_event.set)
    the_run.go(editors)

    alive, why = server.poll() is None, ""
    if not alive:
        why = f"gunicorn exited with {server.returncode}"
    else:
        try:
            status = Browser(port, timeout=10).request("GET", "/").status
        except (OSError, http.client.HTTPException) as error:
            status = type(error).__name__
        if status != 200:
            alive, why = False, f"the home page answers {status} after the run"
    verify = subprocess.run(
        [sys.executable, "-m", "tests.loadtest_site", "verify", str(workdir)],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    if verify.returncode != 0:
        raise SetupError(f"Reading the database after the run failed:\n{verify.stderr[-3000:]}")
    saved = json.loads(verify.stdout.strip().splitlines()[-1])
    log = read_server_log(server_log)
    result = Result(
        options=options,
        hits=the_run.hits,
        outage=the_run.outage,
        confirmed=the_run.confirmed,
        found=saved["texts"],
        refused=the_run.refused,
        imports=the_run.imports,
        imported=saved["imported"],
        server={"alive": alive, "why": why, **{k: v for k, v in log.items() if k != "text"}},
        duration=the_run.duration,
        server_log=log["text"],
    )
    result.judge()
    return result


def parse_options(argv):
    defaults = Options()
    parser = argparse.ArgumentParser(prog="python -m tests.loadtest", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--database", choices=["postgres", "sqlite"], default=defaults.database,
                        help="postgres: a private cluster, stopped and restarted mid-run; sqlite: a file, no outage")
    parser.add_argument("--seconds", type=float, default=defaults.seconds, help="how long the load runs")
    parser.add_argument("--readers", type=int, default=defaults.readers, help="reader threads")
    parser.add_argument("--workers", type=int, default=defaults.workers, help="gunicorn workers")
    parser.add_argument("--import-rows", type=int, default=defaults.import_rows, help="rows in the imported price file")
    parser.add_argument("--outage-at", type=float, default=argparse.SUPPRESS, help="seconds into the run the database stops (default: 40%% of the run)")
    parser.add_argument("--outage-seconds", type=float, default=defaults.outage_seconds,
                        help="how long the database stays down (0: no outage)")
    parser.add_argument("--grace-seconds", type=float, default=defaults.grace_seconds,
                        help="after the database is back, 503s are still accepted this long")
    parser.add_argument("--deadline", type=float, default=argparse.SUPPRESS, help="hard limit for the whole script, setup included (default: --seconds + 240)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, database) for a look")
    args = parser.parse_args(argv)
    try:
        return Options(**{f.name: getattr(args, f.name) for f in dataclasses.fields(Options) if hasattr(args, f.name)})
    except ValueError as error:
        parser.error(str(error))


def main(argv=None):
    options = parse_options(argv)
    # Ctrl-C and a plain `kill` stop the run cleanly, even when the shell
    # that started it in the background had told it to ignore Ctrl-C.
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    try:
        result = run(options, say=lambda text: print(text, flush=True))
    except KeyboardInterrupt:
        print("loadtest: interrupted; everything it started has been stopped.", file=sys.stderr)
        return 130
    except SetupError as error:
        print(f"loadtest: {error}", file=sys.stderr)
        return 2
    print()
    print(report(result))
    if result.failures and result.server["server_errors"]:
        print("\nThe server's log, the last 500s:")
        print(last_server_errors(result.server_log))
    return 1 if result.failures else 0


def interrupt(signum, frame):
    raise KeyboardInterrupt


def last_server_errors(text, count=2, lines=25):
    """The end of the last 500s Django logged (the exception that made the
    500 comes last), without the ^^^ lines under each frame."""
    shown = []
    for entry in text.split("Internal Server Error:")[1:][-count:]:
        kept = [line for line in entry.splitlines() if line.strip().strip("^~") != ""]
        kept = [line for line in kept if not line.startswith(('127.0.0.1 ', '['))]  # access and gunicorn lines
        shown.append("Internal Server Error:" + kept[0] + "\n  ...\n" + "\n".join(kept[-lines:]))
    return "\n---\n".join(shown)


if __name__ == "__main__":
    sys.exit(main())
