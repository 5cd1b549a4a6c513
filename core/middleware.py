"""Project-wide middleware: limits and headers that apply to every request.

Each class here says in its docstring where it sits in settings.MIDDLEWARE and
why there."""

import re

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve

from core.health import healthz

# Views that accept bodies larger than MSINFO_MAX_REQUEST_BODY_BYTES:
# {view name: limit()}, filled by the apps that own them (allow_larger_body).
LARGER_BODIES = {}

DIGITS = re.compile(r"[0-9]+")

# Answered by HealthCheckMiddleware; also routed in msinfo/urls.py.
HEALTH_CHECK_PATH = "/healthz"

# Powerful browser features the site never uses: none of its pages, nor
# anything they embed, may ask for them.
DENIED_BROWSER_FEATURES = (
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "display-capture",
    "encrypted-media",
    "gamepad",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "local-fonts",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DENIED_BROWSER_FEATURES)


def add_browser_policy_headers(response):
    """Permissions-Policy and Cross-Origin-Resource-Policy, unless a view chose its own."""
    response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    # Nothing here is meant to be loaded by other sites' pages (images, CSS,
    # scripts); refusing it keeps the site's responses out of their processes.
    response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    # XFrameOptionsMiddleware sits below WhiteNoise: static files get the header here.
    if not getattr(response, "xframe_options_exempt", False):
        response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
    return response


def allow_larger_body(view_name, limit):
    """Let the view named `view_name` receive bodies of up to `limit()` bytes
    (read on every request, so the number lives in one place: the view's)."""
    LARGER_BODIES[view_name] = limit


def body_limit(request):
    """The largest body this request's view accepts."""
    try:
        view_name = resolve(request.path_info).view_name
    except Resolver404:
        return settings.MSINFO_MAX_REQUEST_BODY_BYTES
    limit = LARGER_BODIES.get(view_name)
    return limit() if limit is not None else settings.MSINFO_MAX_REQUEST_BODY_BYTES


def megabytes(size):
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


def refusal(status, title, explanation):
    """The site's plain page for a request it will not take."""
    page = render_to_string("request_refused.html", {"title": title, "explanation": explanation})
    return HttpResponse(page, status=status)


class AllowedMethodsMiddleware:
    """Answers 405 to any method but GET, HEAD and POST, which are all the site
    uses (TRACE, PUT, DELETE... would otherwise reach the views, and a page
    would answer them 200).

    Below SecurityMiddleware, CSPMiddleware and SecurityHeadersMiddleware, so
    the refusal carries the same headers as any page (HSTS included); above
    everything that looks at the request."""

    ALLOWED = ("GET", "HEAD", "POST")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in self.ALLOWED:
            response = refusal(405, "This request could not be answered", "The site only answers GET, HEAD and POST.")
            response["Allow"] = ", ".join(self.ALLOWED)
            return response
        return self.get_response(request)


class RequestBodyLimitMiddleware:
    """Refuses a request whose declared body is too long, before anything reads it.

    Above everything that reads the body (sessions, CSRF checking and the
    views do, and Django reads as much as Content-Length says), below the
    middleware that adds the security headers, so the refusal carries them
    too. Every path may send up to MSINFO_MAX_REQUEST_BODY_BYTES; a view
    registered with allow_larger_body (the price upload page) may receive more."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = request.META.get("CONTENT_LENGTH", "")
        if declared:
            if not DIGITS.fullmatch(declared):
                return refusal(400, "This request could not be read", "Its declared length is not a number.")
            length = int(declared)
            if length > settings.MSINFO_MAX_REQUEST_BODY_BYTES:
                limit = body_limit(request)
                if length > limit:
                    return refusal(
                        413,
                        "This request is too large",
                        f"It is {megabytes(length)}; this page accepts at most {megabytes(limit)}. "
                        "Nothing was saved. If you were uploading a file, split it into smaller files.",
                    )
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Adds Permissions-Policy and Cross-Origin-Resource-Policy to every response,
    and X-Frame-Options to those that XFrameOptionsMiddleware never sees.

    Above WhiteNoise, so static files get them too, and below CSPMiddleware and
    SecurityMiddleware, which add Content-Security-Policy and the rest
    (including Cross-Origin-Opener-Policy: same-origin, Django's default)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return add_browser_policy_headers(self.get_response(request))


class HealthCheckMiddleware:
    """Answers the health probe, GET /healthz (core.health), itself.

    Below WhiteNoise and above the page cache, sessions, authentication and
    the staff-login middleware: a probe must learn whether the database and
    the cache answer, without a session, a cookie or a cached copy, and
    without whatever those layers do first. The Host header is still checked
    against ALLOWED_HOSTS, as CommonMiddleware would."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == HEALTH_CHECK_PATH:
            request.get_host()  # DisallowedHost (400) for a Host not in ALLOWED_HOSTS.
            return healthz(request)
        return self.get_response(request)
