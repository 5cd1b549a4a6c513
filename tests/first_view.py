"""What a browser downloads on its first view of a page: the HTML, then each
same-site stylesheet, script, icon and image it names, and each file those
stylesheets name (fonts, images), with the browser's Accept-Encoding. Bytes
are counted as they arrive on the socket, headers included, as a browser's
network panel counts them (less TLS).

For `make bench` (tests/bench.py's serving run), against a server such as
tests/serving.py's Gunicorn."""

import gzip
import re
import socket
import zlib
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

# What Chromium sends, so the server picks what a reader's browser would get
# (WhiteNoise's .br files where the storage made them).
BROWSER_ACCEPT_ENCODING = "gzip, deflate, br, zstd"
# Links a browser fetches on the first view without being asked: not the
# apple-touch-icon (only when added to a home screen), feeds, canonical or
# alternate links.
FETCHED_RELS = {"stylesheet", "icon", "shortcut icon", "preload", "modulepreload"}
CSS_URL = re.compile(rb"""url\(\s*["']?([^"')\s]+)["']?\s*\)""")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.paths = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and (attrs.get("rel") or "").lower() in FETCHED_RELS:
            self.paths.append(attrs.get("href"))
        elif tag in ("script", "img") and attrs.get("src"):
            self.paths.append(attrs["src"])


def fetch(port, path, accept_encoding):
    """(status, headers with lower-case names, decoded body, bytes received)
    of one GET over a fresh connection, as a browser's first view makes them."""
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: {accept_encoding}\r\n"
        "Connection: close\r\n\r\n"
    )
    chunks = []
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request.encode())
        while data := sock.recv(65536):
            chunks.append(data)
    raw = b"".join(chunks)
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = _dechunk(body)
    return int(status_line.split()[1]), headers, _decode(body, headers.get("content-encoding", "")), len(raw)


def _dechunk(body):
    out = []
    while body:
        size_line, _, body = body.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if not size:
            break
        out.append(body[:size])
        body = body[size + 2:]
    return b"".join(out)


def _decode(body, encoding):
    if encoding in ("gzip", "x-gzip"):
        return gzip.decompress(body)
    if encoding == "deflate":
        return zlib.decompress(body)
    if encoding == "br":
        import brotli  # only when the server sent brotli, which it does only with the library installed

        return brotli.decompress(body)
    return body


def _same_site(base, link):
    if not link or link.startswith(("data:", "#")):
        return None
    address = urlsplit(urljoin(base, link))
    if address.netloc not in ("", "127.0.0.1") and not address.netloc.startswith("127.0.0.1:"):
        return None
    return address.path + (f"?{address.query}" if address.query else "")


def first_view(port, path="/", accept_encoding=BROWSER_ACCEPT_ENCODING):
    """[(path, content encoding, bytes received)], the page first, each file once."""
    status, headers, body, size = fetch(port, path, accept_encoding)
    if status != 200:
        raise RuntimeError(f"{path} answered {status}")
    rows = [(path, headers.get("content-encoding", "-"), size)]
    parser = _Links()
    parser.feed(body.decode("utf-8", errors="replace"))
    queue = [found for link in parser.paths if (found := _same_site(path, link))]
    seen = {path}
    while queue:
        asset = queue.pop(0)
        if asset in seen:
            continue
        seen.add(asset)
        status, headers, body, size = fetch(port, asset, accept_encoding)
        if status != 200:
            raise RuntimeError(f"{asset}, linked from {path}, answered {status}")
        rows.append((asset, headers.get("content-encoding", "-"), size))
        if headers.get("content-type", "").startswith("text/css"):
            queue += [found for link in CSS_URL.findall(body) if (found := _same_site(asset, link.decode()))]
    return rows
