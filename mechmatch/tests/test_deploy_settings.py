"""Start-up settings, checked in fresh processes as a deployment would start: the production
block the README documents passes `check --deploy`, and without a key the web process does
not start."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

README = Path(settings.BASE_DIR, "README.md")


def _documented_production_environment() -> dict[str, str]:
    section = README.read_text().split("## Production", 1)[1]
    block = section.split("```sh", 1)[1].split("```", 1)[0]
    return dict(re.findall(r"^([A-Z_]+)=(\S*)$", block, re.M))


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return _run(["manage.py", *args], env)


def _python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return _run(["-c", code], {"DJANGO_SETTINGS_MODULE": "mechmatch.settings", **env})


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SECRET_KEY", "DEBUG", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_the_documented_production_settings():
    env = _documented_production_environment()
    assert env["DEBUG"] == "false" and "SECRET_KEY" in env
    env["SECRET_KEY"] = "k" * 10 + os.urandom(32).hex()  # a strong key stands in for the placeholder
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_without_a_secret_key_the_web_process_refuses_to_start_and_says_why():
    result = _python("import mechmatch.wsgi", env={"DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_with_a_secret_key_the_web_process_starts():
    assert _python("import mechmatch.wsgi", env={"DEBUG": "false", "SECRET_KEY": "x" * 60}).returncode == 0


def test_tools_that_only_read_settings_load_them_without_a_key():
    # mypy's Django plugin and `manage.py help` import the settings; they need no key.
    assert _python("import django; django.setup()", env={"DEBUG": "false"}).returncode == 0


def test_a_secret_key_file_is_generated_once_private_and_kept(tmp_path):
    key_file = tmp_path / "keys" / "secret-key"
    show = ["shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)"]
    first = _manage(*show, env={"SECRET_KEY_FILE": str(key_file)})
    second = _manage(*show, env={"SECRET_KEY_FILE": str(key_file)})
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout and len(first.stdout.strip()) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


@pytest.mark.parametrize("debug", ["true", "false"])
def test_manage_py_keeps_a_local_key_in_var(tmp_path, debug):
    result = _manage("check", env={"DEBUG": debug, "VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "secret-key").exists()


def test_debug_alone_keeps_a_local_key_in_var(tmp_path):
    result = _python("import mechmatch.wsgi", env={"DEBUG": "true", "VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "secret-key").exists()
