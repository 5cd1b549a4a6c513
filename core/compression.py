"""Compressed responses (gzip), only where compression cannot give a secret
away.

BREACH: someone who can make a reader's browser request a page with text of
their choosing in it (a search term in the address), and can see how long
the encrypted responses are, learns whether that text matches a secret on
the same page, because a match compresses better; repeated a character at a
time, that recovers a CSRF token or anything else private to the reader. So
a response is compressed only when it carries no secret at all:

- the request is an anonymous reader's: no session or messages cookie, no
  Authorization header, no signed-in user;
- it is not a staff page (/admin/) or a preview (/preview/);
- the response used no CSRF token (a form), sets no cookie and is not
  marked `Cache-Control: private` (meant for one visitor).

That is the public page every anonymous reader gets, the same the page
cache shares between them: nothing on it to guess.

Only text (HTML, JSON, XML, feeds, CSV, plain text) of MIN_SIZE or more is
compressed, and only for a client that accepts gzip. Every response that
could be compressed says `Vary: Accept-Encoding`, sent compressed or not.

The page cache (core/cache.py) compresses a page once, when it stores it
(`encoded_bodies`), and hands the stored bodies back with each hit
(`offer`), so serving a stored page compresses nothing.

Validators: a compressed response's ETag is the identity body's, made weak
(W/"..."): the same content, not the same bytes. ConditionalGetMiddleware,
above this one, compares If-None-Match weakly, so a client holding either
form gets its 304, and the 304 repeats the weak ETag and the Vary.
Last-Modified is the content's, whichever encoding is sent.
"""

import gzip

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.utils.cache import cc_delim_re, patch_vary_headers, set_response_etag

IDENTITY = "identity"
GZIP = "gzip"

NEVER_COMPRESSED_PATHS = ("/admin/", "/preview/")
# Every response here carries about 1.1 KB of headers (the CSP, the
# Permissions-Policy); on a body under 1 KB compression saves a few hundred
# bytes, little beside them, and still costs a compression per request and a
# Vary that splits every cache's copies.
MIN_SIZE = 1024
# zlib's default: level 9 makes the home page 0.5% smaller and takes 2.7
# times as long.
GZIP_LEVEL = 6
TEXT_TYPES = ("application/json", "application/xml", "application/javascript")
TEXT_SUFFIXES = ("+json", "+xml")

# The attribute on a response that holds its body already encoded ({encoding: bytes}).
_BODIES = "_encoded_bodies"


def _gzip(content):
    # mtime=0: the same page always compresses to the same bytes.
    return gzip.compress(content, compresslevel=GZIP_LEVEL, mtime=0)


def _is_text(content_type):
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type.startswith("text/") or media_type in TEXT_TYPES or media_type.endswith(TEXT_SUFFIXES)


def worth_compressing(response):
    """Would compressing this response pay, whoever asked for it?"""
    return (
        not response.streaming
        and not response.has_header("Content-Encoding")
        and _is_text(response.get("Content-Type", ""))
        and len(response.content) >= MIN_SIZE
    )


def carries_no_secret(request, response):
    """Is this response the one any anonymous reader would get? (See the
    module's docstring for why only such a response is compressed.)"""
    if request.path_info.startswith(NEVER_COMPRESSED_PATHS):
        return False
    if response.cookies or response.has_header("Set-Cookie") or request.META.get("CSRF_COOKIE_USED"):
        return False
    if "private" in _cache_control(response):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or CookieStorage.cookie_name in request.COOKIES:
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    # A stored page's request never reaches the authentication middleware.
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


def accepts(accept_encoding, coding=GZIP):
    """Does this Accept-Encoding value accept `coding`? Named with q=0, it is
    refused, whatever "*" says; unnamed, "*" decides; no header, no."""
    wildcard = False
    for item in accept_encoding.split(","):
        name, *parameters = (part.strip() for part in item.split(";"))
        quality = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        name = name.lower()
        if name == coding or (coding == GZIP and name == "x-gzip"):
            return quality > 0
        if name == "*":
            wildcard = quality > 0
    return wildcard


def encoded_bodies(response):
    """The response's body by encoding: always IDENTITY, and GZIP if it is
    worth compressing and compression makes it smaller. Remembered on the
    response, so CompressionMiddleware does not compress it again."""
    bodies = {IDENTITY: response.content}
    if worth_compressing(response):
        compressed = _gzip(response.content)
        if len(compressed) < len(response.content):
            bodies[GZIP] = compressed
    offer(response, bodies)
    return bodies


def offer(response, bodies):
    """Gives CompressionMiddleware the body already encoded (a stored page's)."""
    setattr(response, _BODIES, bodies)


def _cache_control(response):
    """The names of the response's Cache-Control directives, in lower case."""
    directives = cc_delim_re.split(response.get("Cache-Control", ""))
    return {directive.split("=", 1)[0].strip().lower() for directive in directives}


def _weak_etag(response):
    etag = response.get("ETag")
    if etag is None:
        # As ConditionalGetMiddleware would, from the identity body (it skips
        # a response that must not be stored).
        if "no-store" in _cache_control(response):
            return
        set_response_etag(response)
        etag = response.get("ETag")
    if etag and not etag.startswith("W/"):
        response["ETag"] = f"W/{etag}"


def compress(request, response):
    """The response, gzip-compressed if that is safe (carries_no_secret),
    worth it, and accepted by the client."""
    if not worth_compressing(response) or not carries_no_secret(request, response):
        return response
    patch_vary_headers(response, ("Accept-Encoding",))
    if not accepts(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        return response
    bodies = getattr(response, _BODIES, None)
    if bodies is None or bodies.get(IDENTITY) != response.content:
        bodies = encoded_bodies(response)
    compressed = bodies.get(GZIP)
    if compressed is None:
        return response
    _weak_etag(response)
    response.content = compressed
    response["Content-Encoding"] = GZIP
    response["Content-Length"] = str(len(compressed))
    return response


class CompressionMiddleware:
    """Compresses the responses that may be (see the module's docstring).
    Below ConditionalGetMiddleware, so a 304 answers to the weak ETag and
    keeps the Vary; above the page cache, so a stored page is served in the
    encoding each client accepts."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return compress(request, self.get_response(request))
