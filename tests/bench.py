"""Speed and memory of the price importer, page speed at scale, and serving
speed under gunicorn, site search against a therapy page (tests/bench_search.py)
and the memory of the streamed price history (tests/bench_open_data.py):
`make bench` (python -m tests.bench; `--import-only`, `--scale-only`,
`--serving-only`, `--search-only` or `--open-data-only` runs one part).

Builds a throwaway SQLite database in a temporary folder (never db.sqlite3),
migrates it, creates 1,040 categories and therapies and 200 NDC mappings, and
writes two files:

    a 100,000-row price CSV (every row a distinct estimate: 1,040 subjects ×
    ~97 as-of dates), and a 50,000-row NADAC file with 200 mapped NDCs (400
    mapped rows: each NDC at two effective dates) among 49,600 unmapped rows.

Each step runs in a fresh Python process so its memory figures are its own:
once plainly, for time and ru_maxrss (growth of the process's peak resident
memory over the same process just before the step), and once under
tracemalloc (peak Python allocations; tracemalloc slows Python, so its times
are not reported). Targets on 2 cores: 100,000 rows applied in under 8 s,
peak memory under 200 MB (issue 20). On the 2-core development machine, best
of three runs: 9.7 s and 111 MB while apply read and checked the file twice
(13.4 s when the issue was filed), 4.1 s and 120 MB since it checks it once,
inside its transaction. Other work on the machine only adds to a time.

The scale run loads the demo content into another throwaway SQLite database,
times seven pages (median of SCALE_REQUESTS requests each, Django's test
client, a superuser for the admin pages), then adds 250,000 estimates spread
over the demo's categories and therapies (older than their demo prices, so
the figures shown stay the same) and times the same pages again; last it adds
published DMTs, each with a price, up to SCALE_CATALOGUE (200) and measures
/therapies/, which lists them all. Targets: every page within 1.5x of its
demo-data time, admin pages under 1 s, public pages under 100 KB (/therapies/
at 200 DMTs too).

The serving run starts gunicorn with gunicorn.conf.py at 2 workers, DEBUG off,
on the demo content in a third throwaway SQLite database (tests/serving.py),
twice: with the page cache off (MSINFO_PAGE_CACHE_SECONDS=0) and at its
default. In each it loads every public page, then the site's CSS file through
WhiteNoise as the ceiling, for a fixed time after a warm-up, with wrk (or a
Python client if wrk is missing), and prints requests per second and each
page's ratio to the ceiling. Targets: cached pages at 50% or more of the CSS
file's rate; uncached pages at twice their ratio before issue 20
(BEFORE_ISSUE_20_UNCACHED_RATIO) and no slower than before the page cache
(BASELINE_UNCACHED_RPS, measured on the 2-core development machine). Each run
prints p50 and p99 latency too.
"""

import argparse
import datetime
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

CSV_ROWS = 100_000
NADAC_ROWS = 50_000
MAPPED_NDCS = 200
CATEGORIES = 40
THERAPIES = 1_000
IMPORT_SECONDS_TARGET = 8

STEPS = [
    # name, file key, format, apply?
    ("CSV dry run", "csv", "csv", False),
    ("CSV import", "csv", "csv", True),
    ("CSV import again (all unchanged)", "csv", "csv", True),
    ("NADAC dry run", "nadac", "nadac", False),
    ("NADAC import", "nadac", "nadac", True),
]


def setup_django(db_path):
    # Always the temporary database, whatever the developer's environment says.
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()


# --- Building the database and the files -------------------------------------------------------


def build(workdir):
    db_path = workdir / "bench.sqlite3"
    setup_django(db_path)
    from django.core.management import call_command
    from django.db import connection

    from therapies.models import Category, Therapy
    from prices.models import NdcMapping

    call_command("migrate", verbosity=0)
    categories = Category.objects.bulk_create(
        Category(kind="dmt", name=f"Bench category {i}", slug=f"bench-category-{i}", summary="Bench.")
        for i in range(CATEGORIES)
    )
    therapies = Therapy.objects.bulk_create(
        Therapy(
            generic_name=f"benchimab {i}",
            slug=f"benchimab-{i}",
            category=categories[i % CATEGORIES],
            route="injection",
            summary="Bench.",
        )
        for i in range(THERAPIES)
    )
    mapped = [f"{90000000000 + i * 7:011d}" for i in range(MAPPED_NDCS)]
    NdcMapping.objects.bulk_create(
        NdcMapping(therapy=therapies[i % 50], ndc=ndc, units_per_year=365 + i) for i, ndc in enumerate(mapped)
    )
    connection.close()

    subjects = [("category", c.slug) for c in categories] + [("therapy", t.slug) for t in therapies]
    start = datetime.date(2000, 1, 1)
    csv_path = workdir / "prices.csv"
    with open(csv_path, "w", encoding="utf-8", newline="") as out:
        out.write("kind,slug,low,high,currency,as_of,source,source_url,note\r\n")
        for i in range(CSV_ROWS):
            kind, slug = subjects[i % len(subjects)]
            as_of = start + datetime.timedelta(days=i // len(subjects))
            low = 10000 + i % 50000
            out.write(
                f"{kind},{slug},{low}.00,{low + 15000}.50,USD,{as_of.isoformat()},Bench price survey,"
                f"https://example.org/bench,Row {i}\r\n"
            )

    nadac_path = workdir / "nadac.csv"
    with open(nadac_path, "w", encoding="utf-8", newline="") as out:
        out.write(
            "NDC Description,NDC,NADAC Per Unit,Effective Date,Pricing Unit,Pharmacy Type Indicator,OTC,"
            "Explanation Code,Classification for Rate Setting,Corresponding Generic Drug NADAC Per Unit,"
            "Corresponding Generic Drug Effective Date,As of Date\r\n"
        )
        mapped_rows = [(ndc, week) for ndc in mapped for week in (1, 2)]
        every = NADAC_ROWS // len(mapped_rows)
        for i in range(NADAC_ROWS):
            if i % every == 0 and i // every < len(mapped_rows):
                ndc, week = mapped_rows[i // every]
                price = f"{1 + (i % 997) / 1000:.5f}"
            else:
                ndc, week, price = f"{10000000000 + i:011d}", 2, f"{(i % 5000) / 1000 + 0.01:.5f}"
            out.write(f"DRUG {i} 10 MG TABLET,{ndc},{price},11/{week * 7:02d}/2024,EA,C/I,N,\"1, 5\",G,,,11/20/2024\r\n")
    return db_path, {"csv": csv_path, "nadac": nadac_path}


# --- One step, in its own process ---------------------------------------------------------------


def run_step(db_path, file_path, fmt, do_apply, trace):
    setup_django(db_path)
    from django.db import connection

    from prices.models import PriceImport
    from prices.pricing import Source, apply, preview

    connection.ensure_connection()
    source = Source(Path(file_path), Path(file_path).name, PriceImport.SourceKind.COMMAND)
    baseline_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    report = apply(source, fmt) if do_apply else preview(source, fmt)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if trace else None
    maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert report.ok, [str(p) for p in report.problems[:5]] + [str(c) for c in report.conflicts[:5]]
    print(json.dumps({
        "seconds": seconds,
        "rows_total": report.rows_total,
        "rows_new": report.rows_new,
        "rows_unchanged": report.rows_unchanged,
        "applied": report.applied,
        "notes": report.notes,
        "maxrss_delta_kb": maxrss_kb - baseline_kb,
        "maxrss_kb": maxrss_kb,
        "tracemalloc_peak": peak,
    }))


def step_in_child(db_path, file_path, fmt, do_apply, trace):
    command = [sys.executable, "-m", "tests.bench", "--step", str(db_path), str(file_path), fmt]
    command += ["--apply"] if do_apply else []
    command += ["--trace"] if trace else []
    result = subprocess.run(command, capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent)
    if result.returncode != 0:
        sys.exit(f"Step failed: {' '.join(command)}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- Pages at scale ---------------------------------------------------------------------------

SCALE_ESTIMATES = 250_000
SCALE_REQUESTS = 15
SCALE_RATIO_TARGET = 1.5
ADMIN_MS_TARGET = 1000
PUBLIC_KB_TARGET = 100
SCALE_CATALOGUE = 200  # published DMTs for the /therapies/ size check


def scale_pages():
    """(label, url, admin?) for the pages the scale run times."""
    from django.urls import reverse

    from articles.models import COST_TABLE_MARKER, Article
    from articles import demo
    from therapies.models import Category, Therapy

    therapy = Therapy.objects.get(slug="fingolimod")
    category = Category.objects.get(slug="oral-dmts")
    article = Article.objects.filter(slug=demo.article_row()["slug"], body__contains=COST_TABLE_MARKER).get()
    return [
        ("/", "/", False),
        ("/therapies/", "/therapies/", False),
        ("therapy page", therapy.get_absolute_url(), False),
        ("therapy page, UK prices", therapy.get_absolute_url() + "?country=uk", False),
        ("category page", category.get_absolute_url(), False),
        ("article with cost table", article.get_absolute_url(), False),
        ("therapy admin change", reverse("admin:therapies_therapy_change", args=[therapy.pk]), True),
        ("category admin change", reverse("admin:therapies_category_change", args=[category.pk]), True),
    ]


def scale_build(db_path):
    setup_django(db_path)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo_content", verbosity=0)
    get_user_model().objects.create_superuser("bench", "bench@example.org", "bench-password-not-secret")


def grow_estimates(count, per_unit_every=0):
    """Add `count` estimates over every demo category and therapy, one a day
    going back from the day before each one's oldest (so the current prices
    stay the demo's), in plain multi-row INSERTs for speed. Every figure is
    its currency's main kind; with `per_unit_every`, every so many of a
    therapy's are priced per unit (the open data's widest rows)."""
    from django.db import connection, transaction
    from django.db.models import Min
    from django.utils import timezone

    from prices.models import CostEstimate, PriceKind
    from therapies.models import Category, Therapy

    kind_of = {
        currency: kind_id
        for kind_id, currency in PriceKind.objects.order_by("-country__position", "-position")
        .values_list("id", "country__currency")
    }  # the main kind of each currency (the first one, written last)
    subjects = []
    for model, field in ((Category, "category"), (Therapy, "therapy")):
        for pk, oldest in model.objects.annotate(oldest=Min("cost_estimates__as_of")).values_list("pk", "oldest"):
            subjects.append((field, pk, oldest or timezone.localdate()))
    set_here = {"category", "therapy", "low", "high", "kind", "currency", "as_of", "unit_price", "unit",
                "units_per_year", "source_name", "source_url", "note", "recorded_at"}
    fields = [f for f in CostEstimate._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_db_prep_save(f.get_default(), connection) for f in fields if f.name not in set_here}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(CostEstimate._meta.db_table)
    recorded_at = timezone.now()
    per_subject, extra = divmod(count, len(subjects))

    def rows():
        for i, (field, pk, oldest) in enumerate(subjects):
            for n in range(per_subject + (1 if i < extra else 0)):
                low = 10000 + (n * 37) % 50000
                per_unit = bool(per_unit_every) and field == "therapy" and n % per_unit_every == 0
                values = {
                    "category_id": pk if field == "category" else None,
                    "therapy_id": pk if field == "therapy" else None,
                    "low": f"{low * 2}.00" if per_unit else f"{low}.00",
                    "high": f"{low * 2}.00" if per_unit else f"{low + 15000}.00",
                    "kind_id": kind_of["USD"],
                    "currency": "USD",
                    "as_of": oldest - datetime.timedelta(days=n + 1),
                    "unit_price": f"{low}.0000" if per_unit else None,
                    "unit": "300 mg vial" if per_unit else "",
                    "units_per_year": "2.0000" if per_unit else None,
                    "source_name": "Bench price survey",
                    "source_url": "https://example.org/bench",
                    "note": "",
                    "recorded_at": recorded_at,
                    **defaults,
                }
                yield tuple(values[f.attname] for f in fields)

    batch, per_statement = [], max(1, 10_000 // len(fields))  # SQLite allows 32,766 parameters a statement
    with transaction.atomic(), connection.cursor() as cursor:
        def flush():
            placeholders = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * len(batch))
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {placeholders}", [v for row in batch for v in row])
            batch.clear()

        for row in rows():
            batch.append(row)
            if len(batch) >= per_statement:
                flush()
        if batch:
            flush()
    return CostEstimate.objects.count()


def scale_catalogue(db_path):
    """Published DMTs, each with a current figure, added to the demo's until
    there are SCALE_CATALOGUE: /therapies/ lists every one (issue 20 found it
    198 KB at 215). Added after the other measurements, as the home page's
    cost table lists them all too. Returns how many there are."""
    setup_django(db_path)
    from django.utils import timezone

    from prices.models import CostEstimate, PriceKind
    from therapies.models import Category, Therapy
    from therapies.queries import published_therapies

    dmts = Category.objects.live().filter(kind=Category.Kind.DISEASE_MODIFYING).order_by("pk")
    groups = list(dmts)
    missing = SCALE_CATALOGUE - published_therapies().filter(category__in=dmts).count()
    yesterday = timezone.now() - datetime.timedelta(days=1)
    added = Therapy.objects.bulk_create(
        Therapy(generic_name=f"benchimab {n:03}", slug=f"benchimab-{n:03}", brand_names=f"Benchra{n:03}",
                category=groups[n % len(groups)], route=Therapy.Route.INJECTION, dose_interval=Therapy.Interval.WEEKLY,
                summary="Bench.", status="published", published_at=yesterday)
        for n in range(missing)
    )
    kind = PriceKind.objects.filter(country__currency="USD").order_by("country__position", "position").first()
    CostEstimate.objects.bulk_create(
        CostEstimate(therapy=therapy, kind=kind, currency="USD", low=61000, high=74500, as_of=timezone.localdate(),
                     product=f"Benchra{n:03} (brand)", source_name="Bench price survey, table 3",
                     source_url="https://example.org/bench/price-survey")
        for n, therapy in enumerate(added)
    )
    return published_therapies().filter(category__in=dmts).count()


def scale_grow(db_path):
    setup_django(db_path)
    return grow_estimates(SCALE_ESTIMATES)


def scale_measure(db_path, only=None):
    """Median time and size of each page (those labelled in `only`, if
    given), in this (fresh) process."""
    # The bench's superuser signs in with force_login, without a second
    # factor; the admin pages' speed is what is measured, not the sign-in.
    os.environ["MSINFO_TWO_FACTOR_REQUIRED_FOR"] = ""
    setup_django(db_path)

    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench"))
    results = {}
    for label, url, admin in scale_pages():
        if only and label not in only:
            continue
        ms, response = median_response_ms(client, url, SCALE_REQUESTS)
        results[label] = {"ms": ms, "bytes": len(response.content), "admin": admin}
    return results


def median_response_ms(client, url, requests):
    """(median milliseconds of `requests` GETs of `url`, the last response),
    after two GETs that warm the caches (templates, content types, Markdown)."""
    import statistics

    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), response


def scale_in_child(action, db_path):
    command = [sys.executable, "-m", "tests.bench", "--scale-step", action, str(db_path)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent)
    if result.returncode != 0:
        sys.exit(f"Scale step failed: {' '.join(command)}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_scale_step(action, db_path):
    if action == "build":
        scale_build(db_path)
        print(json.dumps(None))
    elif action == "grow":
        print(json.dumps(scale_grow(db_path)))
    elif action == "catalogue":
        count = scale_catalogue(db_path)
        print(json.dumps({"therapies": count, **scale_measure(db_path, only={"/therapies/"})}))
    else:
        print(json.dumps(scale_measure(db_path)))


def scale_main():
    workdir = Path(tempfile.mkdtemp(prefix="msinfo-bench-scale-"))
    try:
        db_path = workdir / "scale.sqlite3"
        print(f"Scale run: demo content in {workdir} ...", flush=True)
        started = time.perf_counter()
        scale_in_child("build", db_path)
        demo = scale_in_child("measure", db_path)
        grown = time.perf_counter()
        total = scale_in_child("grow", db_path)
        print(f"  added {SCALE_ESTIMATES:,} estimates in {time.perf_counter() - grown:.1f} s ({total:,} in all)", flush=True)
        scale = scale_in_child("measure", db_path)
        catalogue = scale_in_child("catalogue", db_path)

        print()
        print(f"{'page':26} {'demo ms':>8} {'scale ms':>9} {'ratio':>6} {'size KB':>8}  targets")
        all_met = True
        for label, figures in scale.items():
            before = demo[label]
            ratio = figures["ms"] / before["ms"]
            kb = figures["bytes"] / 1024
            checks = [f"ratio <= {SCALE_RATIO_TARGET}" if ratio <= SCALE_RATIO_TARGET else f"RATIO > {SCALE_RATIO_TARGET}"]
            if figures["admin"]:
                checks.append("< 1 s" if figures["ms"] < ADMIN_MS_TARGET else "OVER 1 s")
            else:
                checks.append(f"< {PUBLIC_KB_TARGET} KB" if kb < PUBLIC_KB_TARGET else f"OVER {PUBLIC_KB_TARGET} KB")
            met = all(c[0].islower() or c[0] == "<" for c in checks)
            all_met &= met
            print(f"{label:26} {before['ms']:>8.1f} {figures['ms']:>9.1f} {ratio:>6.2f} {kb:>8.1f}  "
                  f"{'OK' if met else 'MISSED'} ({', '.join(checks)})")
        listed = catalogue.pop("therapies")
        for label, figures in catalogue.items():
            # Ten times the medicines: its time is shown beside the demo's, not held to the ratio.
            kb = figures["bytes"] / 1024
            met = kb < PUBLIC_KB_TARGET
            all_met &= met
            print(f"{label + f', {listed} DMTs':26} {demo[label]['ms']:>8.1f} {figures['ms']:>9.1f} "
                  f"{figures['ms'] / demo[label]['ms']:>6.2f} {kb:>8.1f}  {'OK' if met else 'MISSED'} "
                  f"({'<' if met else 'OVER'} {PUBLIC_KB_TARGET} KB; time not held to the ratio)")
        print(f"Scale targets (every page within {SCALE_RATIO_TARGET}x of demo, admin < 1 s, public < "
              f"{PUBLIC_KB_TARGET} KB): {'all met' if all_met else 'NOT all met'}; median of {SCALE_REQUESTS} "
              f"requests, {total:,} estimates, run in {time.perf_counter() - started:.0f} s on {os.cpu_count()} CPUs")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


# --- Serving under gunicorn -------------------------------------------------------------------

SERVING_WORKERS = 2
SERVING_SECONDS = 5
SERVING_WARMUP_SECONDS = 1
SERVING_CONNECTIONS = 4
CACHED_RATIO_TARGET = 0.5
SERVING_PAGES = [
    ("/", "/"),
    ("/therapies/", "/therapies/"),
    ("therapy page", "/therapies/fingolimod/"),
    ("category page", "/categories/oral-dmts/"),
    ("article", "/articles/ms-treatment-explained/"),
    ("emerging", "/emerging/"),
    ("care", "/care/"),
]
# Uncached requests per second before the page cache existed (wrk, 2 workers,
# 4 connections, 5 s each, on the 2-core development machine that also ran
# wrk; the best of four samples, as other work on the machine only lowers a
# figure): the "no slower than today" mark. Measured before wrk was told
# "Connection: close", which changes a page's rate by less than run-to-run
# noise (only the much faster CSS file gains, by about a quarter). Other
# machines differ; compare a run of the earlier code there instead.
BASELINE_UNCACHED_RPS = {
    "/": 218,
    "/therapies/": 201,
    "therapy page": 212,
    "category page": 330,
    "article": 158,
    "emerging": 318,
    "care": 307,
}
# Each page's uncached rate as a share of the CSS file's rate in the same
# run, before issue 20's work on cold pages: commit f6dbfe2, `python -m
# tests.bench --serving-only` on the quiet 2-core development machine on 5
# December 2026 (CSS file 3,321 r/s; home 63, /therapies/ 72, therapy page
# 52, category page 101, article 74, emerging 182, care 200 uncached r/s).
# The ratio cancels most of the machine's noise, which absolute rates do
# not. Issue 20's goal: each at least twice this.
BEFORE_ISSUE_20_UNCACHED_RATIO = {
    "/": 0.019,
    "/therapies/": 0.0217,
    "therapy page": 0.0157,
    "category page": 0.0304,
    "article": 0.0223,
    "emerging": 0.0548,
    "care": 0.0602,
}
UNCACHED_RATIO_FACTOR = 2


def wrk_rate(url, seconds, connections):
    """(requests per second, error count, 50th and 99th percentile latency
    in ms) from wrk, or None if wrk is missing."""
    wrk = shutil.which("wrk")
    if not wrk:
        return None
    # gunicorn's sync workers close every connection after the response (as
    # nginx's default upstream connections do too); saying so up front spares
    # wrk a failed reuse of each closed connection, which halved its rate.
    command = [
        wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency", "-H", "Connection: close", url,
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    rate, errors, p50, p99 = None, 0, None, None
    for line in result.stdout.splitlines():
        line = line.strip()
        if line.startswith("50%"):
            p50 = _milliseconds(line.split()[1])
        elif line.startswith("99%"):
            p99 = _milliseconds(line.split()[1])
        elif line.startswith("Requests/sec:"):
            rate = float(line.split()[1])
        elif line.startswith("Non-2xx or 3xx responses:"):
            errors += int(line.split(":")[1])
        elif line.startswith("Socket errors:"):
            errors += sum(int(part.split()[-1]) for part in line.split(":", 1)[1].split(","))
    if rate is None:
        sys.exit(f"Could not read wrk's output:\n{result.stdout}\n{result.stderr}")
    return rate, errors, p50, p99


def _milliseconds(text):
    """wrk's '812.00us', '12.34ms' or '1.20s' in milliseconds."""
    for suffix, factor in (("us", 0.001), ("ms", 1), ("s", 1000)):
        if text.endswith(suffix):
            return float(text[: -len(suffix)]) * factor
    return float(text)


def python_rate(port, path, seconds, connections):
    """(requests per second, error count, 50th and 99th percentile latency in ms) from threads reusing their connection
    when the server allows (gunicorn's sync workers close it after each
    response). Slower than wrk: its own CPU use takes from the server's."""
    import http.client
    import threading

    stop_at = time.monotonic() + seconds
    counts = {"ok": 0, "errors": 0}
    latencies = []
    lock = threading.Lock()

    def client():
        ok = errors = 0
        mine = []
        connection = None
        while time.monotonic() < stop_at:
            sent = time.monotonic()
            try:
                if connection is None:
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                mine.append((time.monotonic() - sent) * 1000)
                if response.status == 200:
                    ok += 1
                else:
                    errors += 1
                if response.will_close:
                    connection.close()
                    connection = None
            except OSError:
                errors += 1
                connection = None
        with lock:
            counts["ok"] += ok
            counts["errors"] += errors
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    def percentile(share):
        return latencies[min(len(latencies) - 1, int(len(latencies) * share))] if latencies else None

    return counts["ok"] / (time.monotonic() - started), counts["errors"], percentile(0.5), percentile(0.99)


def measure_rate(port, path, seconds):
    figures = wrk_rate(f"http://127.0.0.1:{port}{path}", seconds, SERVING_CONNECTIONS)
    if figures is None:
        figures = python_rate(port, path, seconds, SERVING_CONNECTIONS)
    return figures


def serving_run(env, workdir, label, css_path, **extra_env):
    """Requests per second for each page and the CSS file in one gunicorn run."""
    from tests.serving import Gunicorn, get

    results = {}
    with Gunicorn(env, workdir, workers=SERVING_WORKERS, name=label, **extra_env) as server:
        for name, path in [*SERVING_PAGES, ("CSS file (WhiteNoise)", css_path)]:
            status, headers, _ = get(server.port, path)
            if status != 200:
                sys.exit(f"{path} answered {status} under gunicorn ({label}); see {server.log_path}")
            measure_rate(server.port, path, SERVING_WARMUP_SECONDS)
            rate, errors, p50, p99 = measure_rate(server.port, path, SERVING_SECONDS)
            _, headers, _ = get(server.port, path)
            results[name] = {"rps": rate, "errors": errors, "p50": p50, "p99": p99, "cache": headers.get("x-page-cache", "-")}
        # Each worker the master started after the first ones is a restart (recycling, or a crash).
        booted = Path(server.log_path).read_text(errors="replace").count("Booting worker")
        results["restarts"] = max(0, booted - SERVING_WORKERS)
    return results


def _ms(result, percentile):
    return f"{result[percentile]:.1f}" if result.get(percentile) is not None else "-"


FIRST_VIEW_TARGET_KB = 45


def first_view_report(port):
    """The home page's first view, as a browser downloads it (tests/first_view.py):
    each file's transferred size (headers included), then the total against
    the target. The page is asked for twice first, so the figure is a stored
    page's, as most readers get it."""
    from tests.first_view import BROWSER_ACCEPT_ENCODING, first_view

    for _ in range(2):
        first_view(port)
    rows = first_view(port)
    total_kb = sum(size for _, _, size in rows) / 1024
    lines = [f"  {size / 1024:6.1f} KB  {encoding:5} {path}" for path, encoding, size in rows]
    verdict = "OK" if total_kb <= FIRST_VIEW_TARGET_KB else "OVER"
    return "\n".join([
        f"home page first view: {total_kb:.1f} KB transferred (target <= {FIRST_VIEW_TARGET_KB} KB) [{verdict}]",
        *lines,
        f"  (Accept-Encoding: {BROWSER_ACCEPT_ENCODING}, as Chromium sends it; headers included; the stored page)",
    ])


def serving_main():
    import re

    from tests.serving import Gunicorn, get, prepare, site_env

    workdir = Path(tempfile.mkdtemp(prefix="msinfo-bench-serving-"))
    try:
        client = "wrk" if shutil.which("wrk") else "a Python client (install wrk for truer figures)"
        print(f"Serving run: gunicorn.conf.py, {SERVING_WORKERS} workers, DEBUG off, demo content in {workdir} ...",
              flush=True)
        env = site_env(workdir)
        prepare(env)
        with Gunicorn(env, workdir, workers=1, name="probe") as server:
            _, _, body = get(server.port, "/")
            first_view = first_view_report(server.port)
        match = re.search(rb'href="(/static/css/site\.[0-9a-f]{12}\.css)"', body)
        if not match:
            sys.exit("The home page does not link a hash-named css/site.css; is the manifest storage on?")
        css_path = match.group(1).decode()

        uncached = serving_run(env, workdir, "uncached", css_path, MSINFO_PAGE_CACHE_SECONDS=0)
        cached = serving_run(env, workdir, "cached", css_path)

        css = "CSS file (WhiteNoise)"
        print()
        print(f"{'':24} {'uncached (cold)':-^46} {'cached':-^31}")
        print(f"{'page':24} {'r/s':>7} {'ratio':>6} {'target':>7} {'p50 ms':>7} {'p99 ms':>7} {'baseline':>8} "
              f"{'r/s':>7} {'ratio':>6} {'p50 ms':>7} {'p99 ms':>7} {'X-Page-Cache':>13}  targets")
        all_met = True
        for name, _ in SERVING_PAGES:
            before, after = uncached[name], cached[name]
            baseline = BASELINE_UNCACHED_RPS.get(name)
            uncached_ratio = before["rps"] / uncached[css]["rps"]
            ratio_target = BEFORE_ISSUE_20_UNCACHED_RATIO.get(name, 0) * UNCACHED_RATIO_FACTOR
            cached_ratio = after["rps"] / cached[css]["rps"]
            checks = [f"cached >= {CACHED_RATIO_TARGET:.0%}" if cached_ratio >= CACHED_RATIO_TARGET
                      else f"CACHED < {CACHED_RATIO_TARGET:.0%}"]
            if ratio_target:
                gained = uncached_ratio / BEFORE_ISSUE_20_UNCACHED_RATIO[name]
                checks.append(f"uncached ratio {gained:.2f}x before >= {UNCACHED_RATIO_FACTOR}x" if uncached_ratio >= ratio_target
                              else f"UNCACHED RATIO {gained:.2f}x BEFORE < {UNCACHED_RATIO_FACTOR}x")
            if baseline:
                # 5% either way is this machine's run-to-run noise.
                checks.append("uncached >= baseline" if before["rps"] >= baseline * 0.95 else "UNCACHED < BASELINE")
            if before["errors"] or after["errors"]:
                checks.append(f"ERRORS {before['errors']}/{after['errors']}")
            met = all(not c[0].isupper() for c in checks)
            all_met &= met
            print(f"{name:24} {before['rps']:>7,.0f} {uncached_ratio:>6.3f} "
                  f"{(f'{ratio_target:.3f}' if ratio_target else '-'):>7} {_ms(before, 'p50'):>7} {_ms(before, 'p99'):>7} "
                  f"{(f'{baseline:,.0f}' if baseline else '-'):>8} {after['rps']:>7,.0f} {cached_ratio:>6.2f} "
                  f"{_ms(after, 'p50'):>7} {_ms(after, 'p99'):>7} {before['cache'] + '/' + after['cache']:>13}  "
                  f"{'OK' if met else 'MISSED'} ({', '.join(checks)})")
        print(f"{css:24} {uncached[css]['rps']:>7,.0f} {1:>6.3f} {'':>7} {_ms(uncached[css], 'p50'):>7} "
              f"{_ms(uncached[css], 'p99'):>7} {'':>8} {cached[css]['rps']:>7,.0f} {1:>6.2f} {_ms(cached[css], 'p50'):>7} "
              f"{_ms(cached[css], 'p99'):>7} {'':>13}  the ceiling (each run's own)")
        print(f"Worker restarts during the runs (gunicorn.conf.py's recycling): {uncached['restarts']} uncached, "
              f"{cached['restarts']} cached. Cold target: {UNCACHED_RATIO_FACTOR}x the ratio measured before issue 20 "
              f"(BEFORE_ISSUE_20_UNCACHED_RATIO); p50 and p99 are each run's latency percentiles.")
        print(f"Serving targets (cached pages >= {CACHED_RATIO_TARGET:.0%} of the CSS file's rate, uncached at "
              f"{UNCACHED_RATIO_FACTOR}x the ratio before issue 20 and no slower than the baseline): {'all met' if all_met else 'NOT all met'}. Load from {client}, "
              f"{SERVING_CONNECTIONS} connections, {SERVING_SECONDS} s a page after {SERVING_WARMUP_SECONDS} s warm-up, "
              f"client and server sharing {os.cpu_count()} CPUs; uncached is MSINFO_PAGE_CACHE_SECONDS=0.")
        print(first_view)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def mb(size_bytes):
    return f"{size_bytes / 1024 / 1024:7.1f} MB"


def main():
    workdir = Path(tempfile.mkdtemp(prefix="msinfo-bench-"))
    try:
        print(f"Building the database and files in {workdir} ...", flush=True)
        started = time.perf_counter()
        db_path, files = build(workdir)
        print(
            f"  built in {time.perf_counter() - started:.1f} s: prices.csv {mb(files['csv'].stat().st_size).strip()} "
            f"({CSV_ROWS:,} rows), nadac.csv {mb(files['nadac'].stat().st_size).strip()} ({NADAC_ROWS:,} rows, "
            f"{MAPPED_NDCS} mapped NDCs)"
        )
        base = workdir / "base.sqlite3"
        shutil.copy(db_path, base)
        traced_db = workdir / "traced.sqlite3"
        shutil.copy(base, traced_db)

        timed = [step_in_child(db_path, files[key], fmt, do_apply, False) for _, key, fmt, do_apply in STEPS]
        traced = [step_in_child(traced_db, files[key], fmt, do_apply, True) for _, key, fmt, do_apply in STEPS]

        print()
        print(f"{'step':34} {'estimates':>9} {'new':>8} {'unchgd':>8} {'time':>8} {'rows/s':>9} {'tracemalloc peak':>17} {'ru_maxrss rise':>15} {'ru_maxrss':>11}")
        for (name, key, _, _), t, m in zip(STEPS, timed, traced):
            file_rows = CSV_ROWS if key == "csv" else NADAC_ROWS
            print(
                f"{name:34} {t['rows_total']:>9,} {t['rows_new']:>8,} {t['rows_unchanged']:>8,} "
                f"{t['seconds']:>7.2f}s {file_rows / t['seconds']:>9,.0f} {mb(m['tracemalloc_peak']):>17} "
                f"{mb(t['maxrss_delta_kb'] * 1024):>15} {mb(t['maxrss_kb'] * 1024):>11}"
            )
        print()
        print("rows/s counts file rows (NADAC: all 50,000 rows read, of which 400 mapped).")
        print("Apply steps check the whole file inside the write transaction, staging its new rows, then write them.")
        for note in timed[-1]["notes"]:
            print(f"NADAC: {note}")
        csv_import = timed[1]
        # The whole process at its largest (Python, Django, SQLite's cache), not
        # only what the import allocated: the figure a server would have to hold.
        peak = max(t["maxrss_kb"] * 1024 for t in timed)
        verdict_time = "OK" if csv_import["seconds"] < IMPORT_SECONDS_TARGET else "OVER"
        verdict_memory = "OK" if peak < 200 * 1024 * 1024 else "OVER"
        print(f"Target: {CSV_ROWS:,} rows applied in < {IMPORT_SECONDS_TARGET} s: {csv_import['seconds']:.2f} s [{verdict_time}]; "
              f"peak process memory (max RSS) < 200 MB: {mb(peak).strip()} [{verdict_memory}] (on {os.cpu_count()} CPUs)")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--step", nargs=3, metavar=("DB", "FILE", "FORMAT"), help=argparse.SUPPRESS)
    parser.add_argument("--apply", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--scale-step", nargs=2, metavar=("ACTION", "DB"), help=argparse.SUPPRESS)
    parser.add_argument("--scale-only", action="store_true", help="only the pages-at-scale run")
    parser.add_argument("--import-only", action="store_true", help="only the importer run")
    parser.add_argument("--serving-only", action="store_true", help="only the gunicorn serving run")
    parser.add_argument("--search-only", action="store_true", help="only the site search run (tests/bench_search.py)")
    parser.add_argument("--open-data-only", action="store_true",
                        help="only the streamed price history run (tests/bench_open_data.py)")
    args = parser.parse_args()
    if args.step:
        run_step(*args.step, args.apply, args.trace)
    elif args.scale_step:
        run_scale_step(*args.scale_step)
    else:
        from tests import bench_open_data, bench_search

        chosen = [args.import_only, args.scale_only, args.serving_only, args.search_only, args.open_data_only]
        runs = [main, scale_main, serving_main, bench_search.main, bench_open_data.main]
        for number, run in enumerate(run for run, only in zip(runs, chosen) if only or not any(chosen)):
            if number:
                print()
            run()
