"""Speed and memory of the price importer: `make bench` (python -m tests.bench).

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
are not reported). Targets on 2 cores: 100,000 rows applied in under 10 s,
peak memory under 200 MB.
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

    from therapies.models import Category, NdcMapping, Therapy

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

    from therapies.models import PriceImport
    from therapies.pricing import Source, apply, preview

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
        print("Apply steps include the full validation pass before writing, then a second checked pass that writes.")
        for note in timed[-1]["notes"]:
            print(f"NADAC: {note}")
        csv_import = timed[1]
        # The whole process at its largest (Python, Django, SQLite's cache), not
        # only what the import allocated: the figure a server would have to hold.
        peak = max(t["maxrss_kb"] * 1024 for t in timed)
        verdict_time = "OK" if csv_import["seconds"] < 10 else "OVER"
        verdict_memory = "OK" if peak < 200 * 1024 * 1024 else "OVER"
        print(f"Target: {CSV_ROWS:,} rows applied in < 10 s: {csv_import['seconds']:.2f} s [{verdict_time}]; "
              f"peak process memory (max RSS) < 200 MB: {mb(peak).strip()} [{verdict_memory}] (on {os.cpu_count()} CPUs)")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--step", nargs=3, metavar=("DB", "FILE", "FORMAT"), help=argparse.SUPPRESS)
    parser.add_argument("--apply", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        run_step(*args.step, args.apply, args.trace)
    else:
        main()
