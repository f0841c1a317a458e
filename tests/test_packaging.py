"""The built wheel carries what a host application needs and installs into a clean venv."""

import email
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """``python -m build --wheel``, as a release would (no isolation: the test extras have it)."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    return next(out.glob("uprest-*.whl"))


@pytest.mark.once
def test_wheel_carries_translations_and_migrations(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for locale in ("sv", "it", "lv", "et"):
        assert f"uprest/translations/{locale}/LC_MESSAGES/messages.mo" in names
        assert f"uprest/translations/{locale}/LC_MESSAGES/messages.po" in names
    assert "uprest/migrations/env.py" in names
    assert "uprest/curriculum/FORMAT.md" in names
    assert any(n.startswith("uprest/migrations/versions/") for n in names)
    assert "uprest/templates/uprest/base.html" in names
    assert "uprest/static/uprest.css" in names


@pytest.mark.once
def test_wheel_requires_only_what_the_plugin_needs(wheel):
    with zipfile.ZipFile(wheel) as archive:
        meta = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = email.message_from_bytes(archive.read(meta))
    hard = {r.split(";")[0] for r in metadata.get_all("Requires-Dist") if "extra ==" not in r}
    names = {r.split("[")[0].split(">")[0].split("<")[0].split("=")[0].strip() for r in hard}
    assert {"flask", "flask-sqlalchemy", "blinker", "itsdangerous"} <= names
    assert not names & {"gunicorn", "psycopg", "playwright", "flask-talisman", "redis"}
    extras = set(metadata.get_all("Provides-Extra"))
    assert {"server", "postgresql", "test"} <= extras
    assert metadata["Version"]  # from the git tag, or the fallback without one


@pytest.mark.once
def test_wheel_installs_into_a_clean_venv_and_runs_the_cli(wheel, tmp_path):
    target = tmp_path / "venv"
    venv.create(target, with_pip=True)
    python = target / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
    )
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))},
        "SECRET_KEY": "packaging test",  # outside debug mode UPREST refuses to start without
        "DATABASE_URL": f"sqlite:///{tmp_path / 'uprest.sqlite'}",
    }
    result = subprocess.run(
        [str(target / "bin" / "flask"), "--app", "uprest", "uprest", "--help"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    for command in ("db-upgrade", "seed-demo", "import-courses"):
        assert command in result.stdout
    upgraded = subprocess.run(
        [str(target / "bin" / "flask"), "--app", "uprest", "uprest", "db-upgrade"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert upgraded.returncode == 0, upgraded.stderr
