"""Setting up on a laptop: load_demo prints the address really used, check_pdf says what PDFs need."""

import builtins
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[2]


def load_demo_output(**options):
    out = io.StringIO()
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def debug(db, settings):
    settings.DEBUG = True  # load_demo refuses to run without it


def test_load_demo_prints_port_8000_by_default(debug, monkeypatch):
    monkeypatch.delenv("PORT", raising=False)
    assert "Sign in at http://127.0.0.1:8000/accounts/login/" in load_demo_output()


def test_load_demo_prints_the_port_from_the_environment_or_the_option(debug, monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    assert "Sign in at http://127.0.0.1:8123/accounts/login/" in load_demo_output()
    assert "Sign in at http://127.0.0.1:9001/accounts/login/" in load_demo_output(port=9001)


@pytest.mark.parametrize("port", ["abc", "0", "70000", "８０００"])
def test_load_demo_refuses_a_port_that_is_not_one(debug, monkeypatch, port):
    monkeypatch.setenv("PORT", port)
    with pytest.raises(CommandError, match="PORT must be a number from 1 to 65535"):
        load_demo_output()


@pytest.mark.skipif(not shutil.which("make"), reason="make is not installed")
def test_make_run_gives_the_same_port_to_load_demo_and_the_server():
    def run_commands(*args):
        result = subprocess.run(["make", "-n", "run", *args], cwd=ROOT, capture_output=True, text=True, check=True)
        return result.stdout

    default = run_commands()
    assert "load_demo --port 8000" in default and "runserver 127.0.0.1:8000" in default
    other = run_commands("PORT=8123")
    assert "load_demo --port 8123" in other and "runserver 127.0.0.1:8123" in other
    assert "check_pdf" in default


def test_check_pdf_renders_a_pdf(capsys):
    out = io.StringIO()
    call_command("check_pdf", stdout=out)
    assert "PDFs work" in out.getvalue()


def test_check_pdf_says_what_to_install_when_weasyprint_cannot_load(monkeypatch):
    real_import = builtins.__import__

    def no_pango(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pango)
    with pytest.raises(CommandError) as refused:
        call_command("check_pdf")
    message = str(refused.value)
    assert "cannot load library 'libpango-1.0-0'" in message
    assert "sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core" in message
    assert "brew install pango" in message
    assert "Every other page works without them." in message
