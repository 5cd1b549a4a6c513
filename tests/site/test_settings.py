"""The production settings (msinfo.settings) as a deployment meets them.

Each test imports the settings in a fresh interpreter with an environment it
states in full, because the settings are read from the environment once, at
import time, and the test suite itself runs on tests.settings."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]

# Read back from a fresh import of msinfo.settings; paths become strings.
SETTINGS_DUMP = """
import json
import msinfo.settings as s
print(json.dumps({
    "DEBUG": s.DEBUG,
    "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
    "DATABASE": s.DATABASES["default"],
    "MIDDLEWARE": s.MIDDLEWARE,
    "STORAGES": s.STORAGES,
}, default=str))
"""


def production_env(**overrides):
    """What a deployment sets, and nothing else from this machine's environment."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "example.org",
        "MSINFO_SITE_URL": "https://example.org",
    }
    env.update(overrides)
    return {name: value for name, value in env.items() if value is not None}


def run_python(args, env):
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )


def load_settings(**env_overrides):
    result = run_python(["-c", SETTINGS_DUMP], production_env(**env_overrides))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_missing_secret_key_stops_start_up_with_a_message_naming_it():
    result = run_python(["-c", "import msinfo.settings"], {"PATH": os.environ.get("PATH", "/usr/bin:/bin")})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_debug_is_off_when_nothing_asks_for_it():
    loaded = load_settings(DJANGO_ALLOWED_HOSTS=None)

    assert loaded["DEBUG"] is False
    assert loaded["ALLOWED_HOSTS"] == []


def test_debug_turns_on_only_when_asked_and_then_allows_localhost():
    loaded = load_settings(DJANGO_DEBUG="1", DJANGO_ALLOWED_HOSTS=None)

    assert loaded["DEBUG"] is True
    assert loaded["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1"]


def test_allowed_hosts_are_a_comma_separated_list():
    loaded = load_settings(DJANGO_ALLOWED_HOSTS=" example.org, www.example.org ,")

    assert loaded["ALLOWED_HOSTS"] == ["example.org", "www.example.org"]


def test_database_url_selects_postgresql():
    loaded = load_settings(DATABASE_URL="postgres://msinfo:pw@db.internal:5432/msinfo")

    database = loaded["DATABASE"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"], database["USER"]) == (
        "db.internal",
        5432,
        "msinfo",
        "msinfo",
    )


def test_without_database_url_the_data_lives_in_a_sqlite_file_in_the_project_folder():
    database = load_settings()["DATABASE"]

    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(database["NAME"]) == BASE_DIR / "db.sqlite3"


def test_whitenoise_serves_static_files_right_after_the_security_headers_are_set():
    middleware = load_settings()["MIDDLEWARE"]

    whitenoise = middleware.index("whitenoise.middleware.WhiteNoiseMiddleware")
    assert middleware[:whitenoise] == [
        "django.middleware.security.SecurityMiddleware",
        "csp.middleware.CSPMiddleware",
        "core.middleware.SecurityHeadersMiddleware",
        "core.middleware.AllowedMethodsMiddleware",
        "core.middleware.RequestBodyLimitMiddleware",
    ]


def test_production_static_files_are_compressed_and_named_by_content_hash():
    storages = load_settings()["STORAGES"]

    assert storages["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_deploy_checks_pass_without_warnings_in_a_production_environment(tmp_path):
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")

    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_checks_ask_for_the_sites_public_address(tmp_path):
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"

    unset = run_python(["manage.py", "check", "--deploy"], production_env(DATABASE_URL=database, MSINFO_SITE_URL=None))
    plain_http = run_python(
        ["manage.py", "check", "--deploy"], production_env(DATABASE_URL=database, MSINFO_SITE_URL="http://example.org")
    )

    assert "msinfo.W001" in unset.stderr + unset.stdout and "MSINFO_SITE_URL is not set" in unset.stderr + unset.stdout
    assert "msinfo.W002" in plain_http.stderr + plain_http.stdout
