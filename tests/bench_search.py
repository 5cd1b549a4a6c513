"""Speed of site search against a therapy page: python -m tests.bench_search
(`make bench` runs it too).

Builds a throwaway SQLite database in a temporary folder (never db.sqlite3),
migrates it and loads the demo content (which indexes it), then times, as the
median of REQUESTS requests each with Django's test client and the page cache
off (MSINFO_PAGE_CACHE_SECONDS=0, so every request renders):

    the fingolimod page (the yardstick),
    /search/?q=<a common word>  (many results, ranked, snippets, one page of ten),
    /search/?q=<a misspelt name> (nothing found, then "Did you mean", then its results).

Then it adds ARTICLES published articles of varied text (sentences drawn from
the demo pages, so the common word is on many of them), each saved as an
editor's would be, so the index is kept by the same signals, and times the
same pages again. Target: each search within the same order of time as the
therapy page (ratio under TARGET_RATIO) at both sizes.

With DATABASE_URL set to a PostgreSQL server, it does the same again in a
throwaway database created there (<name>_bench_search, dropped afterwards; the
user needs the right to create databases).

Each step runs in a fresh Python process, as in tests/bench.py."""

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REQUESTS = 15
ARTICLES = 500
COMMON_WORD = "treatment"
MISSPELT_NAME = "ocrelizimab"
TARGET_RATIO = 3.0
PAGES = [
    ("therapy page", "/therapies/fingolimod/"),
    (f"search '{COMMON_WORD}'", f"/search/?q={COMMON_WORD}"),
    (f"search '{MISSPELT_NAME}'", f"/search/?q={MISSPELT_NAME}"),
]
ROOT = Path(__file__).resolve().parent.parent


def setup_django(database_url):
    os.environ["DATABASE_URL"] = database_url
    os.environ["MSINFO_PAGE_CACHE_SECONDS"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()


def build():
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo_content", verbosity=0)
    from search.models import SearchDocument

    return SearchDocument.objects.count()


def grow():
    """ARTICLES published articles, each of 8 to 20 sentences taken from the
    demo pages' text (a fixed random seed: every run adds the same)."""
    from django.utils import timezone

    from articles.models import Article
    from search.models import SearchDocument

    sentences = []
    for body in SearchDocument.objects.values_list("body", flat=True):
        sentences.extend(s.strip() for s in re.split(r"(?<=[.!?])\s+", body) if len(s.split()) >= 4)
    rng = random.Random(11)
    now = timezone.now()
    for n in range(ARTICLES):
        body = " ".join(rng.sample(sentences, rng.randint(8, min(20, len(sentences)))))
        title_words = rng.choice(sentences).split()[:6]
        Article.objects.create(
            title=f"Bench article {n}: {' '.join(title_words)}",
            slug=f"bench-article-{n}",
            standfirst=rng.choice(sentences),
            body=body,
            byline="Bench",
            status="published",
            published_at=now - timezone.timedelta(minutes=n + 1),
        )
    return SearchDocument.objects.count()


def measure():
    from django.test import Client

    from search.queries import search
    from tests.bench import median_response_ms

    client = Client()
    results = {}
    for label, url in PAGES:
        results[label] = {"ms": median_response_ms(client, url, REQUESTS)[0]}
    results["found"] = {word: search(word).total for word in (COMMON_WORD, MISSPELT_NAME)}
    return results


def child(step, database_url):
    command = [sys.executable, "-m", "tests.bench_search", "--step", step, database_url]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        sys.exit(f"Step failed: {' '.join(command)}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run(label, database_url):
    started = time.perf_counter()
    documents = child("build", database_url)
    demo = child("measure", database_url)
    grown = child("grow", database_url)
    large = child("measure", database_url)
    print()
    print(f"{label}: {documents} pages indexed at demo scale, {grown} after adding {ARTICLES} articles "
          f"({time.perf_counter() - started:.0f} s)")
    print(f"{'page':28} {'demo ms':>8} {'ratio':>6} {'+500 ms':>8} {'ratio':>6}")
    all_met = True
    for name, _url in PAGES:
        small_ms, large_ms = demo[name]["ms"], large[name]["ms"]
        small_ratio = small_ms / demo["therapy page"]["ms"]
        large_ratio = large_ms / large["therapy page"]["ms"]
        all_met &= max(small_ratio, large_ratio) < TARGET_RATIO
        print(f"{name:28} {small_ms:>8.1f} {small_ratio:>6.2f} {large_ms:>8.1f} {large_ratio:>6.2f}")
    print(f"results found: demo {demo['found']}, +{ARTICLES} articles {large['found']}")
    print(f"Target (each search under {TARGET_RATIO}x the therapy page's time, median of {REQUESTS}, "
          f"{os.cpu_count()} CPUs): {'met' if all_met else 'NOT met'}")
    return all_met


def postgres_run(url):
    """Run in a throwaway database beside the one DATABASE_URL names."""
    import dj_database_url
    import psycopg2
    from psycopg2 import sql

    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_bench_search"
    connect = {"dbname": config["NAME"], "user": config["USER"], "password": config["PASSWORD"],
               "host": config["HOST"], "port": config["PORT"] or 5432}
    admin = psycopg2.connect(**{k: v for k, v in connect.items() if v not in ("", None)})
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        return run(f"PostgreSQL ({name})", urlunsplit(urlsplit(url)._replace(path=f"/{name}")))
    finally:
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.close()


def main():
    database_url = os.environ.get("DATABASE_URL", "")
    workdir = Path(tempfile.mkdtemp(prefix="msinfo-bench-search-"))
    try:
        print(f"Search bench: SQLite in {workdir} ...", flush=True)
        met = run("SQLite", f"sqlite:///{workdir / 'search.sqlite3'}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if database_url.startswith(("postgres://", "postgresql://")):
        met = postgres_run(database_url) and met
    return met


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--step", nargs=2, metavar=("STEP", "DATABASE_URL"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.step:
        step, url = arguments.step
        setup_django(url)
        print(json.dumps({"build": build, "grow": grow, "measure": measure}[step]()))
    else:
        main()
