"""Cheap checks on what deploys the portal: the Dockerfile, .dockerignore and the README.

Docker itself cannot run here; these catch the obvious breakages.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def read(name):
    return (ROOT / name).read_text(encoding="utf-8")


def test_dockerfile_builds_on_python_slim_with_weasyprint_libraries():
    dockerfile = read("Dockerfile")
    assert re.search(r"^FROM python:3\.11-slim\b", dockerfile, re.M)
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz0b", "fonts-dejavu-core"):
        assert package in dockerfile
    assert "pip install -r requirements.txt" in dockerfile


def test_dockerfile_collects_static_migrates_and_runs_gunicorn_on_8000():
    dockerfile = read("Dockerfile")
    assert re.search(r"DEBUG=0 SECRET_KEY=\S+ python manage.py collectstatic --noinput", dockerfile)
    assert "manage.py migrate --noinput" in dockerfile
    assert "gunicorn partnership_portal.wsgi -b 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-3}" in dockerfile
    assert re.search(r"^EXPOSE 8000$", dockerfile, re.M)
    # Migrations come before gunicorn, which replaces the shell (signals reach it).
    command = re.search(r"^CMD (.*)$", dockerfile, re.M).group(1)
    assert command.index("migrate") < command.index("exec gunicorn")


def test_dockerfile_runs_as_an_unprivileged_user():
    users = re.findall(r"^USER (\S+)$", read("Dockerfile"), re.M)
    assert users and users[-1] not in ("root", "0")


def test_runtime_requirements_include_gunicorn_and_whitenoise():
    requirements = read("requirements.txt")
    assert re.search(r"^gunicorn==", requirements, re.M)
    assert re.search(r"^whitenoise==", requirements, re.M)


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_image():
    ignored = set(read(".dockerignore").split())
    assert {".git", ".venv", "db.sqlite3", "media", "staticfiles", ".env"} <= ignored


def settings_environment_variables():
    """Every environment variable partnership_portal/settings.py reads."""
    source = read("partnership_portal/settings.py")
    names = set(re.findall(r"""(?:os\.environ\.get|envbool|envint|envlist)\(\s*["']([A-Z0-9_]+)["']""", source))
    return names | {"DATABASE_URL"}  # read by dj_database_url.config()


def test_readme_documents_every_environment_variable_the_settings_read():
    readme = read("README.md")
    missing = sorted(name for name in settings_environment_variables() if f"`{name}`" not in readme)
    assert missing == [], f"README.md's configuration table lacks {missing}"


def test_readme_has_the_two_commands_and_the_benchmark_headings():
    readme = read("README.md")
    assert "make run" in readme and "make test" in readme
    assert "partnership-demo" in readme
    for heading in ("## Benchmarks", "### Year review", "### Load"):
        assert re.search(rf"^{re.escape(heading)}$", readme, re.M), heading


def test_every_make_target_in_the_readme_exists():
    targets = set(re.findall(r"^([a-z-]+):", read("Makefile"), re.M))
    mentioned = set(re.findall(r"`make ([a-z-]+)", read("README.md")))
    assert mentioned and mentioned <= targets, mentioned - targets


COLLECT_STATIC = """
import os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "partnership_portal.settings"
import django
from django.conf import settings
django.setup()
settings.STATIC_ROOT = sys.argv[1]
from django.core.management import call_command
call_command("collectstatic", interactive=False, verbosity=0)
"""


def test_static_files_collect_with_production_settings(tmp_path):
    """What the Dockerfile's build step does: hashed, compressed copies for whitenoise."""
    result = subprocess.run(
        [sys.executable, "-c", COLLECT_STATIC, str(tmp_path)],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "0", "SECRET_KEY": "build-time-only-not-a-secret"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    css = {path.name for path in (tmp_path / "css").iterdir()}
    assert any(re.fullmatch(r"portal\.[0-9a-f]{12}\.css\.gz", name) for name in css)
    assert (tmp_path / "staticfiles.json").exists()
