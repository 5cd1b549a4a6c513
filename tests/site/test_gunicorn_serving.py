"""The site under gunicorn with the project's gunicorn.conf.py, as production
runs it: DEBUG off, static files collected and served by WhiteNoise, against
a throwaway migrated SQLite database (tests/serving.py, a copy of one made
once per run: tests/prepared_sites.py)."""

import gzip
import http.client
import re
import subprocess

import pytest

from tests.serving import GUNICORN, GUNICORN_CONF, PROJECT, Gunicorn, get, prepare, site_env

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def site(tmp_path_factory, prepared_sites):
    workdir = tmp_path_factory.mktemp("gunicorn-site")
    env = site_env(workdir, prepared_sites.sqlite("migrated", workdir / "site.sqlite3"))
    prepare(env, demo=False, migrate=False, prepared=prepared_sites)
    return workdir, env


def test_pages_and_static_files_are_served_without_naming_the_server(site):
    workdir, env = site
    runtime_dir = workdir / "runtime"
    runtime_dir.mkdir()
    # Where gunicorn would put its control socket, if it opened one.
    with Gunicorn(env, workdir, workers=2, XDG_RUNTIME_DIR=runtime_dir, HOME=runtime_dir) as server:
        status, headers, body = get(server.port, "/")
        assert status == 200
        css = re.search(rb'href="(/static/css/site\.[0-9a-f]{12}\.css)"', body)
        assert css, "the home page links the hash-named stylesheet"
        css_status, css_headers, css_body = get(server.port, css.group(1).decode())
        assert css_status == 200 and b"{" in css_body
        # WhiteNoise: a hash-named file may be cached for good.
        assert "immutable" in css_headers["cache-control"]
        # A monitor's HEAD: headers only, and no warning in the log for it.
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        connection.request("HEAD", "/")
        head = connection.getresponse()
        assert head.status == 200 and head.read() == b""
        connection.close()
    log = server.log()

    for response_headers in (headers, css_headers):
        assert "gunicorn" not in response_headers.get("server", "").lower()
    # Loopback only, the workers WEB_CONCURRENCY asked for, no control socket.
    assert f"Listening at: http://127.0.0.1:{server.port}" in log
    assert len(re.findall(r"Booting worker with pid", log)) == 2
    assert not list(runtime_dir.rglob("*.ctl"))
    # An access log line per request (one GET / is the start-up probe) with
    # its size and time in milliseconds. Each of the two workers writes its
    # own lines, so they need not be in the order the requests were made.
    access = [line for line in log.splitlines() if '"GET ' in line]
    assert len(access) == 3
    assert "body bytes on a no-body response" not in log and '"HEAD / HTTP/1.1" 200' in log
    home = [line for line in access if '"GET / HTTP/1.1"' in line]
    assert len(home) == 2 and all(re.search(r'"GET / HTTP/1\.1" 200 \d+ \d+ms ', line) for line in home)
    assert any(re.search(rf'"GET / HTTP/1\.1" 200 {len(body)} \d+ms ', line) for line in home)
    stylesheet = [line for line in access if line not in home]
    assert re.search(rf'"GET /static/css/site\.[0-9a-f]{{12}}\.css HTTP/1\.1" 200 {len(css_body)} \d+ms ', stylesheet[0])


def test_pages_go_out_gzip_compressed_and_static_files_brotli_compressed(site):
    workdir, env = site
    browser = {"Accept-Encoding": "gzip, deflate, br, zstd"}
    with Gunicorn(env, workdir, workers=1, name="compressed") as server:
        _, headers, identity = get(server.port, "/")
        compressed = [get(server.port, "/", browser) for _ in range(2)]
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        connection.request("HEAD", "/", headers=browser)
        head = connection.getresponse()
        head_headers, head_body = {k.lower(): v for k, v in head.getheaders()}, head.read()
        connection.close()
        css = re.search(rb'href="(/static/css/site\.[0-9a-f]{12}\.css)"', identity).group(1).decode()
        _, css_headers, css_body = get(server.port, css, browser)

    assert "content-encoding" not in headers and "Accept-Encoding" in headers["vary"]
    for status, page_headers, body in compressed:
        assert status == 200 and page_headers["content-encoding"] == "gzip"
        assert gzip.decompress(body) == identity and int(page_headers["content-length"]) == len(body)
    assert compressed[1][1]["x-page-cache"] == "hit"
    # A HEAD says what the GET would send, and sends no body.
    assert head_headers["content-encoding"] == "gzip" and head_body == b""
    assert head_headers["content-length"] == compressed[1][1]["content-length"]
    # collectstatic made .br files (the Brotli package), and WhiteNoise serves them.
    assert css_headers["content-encoding"] == "br" and int(css_headers["content-length"]) == len(css_body)


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("PORT", "eighty", "PORT must be a whole number from 1 to 65535"),
        ("PORT", "80000", "PORT must be a whole number from 1 to 65535"),
        ("WEB_CONCURRENCY", "0", "WEB_CONCURRENCY must be a whole number of 1 or more"),
        ("WORKER_MEMORY_LIMIT_MB", "lots", "WORKER_MEMORY_LIMIT_MB must be a whole number of 1 or more"),
    ],
)
def test_a_bad_port_or_worker_count_stops_gunicorn_with_a_clear_message(site, name, value, message):
    _, env = site
    result = subprocess.run(
        [str(GUNICORN), "-c", str(GUNICORN_CONF), "msinfo.wsgi"],
        cwd=PROJECT, env={**env, name: value}, capture_output=True, text=True, timeout=30,
    )
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_worker_is_recycled_by_its_memory_not_by_a_count_and_no_reader_notices(site):
    workdir, env = site
    # Under the default limit a worker serves request after request without restarting.
    with Gunicorn(env, workdir, workers=1, name="roomy") as server:
        assert all(get(server.port, "/about/")[0] == 200 for _ in range(30))
    roomy = server.log_path.read_text(errors="replace")
    assert roomy.count("Booting worker") == 1 and "restarting it" not in roomy

    # Over the limit (1 MB: every worker is), each request is answered, then the worker is replaced.
    with Gunicorn(env, workdir, workers=1, name="tight", WORKER_MEMORY_LIMIT_MB="1") as server:
        assert all(get(server.port, "/about/")[0] == 200 for _ in range(3))
    tight = server.log_path.read_text(errors="replace")
    assert re.search(r"Worker \d+ reached \d+ MB \(limit 1 MB\): restarting it\.", tight)
    assert tight.count("Booting worker") >= 3
