"""gunicorn's settings for this site: `gunicorn -c gunicorn.conf.py msinfo.wsgi`
(`make serve` runs exactly that after a production-like setup).

Read by gunicorn 27 when the master starts (and again on a HUP reload). Only
names gunicorn knows are used as settings; anything else here is ignored by
it. A command-line flag or GUNICORN_CMD_ARGS still overrides any value below,
e.g. `--bind 0.0.0.0:8000` when the proxy runs on another host or container.
"""

import logging
import os
import resource

import gunicorn.http.wsgi


def _positive_int(name, default, largest=None):
    value = os.environ.get(name, "").strip() or str(default)
    if not value.isdigit() or int(value) < 1 or (largest and int(value) > largest):
        # SystemExit, not an exception: gunicorn prints this line and stops,
        # instead of a traceback about its config file.
        limit = f"from 1 to {largest}" if largest else "of 1 or more"
        raise SystemExit(f"{name} must be a whole number {limit}, such as {default}; it is {value!r}.")
    return int(value)


def _cpus():
    # The CPUs this process may use (a container or taskset may allow fewer
    # than the machine has).
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


# Loopback by default: the TLS-terminating proxy on the same host connects
# here, and nothing else can. gunicorn's own default would be 0.0.0.0 whenever
# PORT is set, which would expose the app without the proxy's limits.
bind = [f"127.0.0.1:{_positive_int('PORT', 8000, largest=65535)}"]

# Sync workers: each serves one request at a time, so a worker is busy for the
# whole of a slow request (a 20 s price upload) and the others keep serving
# readers. 2 × CPUs + 1 (gunicorn's rule for sync workers: a worker waiting on
# the database leaves its CPU to another) gives 5 on 2 cores, about 60 MB each.
# WEB_CONCURRENCY overrides it (the convention hosting platforms set).
workers = _positive_int("WEB_CONCURRENCY", 2 * _cpus() + 1)
worker_class = "sync"

# The largest price upload (20 MB, ~180,000 rows) applies in about 20 s on
# PostgreSQL inside the request; 60 s leaves room on a busy machine before the
# master kills the worker. The proxy's read timeout should be at least this.
timeout = 60
# On a restart or HUP, a worker finishing such an upload gets this long.
graceful_timeout = 30
# Sync workers close the connection after every response, so this matters only
# if worker_class is changed to gthread; 5 s is above nginx's upstream reuse.
keepalive = 5

# Workers are recycled by memory, not by count. Recycling guards against a
# slow leak, but a count of 1,000 restarted each worker every second or two
# at the page cache's rate (75 restarts in the serving bench's 35 s cached
# run, p99 up to 460 ms against 20 ms for a static file), halving capacity. A
# worker now finishes its request and restarts only once its peak resident
# memory passes WORKER_MEMORY_LIMIT_MB (a serving worker uses about 60-90 MB;
# an upload of the largest price file peaks near 200 MB), and, as a backstop
# for a leak that memory alone would miss, after about 200,000 requests
# (jittered so the workers do not restart together).
max_requests = 200_000
max_requests_jitter = 20_000
WORKER_MEMORY_LIMIT_MB = _positive_int("WORKER_MEMORY_LIMIT_MB", 400)


def post_request(worker, req, environ, resp):
    """After each response: a worker over the memory limit stops taking
    requests and exits; the master starts a fresh one in its place."""
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports kilobytes
    if peak_mb > WORKER_MEMORY_LIMIT_MB and worker.alive:
        worker.log.info("Worker %s reached %.0f MB (limit %s MB): restarting it.", worker.pid, peak_mb, WORKER_MEMORY_LIMIT_MB)
        worker.alive = False

# Heartbeat files in memory rather than on a disk that may be slow or
# read-only (containers); gunicorn's default is the system's temporary folder.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# Access log to standard output (the journal or the container log collects
# it): client, time, request, status, size, duration in milliseconds (M), the
# page cache's verdict (hit, miss or bypass; "-" for static files) and the
# proxy's X-Forwarded-For, which is only as trustworthy as the proxy. The size
# is the response's Content-Length: gunicorn's own byte count (B) says 0 for
# files it sends with sendfile(), as it does WhiteNoise's static files.
accesslog = "-"
access_log_format = (
    '%(h)s %(t)s "%(r)s" %(s)s %({content-length}o)s %(M)sms cache=%({x-page-cache}o)s '
    'xff="%({x-forwarded-for}i)s" "%(a)s"'
)
errorlog = "-"
# Django leaves dropping a HEAD response's body to the server, as WSGI allows.
# gunicorn 27 drops it and also logs a warning for every such request, so each
# monitor's HEAD would add a line of noise; this logger says nothing else.
logging.getLogger("gunicorn.http.wsgi").setLevel(logging.ERROR)

# No runtime control socket (gunicorn 25.1+ opens one in $XDG_RUNTIME_DIR or
# ~/.gunicorn by default, for `gunicornc`): nobody here uses it, and a socket
# that can add workers or stop the server is one more thing to secure. Older
# gunicorns do not know the setting and ignore it.
control_socket_disable = True

# forwarded_allow_ips is left at gunicorn's default (127.0.0.1 and ::1, or
# FORWARDED_ALLOW_IPS): only a proxy on this host may set the client's scheme.

# The Server header. gunicorn has no setting for it: every response starts
# with "Server: " + gunicorn.http.wsgi.SERVER ("gunicorn"), read when each
# response object is made. Replacing that module value here, in the master
# before it forks the workers, changes only the header (the WSGI environ's
# SERVER_SOFTWARE, which the app may read, is a separate value). If a future
# gunicorn stops reading it, tests/site/test_gunicorn_serving.py fails. A proxy in
# front (nginx does this by default) sends its own Server header instead.
SERVER_HEADER = "web"
if hasattr(gunicorn.http.wsgi, "SERVER"):
    gunicorn.http.wsgi.SERVER = SERVER_HEADER
