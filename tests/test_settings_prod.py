"""Production settings: refuse to start without their secrets; secure headers and a strict CSP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
HEADERS_SCRIPT = """
import json, django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
response = Client().get("/accounts/login/", secure=True, HTTP_HOST="govcheck.example.org")
print(json.dumps({"status": response.status_code, "headers": dict(response.headers),
                  "cookies": {k: dict(v) for k, v in response.cookies.items()}}))
"""


def _env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    # Only what production would have: the browser tests' async switch is not among it.
    left_out = ("SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in left_out}
    return (
        env
        | {
            "DJANGO_SETTINGS_MODULE": "govcheck.settings.prod",
            "SECRET_KEY": "a-production-secret-" + "k" * 40,
            "ALLOWED_HOSTS": "govcheck.example.org",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        }
        | overrides
    )


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_its_secrets(tmp_path: Path, missing: str) -> None:
    result = _run(_env(tmp_path, **{missing: ""}), "manage.py", "check")

    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


def test_production_passes_the_deployment_checks(tmp_path: Path) -> None:
    result = _run(_env(tmp_path), "manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr


def test_production_sends_hsts_secure_cookies_and_a_csp_without_inline_code(
    tmp_path: Path,
) -> None:
    env = _env(tmp_path, STATIC_ROOT=str(tmp_path / "static"))
    collected = _run(env, "manage.py", "collectstatic", "--no-input", "-v", "0")
    assert collected.returncode == 0, collected.stderr
    result = _run(env, "-c", HEADERS_SCRIPT)
    assert result.returncode == 0, result.stderr
    page = json.loads(result.stdout.strip().splitlines()[-1])

    headers = page["headers"]
    assert page["status"] == 200
    assert "max-age=31536000" in headers["Strict-Transport-Security"]
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert page["cookies"]["csrftoken"]["secure"] is True
