"""Settings for the MS treatment information site.

Everything that differs between machines comes from the environment, and the
defaults are the safe ones: with nothing set, DEBUG is off and the site refuses
to start without a secret key. `make run` sets what local development needs.
"""

import hashlib
import os
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from msinfo.databases import connection_options
from msinfo.media import media_storage

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_decimal(name, default):
    value = os.environ.get(name) or default
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        raise ImproperlyConfigured(f"{name} must be a plain number, such as {default}; it is {value!r}.") from None
    if not number.is_finite() or number < 0:
        raise ImproperlyConfigured(f"{name} must be a number of zero or more, such as {default}; it is {value!r}.")
    return number


def env_whole_number(name, default):
    number = env_decimal(name, default)
    if number != number.to_integral_value():
        raise ImproperlyConfigured(f"{name} must be a whole number, such as {default}; it is {number}.")
    return int(number)


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set. Export a long random value, for example "
        "the output of: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'. "
        "For local development, `make run` sets one for you."
    )

DEBUG = env_bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# A form that fails its CSRF check gets the site's own page (templates/403_csrf.html).
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles so runserver serves static files the way production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    # The project package itself, for its deployment checks (msinfo/checks.py).
    "msinfo",
    # Site-wide machinery (core/): the page cache, Markdown, sharing and JSON-LD helpers.
    "core",
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    # Content-Security-Policy (csp.middleware.CSPMiddleware); the app adds checks for its settings.
    "csp",
    # The sources the site watches on a schedule (watches/): price files, the trial registry, labels.
    "watches",
    "editorial",
    # The media library (images/): images editors refer to from any text, and
    # sorl-thumbnail, which makes their resized copies.
    "sorl.thumbnail",
    "images",
    # The content apps: the catalogue, its prices, articles; then the site's own pages.
    "therapies",
    "prices",
    "articles",
    "pages",
    # Site search over every published page (search/): PostgreSQL full-text
    # search and trigrams, or SQLite's FTS5.
    "django.contrib.postgres",
    "search",
    # Staff sign-in: failed-login lockout, two-factor devices, then the app
    # that puts them together (accounts/).
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Permissions-Policy, Cross-Origin-Resource-Policy; above WhiteNoise so static files get them.
    "core.middleware.SecurityHeadersMiddleware",
    # 405 for methods the site does not use; 413 for oversized bodies, before
    # anything below reads them. Below the headers above, so refusals carry them.
    "core.middleware.AllowedMethodsMiddleware",
    "core.middleware.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Answers /healthz before sessions, the page cache and logins get involved.
    "core.middleware.HealthCheckMiddleware",
    # 304 Not Modified for a request whose If-None-Match / If-Modified-Since
    # matches, stored pages included: above the page cache, so a hit is checked too.
    "django.middleware.http.ConditionalGetMiddleware",
    # gzip for anonymous readers' pages only (core/compression.py says why:
    # BREACH). Below the conditional GET, so its 304 answers to the
    # compressed page's weak ETag; above the page cache, so a stored page goes
    # out in its stored compressed form rather than being compressed per hit.
    "core.compression.CompressionMiddleware",
    # Anonymous readers' pages from the cache, before sessions and logins get
    # involved (core/cache.py says why a stored page is never out of date).
    "core.cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # NUL and other control characters out of every query parameter and form field.
    "core.input.CleanInputMiddleware",
    # One address per page and country of prices: ?country=us (the default)
    # or an unknown country goes to the address without it.
    "prices.countries.CountryChoiceMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Says whether the session passed the second sign-in step.
    "django_otp.middleware.OTPMiddleware",
    # Staff idle timeout; no staff page before the second step.
    "accounts.middleware.StaffSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records which editor made each change in the history tables.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "msinfo.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # {% url %} reverses an address without arguments once per process.
            "builtins": ["core.templatetags.site_urls"],
        },
    },
]

WSGI_APPLICATION = "msinfo.wsgi.application"

# DATABASE_URL selects PostgreSQL (postgres://user@host:5432/name); without it
# the site keeps its data in a SQLite file in the project folder.
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# Busy and failing databases (msinfo/databases.py explains each option): SQLite
# waits up to MSINFO_SQLITE_BUSY_TIMEOUT seconds for a lock, in WAL mode with
# IMMEDIATE transactions; PostgreSQL gives up connecting after
# MSINFO_DB_CONNECT_TIMEOUT seconds, cancels any statement running longer
# than MSINFO_DB_STATEMENT_TIMEOUT_MS (0: no limit), and a round trip with no
# answer 2 s after that is cut by the client, so a hung database costs a
# request about 10 s and a 503, inside gunicorn's 60 s worker timeout.
# Management commands use the same limits.
DATABASES["default"]["OPTIONS"] = connection_options(
    DATABASES["default"],
    sqlite_busy_timeout=float(env_decimal("MSINFO_SQLITE_BUSY_TIMEOUT", "20")),
    connect_timeout=env_whole_number("MSINFO_DB_CONNECT_TIMEOUT", "5"),
    statement_timeout_ms=env_whole_number("MSINFO_DB_STATEMENT_TIMEOUT_MS", "8000"),
)
# While the database is unavailable, pages answer 503 with this Retry-After
# (seconds); see core/errors.py.
DB_UNAVAILABLE_RETRY_AFTER = env_whole_number("MSINFO_DB_RETRY_AFTER_SECONDS", "30")

# The cache holds anonymous readers' pages and rendered Markdown. With
# REDIS_URL (redis://host:6379/0) it is Redis, shared by every app server;
# the short timeouts make a hung Redis cost a page its cache, not its answer.
# Without it, files in MSINFO_CACHE_DIR (default var/cache): no server to
# run, and shared by all the worker processes of one machine (a per-process
# memory cache would let one worker keep serving a page another worker's
# change has replaced).
# Keys start with MSINFO_CACHE_KEY_PREFIX; by default one made from the
# database's address, so installs (or test runs) with different databases
# never share pages, while app servers of one site share them.
REDIS_URL = os.environ.get("REDIS_URL", "")
_database_identity = "|".join(str(DATABASES["default"].get(part, "")) for part in ("ENGINE", "HOST", "PORT", "NAME"))
CACHE_KEY_PREFIX = os.environ.get("MSINFO_CACHE_KEY_PREFIX") or (
    "msinfo-" + hashlib.sha256(_database_identity.encode()).hexdigest()[:12]
)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": Path(os.environ.get("MSINFO_CACHE_DIR") or BASE_DIR / "var" / "cache"),
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
# The longest an anonymous page is served from the cache (seconds); a change
# or a scheduled go-live or expiry replaces it sooner. 0 turns the page cache
# off, the default with DEBUG on, so a template being edited shows at once.
PAGE_CACHE_SECONDS = env_whole_number("MSINFO_PAGE_CACHE_SECONDS", "0" if DEBUG else "600")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Catches what the one above misses: "mary.jones2026!", "Senoj.yram-123".
    {"NAME": "accounts.password_validation.UsernameInPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded images (images/) and their resized copies. By default files in
# MSINFO_MEDIA_DIR (default var/media), at /media/. With MEDIA_S3_BUCKET set,
# an S3-compatible bucket instead (django-storages), which every app server
# shares; credentials come from the usual AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY (or the server's role). Files are public by address:
# each address is random and appears only in approved pages (docs/images.md).
MEDIA_ROOT = Path(os.environ.get("MSINFO_MEDIA_DIR") or BASE_DIR / "var" / "media")
MEDIA_URL = "/media/"
# msinfo/media.py explains each setting.
MEDIA_STORAGE, MEDIA_ORIGIN = media_storage(
    bucket=os.environ.get("MEDIA_S3_BUCKET", ""),
    endpoint_url=os.environ.get("MEDIA_S3_ENDPOINT_URL", ""),
    custom_domain=os.environ.get("MEDIA_S3_CUSTOM_DOMAIN", ""),
    region=os.environ.get("MEDIA_S3_REGION", ""),
)
# sorl-thumbnail (images/renditions.py): the resized copies go beside the
# originals, under names made from the original's random one. Its record of
# what it made lives in the database and the cache.
THUMBNAIL_PREFIX = "images/renditions/"
THUMBNAIL_DEBUG = False
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# History rows say in full who wrote a text and who approved it.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGIN_URL = "admin:login"
# Where a login goes when its ?next= is missing or points off the site.
LOGIN_REDIRECT_URL = "admin:index"

# Staff accounts (accounts/). django-axes' backend comes first so a locked-out
# account or address is refused before its password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# After this many failed logins (wrong passwords and wrong two-factor codes
# alike), the account, and separately the address they came from, are locked
# for MSINFO_LOGIN_LOCKOUT_MINUTES after the last failure. A successful login clears the count.
AXES_FAILURE_LIMIT = env_whole_number("MSINFO_LOGIN_FAILURE_LIMIT", "5")
MSINFO_LOGIN_LOCKOUT_MINUTES = env_whole_number("MSINFO_LOGIN_LOCKOUT_MINUTES", "15")
if AXES_FAILURE_LIMIT < 1 or MSINFO_LOGIN_LOCKOUT_MINUTES < 1:
    raise ImproperlyConfigured("MSINFO_LOGIN_FAILURE_LIMIT and MSINFO_LOGIN_LOCKOUT_MINUTES must be 1 or more.")
AXES_COOLOFF_TIME = timedelta(minutes=MSINFO_LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# Attempts during a lockout do not extend it, so "locked for 15 minutes" is true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip_address"
# The failure log names the username and address (operators need both);
# passwords, and codes typed at the second step, are never written down.
AXES_SENSITIVE_PARAMETERS = ["code"]
# How many proxies in front of the site append to X-Forwarded-For: the client
# address for the lockout is that many entries from the right. Behind a
# TLS-terminating proxy (DJANGO_SECURE_PROXY_SSL_HEADER) the default is one;
# otherwise the header is ignored, since anyone can send it.
MSINFO_TRUSTED_PROXY_COUNT = env_whole_number(
    "MSINFO_TRUSTED_PROXY_COUNT", "1" if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER") else "0"
)
# Who must sign in with a second factor: any of superusers, reviewers (the
# Medical reviewers group), staff (everyone with admin access). Empty: nobody
# must, anyone may.
MSINFO_TWO_FACTOR_REQUIRED_FOR = env_list("MSINFO_TWO_FACTOR_REQUIRED_FOR", "superusers,reviewers")
if unknown := set(MSINFO_TWO_FACTOR_REQUIRED_FOR) - {"superusers", "reviewers", "staff"}:
    raise ImproperlyConfigured(
        f"MSINFO_TWO_FACTOR_REQUIRED_FOR may list superusers, reviewers and staff; it has {', '.join(sorted(unknown))}."
    )
# The name authenticator apps show next to the codes.
OTP_TOTP_ISSUER = "MS treatment information"
# A staff session unused for this long is signed out.
MSINFO_STAFF_IDLE_TIMEOUT_MINUTES = env_whole_number("MSINFO_STAFF_IDLE_TIMEOUT_MINUTES", "120")
if MSINFO_STAFF_IDLE_TIMEOUT_MINUTES < 1:
    raise ImproperlyConfigured("MSINFO_STAFF_IDLE_TIMEOUT_MINUTES must be 1 or more.")

# Security: strict unless DEBUG is on. Behind a TLS-terminating proxy, set
# DJANGO_SECURE_PROXY_SSL_HEADER=1 so Django trusts X-Forwarded-Proto.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# A load balancer's health probe often speaks plain HTTP to the app directly.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Cookies only over HTTPS unless DEBUG. `make serve` turns this off for its
# plain-HTTP check on localhost; production leaves it on.
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy, enforced on every page, the admin included: everything
# comes from this site, with no inline script or style at all (our templates
# keep their styles in static CSS). Scripts get no nonce, because cached pages
# would carry a stale one. data: images are Bootstrap's CSS icons. Permissions-
# Policy and Cross-Origin-Resource-Policy are set by core.middleware.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        # MEDIA_ORIGIN: the S3 bucket's address, when images are kept there.
        "img-src": [SELF, "data:", *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        # Local development (DEBUG, plain http://127.0.0.1) must not be sent to https.
        "upgrade-insecure-requests": not DEBUG,
    }
}

# An estimate whose as-of date is older than this is flagged to readers and
# editors as possibly out of date.
PRICE_STALENESS_MONTHS = int(os.environ.get("MSINFO_PRICE_STALENESS_MONTHS", "12"))
# A price file's new row is flagged, and must be confirmed before it is applied,
# when its low or high differs from the current estimate by more than this
# percentage (up or down), or when its amounts (a year, in its own currency)
# fall outside the plausible range. A typo of 10× or a missing zero shows.
PRICE_CHANGE_THRESHOLD_PERCENT = env_decimal("MSINFO_PRICE_CHANGE_THRESHOLD_PERCENT", "50")
PRICE_PLAUSIBLE_MIN = env_decimal("MSINFO_PRICE_PLAUSIBLE_MIN", "100")
PRICE_PLAUSIBLE_MAX = env_decimal("MSINFO_PRICE_PLAUSIBLE_MAX", "1000000")
# Medical content is due for review this many months after its last review;
# editors may shorten it per item, never lengthen it.
REVIEW_INTERVAL_MONTHS = int(os.environ.get("MSINFO_REVIEW_INTERVAL_MONTHS", "12"))
# Readers' problem reports are listed in the admin. With addresses here
# (comma-separated), each new report is also emailed to them with Django's
# send_mail, through Django's email settings (by default a mail server on
# localhost, port 25); by default no mail is sent.
MSINFO_FEEDBACK_RECIPIENTS = env_list("MSINFO_FEEDBACK_EMAILS")
# Emerging-therapy sections and their agents: trial results and regulators'
# decisions change their facts fastest, so they are due for review sooner
# (an item may set a shorter interval still).
EMERGING_REVIEW_INTERVAL_MONTHS = int(os.environ.get("MSINFO_EMERGING_REVIEW_INTERVAL_MONTHS", "6"))
# The evidence watch (editorial/evidence/) asks the trial registry and DailyMed
# whether a cited trial or medicine label has changed, through the hardened
# fetcher (core.fetching): GET {CLINICALTRIALS_API_BASE}/studies/<NCT number>
# and GET {DAILYMED_API_BASE}/spls/<set ID>/history.json. Tests point them at a
# local server. Each lookup may take EVIDENCE_FETCH_TIMEOUT seconds at most.
CLINICALTRIALS_API_BASE = "https://clinicaltrials.gov/api/v2"
DAILYMED_API_BASE = "https://dailymed.nlm.nih.gov/dailymed/services/v2"
EVIDENCE_FETCH_TIMEOUT = 20
# The site's public address, e.g. https://ms-treatment.example.org, with no
# trailing slash: canonical links, feeds, sitemaps and the open data files
# name pages by it (core.site_url.absolute_url). Empty: the address the
# request came to, which is right for `make run` and tests.
SITE_URL = os.environ.get("MSINFO_SITE_URL", "").rstrip("/")
# The licence the open price data (/prices.csv, /prices.json, the history and
# the feeds) is offered under, named on /data/ and in the files. Empty: CC BY
# 4.0 (prices/open_data.py). The publisher must confirm it before launch.
# Days the search log (what readers searched for, per term and day, no
# personal data) keeps its counts; older days are deleted (search/log.py).
SEARCH_LOG_DAYS = env_whole_number("MSINFO_SEARCH_LOG_DAYS", "90")
MSINFO_DATA_LICENCE_NAME = os.environ.get("MSINFO_DATA_LICENCE_NAME", "")
MSINFO_DATA_LICENCE_URL = os.environ.get("MSINFO_DATA_LICENCE_URL", "")
# Admin price uploads wait here between their preview and their apply. A folder
# of this install (all web workers must share it), never a fixed /tmp path that
# two installs on one machine would share.
PRICE_IMPORT_STAGING_DIR = Path(os.environ.get("MSINFO_PRICE_UPLOAD_DIR") or BASE_DIR / "var" / "price-uploads")
# Request bodies: form fields past this much are refused. No page but the
# price upload and the image upload takes a file, so a file sent anywhere else
# is kept in memory up to FILE_UPLOAD_MAX_MEMORY_SIZE and otherwise dropped:
# nothing a visitor sends reaches the disk. Those two pages (core/uploads.py)
# add the temporary-file handler, for signed-in staff allowed to upload only,
# and stop reading a file at their own limit as it streams in; the proxy in
# front should cap bodies too.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler"]
# Django's default: the largest form on the site (a therapy's change page with
# its references, NDC mappings and newest estimates, or a change list action
# on a full page of rows) sends a few hundred fields, so this leaves room for
# long reference lists and still refuses a body built to exhaust the parser.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
# The price upload and the image upload take one file each; no other form takes any.
DATA_UPLOAD_MAX_NUMBER_FILES = 1
# core.middleware.RequestBodyLimitMiddleware refuses (413) any request that
# declares a longer body than this, before anything reads it; the price and
# image upload pages alone accept their own file limit plus this much.
MSINFO_MAX_REQUEST_BODY_BYTES = int(
    env_decimal("MSINFO_MAX_REQUEST_BODY_BYTES", str(DATA_UPLOAD_MAX_MEMORY_SIZE + 512 * 1024))
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Failed logins and lockouts are warnings; axes' routine notes on every
        # login (clean-ups, "BEGIN version") would drown them out. Successful
        # logins are in the admin's Access logs.
        "axes": {"level": "WARNING"},
    },
}
