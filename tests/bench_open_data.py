"""Memory and time of streaming /prices/history.csv at scale:
`python -m tests.bench_open_data` (the lead wires it into `make bench`).

Builds a throwaway SQLite database in a temporary folder (never db.sqlite3)
with the demo content, adds estimates with tests/bench.py's grow_estimates (plain
multi-row INSERTs, one a day back in time for every demo category and
therapy) up to 25,000 and then 250,000 estimates, and at each size streams
the whole history file through Django's test client in a fresh Python
process, reading the response's iterator chunk by chunk and keeping none of
it, as a WSGI server does. It prints the rows written, the seconds taken,
the growth of the process's peak resident memory (ru_maxrss, over the same
process after a warm-up request) and, in a second pass, the peak of Python's
own allocations under tracemalloc (which slows Python, so that pass is not
timed). Flat memory means the figures at 250,000 match those at 25,000.
"""

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

SIZES = (25_000, 250_000)
URL = "/prices/history.csv"
# Memory may grow by at most this much from the smaller size to the larger
# (10x the rows) for it to count as flat.
FLAT_MARGIN_MB = 5


def grow_to(db_path, total):
    """Add estimates until there are about `total` in all."""
    from tests import bench

    bench.setup_django(db_path)
    from prices.models import CostEstimate

    missing = max(0, total - CostEstimate.objects.count())
    return bench.grow_estimates(missing, per_unit_every=3) if missing else CostEstimate.objects.count()


def _maxrss_bytes():
    # Linux reports kilobytes, macOS bytes.
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def _stream(client):
    """Request the history and read it to the end; (rows, bytes)."""
    response = client.get(URL)
    assert response.status_code == 200 and response.streaming, response.status_code
    lines = size = 0
    for chunk in response.streaming_content:
        lines += chunk.count(b"\n")
        size += len(chunk)
    response.close()
    return lines - 1, size  # less the header row


def measure(db_path):
    """In this (fresh) process: stream the file once for time and ru_maxrss,
    then once under tracemalloc for the peak of Python allocations."""
    from tests import bench

    bench.setup_django(db_path)
    from django.test import Client

    client = Client()
    # Warm up: URLs, templates and the database connection are loaded and
    # the history's code has run once (its first chunk only: ru_maxrss is a
    # high-water mark), so what grows after is the streaming's own.
    client.get("/prices.csv")
    response = client.get(URL)
    next(iter(response.streaming_content))
    response.close()
    rss_before = _maxrss_bytes()
    started, cpu_started = time.perf_counter(), time.process_time()
    rows, size = _stream(client)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    rss_growth = _maxrss_bytes() - rss_before
    tracemalloc.start()
    _stream(client)
    _current, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"rows": rows, "bytes": size, "seconds": seconds, "cpu_seconds": cpu_seconds, "rss_growth": rss_growth,
            "traced_peak": traced_peak, "rss_before": rss_before}


def in_child(action, db_path, *args):
    command = [sys.executable, "-m", "tests.bench_open_data", "--step", action, str(db_path), *map(str, args)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent)
    if result.returncode != 0:
        sys.exit(f"Open data bench step failed: {' '.join(command)}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_step(action, db_path, *args):
    from tests import bench

    if action == "build":
        bench.scale_build(db_path)
        print(json.dumps(None))
    elif action == "grow":
        print(json.dumps(grow_to(db_path, int(args[0]))))
    else:
        print(json.dumps(measure(db_path)))


def mb(size_bytes):
    return size_bytes / (1024 * 1024)


def main():
    workdir = Path(tempfile.mkdtemp(prefix="msinfo-bench-open-data-"))
    try:
        db_path = workdir / "open-data.sqlite3"
        print(f"Open data run: streaming {URL}, demo content in {workdir} ...", flush=True)
        in_child("build", db_path)
        results = {}
        for size in SIZES:
            total = in_child("grow", db_path, size)
            results[size] = {"estimates": total, **in_child("measure", db_path)}
        print()
        # CPU seconds as well as wall-clock ones: on a shared machine the
        # wall clock counts other processes' turns too.
        print(f"{'estimates':>10} {'rows':>9} {'MB':>7} {'seconds':>8} {'CPU s':>7} {'rows/s':>9} "
              f"{'peak RSS growth MB':>19} {'tracemalloc peak MB':>20}")
        for figures in results.values():
            print(f"{figures['estimates']:>10,} {figures['rows']:>9,} {mb(figures['bytes']):>7.1f} "
                  f"{figures['seconds']:>8.2f} {figures['cpu_seconds']:>7.2f} "
                  f"{figures['rows'] / figures['seconds']:>9,.0f} "
                  f"{mb(figures['rss_growth']):>19.1f} {mb(figures['traced_peak']):>20.1f}")
        small, large = (results[size] for size in SIZES)
        flat = all(
            mb(large[key]) - mb(small[key]) <= FLAT_MARGIN_MB for key in ("rss_growth", "traced_peak")
        )
        print(f"Memory flat from {small['rows']:,} to {large['rows']:,} rows (within {FLAT_MARGIN_MB} MB): "
              f"{'yes' if flat else 'NO'}; process RSS before streaming {mb(large['rss_before']):.0f} MB; "
              f"{os.cpu_count()} CPUs, SQLite")
        return 0 if flat else 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "--step":
        run_step(sys.argv[2], sys.argv[3], *sys.argv[4:])
    else:
        sys.exit(main())
