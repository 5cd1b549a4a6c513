"""Fetching from the outside world, hardened.

The site reaches outside only where it must (price files, the trial
registry, medicine labels), and always through here. The server may sit
inside a private network, so an address must not reach machines there (or
the server itself): every host is resolved once, all its addresses are
checked, and the connection goes to the checked address, so a second lookup
cannot answer differently. Each redirect is checked the same way. The time
limit covers the whole download: a watchdog closes the connection when it
passes, however slowly bytes arrive. The size limit counts what arrives,
whatever the server declared."""

import http.client
import ipaddress
import json
import os
import socket
import tempfile
import threading
import time
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin, urlsplit

from django.conf import settings

URL_SCHEMES = ("http", "https")
FETCH_TIMEOUT = 30  # seconds, for the whole download
FETCH_MAX_BYTES = 50 * 1024 * 1024
USER_AGENT = "msinfo-fetch/1 (+https://github.com/msinfo)"


class FetchError(Exception):
    """A URL could not be fetched; the message says why, for the person who asked."""


MAX_REDIRECTS = 5
REDIRECT_STATUSES = (301, 302, 303, 307, 308)


# NAT64's well-known prefix: the last 32 bits are the IPv4 address reached.
NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")


def _wrapped_ipv4(address):
    """The IPv4 addresses an IPv6 address carries inside it and leads to: an
    IPv4-mapped address, a 6to4 address (2002::/16, e.g. 2002:7f00:1::1 wraps
    127.0.0.1), a Teredo address (its server and client) or a NAT64 one."""
    if not isinstance(address, ipaddress.IPv6Address):
        return []
    wrapped = [address.ipv4_mapped, address.sixtofour, *(address.teredo or ())]
    if address in NAT64_PREFIX:
        wrapped.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return [inner for inner in wrapped if inner is not None]


def _refusal(address):
    """Why `address` (an ip_address) may not be fetched from, or None. An
    address that wraps an IPv4 address is judged by what it wraps too."""
    for inner in _wrapped_ipv4(address):
        reason = _refusal(inner)
        if reason is not None:
            return reason if address.ipv4_mapped else f"{reason}, wrapped in the IPv6 address {address}"
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.is_loopback:
        # Only the test suite's local server, by an explicit test-only setting.
        if getattr(settings, "FETCH_ALLOW_LOOPBACK_FOR_TESTS", False):
            return None
        return "this machine (loopback)"
    for flag, label in (
        ("is_unspecified", "an unspecified address"),
        ("is_link_local", "a link-local address"),
        ("is_multicast", "a multicast address"),
        ("is_reserved", "a reserved address"),
        ("is_private", "a private network"),
    ):
        if getattr(address, flag):
            return label
    if not address.is_global:  # e.g. shared carrier-grade NAT space
        return "not a public internet address"
    return None


def _resolve(host, port, deadline):
    """The checked address to connect to for `host`; FetchError if any address
    the name resolves to is refused (a name must not mix public and private)."""
    try:
        infos = _call_with_deadline(
            lambda: socket.getaddrinfo(host, port, type=socket.SOCK_STREAM), deadline
        )
    except socket.gaierror:
        raise FetchError(f"The host name {host!r} could not be found.") from None
    addresses = []
    for family, _type, _proto, _name, sockaddr in infos:
        try:
            address = ipaddress.ip_address(sockaddr[0].split("%")[0])
        except ValueError:
            continue
        reason = _refusal(address)
        if reason:
            raise FetchError(f"{host} is {reason} ({address}): only public internet addresses are fetched.")
        addresses.append((family, str(address)))
    if not addresses:
        raise FetchError(f"The host name {host!r} could not be found.")
    return addresses[0]


def _call_with_deadline(function, deadline):
    """Run a blocking call that has no timeout of its own (a DNS lookup) in a
    thread; give up when the deadline passes."""
    result = {}

    def run():
        try:
            result["value"] = function()
        except BaseException as error:  # handed back to the caller below
            result["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(max(0.0, deadline - time.monotonic()))
    if thread.is_alive():
        raise _Deadline
    if "error" in result:
        raise result["error"]
    return result["value"]


class _Deadline(Exception):
    """The whole fetch took longer than its time limit."""


class _PinnedConnectionMixin:
    """Connects to an address checked beforehand, while the Host header and the
    TLS certificate check still use the host name."""

    def __init__(self, host, port, *, address, family, **kwargs):
        super().__init__(host, port, **kwargs)
        self._checked = (address, family)
        self._create_connection = self._connect_checked

    def _connect_checked(self, _host_port, timeout, source_address=None):
        address, family = self._checked
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.settimeout(timeout)
            sock.connect((address, self.port))
        except BaseException:
            sock.close()
            raise
        return sock


class _PinnedHTTPConnection(_PinnedConnectionMixin, http.client.HTTPConnection):
    pass


class _PinnedHTTPSConnection(_PinnedConnectionMixin, http.client.HTTPSConnection):
    pass


class _Watchdog:
    """Shuts the current connection down when the deadline passes, so a read
    that is fed one byte a second still ends."""

    def __init__(self, deadline):
        self.deadline = deadline
        self.fired = False
        self.connection = None
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self):
        self.fired = True
        sock = getattr(self.connection, "sock", None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def check(self):
        if self.fired or time.monotonic() > self.deadline:
            raise _Deadline

    def cancel(self):
        self._timer.cancel()


def _open(url, watchdog, timeout, accept):
    """Connect to `url` (already scheme-checked) and return (connection, response)."""
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        raise FetchError(f"{url} has no host name.")
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        raise FetchError(f"{url} has an invalid port.") from None
    family, address = _resolve(host, port, watchdog.deadline)
    watchdog.check()
    connection_class = _PinnedHTTPSConnection if parts.scheme.lower() == "https" else _PinnedHTTPConnection
    socket_timeout = max(0.1, min(timeout, watchdog.deadline - time.monotonic()))
    connection = connection_class(host, port, address=address, family=family, timeout=socket_timeout)
    watchdog.connection = connection
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    connection.request("GET", target, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity", "Accept": accept})
    return connection, connection.getresponse()


def _printable(text, limit=60):
    """A server's reason phrase, shortened and stripped of control characters."""
    text = "".join(ch for ch in str(text) if ch.isprintable())
    return text if len(text) <= limit else text[:limit] + "…"


def fetch_url(url, *, timeout=None, max_bytes=None, directory=None, accept="*/*"):
    """Download `url` into a new temporary file and return its path; the caller
    deletes it. Refuses other schemes than http and https, addresses that are
    not on the public internet (after every redirect), more than MAX_REDIRECTS
    redirects, answers other than 200, bodies over `max_bytes` and downloads
    taking longer than `timeout` seconds in all."""
    timeout = FETCH_TIMEOUT if timeout is None else timeout
    max_bytes = FETCH_MAX_BYTES if max_bytes is None else max_bytes
    scheme = urlsplit(url).scheme.lower()
    if scheme not in URL_SCHEMES:
        raise FetchError(f"Only http and https addresses can be fetched, not {scheme or 'a bare path'}: {url}")
    watchdog = _Watchdog(time.monotonic() + timeout)
    connection = None
    try:
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            connection, response = _open(current, watchdog, timeout, accept)
            if response.status not in REDIRECT_STATUSES:
                break
            location = response.getheader("Location")
            connection.close()
            if not location:
                raise FetchError(f"{current} answered {response.status} (a redirect) without saying where to.")
            current = urljoin(current, location)
            if urlsplit(current).scheme.lower() not in URL_SCHEMES:
                raise FetchError(f"The address redirected to {current!r}; only http and https addresses are fetched.")
        else:
            raise FetchError(f"{url} redirected more than {MAX_REDIRECTS} times; giving up.")
        if response.status != 200:
            raise FetchError(f"{current} answered {response.status} {_printable(response.reason)}; expected 200 OK.")
        declared = response.getheader("Content-Length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise FetchError(f"{url} is {_megabytes(int(declared))}; the limit is {_megabytes(max_bytes)}.")
        return _download(response, url, watchdog, max_bytes, directory)
    except _Deadline:
        raise FetchError(f"Fetching {url} took longer than the limit of {timeout} seconds.") from None
    except FetchError:
        raise
    except (OSError, http.client.HTTPException) as error:
        if watchdog.fired:
            raise FetchError(f"Fetching {url} took longer than the limit of {timeout} seconds.") from None
        raise FetchError(f"Could not fetch {url}: {_printable(error, 200)}") from None
    finally:
        watchdog.cancel()
        if connection is not None:
            connection.close()


def _download(response, url, watchdog, max_bytes, directory):
    fd, name = tempfile.mkstemp(prefix="fetched-", suffix=PurePosixPath(urlsplit(url).path).suffix, dir=directory)
    received = 0
    try:
        with os.fdopen(fd, "wb") as out:
            while True:
                watchdog.check()
                # read1: return what has arrived rather than wait for a full chunk.
                chunk = response.read1(64 * 1024)
                watchdog.check()
                if not chunk:
                    break
                received += len(chunk)
                if received > max_bytes:
                    raise FetchError(f"{url} is larger than the limit of {_megabytes(max_bytes)}.")
                out.write(chunk)
    except BaseException:
        os.unlink(name)
        raise
    return Path(name)


def _megabytes(size):
    return f"{size / (1024 * 1024):.1f} MB"


def fetch_json(url, *, timeout=None, max_bytes=2 * 1024 * 1024):
    """The JSON document at `url`, parsed. An answer that is not JSON (an HTML
    error page served with 200, a truncated body) is a FetchError that says so."""
    path = fetch_url(url, timeout=timeout, max_bytes=max_bytes, accept="application/json")
    try:
        raw = path.read_bytes()
    finally:
        path.unlink(missing_ok=True)
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        start = raw[:200].lstrip().lower()
        what = "an HTML page" if start.startswith((b"<!doctype html", b"<html")) else "not valid JSON"
        raise FetchError(f"{url} answered with {what}, not the JSON expected.") from None
