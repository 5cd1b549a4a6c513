"""Running the site the way production does, for tests and `make bench`:
DEBUG off, a fresh secret key, static files collected and served by
WhiteNoise, gunicorn with the project's gunicorn.conf.py, on a free loopback
port, against a throwaway database.

Everything lives in a temporary folder the caller owns (the database, the
collected static files, the cache's files, gunicorn's output); the project's
own db.sqlite3, staticfiles/ and var/ are never touched. The only difference from production settings
is STATIC_ROOT, set by a two-line settings module written into that folder,
plus plain HTTP (no HTTPS redirect, cookies allowed without TLS) as `make
serve` has it.
"""

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
GUNICORN_CONF = PROJECT / "gunicorn.conf.py"
GUNICORN = Path(sys.executable).with_name("gunicorn")


# Under pytest-xdist each worker (gw0, gw1, ...) takes its ports from a block
# of its own, below Linux's ephemeral ports (32768 and up, which the OS hands
# out for port 0 and outgoing connections): a port one worker has picked but
# its server has not bound yet is never another worker's pick.
WORKER_PORTS_START, WORKER_PORTS_EACH = 20000, 500
_next_port = None


def free_port():
    global _next_port
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not (worker.startswith("gw") and worker[2:].isdigit()):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]
    first = WORKER_PORTS_START + int(worker[2:]) % 25 * WORKER_PORTS_EACH
    if _next_port is None:  # a random place in the block: another run's workers are elsewhere in theirs
        _next_port = secrets.randbelow(WORKER_PORTS_EACH)
    for _ in range(WORKER_PORTS_EACH):
        port = first + _next_port
        _next_port = (_next_port + 1) % WORKER_PORTS_EACH
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {first}-{first + WORKER_PORTS_EACH - 1} for pytest-xdist worker {worker}")


def site_env(workdir, database_url=None, **extra):
    """The environment of a production-like run whose files are in workdir."""
    workdir = Path(workdir)
    (workdir / "serving_settings.py").write_text(
        "from msinfo.settings import *  # noqa: F401,F403\n"
        f"STATIC_ROOT = {str(workdir / 'static')!r}\n"
    )
    # Nothing from the caller's site settings: no other database, cache or Redis.
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "MSINFO_")) and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="serving_settings",
        PYTHONPATH=os.pathsep.join([str(workdir), str(PROJECT)]),
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DATABASE_URL=database_url or f"sqlite:///{workdir / 'site.sqlite3'}",
        DJANGO_LOG_LEVEL="WARNING",
        MSINFO_CACHE_DIR=str(workdir / "cache"),
        MSINFO_PRICE_UPLOAD_DIR=str(workdir / "price-uploads"),
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare(env, demo=True, migrate=True, prepared=None):
    """Migrate, optionally load the demo content, and collect the static files.
    migrate=False: the database is already migrated (a copy the tests made
    once per run, tests/prepared_sites.py). `prepared` (the tests'
    PreparedSites): the static files are a copy of the ones collected once
    per run, instead of collectstatic here."""
    if migrate:
        manage(env, "migrate", "--noinput", "-v", "0")
    if demo:
        manage(env, "load_demo_content", "-v", "0")
    if prepared is not None:
        prepared.static(static_root(env))
    else:
        manage(env, "collectstatic", "--noinput", "-v", "0")


def static_root(env):
    """The STATIC_ROOT of a site_env environment (in its folder)."""
    return Path(env["PYTHONPATH"].split(os.pathsep)[0]) / "static"


def get(port, path, headers=None, timeout=10):
    """(status, headers as a dict with lower-case names, body) of one GET."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


class Gunicorn:
    """gunicorn -c gunicorn.conf.py msinfo.wsgi, in its own process group, its
    output (access log included) in `log_path`. Use as a context manager."""

    def __init__(self, env, workdir, workers=2, name="gunicorn", **extra_env):
        self.port = free_port()
        self.env = {**env, "PORT": str(self.port), "WEB_CONCURRENCY": str(workers)}
        self.env.update({key: str(value) for key, value in extra_env.items()})
        self.log_path = Path(workdir) / f"{name}-{self.port}.log"
        self.process = None

    def start(self, timeout=30):
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [str(GUNICORN), "-c", str(GUNICORN_CONF), "msinfo.wsgi"],
            cwd=PROJECT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with status {self.process.returncode}:\n{self.log()}")
            try:
                get(self.port, "/", timeout=5)
                return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n{self.log()}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
            try:
                self.process.wait(timeout=35)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.process:
            self._log.close()

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
